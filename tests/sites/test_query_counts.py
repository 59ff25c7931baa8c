"""A page's SQL statement count does not grow with the number of portals or the tree's depth."""

import json

from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import Site

from cms.models import NewsPage, SectionPage
from sites.models import PortalPage
from sites.unit_import import Unit, import_units
from tests.conftest import UNITS, host_client


def _small_province(number_of_levels: int) -> PortalPage:
    """Hưng Yên with only its first district and that district's first commune (real units)."""
    country = json.loads((UNITS / "vn-units-3level-2024.json").read_text(encoding="utf-8"))
    data = next(p for p in country if p["code"] == 33)
    district, commune = data["districts"][0], data["districts"][0]["communes"][0]
    province = Unit("province", data["code"], data["name"])
    if number_of_levels == 3:
        province.children = [
            Unit(
                "district",
                district["code"],
                district["name"],
                [Unit("commune", commune["code"], commune["name"])],
            )
        ]
    import_units([province])
    portals = PortalPage.objects.filter(unit_code__in=[data["code"], commune["code"]])
    return portals.order_by("-depth").first()


def _publish_article(portal: PortalPage) -> NewsPage:
    section = SectionPage.objects.get(owner_portal=portal, kind="news", depth=portal.depth + 1)
    article = NewsPage(title="Bài viết thử", slug="bai-viet-thu", summary="Tóm tắt")
    section.add_child(instance=article)
    article.save_revision().publish()
    return article


def _queries_for(portal: PortalPage, path: str) -> int:
    client = host_client(Site.objects.get(root_page=portal).hostname)
    assert client.get(path).status_code == 200  # warm the per-process site index
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len(queries)


def test_commune_page_costs_the_same_queries_with_3_and_with_220_portals(hai_duong):
    small_commune = _small_province(number_of_levels=3)
    for portal in (small_commune, hai_duong.commune):
        _publish_article(portal)
    for path in ("/", "/tin-tuc/", "/tin-tuc/bai-viet-thu/"):
        assert _queries_for(small_commune, path) == _queries_for(hai_duong.commune, path), path


def test_page_costs_the_same_queries_at_every_depth(hai_duong):
    lone_province = _small_province(number_of_levels=1)
    for portal in (lone_province, hai_duong.commune):
        _publish_article(portal)
    path = "/tin-tuc/bai-viet-thu/"
    assert _queries_for(lone_province, path) == _queries_for(hai_duong.commune, path)


def test_commune_listing_with_inherited_items_costs_the_same_queries_at_any_size(hai_duong):
    from cms.models import Audience
    from tests.cms.sharing_helpers import publish_item

    small_commune = _small_province(number_of_levels=3)
    for commune in (small_commune, hai_duong.commune):
        chain = commune.portal_chain
        publish_item(chain[0], f"Tỉnh gửi {commune.pk}", audience=Audience.SUBTREE)
        publish_item(chain[1], f"Huyện gửi {commune.pk}", audience=Audience.LEVEL, level="commune")
    for path in ("/", "/thong-bao/"):
        assert _queries_for(small_commune, path) == _queries_for(hai_duong.commune, path), path


def test_an_article_and_a_portal_home_stay_within_their_sql_budget(hai_duong):
    """ARCHITECTURE.md's budget for an uncached page: ≤ 7 statements for an article, ≤ 10 for a
    portal's home page (stock Wagtail: 12 and more, growing with the depth)."""
    _publish_article(hai_duong.commune)
    assert _queries_for(hai_duong.commune, "/tin-tuc/bai-viet-thu/") <= 7
    assert _queries_for(hai_duong.commune, "/") <= 10
    assert _queries_for(hai_duong.commune, "/tin-tuc/") <= 10


def test_pages_below_a_node_are_read_through_the_path_index(hai_duong):
    """Wagtail's and treebeard's "below this page" filter (`path__startswith`) finds the same
    pages as a LIKE, and on SQLite reads them through the path's index instead of scanning every
    page of every portal (sites.portal_tree.TreePathStartsWith)."""
    from wagtail.models import Collection, Page

    district = hai_duong.district
    below = Page.objects.filter(path__startswith=district.path)
    like = Page.objects.extra(where=["path LIKE %s"], params=[district.path + "%"])
    assert set(below.values_list("pk", flat=True)) == set(like.values_list("pk", flat=True))
    assert below.count() > 19 * 2  # its communes and their sections
    assert Page.objects.exclude(path__startswith=district.path).count() == (
        Page.objects.count() - below.count()
    )
    assert set(district.collection.get_descendants(inclusive=True)) == set(
        Collection.objects.extra(where=["path LIKE %s"], params=[district.collection.path + "%"])
    )
    if connection.vendor == "sqlite":
        sql, params = below.values("pk").query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
            plan = " ".join(str(row[-1]) for row in cursor.fetchall())
        assert "USING INDEX" in plan or "USING COVERING INDEX" in plan, plan
        assert "SCAN" not in plan, plan
