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

from sites.routing import site_roots

# Not portal pages: the same on every host.
_PASSED_PREFIXES = ("/admin/", "/static/", "/django-admin/")


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
    target = None
    for old_path in candidates:
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
        if hostname and not path.startswith(_PASSED_PREFIXES):
            site_id = site_roots.retired_site_id(hostname, request)
            if site_id is not None:
                target = new_url_for(site_id, path, request.META.get("QUERY_STRING", ""))
                if target is not None:
                    return HttpResponsePermanentRedirect(target)
        return self.get_response(request)
