"""The database's statistics, refreshed after a bulk write so that its query planner sees the
tables' real sizes.

Called after an import of many portals (sites.unit_import) and after `update_index` rebuilt the
search index (cms.search_backend). PostgreSQL's autovacuum would get there too, later; SQLite keeps
no statistics at all until `ANALYZE` runs, and then plans every table as if it held a million rows.
With the whole country that sent a commune editor's page search through the page-type index, over
every page of the install, instead of through the commune's tree path (16 ms instead of 0.1).

One more step on SQLite: `ANALYZE` writes nothing for an empty table, which the planner then takes
for a very large one and scans the whole page table to join it (the page view restrictions: 4 ms
on every admin request). Each table left without statistics is recorded as holding one row, the
way SQLite's documentation describes for setting statistics by hand.
"""

from __future__ import annotations

from django.db import connection


def refresh_planner_statistics(*tables: str) -> None:
    """`ANALYZE` the given tables, or the whole database."""
    with connection.cursor() as cursor:
        if not tables:
            cursor.execute("ANALYZE")
        for table in tables:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")
        if connection.vendor == "sqlite":
            _empty_tables_are_small(cursor, tables)


def _empty_tables_are_small(cursor, tables) -> None:
    cursor.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
        "AND sql NOT LIKE 'CREATE VIRTUAL TABLE%'"
    )
    names = [row[0] for row in cursor.fetchall()]
    if tables:
        names = [name for name in names if name in tables]
    cursor.execute("SELECT DISTINCT tbl FROM sqlite_stat1")
    known = {row[0] for row in cursor.fetchall()}
    for name in names:
        if name not in known:
            cursor.execute(
                "INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES (%s, NULL, '1')", [name]
            )
    # The planner reads the statistics when it loads the schema.
    cursor.execute("ANALYZE sqlite_schema")
