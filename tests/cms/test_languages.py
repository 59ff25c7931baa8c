"""Citizens read every portal in the languages it offers, with a visible Vietnamese fallback."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from cms.languages import TranslationState, page_languages, page_url_in, translation_state
from cms.models import NewsPage
from tests.conftest import COMMUNE_HOST, DISTRICT_HOST, PROVINCE_HOST, host_client

BODY_VI = [("paragraph", "<p>Nội dung bài viết bằng tiếng Việt.</p>")]
BODY_EN = [("paragraph", "<p>The article’s text in English.</p>")]


def publish_news(portal_section, slug="hoi-nghi", *, english=True, **fields):
    page = NewsPage(
        title_vi="Hội nghị tổng kết năm 2025",
        slug=slug,
        summary_vi="Tóm tắt bằng tiếng Việt.",
        body_vi=BODY_VI,
        **fields,
    )
    if english:
        page.title_en = "Year-end review conference 2025"
        page.summary_en = "A summary in English."
        page.body_en = BODY_EN
    portal_section.add_child(instance=page)
    page.save_revision().publish()
    return NewsPage.objects.get(pk=page.pk)


@pytest.fixture
def commune_news(hai_duong):
    return hai_duong.section(hai_duong.commune, "news")


def offer(portal, codes):
    portal.languages = codes
    portal.save()


def test_article_is_shown_in_english_under_the_en_prefix(hai_duong, commune_news, commune_client):
    publish_news(commune_news)
    english = commune_client.get("/en/tin-tuc/hoi-nghi/")
    assert english.status_code == 200
    assert '<html lang="en">' in english.text
    assert "Year-end review conference 2025" in english.text
    assert "The article’s text in English." in english.text
    assert "Nội dung bài viết" not in english.text
    assert "not yet available" not in english.text

    vietnamese = commune_client.get("/tin-tuc/hoi-nghi/")
    assert '<html lang="vi">' in vietnamese.text
    assert "Hội nghị tổng kết năm 2025" in vietnamese.text


def test_missing_translation_shows_vietnamese_with_a_note_in_the_chosen_language(
    hai_duong, commune_news, commune_client
):
    publish_news(commune_news, english=False)
    response = commune_client.get("/en/tin-tuc/hoi-nghi/")
    assert response.status_code == 200
    assert "This article is not yet available in English" in response.text
    # The Vietnamese text is marked as Vietnamese inside the English page.
    assert '<h1 lang="vi">Hội nghị tổng kết năm 2025</h1>' in response.text
    assert '<div class="body" lang="vi">' in response.text
    assert '<p class="article__summary" lang="vi">' in response.text


def test_partly_translated_article_marks_only_the_missing_parts(
    hai_duong, commune_news, commune_client
):
    page = publish_news(commune_news)
    page.body_en = []
    page.save_revision().publish()
    response = commune_client.get("/en/tin-tuc/hoi-nghi/")
    assert "<h1>Year-end review conference 2025</h1>" in response.text
    assert '<div class="body" lang="vi">' in response.text
    assert "Parts of this page are not yet available in English" in response.text


def test_note_is_in_korean_on_a_korean_page(hai_duong, commune_news, commune_client):
    offer(hai_duong.commune, "vi,en,ko")
    publish_news(commune_news)
    response = commune_client.get("/ko/tin-tuc/hoi-nghi/")
    assert response.status_code == 200
    assert '<html lang="ko">' in response.text
    assert "한국어" in response.text
    assert "This article" not in response.text
    assert '<h1 lang="vi">' in response.text


def test_hreflang_lists_only_languages_the_page_really_has(hai_duong, commune_news, commune_client):
    offer(hai_duong.commune, "vi,en,ko")
    publish_news(commune_news)
    response = commune_client.get("/tin-tuc/hoi-nghi/")
    links = dict(
        re.findall(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">', response.text)
    )
    base = f"http://{COMMUNE_HOST}:8000"
    assert links == {
        "vi": f"{base}/tin-tuc/hoi-nghi/",
        "en": f"{base}/en/tin-tuc/hoi-nghi/",
        "x-default": f"{base}/tin-tuc/hoi-nghi/",
    }
    assert "noindex" not in response.text


def test_fallback_rendering_is_noindex_and_not_an_alternate(
    hai_duong, commune_news, commune_client
):
    publish_news(commune_news, english=False)
    english = commune_client.get("/en/tin-tuc/hoi-nghi/")
    assert '<meta name="robots" content="noindex, follow">' in english.text
    assert 'hreflang="en" href' not in english.text.split("</head>")[0]
    vietnamese = commune_client.get("/tin-tuc/hoi-nghi/")
    assert "noindex" not in vietnamese.text
    # A page that exists in one language only has no alternates at all.
    assert 'rel="alternate" hreflang' not in vietnamese.text


def test_search_engines_are_told_the_language_the_text_is_really_in(
    hai_duong, commune_news, commune_client
):
    publish_news(commune_news, english=False)
    fallback = commune_client.get("/en/tin-tuc/hoi-nghi/").text
    assert '<meta property="og:locale" content="vi_VN">' in fallback
    assert '"inLanguage": "vi"' in fallback
    publish_news(commune_news, slug="hoi-nghi-2")
    english = commune_client.get("/en/tin-tuc/hoi-nghi-2/").text
    assert '<meta property="og:locale" content="en_US">' in english
    assert '"inLanguage": "en"' in english


def test_switcher_lands_on_the_same_page_in_each_offered_language(
    hai_duong, commune_news, commune_client
):
    offer(hai_duong.commune, "vi,en,ko")
    publish_news(commune_news)
    response = commune_client.get("/en/tin-tuc/hoi-nghi/?page=2")
    switcher = response.text.split('class="language-switcher"')[1].split("</nav>")[0]
    assert 'href="/tin-tuc/hoi-nghi/?page=2" hreflang="vi" lang="vi">Tiếng Việt</a>' in switcher
    assert 'href="/ko/tin-tuc/hoi-nghi/?page=2" hreflang="ko" lang="ko"' in switcher
    assert '<span aria-current="true" lang="en">English</span>' in switcher
    assert "zh-hans" not in switcher
    for link in re.findall(r'href="([^"]+)"', switcher):
        assert commune_client.get(link).status_code == 200


def test_switcher_on_portal_home_links_to_the_prefixed_home(hai_duong, province_client):
    response = province_client.get("/")
    assert 'href="/en/" hreflang="en"' in response.text
    english = province_client.get("/en/")
    assert english.status_code == 200
    assert "Hải Dương Province" in english.text


def test_language_not_offered_by_the_portal_is_404(hai_duong, commune_news, commune_client):
    publish_news(commune_news)
    assert commune_client.get("/ko/tin-tuc/hoi-nghi/").status_code == 404
    assert commune_client.get("/zh-hans/").status_code == 404
    offer(hai_duong.commune, "vi,en,ko")
    assert commune_client.get("/ko/tin-tuc/hoi-nghi/").status_code == 200


def test_portal_offer_is_inherited_from_the_portal_above(hai_duong, commune_news, commune_client):
    publish_news(commune_news)
    offer(hai_duong.district, "vi,en,ko")
    assert commune_client.get("/ko/tin-tuc/hoi-nghi/").status_code == 200
    assert host_client(DISTRICT_HOST).get("/ko/").status_code == 200
    assert host_client(PROVINCE_HOST).get("/ko/").status_code == 404


def test_portal_can_offer_vietnamese_only(hai_duong, commune_client):
    offer(hai_duong.commune, "vi")
    assert commune_client.get("/en/").status_code == 404
    response = commune_client.get("/")
    assert response.status_code == 200
    assert 'class="language-switcher"' not in response.text


@pytest.mark.parametrize("path", ["/xx/", "/ja/", "/EN/", "/fr/tin-tuc/", "/en-gb/", "/zh/"])
def test_unknown_language_prefix_is_404(hai_duong, commune_client, path):
    assert commune_client.get(path).status_code == 404


def test_page_url_in_a_language_is_its_canonical_url_with_the_prefix(hai_duong, commune_news):
    page = publish_news(commune_news)
    base = f"http://{COMMUNE_HOST}:8000"
    assert page_url_in(page, "vi") == f"{base}/tin-tuc/hoi-nghi/"
    assert page_url_in(page, "en") == f"{base}/en/tin-tuc/hoi-nghi/"
    assert page_url_in(hai_duong.province, "en") == f"http://{PROVINCE_HOST}:8000/en/"


def test_page_languages_are_the_offered_languages_it_is_written_in(hai_duong, commune_news):
    offer(hai_duong.commune, "vi,en,ko")
    page = publish_news(commune_news)
    assert page_languages(page) == ["vi", "en"]
    assert translation_state(page, "ko") is TranslationState.MISSING
    untranslated = publish_news(commune_news, slug="chua-dich", english=False)
    assert page_languages(untranslated) == ["vi"]


def test_switching_language_adds_no_query(hai_duong, commune_news, commune_client):
    offer(hai_duong.commune, "vi,en,ko")
    publish_news(commune_news)
    publish_news(commune_news, slug="chua-dich", english=False)
    counts = {}
    for path in (
        "/tin-tuc/hoi-nghi/",
        "/en/tin-tuc/hoi-nghi/",
        "/ko/tin-tuc/hoi-nghi/",
        "/en/tin-tuc/chua-dich/",
        "/tin-tuc/",
        "/en/tin-tuc/",
        "/ko/tin-tuc/",
    ):
        commune_client.get(path)  # warm the per-process site index
        with CaptureQueriesContext(connection) as queries:
            assert commune_client.get(path).status_code == 200
        counts[path] = len(queries)
    assert counts["/en/tin-tuc/hoi-nghi/"] == counts["/tin-tuc/hoi-nghi/"]
    assert counts["/ko/tin-tuc/hoi-nghi/"] == counts["/tin-tuc/hoi-nghi/"]
    assert counts["/en/tin-tuc/chua-dich/"] == counts["/tin-tuc/hoi-nghi/"]
    assert counts["/en/tin-tuc/"] == counts["/tin-tuc/"] == counts["/ko/tin-tuc/"]


def test_fallback_reads_no_query_per_field(hai_duong, commune_news):
    page = publish_news(commune_news, english=False)
    with CaptureQueriesContext(connection) as queries, translation.override("en"):
        assert page.title == "Hội nghị tổng kết năm 2025"
        assert page.summary == "Tóm tắt bằng tiếng Việt."
        assert len(page.body) == 1
        assert translation_state(page, "en") is TranslationState.MISSING
    assert len(queries) == 0
