"""An index on `wagtailcore_page.url_path`, which the serve view (sites.serve) looks pages up by.

Wagtail's own table has none (stock Wagtail routes slug by slug). It is created after every
`migrate` rather than in a migration of ours: a later Wagtail migration that rebuilds the page
table on SQLite would drop it silently, and `post_migrate` puts it back on the next migrate.
"""

from django.db import connections

INDEX_NAME = "portals_page_url_path_idx"


def ensure_url_path_index(using: str = "default", **kwargs) -> None:
    connection = connections[using]
    if "wagtailcore_page" not in connection.introspection.table_names():
        return  # migrated back to zero
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE INDEX IF NOT EXISTS {INDEX_NAME} ON wagtailcore_page (url_path)")
