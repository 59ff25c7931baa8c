"""The search backend (cms.search_backend): a search within an editor's or a portal's pages finds,
orders and scores exactly what Wagtail's own database backend does, while matching the words
within those pages only; indexing a page weighs its title without scanning the index. Runs on
SQLite (FTS5) and PostgreSQL (full-text search)."""

import importlib
from collections import defaultdict
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.db.models import Avg
from django.db.models.functions import Length
from django.test.utils import CaptureQueriesContext
from modelsearch.backends.database import SearchBackend as stock_backend
from wagtail.models import Page
from wagtail.search.backends import get_search_backend
from wagtail.search.models import IndexEntry

from cms import search_backend
from tests.cms.sharing_helpers import publish_item


def _params():
    return {k: v for k, v in settings.WAGTAILSEARCH_BACKENDS["default"].items() if k != "BACKEND"}


def _index_pages_of(portal) -> None:
    """Index every page of `portal` and below, as `update_index` does (the import writes its
    pages in bulk without indexing them)."""
    by_model = defaultdict(list)
    for page in Page.objects.filter(path__startswith=portal.path).specific():
        by_model[type(page)].append(page)
    backend = get_search_backend()
    for model, pages in by_model.items():
        backend.add_bulk(model, pages)


@pytest.fixture
def indexed(hai_duong):
    """The whole province indexed, and a few items of the commune whose titles share words."""
    _index_pages_of(hai_duong.province)
    for title in (
        "Tin tức hoạt động của xã Cẩm Hưng",
        "Tin vắn: lịch tiếp công dân tháng Mười hai",
        "Thông báo lịch tiêm chủng tại trạm y tế",
        "Tin tức Cẩm Hưng: khánh thành nhà văn hóa thôn",
    ):
        publish_item(hai_duong.commune, title, kind="news")
    return hai_duong


def _scopes(portals):
    commune = Page.objects.filter(path__startswith=portals.commune.path)
    return {
        "commune editor": commune,
        "district editor": Page.objects.filter(path__startswith=portals.district.path),
        "live pages of the commune": commune.filter(live=True),
    }


def _as_rows(results):
    return [(page.pk, round(page._score, 6)) for page in results]


NOWHERE = "khong co tu nay"
SEARCHES = [
    ("autocomplete", "tin"),
    ("autocomplete", "cam hu"),
    ("search", "tin tuc"),
    ("search", "lich"),
    ("search", NOWHERE),
]


@pytest.mark.django_db
@pytest.mark.parametrize("method, words", SEARCHES)
def test_narrow_searches_find_order_and_score_what_wagtails_backend_does(indexed, method, words):
    ours, stock = get_search_backend(), stock_backend(_params())
    assert type(ours) is not type(stock)  # the setting names ours

    for name, scope in _scopes(indexed).items():
        mine = getattr(ours, method)(words, scope).annotate_score("_score")
        theirs = getattr(stock, method)(words, scope).annotate_score("_score")
        expected = _as_rows(theirs)
        assert _as_rows(mine) == expected, name
        assert mine.count() == len(expected), name
        # A results page, as the admin's paginator takes it.
        assert _as_rows(mine[1:3]) == expected[1:3], name
        # Without relevance: the newest first, as Wagtail's backend.
        by_date = [
            [page.pk for page in getattr(backend, method)(words, scope, order_by_relevance=False)]
            for backend in (ours, stock)
        ]
        assert by_date[0] == by_date[1], name
        # Not a comparison of two empty lists: each scope holds pages with these words.
        assert bool(expected) is (words != NOWHERE), name


@pytest.mark.django_db
def test_the_page_type_counts_of_the_admin_search_are_wagtails(indexed):
    scope = _scopes(indexed)["district editor"]
    mine = get_search_backend().search("tin", scope).facet("content_type_id")
    theirs = stock_backend(_params()).search("tin", scope).facet("content_type_id")
    assert dict(mine) == dict(theirs)
    assert sum(mine.values()) > 1


@pytest.mark.django_db
def test_a_wide_search_goes_wagtails_way_with_the_same_results(indexed, monkeypatch):
    # The district's pages are more than the narrow limit here: the stock query runs.
    monkeypatch.setattr(search_backend, "NARROW_SCOPE", 5)
    scope = _scopes(indexed)["district editor"]
    mine = get_search_backend().autocomplete("tin", scope).annotate_score("_score")
    theirs = stock_backend(_params()).autocomplete("tin", scope).annotate_score("_score")
    assert _as_rows(mine) == _as_rows(theirs)
    assert len(_as_rows(mine)) > 5


def _matching_statements(queries) -> int:
    operator = "MATCH" if connection.vendor == "sqlite" else "@@"
    return sum(operator in query["sql"] for query in queries)


@pytest.mark.django_db
def test_a_commune_editors_search_matches_the_words_once_for_count_results_and_facet(indexed):
    """Wagtail's backend matches the words over the whole index for the count, again for the
    results and again for the page-type counts; here once, within the editor's pages."""
    scope = _scopes(indexed)["commune editor"]
    for backend, expected in ((stock_backend(_params()), 3), (get_search_backend(), 1)):
        results = backend.search("tin", scope)
        with CaptureQueriesContext(connection) as queries:
            results.count()
            list(results[:20])
            results.facet("content_type_id")
        assert _matching_statements(queries) == expected, type(backend).__name__


# --- Title weights without scanning the index ----------------------------------------------------


def _entry(page):
    return IndexEntry.objects.get(object_id=str(page.pk), content_type_id=page.content_type_id)


def _title_lengths():
    """Title lengths as BM25 counts them: characters in SQLite, words in PostgreSQL (its index
    keeps a tsvector)."""
    return IndexEntry.objects.annotate(length=Length("title")).filter(length__gt=0)


def _average_title_length() -> float:
    return _title_lengths().aggregate(Avg("length"))["length__avg"]


def _expected_norm(entry, average) -> float:
    return average / _title_lengths().get(pk=entry.pk).length


@pytest.mark.django_db
def test_a_published_page_gets_its_title_weight_without_scanning_the_index(indexed):
    first = publish_item(indexed.commune, "Hội nghị tổng kết công tác năm", kind="news")
    entry = _entry(first)
    assert entry.title_norm == pytest.approx(
        _expected_norm(entry, _average_title_length()), rel=0.05
    )

    with CaptureQueriesContext(connection) as queries:
        second = publish_item(indexed.commune, "Họp dân thôn Đông về đường làng", kind="news")
    assert not any("AVG(" in query["sql"] for query in queries)  # the cached average
    entry = _entry(second)
    assert entry.title_norm != 1.0
    assert entry.title_norm == pytest.approx(
        _expected_norm(entry, _average_title_length()), rel=0.05
    )


@pytest.mark.django_db
def test_update_index_weighs_every_title_against_the_exact_average(indexed):
    cache.set(search_backend.TITLE_LENGTH_CACHE_KEY, 1.0)  # a stale average
    page = publish_item(indexed.commune, "Lễ ra quân tổng vệ sinh môi trường", kind="news")
    assert _entry(page).title_norm == pytest.approx(_expected_norm(_entry(page), 1.0))

    call_command("update_index", stdout=open("/dev/null", "w"))  # noqa: SIM115

    exact = _average_title_length()
    entry = _entry(page)
    assert entry.title_norm == pytest.approx(_expected_norm(entry, exact))
    assert cache.get(search_backend.TITLE_LENGTH_CACHE_KEY) is None


def _full_text_table_definition() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT sql FROM sqlite_master WHERE name = 'wagtailsearch_indexentry_fts'")
        return cursor.fetchone()[0]


def _check_full_text_index() -> None:
    """FTS5's own check that the index (prefix indexes included) matches the rows it holds."""
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO wagtailsearch_indexentry_fts (wagtailsearch_indexentry_fts) "
            "VALUES ('integrity-check')"
        )


@pytest.mark.django_db
def test_sqlites_full_text_index_keeps_prefix_indexes_through_migration_and_update_index(indexed):
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's FTS5 table; PostgreSQL's index is left as Wagtail creates it")
    assert "prefix='2 3 4 5'" in _full_text_table_definition()
    scope = Page.objects.filter(path__startswith=indexed.commune.path)
    stock = stock_backend(_params())
    before = _as_rows(stock.autocomplete("tin", scope).annotate_score("_score"))
    assert before

    # The migration recreates the table of an install that has pages indexed already.
    migration = importlib.import_module("migrations.cms.0007_search_prefix_index")
    schema_editor = SimpleNamespace(connection=connection)  # all the migration uses of one
    migration.remove_prefix_indexes(None, schema_editor)
    assert "prefix=" not in _full_text_table_definition()
    migration.add_prefix_indexes(None, schema_editor)
    _check_full_text_index()
    ours = get_search_backend()
    assert _as_rows(ours.autocomplete("tin", scope).annotate_score("_score")) == before

    call_command("update_index", stdout=open("/dev/null", "w"))  # noqa: SIM115
    _check_full_text_index()  # merged into one segment by FTS5's 'optimize'
    assert "prefix='2 3 4 5'" in _full_text_table_definition()
    assert _as_rows(ours.autocomplete("tin", scope).annotate_score("_score")) == _as_rows(
        stock.autocomplete("tin", scope).annotate_score("_score")
    )
