"""The database plans with the tables' real sizes after a bulk import and after `update_index`
(cms.planner_statistics): a commune editor's pages are read through their tree path, not through
every page of the install."""

import pytest
from django.core.management import call_command
from django.db import connection
from wagtail.models import Page, PageViewRestriction
from wagtail.search.models import IndexEntry

from cms.models import NewsPage, SectionPage


def _estimated_rows(table: str) -> float:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT stat FROM sqlite_stat1 WHERE tbl = %s", [table])
            rows = cursor.fetchall()
            return float(rows[0][0].split()[0]) if rows else -1
        cursor.execute("SELECT reltuples FROM pg_class WHERE relname = %s", [table])
        return cursor.fetchone()[0]


def _plan(queryset) -> str:
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
            return "\n".join(str(row[-1]) for row in cursor.fetchall())
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


@pytest.mark.django_db
def test_after_the_import_the_planner_knows_the_page_tree(hai_duong):
    # The test database was built by importing Hải Dương's 220 portals (tests/conftest.py).
    pages = Page.objects.count()
    assert _estimated_rows("wagtailcore_page") == pytest.approx(pages, rel=0.2)

    editors_pages = Page.objects.filter(
        path__startswith=hai_duong.commune.path,
        content_type_id__in=[SectionPage().content_type.pk, NewsPage().content_type.pk],
    ).values("pk")
    plan = _plan(editors_pages)
    if connection.vendor == "sqlite":
        # The tree path's unique index, not the page-type index over every page.
        assert "sqlite_autoindex_wagtailcore_page_1 (path>? AND path<?)" in plan, plan
        # An empty table is planned as the small table it is, read first (Wagtail reads the
        # restricted pages' paths on every admin request).
        plan = _plan(PageViewRestriction.objects.values("page__path"))
        assert plan.startswith("SCAN wagtailcore_pageviewrestriction"), plan
    else:
        assert "wagtailcore_page_path" in plan, plan
        # Nor does PostgreSQL compile a query it overestimates (cms/settings.py): compiling
        # took 185 ms of a citizen search that ran in 40 at 10,810 portals.
        with connection.cursor() as cursor:
            cursor.execute("SHOW jit")
            assert cursor.fetchone()[0] == "off"


@pytest.mark.django_db
def test_update_index_tells_the_planner_the_size_of_the_index(hai_duong):
    assert IndexEntry.objects.count() < 10  # the import writes pages without indexing them

    call_command("update_index", stdout=open("/dev/null", "w"))  # noqa: SIM115

    entries = IndexEntry.objects.count()
    assert entries > Page.objects.count() / 2
    assert _estimated_rows(IndexEntry._meta.db_table) == pytest.approx(entries, rel=0.2)
