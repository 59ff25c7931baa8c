"""Citizen search on a portal: Vietnamese typed any way, the portal's scope, languages, bad input
(cms.search, cms.search_index). Runs on SQLite and PostgreSQL (their full-text engines differ)."""

import datetime
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cms.models import Audience, LegalDocumentPage, NewsPage
from cms.vietnamese_text import search_words
from sites.models import PortalPage
from tests.cms.sharing_helpers import publish_item
from tests.conftest import COMMUNE_HOST, DISTRICT_HOST, host_client


def _sibling_commune():
    return PortalPage.objects.get(level_id="commune", unit_code=10897)  # Xã Cẩm Hoàng


def result_titles(response) -> list[str]:
    assert response.status_code == 200, response.status_code
    html = response.content.decode()
    titles = re.findall(r'class="item__title"[^>]*>(.*?)</a>', html, flags=re.S)
    return [re.sub(r"</?mark>", "", title) for title in titles]


def search(host, query, path="/tim-kiem/", **params):
    return host_client(host).get(path, {"q": query, **params})


# --- Vietnamese typed with or without diacritics ------------------------------------------------


@pytest.mark.django_db
def test_query_without_diacritics_finds_the_unit_name(hai_duong):
    publish_item(hai_duong.commune, "Xã Cẩm Hưng khánh thành nhà văn hóa thôn", kind="news")

    for query in ("cam hung", "Cẩm Hưng", "CAM HUNG", "cẩm hưng"):
        assert "Xã Cẩm Hưng khánh thành nhà văn hóa thôn" in result_titles(
            search(COMMUNE_HOST, query)
        ), query


@pytest.mark.django_db
def test_both_tone_mark_placements_are_found_by_either_and_without_diacritics(hai_duong):
    publish_item(hai_duong.commune, "Ủy ban nhân dân xã họp phiên thường kỳ", kind="news")
    publish_item(hai_duong.commune, "Uỷ ban nhân dân xã tiếp công dân", kind="news")

    for query in ("uy ban", "Ủy ban", "Uỷ ban"):
        titles = result_titles(search(COMMUNE_HOST, query))
        assert "Ủy ban nhân dân xã họp phiên thường kỳ" in titles, query
        assert "Uỷ ban nhân dân xã tiếp công dân" in titles, query


@pytest.mark.django_db
def test_d_and_dj_match_and_words_are_highlighted(hai_duong):
    publish_item(hai_duong.commune, "Nâng cấp đường làng thôn Đông", kind="news")

    response = search(COMMUNE_HOST, "duong lang")
    assert "Nâng cấp đường làng thôn Đông" in result_titles(response)
    assert "<mark>đường</mark> <mark>làng</mark>" in response.content.decode()


@pytest.mark.django_db
def test_summary_and_body_are_searched(hai_duong):
    item = publish_item(hai_duong.commune, "Thông báo lịch tiêm chủng", kind="announcements")
    item.body = [("paragraph", "<p>Điểm tiêm tại trạm y tế Cẩm Hưng, sáng thứ Bảy.</p>")]
    item.save_revision().publish()

    assert "Thông báo lịch tiêm chủng" in result_titles(search(COMMUNE_HOST, "tram y te"))


# --- Scope: what the portal shows ---------------------------------------------------------------


@pytest.mark.django_db
def test_a_sibling_portals_item_never_appears(hai_duong):
    publish_item(_sibling_commune(), "Cẩm Hoàng tổ chức hội thi văn nghệ", kind="news")
    publish_item(hai_duong.commune, "Cẩm Hưng tổ chức hội thi văn nghệ", kind="news")

    titles = result_titles(search(COMMUNE_HOST, "hoi thi van nghe"))
    assert titles == ["Cẩm Hưng tổ chức hội thi văn nghệ"]
    # Not even with the switch for the portals below (Cẩm Hoàng is not below Cẩm Hưng).
    titles = result_titles(search(COMMUNE_HOST, "hoi thi van nghe", scope="below"))
    assert titles == ["Cẩm Hưng tổ chức hội thi văn nghệ"]


@pytest.mark.django_db
def test_inherited_items_appear_with_their_source_and_own_items_of_the_province_do_not(
    hai_duong,
):
    publish_item(
        hai_duong.province,
        "Tỉnh hướng dẫn phòng chống bão số 3",
        audience=Audience.SUBTREE,
        mandatory=True,
    )
    publish_item(hai_duong.province, "Tỉnh họp nội bộ về bão số 3", audience=Audience.OWN)

    response = search(COMMUNE_HOST, "bao so 3")
    assert result_titles(response) == ["Tỉnh hướng dẫn phòng chống bão số 3"]
    assert "UBND tỉnh Hải Dương" in response.content.decode()  # its source
    assert "/thong-bao/chia-se/" in response.content.decode()  # opens on the commune's host


@pytest.mark.django_db
def test_the_switch_searches_every_portal_below(hai_duong):
    publish_item(hai_duong.commune, "Cẩm Hưng ra quân làm thủy lợi nội đồng", kind="news")

    assert result_titles(search(DISTRICT_HOST, "thuy loi noi dong")) == []
    response = search(DISTRICT_HOST, "thuy loi noi dong", scope="below")
    assert result_titles(response) == ["Cẩm Hưng ra quân làm thủy lợi nội đồng"]
    # Results of the portals below change without the district's cache version: not stored.
    assert "private" in response["Cache-Control"]


@pytest.mark.django_db
def test_filters_by_type_and_date(hai_duong):
    news = publish_item(hai_duong.commune, "Hội nghị tổng kết nông nghiệp", kind="news")
    news.date = datetime.date(2024, 3, 1)
    news.save_revision().publish()
    publish_item(hai_duong.commune, "Thông báo hội nghị tổng kết nông nghiệp")

    assert result_titles(search(COMMUNE_HOST, "tong ket nong nghiep", type="news")) == [
        "Hội nghị tổng kết nông nghiệp"
    ]
    assert result_titles(
        search(COMMUNE_HOST, "tong ket nong nghiep", type="announcement", date_from="2025-01-01")
    ) == ["Thông báo hội nghị tổng kết nông nghiệp"]
    assert result_titles(search(COMMUNE_HOST, "tong ket nong nghiep", date_to="2024-12-31")) == [
        "Hội nghị tổng kết nông nghiệp"
    ]
    # A type that does not exist is a form error, not a server error.
    response = search(COMMUNE_HOST, "tong ket", type="khong-co")
    assert response.status_code == 400
    assert 'class="errorlist"' in response.content.decode()


@pytest.mark.django_db
def test_legal_documents_are_found_by_number_and_issuer(hai_duong):
    section = hai_duong.section(hai_duong.commune, "documents")
    document = LegalDocumentPage(
        title="Quyết định về quy chế tiếp công dân",
        slug="qd-tiep-cong-dan",
        number="15/2026/QĐ-UBND",
        issuing_body="Ủy ban nhân dân xã Cẩm Hưng",
        issued_on=datetime.date(2026, 1, 5),
    )
    section.add_child(instance=document)
    document.save_revision().publish()

    assert "Quyết định về quy chế tiếp công dân" in result_titles(
        search(COMMUNE_HOST, "15 2026", type="document")
    )


@pytest.mark.django_db
def test_results_are_paginated(hai_duong):
    for number in range(12):
        publish_item(hai_duong.commune, f"Bản tin phát thanh số {number}", kind="news")

    first = result_titles(search(COMMUNE_HOST, "ban tin phat thanh"))
    second = result_titles(search(COMMUNE_HOST, "ban tin phat thanh", page=2))
    assert len(first) == 10 and len(second) == 2
    assert not set(first) & set(second)


# --- Languages ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_english_query_on_english_page_finds_the_english_translation(hai_duong):
    item = publish_item(hai_duong.commune, "Nâng cấp trạm bơm Cẩm Hưng", kind="news")
    item.title_en = "Cẩm Hưng pumping station upgraded"
    item.summary_en = "The commune's pumping station serves 300 hectares."
    item.save_revision().publish()

    response = search(COMMUNE_HOST, "pumping station", path="/en/tim-kiem/")
    assert result_titles(response) == ["Cẩm Hưng pumping station upgraded"]
    # The Vietnamese query finds it too, and on the English page shows the English text.
    assert result_titles(search(COMMUNE_HOST, "tram bom", path="/en/tim-kiem/")) == [
        "Cẩm Hưng pumping station upgraded"
    ]
    assert result_titles(search(COMMUNE_HOST, "tram bom")) == ["Nâng cấp trạm bơm Cẩm Hưng"]


@pytest.mark.django_db
def test_untranslated_result_on_english_page_is_marked_vietnamese(hai_duong):
    publish_item(hai_duong.commune, "Lịch cắt điện thôn Đoài", kind="news")

    response = search(COMMUNE_HOST, "cat dien", path="/en/tim-kiem/")
    assert result_titles(response) == ["Lịch cắt điện thôn Đoài"]
    assert re.search(r'class="item__title"[^>]*lang="vi"', response.content.decode())
    assert "results" in response.content.decode() or "result" in response.content.decode()


# --- Suggestions --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_did_you_mean_offers_the_real_unit_name_for_a_typo(hai_duong):
    response = search(COMMUNE_HOST, "cam hugn")
    html = response.content.decode()
    assert 'class="did-you-mean"' in html
    assert "Cẩm Hưng" in re.search(r'class="did-you-mean">(.*?)</p>', html).group(1)


@pytest.mark.django_db
def test_no_suggestion_when_the_query_finds_something(hai_duong):
    publish_item(hai_duong.commune, "Cẩm Hưng đón bằng công nhận nông thôn mới", kind="news")
    assert 'class="did-you-mean"' not in search(COMMUNE_HOST, "cam hung").content.decode()


@pytest.mark.django_db
def test_autocomplete_offers_unit_names_and_titles_while_typing(hai_duong):
    publish_item(hai_duong.commune, "Khai giảng lớp tin học cho cán bộ", kind="news")

    response = host_client(COMMUNE_HOST).get("/tim-kiem/goi-y/", {"q": "khai gia"})
    labels = [s["label"] for s in response.json()["suggestions"]]
    assert "Khai giảng lớp tin học cho cán bộ" in labels
    names = host_client(COMMUNE_HOST).get("/tim-kiem/goi-y/", {"q": "cam ho"}).json()
    assert "Cẩm Hoàng" in [s["label"] for s in names["suggestions"]]


@pytest.mark.django_db
def test_every_portal_page_has_the_search_box(hai_duong):
    for path in ("/", "/tin-tuc/", "/en/"):
        html = host_client(COMMUNE_HOST).get(path).content.decode()
        assert re.search(
            r'<form class="search-box" role="search"[^>]*action="[^"]*/tim-kiem/"', html
        )


# --- Bad queries: a friendly answer, never a 500 ------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query",
    [
        "",
        "   ",
        "x" * 10_000,
        "cam hung " * 2000,
        "\x01\x02\x1b[31m",
        "'; DROP TABLE wagtailcore_page; --",
        '" OR 1=1 --',
        'title:"a" AND NOT (b) NEAR/2 * ^',
        "%",
        "🙂🙂",
        "海阳",
        # Letters and digits outside Vietnamese reach the engine's parser as words.
        "² ³ ½ ٣٤",
        "ǅemal İstanbul ı ß",
        "𝔘𝔶 𝔟𝔞𝔫",
        "a:b & c | !d <-> e:*",
        "\\' \\\" ` ;",
    ],
)
def test_bad_or_absurd_queries_get_a_friendly_answer(hai_duong, query):
    response = search(COMMUNE_HOST, query)
    assert response.status_code == 200
    assert "<h1>" in response.content.decode()


@pytest.mark.django_db
def test_a_null_character_is_a_form_error(hai_duong):
    response = search(COMMUNE_HOST, "cam\x00hung")
    assert response.status_code == 400
    assert 'class="errorlist"' in response.content.decode()


def test_query_words_are_folded_bounded_and_free_of_syntax():
    assert search_words("Ủy ban  Cẩm Hưng") == ["uy", "ban", "cam", "hung"]
    assert search_words("Uỷ ban") == search_words("Ủy ban") == ["uy", "ban"]
    assert search_words("Đường") == ["duong"]
    assert search_words('title:"x" OR (y)*') == ["title", "x", "or", "y"]
    assert len(search_words("a " * 5000)) == 12
    assert search_words(None) == []


@pytest.mark.django_db
def test_search_costs_the_same_queries_on_a_commune_and_on_the_province(hai_duong):
    """The scope is one subquery: the SQL of a search does not grow with the portals below."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    publish_item(hai_duong.commune, "Đo đếm truy vấn tìm kiếm", kind="news")
    counts = []
    for host in (COMMUNE_HOST, "haiduong.localhost"):
        client = host_client(host)
        client.get("/tim-kiem/", {"q": "do dem"})  # warm the site index and names
        with CaptureQueriesContext(connection) as queries:
            client.get("/tim-kiem/", {"q": "do dem", "scope": "below", "page": "1"})
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


@pytest.mark.django_db
def test_news_index_stores_every_language_folded(hai_duong):
    item = publish_item(hai_duong.commune, "Hội thao Cẩm Hưng", kind="news")
    item = NewsPage.objects.get(pk=item.pk)
    item.title_en = "Cẩm Hưng sports day"
    from cms.search_index import MultilingualSearchField

    value = MultilingualSearchField("title").get_value(item)
    assert "Hội thao Cẩm Hưng" in value and "hoi thao cam hung" in value
    assert "Cẩm Hưng sports day" in value


@pytest.mark.django_db
@given(query=st.text(st.characters(exclude_categories=("Cs",)), max_size=80))
@settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
def test_any_text_typed_in_the_search_box_gets_an_answer(hai_duong, query):
    response = search(COMMUNE_HOST, query)
    assert response.status_code in (200, 400)  # 400: a NUL character, with the form's message
    suggestions = host_client(COMMUNE_HOST).get("/tim-kiem/goi-y/", {"q": query})
    assert suggestions.status_code == 200
