"""Editors see which translations are missing, partial or older than the Vietnamese text."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from cms.languages import TranslationState
from cms.models import NewsPage, TranslationChange
from cms.translation_status import language_statuses


@pytest.fixture
def editor_client(hai_duong):
    user = get_user_model().objects.create_superuser("bientap", "bt@example.invalid", "matkhau")
    client = Client(HTTP_HOST="haiduong.localhost:8000")
    client.force_login(user)
    return client


def news(section, slug="tin", **fields):
    page = NewsPage(title_vi="Tin tiếng Việt", slug=slug, summary_vi="Tóm tắt.", **fields)
    section.add_child(instance=page)
    page.save_revision().publish()
    return page


def later(page, minutes, **changes):
    """Save a new revision of `page` `minutes` after its last one."""
    for name, value in changes.items():
        setattr(page, name, value)
    revision = page.save_revision()
    revision.created_at = revision.created_at + datetime.timedelta(minutes=minutes)
    revision.save()
    return revision


def statuses(page):
    with translation.override("en"):
        return {s.code: s for s in language_statuses(NewsPage.objects.get(pk=page.pk))}


def test_untranslated_page_is_missing_in_every_offered_language(hai_duong):
    hai_duong.commune.languages = "vi,en,ko"
    hai_duong.commune.save()
    page = news(hai_duong.section(hai_duong.commune, "news"))
    result = statuses(page)
    assert set(result) == {"en", "ko"}
    assert result["en"].state is TranslationState.MISSING
    with translation.override("en"):
        assert result["en"].label == "not translated"


def test_translation_written_with_the_vietnamese_is_up_to_date(hai_duong):
    page = news(
        hai_duong.section(hai_duong.commune, "news"), title_en="English news", summary_en="Sum."
    )
    status = statuses(page)["en"]
    assert status.state is TranslationState.COMPLETE
    assert not status.outdated
    assert not status.needs_work


def test_translation_is_outdated_after_the_vietnamese_text_changes(hai_duong):
    page = news(
        hai_duong.section(hai_duong.commune, "news"), title_en="English news", summary_en="Sum."
    )
    later(page, 5, summary_vi="Tóm tắt đã sửa.")
    status = statuses(page)["en"]
    assert status.outdated
    with translation.override("en"):
        assert status.label == "older than the Vietnamese text"
    assert status.changed_at < status.source_changed_at
    later(page, 10, summary_en="Summary, updated.")
    assert not statuses(page)["en"].outdated


def test_changing_only_the_english_text_does_not_outdate_anything(hai_duong):
    page = news(
        hai_duong.section(hai_duong.commune, "news"), title_en="English news", summary_en="Sum."
    )
    vi_before = TranslationChange.objects.get(page=page, language="vi").changed_at
    later(page, 5, title_en="English news, corrected")
    assert TranslationChange.objects.get(page=page, language="vi").changed_at == vi_before
    assert not statuses(page)["en"].outdated


def test_partly_translated_page_names_the_missing_fields(hai_duong):
    page = news(hai_duong.section(hai_duong.commune, "news"), title_en="English news")
    status = statuses(page)["en"]
    assert status.state is TranslationState.PARTIAL
    assert status.missing_fields == ["summary"]


def test_page_editor_shows_each_language_status(hai_duong, editor_client):
    page = news(
        hai_duong.section(hai_duong.commune, "news"), title_en="English news", summary_en="Sum."
    )
    later(page, 5, summary_vi="Tóm tắt đã sửa.")
    response = editor_client.get(f"/admin/pages/{page.pk}/edit/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "translation-status" in html
    assert "English" in html
    # The admin speaks Vietnamese by default.
    assert "cũ hơn bản tiếng Việt" in html


def test_page_listing_marks_translations_that_need_work(hai_duong, editor_client):
    section = hai_duong.section(hai_duong.commune, "news")
    news(section, "da-dich", title_en="English news", summary_en="Sum.")
    news(section, "chua-dich")
    response = editor_client.get(f"/admin/pages/{section.pk}/")
    html = response.content.decode()
    assert html.count("EN: chưa dịch") == 1


def test_page_listing_status_costs_no_query_per_row(hai_duong, editor_client):
    section = hai_duong.section(hai_duong.commune, "news")
    news(section, "mot")
    editor_client.get(f"/admin/pages/{section.pk}/")
    with CaptureQueriesContext(connection) as one_row:
        editor_client.get(f"/admin/pages/{section.pk}/")
    for number in range(5):
        news(section, f"them-{number}")
    editor_client.get(f"/admin/pages/{section.pk}/")
    with CaptureQueriesContext(connection) as six_rows:
        html = editor_client.get(f"/admin/pages/{section.pk}/").content.decode()
    assert html.count("EN: chưa dịch") == 6
    # Wagtail's own listing costs a few queries per row; the status adds none.
    without_status = _listing_queries_without_status(editor_client, section)
    assert len(six_rows) - len(one_row) == without_status


def _listing_queries_without_status(client, section):
    from wagtail import hooks

    from cms import translation_status

    registry = hooks._hooks["register_page_listing_buttons"]
    saved = list(registry)
    registry[:] = [h for h in saved if h[0] is not translation_status.listing_buttons]
    try:
        client.get(f"/admin/pages/{section.pk}/")
        with CaptureQueriesContext(connection) as six:
            client.get(f"/admin/pages/{section.pk}/")
        extra = list(NewsPage.objects.child_of(section).order_by("-pk")[:5])
        for page in extra:
            page.delete()
        client.get(f"/admin/pages/{section.pk}/")
        with CaptureQueriesContext(connection) as one:
            client.get(f"/admin/pages/{section.pk}/")
    finally:
        registry[:] = saved
    return len(six) - len(one)


def test_pages_without_revisions_have_no_times_and_are_not_outdated(hai_duong):
    section = hai_duong.section(hai_duong.commune, "news")
    assert not TranslationChange.objects.filter(page=section).exists()
    status = {s.code: s for s in language_statuses(section)}["en"]
    assert status.state is TranslationState.COMPLETE  # provisioning gave it an English title
    assert not status.outdated


def test_translation_times_follow_the_revision_that_changed_them(hai_duong):
    page = news(hai_duong.section(hai_duong.commune, "news"))
    assert set(TranslationChange.objects.filter(page=page).values_list("language", flat=True)) == {
        "vi"
    }
    revision = later(page, 3, title_en="English")
    change = TranslationChange.objects.get(page=page, language="en")
    assert abs(change.changed_at - revision.created_at) < datetime.timedelta(seconds=1)
    assert change.changed_at <= timezone.now() + datetime.timedelta(minutes=4)
