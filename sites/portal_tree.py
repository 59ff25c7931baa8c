"""Questions about a page's place in the portal tree, answered from materialised paths.

Treebeard stores each page's path as fixed-width steps ("0001", "00010003", …), so the ancestors of
a page are the prefixes of its path: "my ancestors" is one `path IN (…)` query, with no recursion
and no cost that grows with the number of portals.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from wagtail.models import Page

if TYPE_CHECKING:
    from sites.models import PortalPage


def ancestor_paths(path: str, *, inclusive: bool = True) -> list[str]:
    """Paths of every ancestor of the node at `path` (top first), below the tree root."""
    steplen = Page.steplen
    end = len(path) if inclusive else len(path) - steplen
    return [path[:i] for i in range(2 * steplen, end + 1, steplen)]


def portal_chain_for(page: Page) -> list[PortalPage]:
    """The portals at and above `page`, top (province) first: the last one owns the page."""
    from sites.models import PortalPage

    cached = getattr(page, "_portal_chain", None)
    if cached is not None:
        return cached
    chain = list(
        PortalPage.objects.filter(path__in=ancestor_paths(page.path))
        # The logo and banner come with it: resolving a portal's settings
        # (sites.portal_settings) then needs no query of its own.
        .select_related("level", "logo", "banner")
        .order_by("depth")
    )
    page._portal_chain = chain
    return chain


def owner_portal_of(page: Page) -> PortalPage | None:
    """The nearest portal at or above `page`."""
    chain = portal_chain_for(page)
    return chain[-1] if chain else None
