"""RSS and Atom feeds of portals and sections (cms.feeds), read with feedparser."""

import feedparser

from cms.models import Audience
from tests.cms.sharing_helpers import publish_item
from tests.conftest import COMMUNE_HOST, DISTRICT_HOST, PROVINCE_HOST, host_client


def _feed(host, path):
    response = host_client(host).get(path)
    assert response.status_code == 200, path
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.get("bozo_exception")
    return response, feed


def _links(feed):
    return {entry.title: entry.link for entry in feed.entries}


def test_commune_rss_lists_own_and_inherited_items_with_canonical_links(hai_duong):
    publish_item(hai_duong.province, "Lịch nghỉ Tết", audience=Audience.SUBTREE, slug="nghi-tet")
    publish_item(hai_duong.commune, "Họp dân thôn Hoàng Đường", kind="news", slug="hop-dan")
    response, feed = _feed(COMMUNE_HOST, "/rss/")
    assert response["Content-Type"].startswith("application/rss+xml")
    assert feed.version == "rss20"
    links = _links(feed)
    assert links["Lịch nghỉ Tết"] == f"http://{PROVINCE_HOST}:8000/thong-bao/nghi-tet/"
    assert links["Họp dân thôn Hoàng Đường"] == f"http://{COMMUNE_HOST}:8000/tin-tuc/hop-dan/"
    entry = next(e for e in feed.entries if e.title == "Lịch nghỉ Tết")
    assert entry.author == "UBND tỉnh Hải Dương"
    assert entry.id == links["Lịch nghỉ Tết"]
    assert feed.feed.title == "Cổng thông tin điện tử xã Cẩm Hưng"


def test_atom_feed_is_valid_and_links_itself(hai_duong):
    publish_item(hai_duong.province, "Lịch nghỉ Tết", audience=Audience.SUBTREE, slug="nghi-tet")
    response, feed = _feed(DISTRICT_HOST, "/atom/")
    assert response["Content-Type"].startswith("application/atom+xml")
    assert feed.version == "atom10"
    assert any(link.rel == "self" for link in feed.feed.links)
    assert "Lịch nghỉ Tết" in _links(feed)
    assert all(entry.get("updated") for entry in feed.entries)


def test_section_feed_lists_only_that_section(hai_duong):
    publish_item(hai_duong.province, "Lịch nghỉ Tết", audience=Audience.SUBTREE, slug="nghi-tet")
    publish_item(hai_duong.commune, "Họp dân", kind="news", slug="hop-dan")
    _, feed = _feed(COMMUNE_HOST, "/thong-bao/rss/")
    assert set(_links(feed)) == {"Lịch nghỉ Tết"}
    _, feed = _feed(COMMUNE_HOST, "/tin-tuc/atom/")
    assert set(_links(feed)) == {"Họp dân"}


def test_item_not_addressed_to_a_portal_is_not_in_its_feed(hai_duong):
    publish_item(hai_duong.province, "Chỉ của tỉnh", slug="chi-cua-tinh")
    _, feed = _feed(COMMUNE_HOST, "/rss/")
    assert "Chỉ của tỉnh" not in _links(feed)
    _, feed = _feed(PROVINCE_HOST, "/rss/")
    assert "Chỉ của tỉnh" in _links(feed)


def test_pages_announce_their_feeds(hai_duong):
    text = host_client(COMMUNE_HOST).get("/tin-tuc/").text
    assert 'type="application/rss+xml"' in text and 'href="/rss/"' in text
    assert 'href="/tin-tuc/rss/"' in text


def test_feeds_speak_the_language_of_their_url(hai_duong):
    item = publish_item(
        hai_duong.province, "Lịch nghỉ Tết", audience=Audience.SUBTREE, slug="nghi-tet"
    )
    item.title_en = "Lunar New Year holiday"
    item.save_revision().publish()
    _, vietnamese = _feed(COMMUNE_HOST, "/rss/")
    assert vietnamese.feed.language == "vi"
    assert "Lịch nghỉ Tết" in _links(vietnamese)
    _, english = _feed(COMMUNE_HOST, "/en/rss/")
    assert english.feed.language == "en"
    assert "Lunar New Year holiday" in _links(english)
