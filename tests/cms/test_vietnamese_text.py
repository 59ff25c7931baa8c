"""Vietnamese text is stored NFC; slugs are ASCII with diacritics folded, on the server."""

import unicodedata

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from cms.models import NewsPage, SectionPage
from sites.hosts import ascii_slug


def nfd(text):
    return unicodedata.normalize("NFD", text)


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("Cẩm Hưng", "cam-hung"),
        ("Đường làng Đông Đoài", "duong-lang-dong-doai"),
        ("Hòa Bình", "hoa-binh"),
        ("Hoà Bình", "hoa-binh"),
        ("Ủy ban nhân dân", "uy-ban-nhan-dan"),
        ("Uỷ ban nhân dân", "uy-ban-nhan-dan"),
        (nfd("Cẩm Hưng"), "cam-hung"),
    ],
)
def test_slug_folds_diacritics_to_ascii(text, slug):
    assert ascii_slug(text) == slug


def test_page_text_is_stored_nfc_whatever_form_it_arrives_in(hai_duong):
    section = hai_duong.section(hai_duong.commune, "news")
    page = NewsPage(
        title=nfd("Hội nghị Uỷ ban"),
        slug="hoi-nghi",
        summary_vi=nfd("Tóm tắt tiếng Việt"),
        summary_en=nfd("Café"),
        body_vi=[("paragraph", nfd("<p>Nội dung đầy đủ</p>"))],
    )
    section.add_child(instance=page)
    page.save_revision().publish()
    stored = NewsPage.objects.get(pk=page.pk)
    for value in (stored.title_vi, stored.summary_vi, stored.summary_en, stored.draft_title):
        assert unicodedata.is_normalized("NFC", value), value
    assert stored.title_vi == "Hội nghị Uỷ ban"
    assert stored.body_vi[0].value.source == "<p>Nội dung đầy đủ</p>"
    revision = stored.latest_revision.content
    assert unicodedata.is_normalized("NFC", revision["summary_vi"])


def test_page_saved_from_code_without_slug_gets_a_folded_one(hai_duong):
    section = hai_duong.section(hai_duong.commune, "news")
    page = NewsPage(title="Đường làng Cẩm Hưng")
    section.add_child(instance=page)
    assert page.slug == "duong-lang-cam-hung"


def test_slug_with_diacritics_is_folded_when_saved_from_code(hai_duong):
    section = hai_duong.section(hai_duong.commune, "news")
    page = NewsPage(title="Tin", slug="Tin-Hòa-Bình")
    section.add_child(instance=page)
    assert NewsPage.objects.get(pk=page.pk).slug == "tin-hoa-binh"


@pytest.fixture
def admin_client(hai_duong):
    user = get_user_model().objects.create_superuser("quantri", "qt@example.invalid", "matkhau")
    client = Client(HTTP_HOST="haiduong.localhost:8000")
    client.force_login(user)
    return client


def _news_form(title, slug, **extra):
    data = {
        "title_vi": title,
        "slug": slug,
        "date": "2026-01-15",
        "summary_vi": "",
        "audience": "own",
        "audience_targets-TOTAL_FORMS": "0",
        "audience_targets-INITIAL_FORMS": "0",
        "audience_targets-MIN_NUM_FORMS": "0",
        "audience_targets-MAX_NUM_FORMS": "1000",
        "comments-TOTAL_FORMS": "0",
        "comments-INITIAL_FORMS": "0",
        "comments-MIN_NUM_FORMS": "0",
        "comments-MAX_NUM_FORMS": "1000",
    }
    data["attachments-count"] = "0"
    for language in ("vi", "en", "zh_hans", "ko"):
        data[f"body_{language}-count"] = "0"
    data.update(extra)
    return data


def test_admin_folds_a_slug_posted_with_diacritics_when_javascript_is_bypassed(
    hai_duong, admin_client
):
    section = hai_duong.section(hai_duong.commune, "news")
    response = admin_client.post(
        f"/admin/pages/add/cms/newspage/{section.pk}/",
        _news_form("Cẩm Hưng đón Tết", "Cẩm Hưng đón Tết"),
    )
    assert response.status_code == 302, response.context["form"].errors
    page = NewsPage.objects.child_of(section).get(title_vi="Cẩm Hưng đón Tết")
    assert page.slug == "cam-hung-don-tet"


def test_both_tone_mark_placements_collide_as_the_same_slug(hai_duong, admin_client):
    section = hai_duong.section(hai_duong.commune, "news")
    first = admin_client.post(
        f"/admin/pages/add/cms/newspage/{section.pk}/", _news_form("Hòa giải", "Hòa giải")
    )
    assert first.status_code == 302
    second = admin_client.post(
        f"/admin/pages/add/cms/newspage/{section.pk}/", _news_form("Hoà giải", "Hoà giải")
    )
    assert second.status_code == 200
    assert "slug" in second.context["form"].errors
    assert (
        SectionPage.objects.get(pk=section.pk).get_children().filter(slug="hoa-giai").count() == 1
    )
