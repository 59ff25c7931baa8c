"""Questions about a page's place in the portal tree, answered from materialised paths.

Treebeard stores each page's path as fixed-width steps ("0001", "00010003", …), so the ancestors of
a page are the prefixes of its path: "my ancestors" is one `path IN (…)` query, with no recursion
and no cost that grows with the number of portals.
"""

from __future__ import annotations

from operator import attrgetter
from typing import TYPE_CHECKING

from django.db.models import Q
from django.db.models.lookups import StartsWith
from wagtail.models import Collection, Page

from sites import compiled_queries

if TYPE_CHECKING:
    from sites.models import PortalPage


def ancestor_paths(path: str, *, inclusive: bool = True) -> list[str]:
    """Paths of every ancestor of the node at `path` (top first), below the tree root."""
    steplen = Page.steplen
    end = len(path) if inclusive else len(path) - steplen
    return [path[:i] for i in range(2 * steplen, end + 1, steplen)]


# Ranges over treebeard's path alphabet (0-9, A-Z) instead of Wagtail's `child_of` and
# `descendant_of`, which filter with `path LIKE 'prefix%'`: a range uses the path's unique index on
# every database, a LIKE scans the whole page table on SQLite (and on PostgreSQL outside the "C"
# collation), a cost that grows with the number of portals.
_LAST_STEP = Page.alphabet[-1] * Page.steplen
_MAX_PATH = Page._meta.get_field("path").max_length


def children_range(page: Page) -> tuple[str, str]:
    """The lowest and highest path a child of `page` can have."""
    return page.path + Page.alphabet[0] * Page.steplen, page.path + _LAST_STEP


def children_q(page: Page, prefix: str = "") -> Q:
    """The children of `page` (`prefix`: the relation to the page, e.g. "owner_portal__")."""
    return Q(**{f"{prefix}path__range": children_range(page), f"{prefix}depth": page.depth + 1})


def subtree_q(page: Page, prefix: str = "", *, inclusive: bool = True) -> Q:
    """`page` (unless not `inclusive`) and every page below it."""
    high = page.path + Page.alphabet[-1] * (_MAX_PATH - len(page.path))
    q = Q(**{f"{prefix}path__range": (page.path, high)})
    return q if inclusive else q & Q(**{f"{prefix}depth__gt": page.depth})


def portal_chain_for(page: Page) -> list[PortalPage]:
    """The portals at and above `page`, top (province) first: the last one owns the page."""
    from sites.models import PortalPage

    cached = getattr(page, "_portal_chain", None)
    if cached is not None:
        return cached
    paths = ancestor_paths(page.path)
    chain = sorted(
        compiled_queries.fetch(
            "portal-chain",
            lambda: (
                PortalPage.objects.filter(path__in=paths)
                # The logo and banner come with it: resolving a portal's settings
                # (sites.portal_settings) then needs no query of its own.
                .select_related("level", "logo", "banner")
                # Sorted here: Django's ORDER BY compiler costs more than sorting three rows.
                .order_by()
            ),
            paths,
        ),
        key=attrgetter("depth"),
    )
    page._portal_chain = chain
    return chain


def owner_portal_of(page: Page) -> PortalPage | None:
    """The nearest portal at or above `page`."""
    chain = portal_chain_for(page)
    return chain[-1] if chain else None


class TreePathStartsWith(StartsWith):
    """`path__startswith` (treebeard's and Wagtail's every "below this node" query, and the
    reach filters of sites.permissions) as the same range on SQLite, where a LIKE cannot use
    the path's index: Wagtail's explorer and choosers then cost the same at 10,800 portals as at
    220 (README, "Performance and scaling"). PostgreSQL uses Django's `varchar_pattern_ops`
    index of the unique path for the LIKE, so it keeps it."""

    def as_sql(self, compiler, connection):
        if connection.vendor != "sqlite" or not isinstance(self.rhs, str):
            return super().as_sql(compiler, connection)
        lhs, lhs_params = self.process_lhs(compiler, connection)
        high = self.rhs + _LAST_STEP[0] * (_MAX_PATH - len(self.rhs))
        return f"({lhs} >= %s AND {lhs} <= %s)", [*lhs_params, self.rhs, *lhs_params, high]


def register_tree_lookups() -> None:
    """On the path fields of pages and collections only (Django's per-field lookups)."""
    for model in (Page, Collection):
        model._meta.get_field("path").register_lookup(TreePathStartsWith)
