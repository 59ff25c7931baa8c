"""The serve path's queries keep their SQL between requests (sites/compiled_queries.py), never
their data: each request gets its own rows, converted and joined exactly as the ORM gives them."""

from django.db.models import Value
from django.utils import translation
from wagtail.models import Page, Site

from sites import compiled_queries
from sites.models import PortalPage
from sites.portal_tree import ancestor_paths
from tests.conftest import host_client


def _chain(path: str) -> list[PortalPage]:
    paths = ancestor_paths(path)
    return compiled_queries.fetch(
        "test-chain",
        lambda: PortalPage.objects.filter(path__in=paths).select_related("level").order_by(),
        paths,
    )


def test_rows_of_one_shape_are_each_requests_own(hai_duong, django_assert_num_queries):
    communes = (
        PortalPage.objects.filter(level_id="commune", depth=hai_duong.commune.depth)
        .exclude(pk=hai_duong.commune.pk)
        .order_by("path")
    )
    other = communes.first()
    for commune in (hai_duong.commune, other, hai_duong.commune):
        with django_assert_num_queries(1):
            chain = sorted(_chain(commune.path), key=lambda portal: portal.depth)
            # The joined level comes with the row, converted like the ORM's.
            assert [portal.level.code for portal in chain] == ["province", "district", "commune"]
        expected = PortalPage.objects.get(pk=commune.pk)
        assert chain[-1].pk == commune.pk
        assert chain[-1].title == expected.title
        assert chain[-1].first_published_at == expected.first_published_at
        assert chain[-1].first_published_at.tzinfo is not None
        assert chain[-1].live is True


def test_deferred_fields_load_on_demand(hai_duong):
    wanted = ["/", "/haiduong/"]
    pages = compiled_queries.fetch(
        "test-route",
        lambda: Page.objects.filter(url_path__in=wanted).order_by().only("id", "url_path"),
        wanted,
    )
    by_url_path = {page.url_path: page for page in pages}
    province = by_url_path["/haiduong/"]
    assert province.get_deferred_fields()
    assert province.title == Page.objects.get(url_path="/haiduong/").title


def test_a_change_shows_on_the_next_request(hai_duong):
    client = host_client(Site.objects.get(root_page=hai_duong.commune).hostname)
    assert "Cẩm Giàng" in client.get("/").text
    district = PortalPage.objects.get(pk=hai_duong.district.pk)
    district.title = "Huyện Cẩm Giàng mới"
    district.save_revision().publish()
    assert "Huyện Cẩm Giàng mới" in client.get("/").text


def test_a_query_whose_sql_holds_more_than_its_values_is_not_kept(hai_duong):
    def annotated(pk):
        return compiled_queries.fetch(
            "test-annotated",
            lambda: PortalPage.objects.filter(pk=pk).annotate(mark=Value("x")).order_by(),
            [pk],
        )

    for portal in (hai_duong.province, hai_duong.commune):
        (row,) = annotated(portal.pk)
        assert (row.pk, row.mark) == (portal.pk, "x")


def test_lookups_on_translated_fields_follow_the_language(hai_duong):
    commune = PortalPage.objects.get(pk=hai_duong.commune.pk)
    commune.title_en = "Cam Hung Commune"
    commune.save(update_fields=["title_en"])

    def by_title(title):
        return compiled_queries.fetch(
            "test-title",
            lambda: PortalPage.objects.filter(title=title).order_by(),
            [title],
        )

    assert [p.pk for p in by_title(commune.title_vi)] == [commune.pk]
    with translation.override("en"):
        assert [p.pk for p in by_title("Cam Hung Commune")] == [commune.pk]


def test_the_serve_paths_queries_are_kept_on_this_database(hai_duong):
    """On SQLite and PostgreSQL alike: a kept shape whose parameters no longer matched (a
    lookup compiled differently) would fall back to compiling every time, silently."""
    client = host_client(Site.objects.get(root_page=hai_duong.commune).hostname)
    assert client.get("/tin-tuc/").status_code == 200
    kept = {
        key[0] if isinstance(key[0], str) else key[0][0]: value
        for key, value in compiled_queries._shapes.items()
    }
    for shape in ("route", "portal-chain", "specific", "top-level-sections"):
        assert kept.get(shape) is not None, shape
