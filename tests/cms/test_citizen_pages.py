"""What citizens see: home page, listings with filters, articles, legal documents, contact, errors,
and what search engines and social networks read of each page."""

import datetime
import json
import re

import pytest
from django.test import override_settings
from django.utils import timezone

from cms.models import Audience, LegalDocumentPage, SectionPage
from sites.models import PortalPage
from tests.cms.sharing_helpers import publish_item
from tests.conftest import COMMUNE_HOST, PROVINCE_HOST, host_client


def test_home_marks_inherited_items_with_their_source(hai_duong):
    publish_item(hai_duong.province, "Lịch nghỉ Tết", audience=Audience.SUBTREE, slug="nghi-tet")
    publish_item(hai_duong.commune, "Họp dân", kind="news", slug="hop-dan")
    text = host_client(COMMUNE_HOST).get("/").text
    item = re.search(r'<li class="item item--inherited">(.*?)</li>', text, re.S).group(1)
    assert "Lịch nghỉ Tết" in item and "UBND tỉnh Hải Dương" in item
    # An inherited item opens on the commune's own host.
    assert 'href="/thong-bao/chia-se/' in item
    assert "Họp dân" in text


def test_home_has_quick_links_from_the_nearest_portal_that_has_the_section(hai_duong):
    text = host_client(COMMUNE_HOST).get("/").text
    quick = re.search(r'class="quick-links">(.*?)</ul>', text, re.S).group(1)
    assert 'href="/lien-he/"' in quick  # the commune's contact page
    assert 'href="/thu-tuc-hanh-chinh/"' in quick
    # Communes have no spokesperson section: the district's.
    assert "http://camgiang.haiduong.localhost:8000/nguoi-phat-ngon/" in quick


def test_pinned_inherited_item_is_featured_on_the_home_page(hai_duong):
    from cms import sharing

    item = publish_item(hai_duong.province, "Ghim lên đầu", audience=Audience.SUBTREE)
    sharing.pin(item, hai_duong.commune, None)
    text = host_client(COMMUNE_HOST).get("/").text
    featured = re.search(r'class="featured"(.*?)</section>', text, re.S).group(1)
    assert "Ghim lên đầu" in featured


def _news_on(portal, title, days_ago):
    item = publish_item(portal, title, kind="news")
    item.date = timezone.localdate() - datetime.timedelta(days=days_ago)
    item.save()
    return item


def test_news_listing_filters_by_date(hai_duong):
    _news_on(hai_duong.commune, "Tin cũ", 40)
    _news_on(hai_duong.commune, "Tin mới", 2)
    since = (timezone.localdate() - datetime.timedelta(days=10)).isoformat()
    response = host_client(COMMUNE_HOST).get("/tin-tuc/", {"date_from": since})
    assert response.status_code == 200
    assert "Tin mới" in response.text and "Tin cũ" not in response.text
    assert "1 item found." in response.text or "Tìm thấy 1" in response.text


@pytest.mark.parametrize(
    "query",
    [
        {"date_from": "hôm qua"},
        {"date_to": "2024-02-30"},
        {"date_from": "0001-01-01"},
        {"date_from": "2025-05-01", "date_to": "2025-01-01"},
        {"date_from": "9" * 300},
    ],
)
def test_bad_date_filter_is_a_friendly_400(hai_duong, query):
    response = host_client(COMMUNE_HOST).get("/tin-tuc/", query)
    assert response.status_code == 400
    assert 'class="errorlist"' in response.text
    assert "<h1>" in response.text  # the listing page itself, with the message


def test_bad_page_number_gives_the_first_page(hai_duong):
    for page in ("abc", "-1", "99999", "1e9"):
        assert host_client(COMMUNE_HOST).get("/tin-tuc/", {"page": page}).status_code == 200


def _legal(portal, number, title, doc_type="quyet-dinh", body="UBND", days_ago=10, **extra):
    section = SectionPage.objects.get(owner_portal=portal, kind="documents", depth=portal.depth + 1)
    issued = timezone.localdate() - datetime.timedelta(days=days_ago)
    page = LegalDocumentPage(
        title=title,
        slug=f"vb-{abs(hash(number)) % 10**8}",
        number=number,
        document_type=doc_type,
        issuing_body=body,
        issued_on=issued,
        date=issued,
        **extra,
    )
    section.add_child(instance=page)
    page.save_revision().publish()
    return page


def test_legal_documents_list_their_facts_and_filter(hai_duong):
    _legal(
        hai_duong.province,
        "15/2024/QĐ-UBND",
        "Quy chế cổng thông tin",
        body="UBND tỉnh Hải Dương",
        audience=Audience.SUBTREE,
    )
    _legal(hai_duong.commune, "18/KH-UBND", "Kế hoạch của xã", doc_type="ke-hoach", days_ago=400)
    client = host_client(COMMUNE_HOST)
    text = client.get("/van-ban/").text
    assert "15/2024/QĐ-UBND" in text and "UBND tỉnh Hải Dương" in text and "18/KH-UBND" in text
    assert "Nguồn:" in text or "Source:" in text
    text = client.get("/van-ban/", {"document_type": "ke-hoach"}).text
    assert "18/KH-UBND" in text and "15/2024/QĐ-UBND" not in text
    text = client.get("/van-ban/", {"q": "15/2024"}).text
    assert "15/2024/QĐ-UBND" in text and "18/KH-UBND" not in text
    text = client.get("/van-ban/", {"issuing_body": "tỉnh"}).text
    assert "15/2024/QĐ-UBND" in text and "18/KH-UBND" not in text
    since = (timezone.localdate() - datetime.timedelta(days=30)).isoformat()
    text = client.get("/van-ban/", {"date_from": since}).text
    assert "15/2024/QĐ-UBND" in text and "18/KH-UBND" not in text
    assert client.get("/van-ban/", {"document_type": "khong-co"}).status_code == 400


def test_legal_document_page_shows_number_type_body_dates_and_file(hai_duong):
    from django.core.files.base import ContentFile
    from wagtail.documents import get_document_model

    document = get_document_model()(title="Tệp quyết định")
    document.file.save("qd.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"), save=False)
    document.save()
    page = _legal(
        hai_duong.commune,
        "18/QĐ-UBND",
        "Quyết định lịch tiếp công dân",
        body="UBND xã Cẩm Hưng",
        effective_on=timezone.localdate(),
        document=document,
        summary="Lịch tiếp công dân hằng tuần.",
    )
    text = host_client(COMMUNE_HOST).get(page.url).text
    for expected in ("18/QĐ-UBND", "UBND xã Cẩm Hưng", "Lịch tiếp công dân hằng tuần.", ".pdf"):
        assert expected in text
    assert text.count("<time datetime=") >= 2


def test_inherited_article_names_its_source_and_is_canonical_at_its_owner(hai_duong):
    item = publish_item(hai_duong.province, "Lịch nghỉ Tết", audience=Audience.SUBTREE, slug="nt")
    text = host_client(COMMUNE_HOST).get(f"/thong-bao/chia-se/{item.pk}/nt/").text
    assert f'<link rel="canonical" href="http://{PROVINCE_HOST}:8000/thong-bao/nt/">' in text
    assert "UBND tỉnh Hải Dương" in text
    assert 'class="breadcrumbs' in text
    data = json.loads(re.search(r'application/ld\+json">(.*?)</script>', text, re.S).group(1))
    assert data["@type"] == "NewsArticle"
    assert data["mainEntityOfPage"] == f"http://{PROVINCE_HOST}:8000/thong-bao/nt/"
    assert data["publisher"]["@type"] == "GovernmentOrganization"
    assert data["publisher"]["name"] == "UBND tỉnh Hải Dương"
    assert 'property="og:url" content="http://haiduong.localhost:8000/thong-bao/nt/"' in text


def test_home_page_describes_the_committee_as_a_government_organisation(hai_duong):
    PortalPage.objects.filter(pk=hai_duong.district.pk).update(contact_phone="0220 3 786 000")
    text = host_client(COMMUNE_HOST).get("/").text
    data = json.loads(re.search(r'application/ld\+json">(.*?)</script>', text, re.S).group(1))
    assert data["@type"] == "GovernmentOrganization"
    assert data["name"] == "UBND xã Cẩm Hưng"
    assert data["telephone"] == "0220 3 786 000"  # inherited contact block
    assert data["parentOrganization"]["name"] == "UBND huyện Cẩm Giàng"
    assert '<meta name="description" content="' in text
    assert 'property="og:type" content="website"' in text


def test_contact_page_shows_the_inherited_contact_block_and_its_source(hai_duong):
    PortalPage.objects.filter(pk=hai_duong.district.pk).update(
        contact_address="Thị trấn Lai Cách", contact_email="ubnd@example.org"
    )
    text = host_client(COMMUNE_HOST).get("/lien-he/").text
    assert "Thị trấn Lai Cách" in text and "mailto:ubnd@example.org" in text
    assert hai_duong.district.title in text


def test_every_page_has_a_skip_link_to_main(hai_duong):
    for path in ("/", "/tin-tuc/", "/van-ban/", "/lien-he/"):
        text = host_client(COMMUNE_HOST).get(path).text
        assert '<a class="skip-link" href="#main">' in text
        assert '<main id="main"' in text


@override_settings(DEBUG=False)
def test_not_found_page_is_themed_with_the_portals_navigation(hai_duong):
    PortalPage.objects.filter(pk=hai_duong.province.pk).update(theme="haiduong")
    response = host_client(COMMUNE_HOST).get("/khong-co-trang-nay/")
    assert response.status_code == 404
    assert "site-header--emblem" in response.text  # the province's theme
    assert 'href="/tin-tuc/"' in response.text  # the commune's sections
    assert "Cổng thông tin điện tử xã Cẩm Hưng" in response.text


def test_server_error_page_is_themed_and_needs_no_database(hai_duong):
    from django.test import RequestFactory

    from cms.error_views import server_error

    response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    assert "css/portal.css" in response.content.decode()
