"""The public page view: Wagtail's `serve`, with the route found in a number of queries that does
not grow with the page's depth or the number of portals.

Stock Wagtail finds the request's Site with a query, then walks the URL one slug at a time, two
queries per level (the child, then its specific row): 6 queries for a commune's article before
anything is rendered. Here the Site comes from the routing index (`sites.routing`), the page and
all its ancestors from one `url_path IN (…)` query (indexed, `sites.url_path_index`), the portal
chain from one query and the page's specific row from one more. The route found is handed to
Wagtail's own view through `request._wagtail_route_for_request`, so its hooks (view restrictions,
canonical host, languages), `serve` methods and routable sub-pages work unchanged.
"""

from __future__ import annotations

from django.http import Http404
from wagtail import views as wagtail_views
from wagtail.contrib.routable_page.models import RoutablePageMixin
from wagtail.models import Page

from sites import compiled_queries
from sites.portal_tree import portal_chain_for
from sites.routing import site_roots, url_path_prefixes

# What the route's pages are read for: finding the route (url_path, depth, path, type), view
# restrictions (alias_of) and the breadcrumbs (title, in every language). The page served is read
# whole, as its specific row; the wide rest of the ancestors' rows (SEO fields, locks, revisions,
# in every language) cost more to build than to query.
_ROUTE_FIELDS = ("id", "path", "depth", "url_path", "content_type", "alias_of", "title", "live")


def serve(request, path):
    if not hasattr(request, "_wagtail_route_for_request"):
        site = site_roots.site_for_request(request)
        if site is not None:
            request._wagtail_site = site
            root = site_roots.root_for_site_id(site.pk, request)
            if root is not None:
                request._wagtail_route_for_request = _route(request, root.root_path, path)
    return wagtail_views.serve(request, path)


def _route(request, root_url_path: str, path: str):
    """Wagtail's RouteResult for `path` below the site root at `root_url_path`, or None (404)."""
    components = [component for component in path.split("/") if component]
    wanted = url_path_prefixes(root_url_path + "".join(f"{c}/" for c in components))
    pages = compiled_queries.fetch(
        "route",
        lambda: Page.objects.filter(url_path__in=wanted).order_by().only(*_ROUTE_FIELDS),
        wanted,
    )
    by_url_path = {page.url_path: page for page in pages}
    ancestors = [by_url_path[url_path] for url_path in wanted if url_path in by_url_path]
    root_depth = root_url_path.count("/")  # "/" is the tree root, at depth 1
    route = [page for page in ancestors if page.depth >= root_depth]
    if not route or route[0].url_path != root_url_path:
        return None
    # Walk down like Page.route: a routable page answers its own sub-URLs first; else go on to
    # the child named by the next component, while one exists (url_paths are contiguous).
    for page in route:
        rest = components[page.depth - root_depth :]
        routable = issubclass(page.specific_class or Page, RoutablePageMixin)
        if rest and routable and _resolves_subpage(page.specific_class, rest):
            break
    return _finish(request, page, rest, ancestors)


def _finish(request, page: Page, rest: list[str], ancestors: list[Page]):
    chain = portal_chain_for(page)
    if chain and chain[-1].pk == page.pk:
        specific = chain[-1]
    else:
        model = page.specific_class
        if model is None:
            return None
        related = getattr(model, "serve_select_related", ())
        rows = compiled_queries.fetch(
            ("specific", model),
            lambda: model.objects.select_related(*related).filter(pk=page.pk).order_by()[:1],
            [page.pk],
        )
        specific = rows[0] if rows else None
        if specific is None:
            return None
    specific._portal_chain = chain
    specific._route_ancestors = [p for p in ancestors if p.depth < page.depth]
    try:
        return specific.route(request, rest)
    except Http404:
        return None


def _resolves_subpage(model, rest: list[str]) -> bool:
    try:
        model.get_resolver().resolve("/" + "/".join(rest) + "/")
    except Http404:
        return False
    return True
