"""The abstract page every page type of the project extends.

It builds a page's URL on the site of the page's owner portal, found by path prefix (see
`sites.routing`), instead of Wagtail's scan over every site: one canonical URL per page, at a cost
that does not grow with the number of portals.
"""

from __future__ import annotations

from wagtail.models import Page

from cms.search_index import with_multilingual_title
from cms.translation_status import TranslationStatusPanel
from cms.vietnamese_text import VietnameseTextMixin
from sites.routing import page_url, url_parts_for


class BasePage(VietnameseTextMixin, Page):
    # Editors see first which translations are missing or older than the Vietnamese text.
    content_panels = [TranslationStatusPanel(), *Page.content_panels]
    # The title is indexed in every language, with and without diacritics (cms.search_index).
    search_fields = with_multilingual_title(Page.search_fields)

    class Meta:
        abstract = True

    def get_url_parts(self, request=None):
        return url_parts_for(self.url_path, request)

    def get_url(self, request=None, current_site=None):
        """A local URL when the page lives on the request's site, a full URL otherwise."""
        return page_url(self, request, current_site)

    url = property(get_url)

    def get_view_restrictions(self):
        """Wagtail's check of this page's and its ancestors' view restrictions, in one query when
        the serve view (sites.serve) has already read the ancestors."""
        ancestors = getattr(self, "_route_ancestors", None)
        if ancestors is None:
            return super().get_view_restrictions()
        from wagtail.models import PageViewRestriction

        ids = {page.alias_of_id or page.pk for page in (*ancestors, self)}
        return PageViewRestriction.objects.filter(page_id__in=ids)

    def get_portal(self):
        """The portal that owns this page (nearest portal at or above it)."""
        from sites.portal_tree import owner_portal_of

        return owner_portal_of(self)

    def get_context(self, request, *args, receiving_portal=None, **kwargs):
        """Context of the page as shown on its owner portal, or on `receiving_portal` when the
        page is an item inherited from above (cms.sharing)."""
        from sites.portal_tree import ancestor_paths, portal_chain_for
        from sites.themes import use_portal_chain

        context = super().get_context(request, *args, **kwargs)
        if receiving_portal is None:
            chain = portal_chain_for(self)
            portal = chain[-1] if chain else None
        else:
            portal, chain = receiving_portal, portal_chain_for(receiving_portal)
        context.update(portal_context(portal, chain, request))
        use_portal_chain(chain)  # this portal's themes for the templates (sites.themes)
        context.setdefault("breadcrumbs", [])
        if receiving_portal is None and portal is not None and self.depth > portal.depth + 1:
            trail = getattr(self, "_route_ancestors", None)  # read by the serve view
            if trail is None:
                trail = Page.objects.filter(
                    path__in=ancestor_paths(self.path, inclusive=False)
                ).order_by("depth")
            trail = [ancestor for ancestor in trail if ancestor.depth > portal.depth]
            context["breadcrumbs"] = [
                (ancestor.title, page_url(ancestor, request)) for ancestor in trail
            ]
        return context


def portal_context(portal, chain, request=None) -> dict:
    """What every page of a portal shows of the portal: its chain, its settings resolved along
    the chain (no query, sites.portal_settings), its main navigation."""
    from cms.sharing import top_level_sections
    from sites.portal_settings import resolve_settings

    return {
        "portal": portal,
        "portal_chain": chain,
        "portal_settings": resolve_settings(chain),
        "nav_sections": (
            [s for s in top_level_sections(portal, request) if s.show_in_menus]
            if portal is not None
            else []
        ),
    }
