"""SQLite's full-text table of the search index gets prefix indexes (FTS5 `prefix=`).

An editor's or a citizen's search completes the word being typed ("thô" finds "thông báo"):
without a prefix index FTS5 merges the entries of every word that starts with it, over the whole
install's index, on each search (2 ms for "tin" with the whole country indexed, against 0.1 ms
with a province); with one it reads a single list and can seek within it to the entries searched. The table is Wagtail's (wagtailsearch_indexentry_fts, created by
its migration 0006 without options); its rows are a copy of wagtailsearch_indexentry's columns,
kept by Wagtail's triggers, so it is recreated with the option and filled again from that table.
PostgreSQL's index is left as it is.
"""

from django.db import migrations

FTS_TABLE = "wagtailsearch_indexentry_fts"
PREFIX_LENGTHS = "2 3 4 5"


def _recreate(schema_editor, options: str) -> None:
    if schema_editor.connection.vendor != "sqlite":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM sqlite_master WHERE name = %s", [FTS_TABLE])
        if cursor.fetchone() is None:  # SQLite without FTS5: Wagtail searches without it
            return
        cursor.execute(f"DROP TABLE {FTS_TABLE}")
        cursor.execute(
            f"CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5(autocomplete, body, title{options})"
        )
        cursor.execute(
            f"INSERT INTO {FTS_TABLE} (rowid, autocomplete, body, title) "
            "SELECT id, autocomplete, body, title FROM wagtailsearch_indexentry"
        )


def add_prefix_indexes(apps, schema_editor):
    _recreate(schema_editor, f", prefix='{PREFIX_LENGTHS}'")


def remove_prefix_indexes(apps, schema_editor):
    _recreate(schema_editor, "")


class Migration(migrations.Migration):
    dependencies = [
        ("cms", "0006_image_document_translation_columns"),
        ("wagtailsearch", "0010_add_text_fields"),
    ]

    operations = [migrations.RunPython(add_prefix_indexes, remove_prefix_indexes)]
