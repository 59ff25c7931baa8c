"""Links to pages inside rich text, expanded from url_paths alone.

Wagtail's own handler loads every linked page's specific row (one query per page type) only to
call `page.url`; a page's URL here depends on nothing but its url_path (sites.routing), so one
query on the page table serves every link of a text, whatever the types it links to.
"""

from __future__ import annotations

from django.utils.html import escape
from wagtail.models import Page
from wagtail.rich_text.pages import PageLinkHandler

from sites.routing import page_url


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
        links = []
        for page in cls.get_many(attrs_list):
            url = page_url(page) if page is not None else None
            links.append(f'<a href="{escape(url)}">' if url else "<a>")
        return links
