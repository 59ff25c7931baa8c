"""Old hostnames keep working: every request to a retired host answers 301 to its new place.

A portal merged into another, moved under another parent or retired leaves its hostname behind
(sites.restructuring). That host keeps its Wagtail `Site`, marked by a `RetiredHost` row, whose
root page is the successor portal's home, and whose redirects (Wagtail's redirects app, one per
old page) say where each old path went. A request to it is answered here, before any page is
looked up:

* the longest old path in the host's redirects that is the requested path or one of its parents
  gives the new place, and what followed it is kept (`/tin-tuc/rss/` → the new section's `rss/`,
  `/thong-bao/chia-se/12/slug/` → the same route on the new section);
* with no such redirect the path is kept as it is on the successor's host (a moved portal: same
  paths, new host);
* a language prefix (`/en/…`) and the query string are kept.

Each `RetiredHost` also keeps where its portal's home was in the page tree (`old_url_path`), so
old URLs reached by *path* keep working too: a portal of the host's that retired as well
(`/camhung/…` on a merged district's host) sends on to its own new place, and a page not found on
a live host (`camgiang…/camhung/…` after Cẩm Hưng moved; every old URL in path mode, where such
paths are canonical) is answered with the new place of the deepest retired portal that was
there, when there is one.

Redirect targets are pages, never URLs: when a target moves again its URL follows, so an old URL
is always one hop from a page that answers 200.
"""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

from django.conf import settings
from django.http import HttpResponsePermanentRedirect
from django.utils import translation
from django.utils.encoding import uri_to_iri
from django.utils.translation import get_language_from_path
from wagtail.contrib.redirects.models import Redirect
from wagtail.models import Page, Site

from sites.models import RetiredHost
from sites.routing import site_roots, url_path_prefixes

# Not portal pages: the same on every host.
_PASSED_PREFIXES = ("/admin/", "/static/", "/django-admin/")
_NOT_PAGES = (*_PASSED_PREFIXES, "/media/", "/documents/", "/api/")


def _old_paths(path: str) -> list[str]:
    """`/a/b/c` → [`/a/b/c`, `/a/b`, `/a`, `/`] (normalised as the redirects app stores them)."""
    path = Redirect.normalise_path(path)
    paths = [path]
    while path != "/":
        path = path[: path.rfind("/")] or "/"
        paths.append(path)
    return paths


def new_url_for(site_id: int, path: str, query: str = "") -> str | None:
    """Where `path` of the retired host of site `site_id` lives now (a full URL)."""
    # Page URLs are built in the default language (no prefix); the request's prefix is added.
    with translation.override(settings.LANGUAGE_CODE):
        return _new_url_for(site_id, path, query)


def moved_url_for(
    url_path: str, query: str = "", language: str = "", below: str = "/"
) -> str | None:
    """Where the tree path `url_path` (a page's url_path and what follows it, as a request by path
    through a portal above names it) lives now, when it lies under a portal whose host retired
    (moved, merged, retired) deeper than the tree path `below`: the deepest such portal's old
    tree path gives its host, whose redirects say the rest. None when no retired portal was
    there."""
    prefixes = [p for p in url_path_prefixes(url_path) if len(p) > len(below)]
    retired = _deepest_retirement(prefixes)
    if retired is None:
        return None
    old_url_path, site_id = retired
    prefix = f"/{language}" if language and language != settings.LANGUAGE_CODE else ""
    return new_url_for(site_id, prefix + url_path[len(old_url_path) - 1 :], query)


def _deepest_retirement(tree_paths: list[str]) -> tuple[str, int] | None:
    """(old tree path, site id) of the retired host whose portal was at the longest of
    `tree_paths`, the latest retired when several were there in turn."""
    rows = RetiredHost.objects.filter(old_url_path__in=tree_paths).values_list(
        "old_url_path", "site_id", "retired_at"
    )
    best = max(rows, key=lambda row: (len(row[0]), row[2]), default=None)
    return best[:2] if best else None


def _new_url_for(site_id: int, path: str, query: str) -> str | None:
    language = get_language_from_path(path)
    prefix = ""
    if language and language != settings.LANGUAGE_CODE:
        prefix = f"/{language}"
        path = path[len(prefix) :] or "/"
    path = uri_to_iri(path)
    candidates = _old_paths(path)
    found = {
        redirect.old_path: redirect
        for redirect in Redirect.objects.filter(
            site_id=site_id, old_path__in=candidates
        ).select_related("redirect_page")
    }
    # Portals that were below this one and retired too (a district's communes): their old tree
    # paths, found from this host's own (`/camhung/…` on a district's host).
    old_root = (
        RetiredHost.objects.filter(site_id=site_id).values_list("old_url_path", flat=True).first()
    )
    deeper_at = deeper_site_id = None  # the candidate where such a portal was, and its host
    if old_root:
        tree_paths = {old_root + c.strip("/") + "/": c for c in candidates if c != "/"}
        deeper = _deepest_retirement(list(tree_paths))
        if deeper is not None:
            deeper_at, deeper_site_id = tree_paths[deeper[0]], deeper[1]
    target = None
    for old_path in candidates:
        if old_path == deeper_at:
            rest = Redirect.normalise_path(path)[len(old_path) :] or "/"
            if path.endswith("/") and not rest.endswith("/"):
                rest += "/"
            return new_url_for(deeper_site_id, prefix + rest, query)
        redirect = found.get(old_path)
        if redirect is not None and redirect.link:
            rest = Redirect.normalise_path(path)[len(old_path) :].lstrip("/")
            target = redirect.link
            if rest:
                target = target.rstrip("/") + "/" + rest + ("/" if path.endswith("/") else "")
            break
    if target is None:
        site = Site.objects.filter(pk=site_id).select_related("root_page").first()
        if site is None:
            return None
        home_url = Page.objects.get(pk=site.root_page_id).specific_deferred.url
        if home_url is None:
            return None
        target = home_url.rstrip("/") + "/" + path.lstrip("/")
    scheme, netloc, target_path, _query, _fragment = urlsplit(target)
    return urlunsplit((scheme, netloc, prefix + target_path, query, ""))


class RetiredHostMiddleware:
    """Answers every request to a retired hostname with a permanent redirect."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        host = request.META.get("HTTP_HOST", "").lower()
        hostname = host.rsplit(":", 1)[0] if not host.endswith("]") else host
        path = request.path_info
        if "\x00" in path:
            # No page path holds a NUL (and PostgreSQL refuses it in a query): not found.
            return self.get_response(request)
        if hostname and not path.startswith(_PASSED_PREFIXES):
            site_id = site_roots.retired_site_id(hostname, request)
            if site_id is not None:
                target = new_url_for(site_id, path, request.META.get("QUERY_STRING", ""))
                if target is not None:
                    return HttpResponsePermanentRedirect(target)
        response = self.get_response(request)
        if response.status_code == 404 and request.method in ("GET", "HEAD"):
            target = self._moved(request, hostname, path)
            if target is not None:
                return HttpResponsePermanentRedirect(target)
        return response

    @staticmethod
    def _moved(request, hostname: str, path: str) -> str | None:
        """A page not found on a live host, by path under a portal that has since moved or gone
        (`camgiang…/camhung/…` after Cẩm Hưng moved; in path mode, every old URL): its new place,
        unless that is this very URL."""
        if path.startswith(_NOT_PAGES):
            return None
        site = site_roots.site_for_hostname(hostname)
        if site is None:
            return None
        _site_id, root_url_path = site
        language = get_language_from_path(path) or ""
        relative = path[len(language) + 1 :] if language else path
        if language == settings.LANGUAGE_CODE:
            language = ""
        url_path = root_url_path + uri_to_iri(relative).lstrip("/")
        target = moved_url_for(
            url_path, request.META.get("QUERY_STRING", ""), language, below=root_url_path
        )
        if target is None or target == request.build_absolute_uri():
            return None
        return target
