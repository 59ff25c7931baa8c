"""Wagtail's database search backend, made to cost what one portal's pages cost.

`WAGTAILSEARCH_BACKENDS` names this module instead of `wagtail.search.backends.database`; it
picks the same backend for the database in use and changes two things that grow with the whole
install (thousands of portals share one index):

* **A search within a few pages matches only those pages.** The stock backend matches the words
  over the whole index and then keeps `id IN (every match)`: a commune editor's "tin" in the page
  chooser matched the "Tin tức" section of all 10,810 portals, joined each match to its entry,
  and did so again for the count, the results and the page-type facet. When the pages searched
  (the editor's reach, the portal a citizen searches) are at most `NARROW_SCOPE`, the engine's
  own match and rank (SQLite FTS5 `MATCH` and `bm25()`, PostgreSQL `@@` and its rank) run once,
  on those pages' entries only, and the count, the results and the facet reuse what they found.
  Results, order and scores are the stock backend's (tests/cms/test_search_backend.py compares
  them); a wider search (a superuser, a province admin) goes the stock way.
* **Indexing a page does not scan the index.** BM25 weighs a title against the average title
  length of the whole index; the stock backend recomputes that average, and then looks for the
  entries to update by a column without an index, on every save (two scans of 112,000 rows with
  the whole country). Here the average is kept in Django's cache for an hour (it moves by a
  fraction of a word when a page is added; a batch of `BATCH` objects or more computes it anew)
  and only the entries just written get their weight. `update_index` still recomputes every
  weight from the exact average, then refreshes the database's statistics of the index
  (cms.planner_statistics), which went from a few rows to one per page.
"""

from __future__ import annotations

from functools import cache as cache_once

from django.core.cache import cache
from django.db import connection
from django.db.models import Avg, Case, F, FloatField, IntegerField, Q, Value, When
from django.db.models.functions import Length
from modelsearch.backends import database as stock_database_backends
from modelsearch.conf import get_app_config
from modelsearch.query import MatchAll, Not
from modelsearch.utils import get_content_type_pk, get_descendants_content_types_pks

from cms.planner_statistics import refresh_planner_statistics

# A search over at most this many objects is matched within them (see above). A commune's or a
# district's pages are far fewer; the lists it sends to the database stay well inside SQLite's
# limit of bound parameters.
NARROW_SCOPE = 2000

TITLE_LENGTH_CACHE_KEY = "search:average-title-length"
TITLE_LENGTH_SECONDS = 3600
BATCH = 50


def SearchBackend(params):  # noqa: N802 (Wagtail calls the module's `SearchBackend`)
    """The stock database backend for this database, with the two changes above (SQLite with
    FTS5 and PostgreSQL; any other database gets the stock backend as it is)."""
    backend = stock_database_backends.SearchBackend(params)  # sets USE_SQLITE_FTS
    stock_class, ours = _ours()
    return ours(params) if type(backend) is stock_class else backend


# --- Matching within a few pages --------------------------------------------------------------


class NarrowScopeSearch:
    """Mixed into a query compiler: match and rank within the scope's objects when they are few.

    `_match_in(pks, config)` is the engine's part: it returns `{pk: score}` for the objects among
    `pks` that match. The rest (ordering by score then by newest, slicing, the score annotation)
    is what the stock `search()` does with its subqueries, done on that small result."""

    # The stock order: best score first (SQLite's BM25 scores are negative: the lowest is the
    # best; PostgreSQL ranks are positive), then the newest object.
    HIGHER_SCORE_FIRST = False

    def _scope_scores(self, config) -> dict | None:
        """Scores of the matching objects of the scope, or None to search the stock way."""
        if hasattr(self, "_scores"):
            return self._scores
        self._scores = None
        query = self.query
        if isinstance(query, (MatchAll, Not)):
            return None
        pks = list(self.queryset.order_by().values_list("pk", flat=True)[: NARROW_SCOPE + 1])
        if len(pks) > NARROW_SCOPE:
            return None
        self._scores = self._match_in(pks, config) if pks else {}
        return self._scores

    def _scoped_search(self, scores: dict, start, stop, score_field):
        if self.order_by_relevance and score_field is None:
            score_field = "_score"
        if self.order_by_relevance:
            ordered = sorted(
                sorted(scores, reverse=True),
                key=scores.__getitem__,
                reverse=self.HIGHER_SCORE_FIRST,
            )
            ordered = ordered[start:stop]
            queryset = self.queryset.filter(pk__in=ordered)
            if ordered:
                position = Case(
                    *(When(pk=pk, then=Value(index)) for index, pk in enumerate(ordered)),
                    output_field=IntegerField(),
                )
                queryset = queryset.annotate(**{score_field: _score_case(scores, ordered)})
                queryset = queryset.order_by(position)
            return queryset
        queryset = self.queryset.filter(pk__in=list(scores))
        if score_field is not None and scores:
            queryset = queryset.annotate(**{score_field: _score_case(scores, scores)})
        if not queryset.query.order_by:
            queryset = queryset.order_by("-pk")
        return queryset[start:stop]


def _score_case(scores: dict, pks) -> Case:
    return Case(
        *(When(pk=pk, then=Value(float(scores[pk]))) for pk in pks),
        output_field=FloatField(),
    )


def _entries(model, pks):
    """The index entries of the objects `pks` of `model` (each object has one, under its own
    most specific type)."""
    index_entry = get_app_config().get_model("IndexEntry")  # Wagtail's, wagtailsearch_indexentry
    return index_entry.objects.filter(
        content_type_id__in=get_descendants_content_types_pks(model),
        object_id__in=[str(pk) for pk in pks],
    )


def _object_pk(model, object_id: str):
    return model._meta.pk.to_python(object_id)


# SQLite FTS5 ------------------------------------------------------------------------------------


def _sqlite_backends():
    from modelsearch.backends.database.sqlite.query import MatchExpression, normalize
    from modelsearch.backends.database.sqlite.sqlite import (
        SQLiteAutocompleteQueryCompiler,
        SQLiteFTSIndexEntry,
        SQLiteIndex,
        SQLiteSearchBackend,
        SQLiteSearchQueryCompiler,
    )

    class SQLiteNarrowScope(NarrowScopeSearch):
        def _match_in(self, pks, config):
            query = normalize(self.query)
            if isinstance(query, (MatchAll, Not)):
                return None
            entry_ids = list(_entries(self.queryset.model, pks).values_list("pk", flat=True))
            if not entry_ids:
                return {}
            match = MatchExpression(
                self.fields or self.FTS_TABLE_FIELDS, self.build_search_query(query, config)
            )
            rank = self._build_rank_expression(self.get_search_vectors(), config)
            # `rowid + 0`, not `rowid`: FTS5 would otherwise re-run the match once per entry
            # (a prefix match merges every word it covers each time); this way it runs once
            # and keeps the rows of these entries. The range of their ids is one FTS5 can seek
            # to within each word's list of entries.
            rows = (
                SQLiteFTSIndexEntry.objects.filter(match)
                .filter(pk__gte=min(entry_ids), pk__lte=max(entry_ids))
                .alias(_entry=F("index_entry_id") + 0)
                .filter(_entry__in=entry_ids)
                .annotate(score=rank)
                .values_list("index_entry__object_id", "score")
            )
            model = self.queryset.model
            return {_object_pk(model, object_id): score for object_id, score in rows}

        def search(self, config, start, stop, score_field=None):
            scores = self._scope_scores(config)
            if scores is None:
                return super().search(config, start, stop, score_field=score_field)
            return self._scoped_search(scores, start, stop, score_field)

    class Compiler(SQLiteNarrowScope, SQLiteSearchQueryCompiler):
        pass

    class AutocompleteCompiler(SQLiteNarrowScope, SQLiteAutocompleteQueryCompiler):
        pass

    class Index(IndexUpkeep, SQLiteIndex):
        pass

    class Backend(SQLiteSearchBackend):
        query_compiler_class = Compiler
        autocomplete_query_compiler_class = AutocompleteCompiler
        index_class = Index

    return SQLiteSearchBackend, Backend


# PostgreSQL full-text search --------------------------------------------------------------------


def _postgres_backends():
    from modelsearch.backends.database.postgres.postgres import (
        PostgresAutocompleteQueryCompiler,
        PostgresIndex,
        PostgresSearchBackend,
        PostgresSearchQueryCompiler,
    )

    class PostgresNarrowScope(NarrowScopeSearch):
        HIGHER_SCORE_FIRST = True

        def _match_in(self, pks, config):
            # The stock query on the scope's primary keys (a short list, not the queryset's
            # conditions): PostgreSQL then reads these entries and checks the words on each,
            # instead of reading every match of the index.
            narrow = self.queryset.model._default_manager.filter(pk__in=pks).order_by("pk")
            stock = self.stock_class(
                narrow, self.query, fields=self.fields, order_by_relevance=False
            )
            rows = stock.search(config, None, None, score_field="_score", backend=self.backend)
            return dict(rows.values_list("pk", "_score"))

        def search(self, config, start, stop, score_field=None, backend=None):
            self.backend = backend
            scores = self._scope_scores(config)
            if scores is None:
                return super().search(config, start, stop, score_field=score_field, backend=backend)
            return self._scoped_search(scores, start, stop, score_field)

    class Compiler(PostgresNarrowScope, PostgresSearchQueryCompiler):
        stock_class = PostgresSearchQueryCompiler

    class AutocompleteCompiler(PostgresNarrowScope, PostgresAutocompleteQueryCompiler):
        stock_class = PostgresAutocompleteQueryCompiler

    class Index(IndexUpkeep, PostgresIndex):
        pass

    class Backend(PostgresSearchBackend):
        query_compiler_class = Compiler
        autocomplete_query_compiler_class = AutocompleteCompiler
        index_class = Index

    return PostgresSearchBackend, Backend


# --- Title weights without scanning the index ----------------------------------------------------


class IndexUpkeep:
    """Mixed into a database index: weigh only the entries `add_items` wrote, against a cached
    average title length; after a rebuild (`update_index`), refresh the database's statistics of
    the index, which went from a few rows to one per page."""

    def add_items(self, model, objs):
        self._written = (get_content_type_pk(model), [str(obj.pk) for obj in objs])
        try:
            super().add_items(model, objs)
        finally:
            del self._written

    def _refresh_title_norms(self, full=False):
        written = getattr(self, "_written", None)
        if full or written is None:
            super()._refresh_title_norms(full=full)
            cache.delete(TITLE_LENGTH_CACHE_KEY)
            if full:
                _merge_full_text_segments(self.entries.model._meta.db_table)
                refresh_planner_statistics(self.entries.model._meta.db_table)
            return
        content_type_pk, object_ids = written
        # A batch (an import, a restructuring) may move the average: it pays for a new one.
        average = cache.get(TITLE_LENGTH_CACHE_KEY) if len(object_ids) < BATCH else None
        if average is None:
            average = _average_title_length(self.entries)
            if average is None:
                return
            cache.set(TITLE_LENGTH_CACHE_KEY, average, TITLE_LENGTH_SECONDS)
        # New entries are written with the weight 1.0 (what the stock refresh looks for).
        self.entries.filter(
            Q(content_type_id=content_type_pk, object_id__in=object_ids, title_norm=1.0)
        ).annotate(title_length=Length("title")).filter(title_length__gt=0).update(
            title_norm=average / F("title_length")
        )


def _merge_full_text_segments(entries_table: str) -> None:
    """After a rebuild, merge SQLite's full-text index into one segment (FTS5's `optimize`): a
    bulk write leaves it in many, and each search then reads every word's list in each (half the
    time of a search over the whole country)."""
    if connection.vendor != "sqlite":
        return
    fts_table = connection.ops.quote_name(f"{entries_table}_fts")
    with connection.cursor() as cursor:
        # FTS5's commands are rows inserted into a column named after the table itself.
        cursor.execute(f"INSERT INTO {fts_table} ({fts_table}) VALUES ('optimize')")  # noqa: S608


def _average_title_length(entries) -> float | None:
    return (
        entries.annotate(title_length=Length("title"))
        .filter(title_length__gt=0)
        .aggregate(Avg("title_length"))["title_length__avg"]
    )


@cache_once
def _ours() -> tuple[type | None, type | None]:
    """(the stock backend class, ours) for the database in use; built on first use, as each stock
    backend module imports what only its database needs."""
    if connection.vendor == "sqlite" and stock_database_backends.USE_SQLITE_FTS:
        return _sqlite_backends()
    if connection.vendor == "postgresql":
        return _postgres_backends()
    return None, None
