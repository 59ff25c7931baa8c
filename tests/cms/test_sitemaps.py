"""sitemap.xml and robots.txt per host (cms.sitemaps)."""

from defusedxml import ElementTree as ET

from cms.models import Audience
from tests.cms.sharing_helpers import publish_item
from tests.conftest import COMMUNE_HOST, DISTRICT_HOST, PROVINCE_HOST, host_client

NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def _locations(host):
    response = host_client(host).get("/sitemap.xml")
    assert response.status_code == 200
    root = ET.fromstring(response.content)
    return [loc.text for loc in root.findall("s:url/s:loc", NS)]


def test_commune_sitemap_lists_its_pages_and_inherited_items_once_at_canonical_urls(hai_duong):
    publish_item(hai_duong.province, "Lịch nghỉ Tết", audience=Audience.SUBTREE, slug="nghi-tet")
    publish_item(hai_duong.district, "Lịch tiếp dân", audience=Audience.SUBTREE, slug="tiep-dan")
    publish_item(hai_duong.commune, "Họp dân", kind="news", slug="hop-dan")
    locations = _locations(COMMUNE_HOST)
    assert len(locations) == len(set(locations))  # each once
    commune = f"http://{COMMUNE_HOST}:8000"
    assert f"{commune}/" in locations
    assert f"{commune}/tin-tuc/" in locations
    assert f"{commune}/tin-tuc/hop-dan/" in locations
    # Inherited items at their owner's URL, never at the receiver's chia-se/ address.
    assert f"http://{PROVINCE_HOST}:8000/thong-bao/nghi-tet/" in locations
    assert f"http://{DISTRICT_HOST}:8000/thong-bao/tiep-dan/" in locations
    assert not [url for url in locations if "/chia-se/" in url]


def test_province_sitemap_does_not_list_the_pages_of_portals_below(hai_duong):
    publish_item(hai_duong.commune, "Họp dân", kind="news", slug="hop-dan")
    publish_item(hai_duong.province, "Lịch nghỉ Tết", audience=Audience.SUBTREE, slug="nghi-tet")
    locations = _locations(PROVINCE_HOST)
    assert all(url.startswith(f"http://{PROVINCE_HOST}:8000/") for url in locations)
    assert locations.count(f"http://{PROVINCE_HOST}:8000/thong-bao/nghi-tet/") == 1


def test_robots_txt_points_to_the_hosts_own_sitemap(hai_duong):
    response = host_client(COMMUNE_HOST).get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    lines = response.text.splitlines()
    assert "User-agent: *" in lines and "Disallow: /admin/" in lines
    assert f"Sitemap: http://{COMMUNE_HOST}:8000/sitemap.xml" in lines


XHTML = "{http://www.w3.org/1999/xhtml}link"


def _entries(host):
    root = ET.fromstring(host_client(host).get("/sitemap.xml").content)
    return {
        url.find("s:loc", NS).text: {
            link.get("hreflang"): link.get("href") for link in url.findall(XHTML)
        }
        for url in root.findall("s:url", NS)
    }


def test_sitemap_lists_each_language_a_page_really_has_with_alternates(hai_duong):
    from cms.models import NewsPage

    section = hai_duong.section(hai_duong.commune, "news")
    translated = NewsPage(
        title_vi="Họp dân",
        title_en="Residents' meeting",
        slug="hop-dan",
        summary_vi="Tóm tắt",
        summary_en="Summary",
    )
    untranslated = NewsPage(title_vi="Chỉ tiếng Việt", slug="chi-tieng-viet")
    for page in (translated, untranslated):
        section.add_child(instance=page)
        page.save_revision().publish()
    entries = _entries(COMMUNE_HOST)
    base = f"http://{COMMUNE_HOST}:8000"
    both = {
        "vi": f"{base}/tin-tuc/hop-dan/",
        "en": f"{base}/en/tin-tuc/hop-dan/",
        "x-default": f"{base}/tin-tuc/hop-dan/",
    }
    assert entries[f"{base}/tin-tuc/hop-dan/"] == both
    assert entries[f"{base}/en/tin-tuc/hop-dan/"] == both
    # Vietnamese only: one entry, no alternates, and no English URL that would be a fallback.
    assert entries[f"{base}/tin-tuc/chi-tieng-viet/"] == {}
    assert f"{base}/en/tin-tuc/chi-tieng-viet/" not in entries
    # The portal's home has an English title from provisioning; Korean is not offered here.
    assert set(entries[f"{base}/"]) == {"vi", "en", "x-default"}
    assert not [url for url in entries if "/ko/" in url]


def test_sitemap_alternates_cost_no_query_per_item(hai_duong):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = host_client(COMMUNE_HOST)
    publish_item(hai_duong.commune, "Họp dân", kind="news", slug="hop-dan")
    client.get("/sitemap.xml")
    with CaptureQueriesContext(connection) as few:
        client.get("/sitemap.xml")
    for number in range(5):
        publish_item(hai_duong.commune, f"Tin {number}", kind="news", slug=f"tin-{number}")
    publish_item(hai_duong.province, "Lịch nghỉ Tết", audience=Audience.SUBTREE, slug="nghi-tet")
    client.get("/sitemap.xml")
    with CaptureQueriesContext(connection) as many:
        client.get("/sitemap.xml")
    assert len(many) == len(few)
