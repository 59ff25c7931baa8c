"""Links to pages inside rich text, expanded from url_paths alone.

Wagtail's own handler loads every linked page's specific row (one query per page type) only to
call `page.url`; a page's URL here depends on nothing but its url_path (sites.routing), so one
query on the page table serves every link of a text, whatever the types it links to.
"""

from __future__ import annotations

from django.utils.html import escape
from wagtail.models import Page
from wagtail.rich_text.pages import PageLinkHandler

from sites.routing import url_for_url_path


class PortalPageLinkHandler(PageLinkHandler):
    @classmethod
    def get_many(cls, attrs_list: list[dict]) -> list[Page | None]:
        ids = [attrs.get("id") for attrs in attrs_list]
        pages = Page.objects.filter(id__in=[i for i in ids if str(i).isdigit()]).only(
            "id", "url_path"
        )
        by_id = {str(page.pk): page for page in pages}
        return [by_id.get(str(i)) for i in ids]

    @classmethod
    def expand_db_attributes_many(cls, attrs_list: list[dict]) -> list[str]:
        # The url_paths alone, not page instances: building 15 instances cost more than the query.
        ids = [str(attrs.get("id")) for attrs in attrs_list]
        wanted = [i for i in ids if i.isdigit()]
        url_paths = dict(
            Page.objects.filter(id__in=wanted).order_by().values_list("id", "url_path")
        )
        links = []
        for page_id in ids:
            url_path = url_paths.get(int(page_id)) if page_id.isdigit() else None
            url = url_for_url_path(url_path) if url_path is not None else None
            links.append(f'<a href="{escape(url)}">' if url else "<a>")
        return links
