"""Adding many nodes to a treebeard tree (pages, collections) with a handful of SQL statements.

`Page.add_child` costs a dozen statements and a few milliseconds per page; the whole country is
10,800 portals and ~110,000 section pages, so the importer plans the materialised paths itself
(treebeard's `_get_path`) and inserts rows in bulk.

Building a Django model instance per page is itself the main cost at that size (Wagtail's,
modelcluster's and modeltranslation's `__init__`, then `get_db_prep_save` for ~40 columns): a
country import spent most of its time there. So pages are planned as rows: a `PagePrototype` is
one real instance of a page model with the values its pages share (a blueprint section, a portal
home), turned once into prepared column values for every table of the model; each `PlannedPage`
only carries what differs (path, slug, titles, …). Inserting is one executemany per table:
Wagtail's page table first, then the ids read back by path, then the model's own tables.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import connection, models
from django.db.models import F
from django.utils import timezone
from wagtail.models import Collection, Locale, Page

# Column types whose str/int/bool/None values reach the database unchanged (no preparation).
_PLAIN_TYPES = frozenset(
    {
        "AutoField",
        "BigAutoField",
        "BooleanField",
        "CharField",
        "ForeignKey",
        "IntegerField",
        "OneToOneField",
        "PositiveIntegerField",
        "PositiveSmallIntegerField",
        "SlugField",
        "SmallIntegerField",
        "TextField",
    }
)


class TreePlanner:
    """Hands out materialised paths for new children of existing or planned nodes."""

    def __init__(self, model: type[models.Model]):
        self.model = model
        self._next_step: dict[str, int] = {}
        self.new_children: dict[str, int] = defaultdict(int)
        self._planned_paths: set[str] = set()

    def child_path(self, parent_path: str, parent_depth: int) -> str:
        step = self._next_step.get(parent_path)
        if step is None:
            step = 1
            if parent_path not in self._planned_paths:
                last = (
                    self.model._default_manager.filter(
                        path__startswith=parent_path, depth=parent_depth + 1
                    )
                    .order_by("-path")
                    .values_list("path", flat=True)
                    .first()
                )
                if last:
                    step = int(last[-self.model.steplen :], len(self.model.alphabet)) + 1
        self._next_step[parent_path] = step + 1
        self.new_children[parent_path] += 1
        path = self.model._get_path(parent_path, parent_depth + 1, step)
        self._planned_paths.add(path)
        return path

    def place(self, node, parent) -> None:
        """Give `node` its path, depth and url_path (pages) as the next child of `parent`."""
        node.path = self.child_path(parent.path, parent.depth)
        node.depth = parent.depth + 1
        node.numchild = 0
        if isinstance(node, Page | PlannedPage):
            node.url_path = f"{parent.url_path}{node.slug}/"

    def set_child_counts(self, planned_nodes) -> None:
        """Give planned nodes their `numchild` before they are inserted."""
        for node in planned_nodes:
            node.numchild = self.new_children.get(node.path, 0)

    def update_existing_parents(self) -> None:
        """Add the new children to the `numchild` of parents that were already in the tree."""
        for parent_path, count in self.new_children.items():
            if parent_path not in self._planned_paths:
                self.model._default_manager.filter(path=parent_path).update(
                    numchild=F("numchild") + count
                )


def new_page(
    model: type[Page], *, title: str, slug: str, title_en: str | None = None, **fields
) -> Page:
    """An unsaved, live page with the fields Wagtail expects of a published page.

    `title` is the Vietnamese title (the default language), `title_en` the English one.
    """
    now = timezone.now()
    page = model(
        title=title,
        title_vi=title,
        title_en=title_en or None,
        draft_title=title,
        slug=slug,
        live=True,
        has_unpublished_changes=False,
        first_published_at=now,
        last_published_at=now,
        translation_key=uuid.uuid4(),
        **fields,
    )
    return page


class _Table:
    """One table of a page model: its columns and the prototype's prepared values."""

    def __init__(self, model: type[models.Model], instance: Page, *, with_pk: bool):
        self.model = model
        self.fields = [f for f in model._meta.local_concrete_fields if with_pk or not f.primary_key]
        self.position = {f.attname: i for i, f in enumerate(self.fields)}
        self.prepared = [f.get_db_prep_save(_raw(instance, f), connection) for f in self.fields]
        # Columns that point at the page row itself (multi-table inheritance links).
        self.page_links = [
            self.position[link.attname]
            for link in model._meta.parents.values()
            if link.attname in self.position
        ]
        if model._meta.pk.attname in self.position and model is not Page:
            self.page_links.append(self.position[model._meta.pk.attname])
        self.page_links = sorted(set(self.page_links))

    def row(self, page: PlannedPage) -> list[Any]:
        row = list(self.prepared)
        for attname, value in page.values.items():
            index = self.position.get(attname)
            if index is not None:
                row[index] = _prepare(self.fields[index], value)
        for index in self.page_links:
            row[index] = page.pk
        return row


class PagePrototype:
    """What the pages of one kind share, prepared once for every table of their model."""

    def __init__(
        self, model: type[Page], *, title: str, slug: str, locale_id: int | None = None, **fields
    ):
        self.model = model
        self.slug = slug
        instance = new_page(model, title=title, slug=slug, **fields)
        instance.content_type_id = ContentType.objects.get_for_model(model).pk
        instance.locale_id = locale_id or Locale.get_default().pk
        self.tables = [
            _Table(Page, instance, with_pk=False),
            *(_Table(m, instance, with_pk=True) for m in _models_below_page(model)),
        ]
        self.columns = {attname for table in self.tables for attname in table.position}

    def plan(self, **values) -> PlannedPage:
        """A page like the prototype but for `values` (attnames: `title`, `slug`, `kind_id`…).

        A value may be a `PlannedPage`, for a foreign key to a page inserted in the same batch.
        """
        unknown = set(values) - self.columns
        if unknown:
            raise ValueError(f"{self.model.__name__} has no column for {sorted(unknown)}")
        return PlannedPage(self, values)


class PlannedPage:
    """A page row to insert: its prototype, what differs from it, its place in the tree."""

    __slots__ = ("prototype", "values", "path", "depth", "numchild", "url_path", "pk")

    def __init__(self, prototype: PagePrototype, values: dict[str, Any]):
        self.prototype = prototype
        self.values = values
        values.setdefault("translation_key", uuid.uuid4())
        self.pk: int | None = None

    @property
    def slug(self) -> str:
        return self.values["slug"]

    @property
    def id(self) -> int | None:
        return self.pk


def insert_pages(pages: list[PlannedPage], batch_size: int = 5000) -> None:
    """Insert planned pages (of any page models): Wagtail's page table, then each model's own."""
    if not pages:
        return
    for page in pages:
        page.values.update(
            path=page.path, depth=page.depth, numchild=page.numchild, url_path=page.url_path
        )
    # Every prototype's page table has the same columns, in the same order.
    _executemany(
        pages[0].prototype.tables[0],
        [page.prototype.tables[0].row(page) for page in pages],
        batch_size,
    )
    ids = _page_ids_by_path([page.path for page in pages])
    for page in pages:
        page.pk = ids[page.path]

    by_table: dict[type[models.Model], tuple[_Table, list[list[Any]]]] = {}
    for page in pages:
        for table in page.prototype.tables[1:]:
            _, rows = by_table.setdefault(table.model, (table, []))
            rows.append(table.row(page))
    # Parent tables first, so that foreign keys to them hold at every step.
    for model in sorted(by_table, key=lambda m: len(m._meta.get_parent_list())):
        table, rows = by_table[model]
        _executemany(table, rows, batch_size)


def _page_ids_by_path(paths: list[str], chunk: int = 900) -> dict[str, int]:
    ids: dict[str, int] = {}
    for start in range(0, len(paths), chunk):
        ids.update(
            Page.objects.filter(path__in=paths[start : start + chunk]).values_list("path", "id")
        )
    return ids


def _executemany(table: _Table, rows: list[list[Any]], batch_size: int) -> None:
    _write_rows(table.model._meta.db_table, [f.column for f in table.fields], rows, batch_size)


def _write_rows(db_table: str, columns: list[str], rows: list, batch_size: int) -> None:
    """Insert prepared rows: COPY on PostgreSQL (one stream, several times faster than a statement
    per row), executemany elsewhere."""
    quote = connection.ops.quote_name
    table, column_list = quote(db_table), ", ".join(quote(column) for column in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({column_list}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        # identifiers come from model metadata, values are parameters
        sql = f"INSERT INTO {table} ({column_list}) VALUES ({', '.join(['%s'] * len(columns))})"  # noqa: S608
        for start in range(0, len(rows), batch_size):
            cursor.executemany(sql, rows[start : start + batch_size])


def _prepare(field: models.Field, value: Any) -> Any:
    if isinstance(value, PlannedPage):
        return value.pk
    if value is None or (
        type(value) in (str, int, bool) and field.get_internal_type() in _PLAIN_TYPES
    ):
        return value
    return field.get_db_prep_save(value, connection)


def _models_below_page(model: type[Page]) -> list[type[Page]]:
    """The concrete tables of a page model besides Wagtail's own, e.g. ShareablePage, NewsPage."""
    chain = [m for m in model._meta.get_parent_list() if m is not Page and not m._meta.abstract]
    chain.sort(key=lambda m: len(m._meta.get_parent_list()))
    return [*chain, model]


def insert_rows(model: type[models.Model], objs: list, batch_size: int) -> None:
    """Insert model instances whose every column is set (including the primary key)."""
    fields = model._meta.local_concrete_fields
    rows = [[f.get_db_prep_save(_raw(obj, f), connection) for f in fields] for obj in objs]
    _write_rows(model._meta.db_table, [f.column for f in fields], rows, batch_size)


def insert_values(
    model: type[models.Model], columns: Iterable[str], rows: list[tuple], batch_size: int = 5000
) -> None:
    """Insert plain rows (ints and strings) into a model's table, e.g. permission grants."""
    fields = [model._meta.get_field(name) for name in columns]
    _write_rows(model._meta.db_table, [f.column for f in fields], rows, batch_size)


def _raw(obj, field):
    """A field's own value, not the active language's translation modeltranslation would give."""
    try:
        return vars(obj)[field.attname]
    except KeyError:
        return getattr(obj, field.attname)


def insert_collections(planned: list[tuple[Collection, Collection]]) -> None:
    """Insert (collection, parent) pairs, parents listed before their children.

    Siblings get paths in name order, as treebeard keeps collections (`node_order_by`).
    """
    planner = TreePlanner(Collection)
    groups: dict[int, list[tuple[Collection, Collection]]] = {}
    for collection, parent in planned:
        groups.setdefault(id(parent), []).append((collection, parent))
    created = []
    for siblings in groups.values():
        for collection, parent in sorted(siblings, key=lambda pair: pair[0].name):
            planner.place(collection, parent)
            created.append(collection)
    planner.set_child_counts(created)
    Collection.objects.bulk_create(created, batch_size=2000)
    planner.update_existing_parents()
