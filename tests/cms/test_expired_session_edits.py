"""An editor whose session expires while writing loses nothing: Wagtail 8's autosave keeps what
was typed before, the kept form (cms/expired_session_edits.py) what was typed after."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Page

from cms.models import NewsPage
from tests.fuzz.harness import main_form_fields

PASSWORD = "Mật-khẩu-biên-tập-2026"
LOGIN_URL = "/admin/account/login/"


@pytest.fixture
def news(hai_duong):
    section = hai_duong.section(hai_duong.commune, "news")
    page = section.add_child(
        instance=NewsPage(title="Cẩm Hưng tổ chức hội nghị", slug="hoi-nghi", summary="Bản đầu.")
    )
    page.save_revision().publish()
    return page


@pytest.fixture
def editor(db):
    return get_user_model().objects.create_superuser("camhung.bientap", "b@x.vn", PASSWORD)


@pytest.fixture
def client(editor):
    client = Client()
    client.force_login(editor)
    return client


def edit_form(client, page) -> dict[str, list[str]]:
    response = client.get(f"/admin/pages/{page.pk}/edit/")
    assert response.status_code == 200
    form: dict[str, list[str]] = {}
    for name, value in main_form_fields(response.text):
        form.setdefault(name, []).append(value)
    return form


def with_summary(form, summary):
    return {**form, "summary_vi": [summary]}


def expire_session(client):
    Session.objects.filter(session_key=client.session.session_key).delete()


def sign_in_again(client, login_url=LOGIN_URL):
    response = client.post(
        login_url,
        {
            "login_view-current_step": "auth",
            "auth-username": "camhung.bientap",
            "auth-password": PASSWORD,
        },
    )
    assert response.status_code == 302
    return response


def draft_summary(page):
    return Page.objects.get(pk=page.pk).get_latest_revision_as_object().summary


def test_autosave_keeps_every_change_as_a_revision_while_the_session_lives(client, news):
    form = edit_form(client, news)
    response = client.post(
        f"/admin/pages/{news.pk}/edit/",
        with_summary(form, "Viết dở lúc 9 giờ."),
        HTTP_ACCEPT="application/json",
    )
    assert response.status_code == 200 and response.json()["success"] is True
    assert draft_summary(news) == "Viết dở lúc 9 giờ."
    assert NewsPage.objects.get(pk=news.pk).summary == "Bản đầu."  # still a draft


def test_an_open_editor_keeps_the_session_alive(client, news):
    edit_form(client, news)
    session_key = client.session.session_key
    # Two minutes before the session would expire, the editor's background ping (every 10 s)
    # renews it for another SESSION_COOKIE_AGE (any request does).
    almost_expired = timezone.now() + timedelta(minutes=2)
    Session.objects.filter(pk=session_key).update(expire_date=almost_expired)
    client.post(
        reverse(
            "wagtailadmin_editing_sessions:ping",
            args=("wagtailcore", "page", news.pk, 0),
        ),
        {"is_editing": "1"},
    )
    renewed = Session.objects.get(pk=session_key).expire_date
    assert renewed > almost_expired + timedelta(hours=11)


def test_text_autosaved_before_the_session_expired_is_there_after_signing_in(client, news):
    form = edit_form(client, news)
    client.post(
        f"/admin/pages/{news.pk}/edit/",
        with_summary(form, "Đoạn đã tự lưu."),
        HTTP_ACCEPT="application/json",
    )
    expire_session(client)
    response = client.get(f"/admin/pages/{news.pk}/edit/")
    assert response.status_code == 302 and response["Location"].startswith(LOGIN_URL)
    sign_in_again(client)
    assert "Đoạn đã tự lưu." in client.get(f"/admin/pages/{news.pk}/edit/").text


def test_save_after_the_session_expired_is_kept_and_saved_as_a_draft_after_signing_in(client, news):
    form = edit_form(client, news)
    expire_session(client)
    response = client.post(
        f"/admin/pages/{news.pk}/edit/", with_summary(form, "Viết sau khi hết phiên.")
    )
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN_URL)
    assert draft_summary(news) == "Bản đầu."  # nothing saved without a signed-in user

    next_url = sign_in_again(client, response["Location"])["Location"]
    assert next_url == f"/admin/pages/{news.pk}/edit/"
    response = client.get(next_url, follow=True)
    assert response.status_code == 200
    assert "Viết sau khi hết phiên." in response.text
    # The admin speaks Vietnamese by default: "…have been saved as a draft".
    assert "đã được lưu thành bản nháp" in response.text
    assert draft_summary(news) == "Viết sau khi hết phiên."
    assert NewsPage.objects.get(pk=news.pk).summary == "Bản đầu."  # not published
    # Kept once: opening the editor again does not save again.
    revisions = news.revisions.count()
    client.get(next_url)
    assert news.revisions.count() == revisions


def test_a_publish_after_the_session_expired_is_replayed_as_a_draft_only(client, news):
    form = edit_form(client, news)
    expire_session(client)
    client.post(
        f"/admin/pages/{news.pk}/edit/",
        {**with_summary(form, "Bản định xuất bản."), "action-publish": ["action-publish"]},
    )
    sign_in_again(client)
    client.get(f"/admin/pages/{news.pk}/edit/")
    assert draft_summary(news) == "Bản định xuất bản."
    assert NewsPage.objects.get(pk=news.pk).summary == "Bản đầu."


def test_autosave_after_the_session_expired_says_so_and_is_kept(client, news):
    form = edit_form(client, news)
    expire_session(client)
    response = client.post(
        f"/admin/pages/{news.pk}/edit/",
        with_summary(form, "Tự lưu thất bại."),
        HTTP_ACCEPT="application/json",
    )
    assert response.status_code == 401
    assert response.json()["error_code"] == "session_expired"
    sign_in_again(client)
    client.get(f"/admin/pages/{news.pk}/edit/")
    assert draft_summary(news) == "Tự lưu thất bại."


def test_a_new_page_written_after_the_session_expired_is_created_as_a_draft(client, hai_duong):
    section = hai_duong.section(hai_duong.commune, "news")
    url = f"/admin/pages/add/cms/newspage/{section.pk}/"
    response = client.get(url)
    form: dict[str, list[str]] = {}
    for name, value in main_form_fields(response.text):
        form.setdefault(name, []).append(value)
    title_field = "title_vi" if "title_vi" in form else "title"
    form.update({title_field: ["Tin mới viết"], "slug": ["tin-moi-viet"]})
    expire_session(client)
    assert client.post(url, form)["Location"].startswith(LOGIN_URL)
    sign_in_again(client)
    client.get(url)
    page = NewsPage.objects.get(slug="tin-moi-viet")
    assert not page.live and page.has_unpublished_changes
