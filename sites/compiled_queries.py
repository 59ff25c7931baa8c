"""The serve path's fixed-shape queries, compiled to SQL once per process instead of per request.

Every public page runs the same few queries with new values: the route's pages by `url_path`, the
portal chain by `path`, the page's specific row by `pk`, the navigation's sections by path range
(`cms.sharing.top_level_sections`). Django compiles a queryset to SQL anew
each time it is evaluated, and for these wide translated rows (up to 137 columns: every Page
field in each of the install's languages, with the portal's level, logo and banner joined) that
compilation, and working out each column's converters, cost more than running the query.

`fetch` compiles a queryset's shape the first time it is asked for, checks that the SQL's
parameters are exactly the values the caller names (so nothing of the query is baked into the
SQL but its shape), and from then on runs the kept SQL with the new values and builds the model
instances as Django's own `ModelIterable` does, `select_related` objects included. What is kept
depends only on the code (models, fields, lookups), never on data, so it cannot go stale: a
process keeps one entry per shape, a handful in all.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import QuerySet
from django.db.models.query import ModelIterable, get_related_populators
from django.utils.translation import get_language


class _Compiled:
    """A queryset's SQL and what turns its rows into model instances."""

    def __init__(self, queryset: QuerySet, sql: str, compiler):
        self.alias = queryset.db
        self.sql = sql
        select, klass_info = compiler.select, compiler.klass_info
        self.model = klass_info["model"]
        fields = klass_info["select_fields"]
        self.start, self.end = fields[0], fields[-1] + 1
        self.init_list = [column[0].target.attname for column in select[self.start : self.end]]
        self.related_populators = get_related_populators(klass_info, select, self.alias)
        self.converters = list(
            compiler.get_converters([column[0] for column in select[: compiler.col_count]]).items()
        )

    def fetch(self, params: Sequence) -> list:
        connection = connections[self.alias]
        with connection.cursor() as cursor:
            cursor.execute(self.sql, list(params))
            rows = cursor.fetchall()
        objects = []
        for row in rows:
            if self.converters:
                row = list(row)
                for position, (converters, expression) in self.converters:
                    value = row[position]
                    for converter in converters:
                        value = converter(value, expression, connection)
                    row[position] = value
            obj = self.model.from_db(self.alias, self.init_list, row[self.start : self.end])
            for populator in self.related_populators:
                populator.populate(row, obj)
            objects.append(obj)
        return objects


_shapes: dict[Hashable, _Compiled | None] = {}


def fetch(shape: Hashable, build: Callable[[], QuerySet], params: Sequence) -> list:
    """The model instances `build()` gives, its SQL compiled once per `shape`.

    `shape` names everything that changes the SQL apart from the number of `params` and the
    active language (a constant name, a model); `params` are the values in the order the SQL
    takes them, never None (Django compiles `= None` as `IS NULL`, another shape). A queryset
    whose compiled parameters are not exactly `params` (an annotation, an extra value) is
    never kept: it is built and evaluated as usual every time.
    """
    # modeltranslation rewrites lookups on translated fields to the active language's column.
    key = (shape, len(params), get_language())
    compiled = _shapes.get(key, False)
    if compiled is False:
        queryset = build()
        compiled = _compile(queryset, params)
        _shapes[key] = compiled  # two threads compiling one shape keep equal results
        if compiled is None:
            return list(queryset)
    if compiled is None:
        return list(build())
    return compiled.fetch(params)


def _compile(queryset: QuerySet, params: Sequence) -> _Compiled | None:
    if (
        queryset._iterable_class is not ModelIterable
        or queryset._prefetch_related_lookups
        or queryset._known_related_objects
        or queryset.query.annotation_select
        or queryset.query.extra_select
    ):
        return None  # not plain model rows: Django does more than _Compiled.fetch
    compiler = queryset.query.get_compiler(using=queryset.db)
    try:
        sql, sql_params = compiler.as_sql()
    except EmptyResultSet:
        return None
    if list(sql_params) != list(params):
        return None
    return _Compiled(queryset, sql, compiler)
