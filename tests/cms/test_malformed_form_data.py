"""A form post that cannot even be read (fields the editor's JavaScript always sends are missing
or garbled) gets 400 Bad Request, not a server error, and saves nothing."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from cms.malformed_form_data import raised_while_reading_form_data
from cms.models import NewsPage
from tests.fuzz.harness import main_form_fields


@pytest.fixture
def editor_client(hai_duong):
    user = get_user_model().objects.create_superuser("camhung.bientap", "b@x.vn", "x")
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def news(hai_duong):
    section = hai_duong.section(hai_duong.commune, "news")
    page = section.add_child(instance=NewsPage(title="Tin gốc", slug="tin-goc"))
    page.save_revision().publish()
    return page


def edit_form(client, page):
    form: dict[str, list[str]] = {}
    for name, value in main_form_fields(client.get(f"/admin/pages/{page.pk}/edit/").text):
        form.setdefault(name, []).append(value)
    return form


@pytest.mark.parametrize("count", [None, "abc", "", "1e3", "99999999999999999999"])
def test_garbled_stream_field_count_is_a_bad_request(editor_client, news, count):
    form = edit_form(editor_client, news)
    assert "body_vi-count" in form
    revisions = news.revisions.count()
    form["title_vi"] = ["Tiêu đề đổi"]
    if count is None:
        del form["body_vi-count"]
    else:
        form["body_vi-count"] = [count]
    response = editor_client.post(f"/admin/pages/{news.pk}/edit/", form)
    assert response.status_code in (200, 400)  # a form error or a bad request, never a 500
    assert news.revisions.count() == revisions
    assert NewsPage.objects.get(pk=news.pk).title == "Tin gốc"


def test_missing_stream_field_count_is_answered_400(editor_client, news):
    form = edit_form(editor_client, news)
    del form["body_vi-count"]
    assert editor_client.post(f"/admin/pages/{news.pk}/edit/", form).status_code == 400


def test_only_errors_raised_while_reading_form_data_are_mapped():
    def value_from_datadict(data):
        return int(data["body-count"])

    def save(page):
        raise ValueError("a real bug, which must stay a server error")

    with pytest.raises(KeyError) as reading:
        value_from_datadict({})
    with pytest.raises(ValueError) as saving:
        save(None)
    assert raised_while_reading_form_data(reading.value)
    assert not raised_while_reading_form_data(saving.value)


def test_listing_filter_with_an_id_too_large_for_the_database_is_not_a_server_error(
    editor_client, hai_duong
):
    section = hai_duong.section(hai_duong.commune, "news")
    response = editor_client.get(f"/admin/pages/{section.pk}/", {"owner": "1" + "0" * 30})
    # SQLite cannot bind the number (400 here); PostgreSQL compares it and finds no owner (200).
    assert response.status_code in (200, 400)


def test_next_that_is_not_a_local_path_is_ignored(editor_client, news):
    form = edit_form(editor_client, news)
    form["next"] = ["inf"]  # Wagtail would take it for a URL pattern name
    response = editor_client.post(f"/admin/pages/{news.pk}/edit/", form)
    assert response.status_code == 302
    assert response["Location"] == f"/admin/pages/{news.pk}/edit/"


@pytest.fixture
def group(hai_duong):
    from django.contrib.auth.models import Group

    return Group.objects.filter(name__contains="Cẩm Hưng").order_by("pk").first()


def group_form(client, group):
    form: dict[str, list[str]] = {}
    for name, value in main_form_fields(client.get(f"/admin/groups/edit/{group.pk}/").text):
        form.setdefault(name, []).append(value)
    return form


def test_a_formset_claiming_thousands_of_rows_it_does_not_send_is_refused(editor_client, group):
    form = group_form(editor_client, group)
    counts = [name for name in form if name.endswith("-TOTAL_FORMS")]
    assert counts, "the group form has its permission formsets"
    form[counts[0]] = ["2000"]  # re-shown with errors, it would render 2,000 empty rows
    form["name"] = ["Nhóm đổi tên"]
    response = editor_client.post(f"/admin/groups/edit/{group.pk}/", form)
    assert response.status_code == 400
    group.refresh_from_db()
    assert group.name != "Nhóm đổi tên"


def test_the_group_form_as_the_browser_sends_it_still_saves(editor_client, group):
    form = group_form(editor_client, group)
    assert any(int(form[name][0]) > 0 for name in form if name.endswith("-TOTAL_FORMS"))
    form["name"] = ["Biên tập viên Xã Cẩm Hưng (đổi tên)"]
    response = editor_client.post(f"/admin/groups/edit/{group.pk}/", form)
    assert response.status_code == 302, response.text[:2000]
    group.refresh_from_db()
    assert group.name == "Biên tập viên Xã Cẩm Hưng (đổi tên)"
