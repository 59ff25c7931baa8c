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


def _unindexed_reads(queryset, table: str) -> list[str]:
    """The reads of `table` in the database's plan for `queryset` that no index condition
    bounds (a scan of every row). PostgreSQL is told to avoid sequential scans, so a plan that
    still reads the whole table is one no index can serve."""
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
            return [row[-1] for row in cursor.fetchall() if str(row[-1]).startswith("SCAN ")]
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    plan = json.loads(plan) if isinstance(plan, str) else plan
    unbounded, nodes = [], [plan[0]["Plan"]]
    while nodes:
        node = nodes.pop()
        nodes.extend(node.get("Plans", []))
        bitmap = node["Node Type"] == "Bitmap Heap Scan"  # bounded by its Bitmap Index Scan
        if node.get("Relation Name") == table and not bitmap and "Index Cond" not in node:
            unbounded.append(f"{node['Node Type']} on {table}")
    return unbounded


def test_what_a_portal_shows_and_searches_is_read_through_indexes(hai_duong):
    """Listings, the home page, feeds, sitemaps, the API and search start from what a portal shows
    (cms.sharing.items_shown_on): it is read from the chain's own items, the stories the portal
    accepted and its own, each through an index, never by reading every item and section of the
    install (10,810 portals' sections: 240 ms for one citizen search on PostgreSQL). The search's
    "and every portal below" adds one more part to the same union (`include_below`), whose outer
    read PostgreSQL plans by the data: on this small tree, where items are few, it reads them in
    key order; so that scope is checked on SQLite's plan only."""
    from cms.search import items_in_scope
    from cms.sharing import items_shown_on

    commune, district = hai_duong.commune, hai_duong.district
    for name, queryset in {
        "commune shows": items_shown_on(commune),
        "commune's news": items_shown_on(commune, kinds=["news"]),
        "district shows, with replaced items": items_shown_on(district, include_replaced=True),
    }.items():
        keys = queryset.order_by().values("pk")  # as search and the API read it (`pk IN`)
        assert _unindexed_reads(keys, "cms_shareablepage") == [], name
        assert _unindexed_reads(keys, "wagtailcore_page") == [], name
    if connection.vendor == "sqlite":
        keys = items_in_scope(district, below=True).order_by().values("pk")
        assert _unindexed_reads(keys, "cms_shareablepage") == []
