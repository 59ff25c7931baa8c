"""Whole-page cache for anonymous readers, invalidated exactly by versions.

Every anonymous GET of a page (anything Wagtail's `wagtail_serve` answers: pages, their routes,
feeds) is kept whole in Django's cache (`RedisCache` in production, shared by every app server;
local memory in development). An entry is found by host, path, query string and language, and
holds the **versions** it was built against:

* the global version (themes, sites, settings of the install, code through `PORTALS_RELEASE`);
* for each portal of the page's portal chain (province → district → commune), its *tree*
  version, which changes when something changes that the portals below it can show;
* the page's own portal's *own* version, which changes when only that portal is concerned.

A hit needs every one of them unchanged; the versions are read with the entry in one round trip.
So a change bumps ONE version whatever the number of portals that show it: publishing at the
province bumps the province's tree version, and the next request on any of its 10,000 portals
misses and renders afresh. Versions are random tokens, bumped at once and again after the
transaction commits, and an entry keeps the versions read *before* its page was rendered, so a
publish that lands during a render makes that render's entry stale at once.

What other code calls (all O(1) cache writes):

    portal_changed(portal)              only this portal's pages show something new
    portal_and_below_changed(portal)    this portal and every portal below it
    everything_changed()                every page of the install

Wagtail's signals are wired here (`register`): publish, unpublish (scheduled expiry included, as
`publish_scheduled` sends them), delete, move, sites, images and documents, and the sharing
engine's `portal_listings_changed` (hide, pin, accepted proposals).

Never cached: requests carrying a session cookie (editors, previews in the admin), anything but
GET/HEAD, responses that set a cookie or used the CSRF token, non-200 responses. Responses that
are cached say `Cache-Control: public` with `s-maxage` of `PORTALS_CDN_MAX_AGE` (0 by default, as
a CDN could not be told of a publish) and carry an ETag a CDN or browser can revalidate with.
"""

from __future__ import annotations

import hashlib
import time

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse, HttpResponseNotModified
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.translation import get_language_from_path

from sites.routing import VERSION_KEY as SITE_ROOTS_VERSION_KEY
from sites.routing import new_version, site_roots

GLOBAL_KEY = "pc:v:global"
ENTRY_PREFIX = "pc:page:"
HIT_HEADER = "X-Page-Cache"
_SKIPPED_PREFIXES = (
    "/admin/",
    "/static/",
    "/media/",
    "/documents/",
    "/django-admin/",
    "/api/",  # the JSON API sets its own ETag and Cache-Control (cms/api.py)
)


def _tree_key(portal_id: int) -> str:
    return f"pc:v:tree:{portal_id}"


def _own_key(portal_id: int) -> str:
    return f"pc:v:own:{portal_id}"


def _portal_id(portal) -> int:
    return portal if isinstance(portal, int) else portal.pk


def _bump(*keys: str) -> None:
    """New versions now, and again once the transaction commits: a page rendered in between
    (from the data before the commit) is stored against the first and dropped by the second."""

    def write():
        cache.set_many({key: new_version() for key in keys}, timeout=None)

    write()
    transaction.on_commit(write)


# --- The API -----------------------------------------------------------------------------------


def portal_changed(portal) -> None:
    """Something only this portal's own pages show changed (not the portals below it)."""
    _bump(_own_key(_portal_id(portal)))


def portal_and_below_changed(portal) -> None:
    """Something changed that this portal and every portal below it may show."""
    _bump(_tree_key(_portal_id(portal)))


def everything_changed() -> None:
    """Every cached page of the install is stale (a site, a theme, the install's settings)."""
    _bump(GLOBAL_KEY)


# --- The middleware ----------------------------------------------------------------------------


def cache_seconds() -> int:
    return getattr(settings, "PORTALS_PAGE_CACHE_SECONDS", 3600)


class PageCacheMiddleware:
    """Answers anonymous page requests from the cache; stores what `wagtail_serve` renders.

    It sits near the top of MIDDLEWARE (after SecurityMiddleware), so a hit skips sessions,
    CSRF, authentication and the view, and a stored response already has every header the inner
    middleware added (Content-Security-Policy with its style hashes, Content-Language, Vary).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        lookup = self._lookup(request)
        if lookup is None:
            response = self.get_response(request)
            if settings.SESSION_COOKIE_NAME in request.COOKIES:
                # An editor's or a signed-in user's page: never kept by a shared cache either.
                patch_cache_control(response, private=True)
            return response
        key, versions, entry = lookup
        if entry is not None:
            return self._from_entry(request, entry)
        response = self.get_response(request)
        if self._storable(request, response):
            self._store(key, versions, response)
            response[HIT_HEADER] = "miss"
        return response

    # A request is looked up when it is an anonymous GET/HEAD of a known portal host.
    def _lookup(self, request):
        if request.method not in ("GET", "HEAD") or not cache_seconds():
            return None
        path = request.path_info
        if path.startswith(_SKIPPED_PREFIXES) or settings.SESSION_COOKIE_NAME in request.COOKIES:
            return None
        host = request.META.get("HTTP_HOST", "").lower()
        hostname = host.rsplit(":", 1)[0] if not host.endswith("]") else host
        language = get_language_from_path(path) or settings.LANGUAGE_CODE
        site = site_roots.site_for_hostname(hostname)
        if site is None:
            site_roots.refresh()
            site = site_roots.site_for_hostname(hostname)
            if site is None:
                return None
        key = (
            ENTRY_PREFIX
            + hashlib.sha1(  # a cache key, not a secret
                "\n".join(
                    (host, path, request.META.get("QUERY_STRING", ""), language, _release())
                ).encode(),
                usedforsecurity=False,
            ).hexdigest()
        )
        for _attempt in range(2):
            version_keys = self._version_keys(site, path, language)
            values = cache.get_many([key, SITE_ROOTS_VERSION_KEY, GLOBAL_KEY, *version_keys])
            roots_version = values.get(SITE_ROOTS_VERSION_KEY)
            if roots_version is not None and roots_version == site_roots.version:
                break
            # Sites changed since this process loaded them: reload, then read again.
            site_roots.refresh(version=roots_version)
            site = site_roots.site_for_hostname(hostname)
            if site is None:
                return None
        versions = [values.get(k) for k in (GLOBAL_KEY, *version_keys)]
        if None in versions:
            # First request since these versions were set (or evicted): start them now, before
            # the page is rendered, so an entry is never stored against a missing version.
            for version_key, value in zip((GLOBAL_KEY, *version_keys), versions, strict=True):
                if value is None:
                    cache.add(version_key, new_version(), timeout=None)
            current = cache.get_many([GLOBAL_KEY, *version_keys])
            versions = [current.get(k) for k in (GLOBAL_KEY, *version_keys)]
            return key, versions, None
        entry = values.get(key)
        if entry is not None and entry[0] != versions:
            entry = None
        return key, versions, entry

    @staticmethod
    def _version_keys(site, path, language) -> list[str]:
        site_id, root_url_path = site
        relative = path.lstrip("/")
        if language != settings.LANGUAGE_CODE and relative.startswith(language + "/"):
            relative = relative[len(language) + 1 :]
        portal_ids = site_roots.portal_ids_for_url_path(root_url_path + relative)
        keys = [_tree_key(portal_id) for portal_id in portal_ids]
        if portal_ids:
            keys.append(_own_key(portal_ids[-1]))
        return keys

    @staticmethod
    def _storable(request, response) -> bool:
        match = request.resolver_match
        return (
            request.method == "GET"
            and response.status_code == 200
            and not response.streaming
            and not response.cookies
            and match is not None
            and match.url_name == "wagtail_serve"
            # the page holds a CSRF token (a form): it is this visitor's alone
            and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
            and not getattr(request, "is_preview", False)
            and "private" not in response.get("Cache-Control", "")
            and "no-store" not in response.get("Cache-Control", "")
        )

    def _store(self, key, versions, response) -> None:
        response["ETag"] = content_etag(response.content)
        patch_vary_headers(response, ("Cookie",))
        patch_cache_control(
            response, public=True, max_age=0, s_maxage=getattr(settings, "PORTALS_CDN_MAX_AGE", 0)
        )
        # The rendered response itself, as Django's own cache middleware keeps it: unpickling
        # gives back its headers as they were, without setting (and checking) them one by one.
        cache.set(key, (versions, response, time.time()), timeout=cache_seconds())

    @staticmethod
    def _from_entry(request, entry) -> HttpResponse:
        _versions, response, stored_at = entry  # unpickled: this request's own copy
        etag = response.get("ETag")
        if etag and etag in request.META.get("HTTP_IF_NONE_MATCH", ""):
            response = HttpResponseNotModified()
            response["ETag"] = etag
        elif request.method == "HEAD":
            response.content = b""  # the headers (Content-Length too) stay the GET's
        response[HIT_HEADER] = "hit"
        response["Age"] = str(max(0, int(time.time() - stored_at)))
        return response


def content_etag(content: bytes) -> str:
    """A strong ETag for a response body (the page cache's and the API's)."""
    return '"' + hashlib.sha1(content, usedforsecurity=False).hexdigest()[:20] + '"'


def _release() -> str:
    return getattr(settings, "PORTALS_RELEASE", "")


# --- Wagtail's and the sharing engine's events -------------------------------------------------


def _portal_ids_of(page) -> list[int]:
    """The portal chain (top first) of a page, from the routing index: no query."""
    site_roots.refresh()
    return site_roots.portal_ids_for_url_path(page.url_path or "")


def page_changed(page, *, previous_audience: str | None = None) -> None:
    """A page was published, unpublished, deleted: invalidate every portal that can show it."""
    from cms.models import Audience, Proposal, ShareablePage
    from sites.models import PortalPage

    chain = _portal_ids_of(page)
    if not chain:
        everything_changed()
        return
    owner = chain[-1]
    if owner == page.pk or issubclass(page.specific_class or type(page), PortalPage):
        # Its name, settings and theme show on every page below it; its parent lists it.
        portal_and_below_changed(owner)
        if len(chain) > 1:
            portal_changed(chain[-2])
        return
    audiences = {getattr(page, "audience", None), previous_audience}
    if audiences <= {Audience.OWN, None}:
        portal_changed(owner)
    else:
        portal_and_below_changed(owner)
    if issubclass(page.specific_class or type(page), ShareablePage) and page.pk:
        # Stories of this portal accepted by a portal above show in that portal's listings.
        for portal_id in Proposal.objects.filter(
            page_id=page.pk, status=Proposal.Status.ACCEPTED
        ).values_list("to_portal_id", flat=True):
            portal_changed(portal_id)


def _on_page_published(sender, instance, revision=None, **kwargs):
    previous = None
    if revision is not None:
        earlier = (
            type(revision)
            .objects.filter(
                base_content_type_id=revision.base_content_type_id,
                object_id=revision.object_id,
                pk__lt=revision.pk,
            )
            .order_by("-pk")
            .values_list("content", flat=True)
            .first()
        )
        if earlier:
            previous = earlier.get("audience")
    page_changed(instance, previous_audience=previous)


def _on_page_unpublished(sender, instance, **kwargs):
    page_changed(instance, previous_audience="subtree")


def _on_page_deleted(sender, instance, **kwargs):
    from wagtail.models import Page

    if isinstance(instance, Page) and type(instance) is not Page:
        page_changed(instance, previous_audience="subtree")


def _on_page_moved(sender, instance, url_path_before="", url_path_after="", **kwargs):
    from sites.models import PortalPage

    if issubclass(instance.specific_class or type(instance), PortalPage):
        everything_changed()  # a portal moved: hosts, chains and themes of a whole subtree
        return
    for url_path in (url_path_before, url_path_after):
        chain = site_roots.portal_ids_for_url_path(url_path)
        if chain:
            portal_and_below_changed(chain[-1])
        else:
            everything_changed()


def _on_portal_listings_changed(sender, portal, **kwargs):
    portal_changed(portal)


def _on_site_changed(sender, **kwargs):
    everything_changed()


def _on_media_changed(sender, instance, created=False, **kwargs):
    """An image or document was edited or deleted: the portals that can show it (the portal
    whose collection holds it, and the portals below it)."""
    if created:
        return  # nothing shows a new file yet
    from sites.models import PortalPage

    portal_id = (
        PortalPage.objects.filter(collection_id=instance.collection_id)
        .values_list("pk", flat=True)
        .first()
    )
    if portal_id is None:
        everything_changed()
    else:
        portal_and_below_changed(portal_id)


def register() -> None:
    from django.db.models.signals import post_delete, post_save
    from wagtail.documents import get_document_model
    from wagtail.images import get_image_model
    from wagtail.models import Site
    from wagtail.signals import page_published, page_unpublished, post_page_move

    from cms.signals import portal_listings_changed

    page_published.connect(_on_page_published, dispatch_uid="page-cache-published")
    page_unpublished.connect(_on_page_unpublished, dispatch_uid="page-cache-unpublished")
    post_delete.connect(_on_page_deleted, dispatch_uid="page-cache-page-deleted")
    post_page_move.connect(_on_page_moved, dispatch_uid="page-cache-page-moved")
    portal_listings_changed.connect(_on_portal_listings_changed, dispatch_uid="page-cache-listings")
    post_save.connect(_on_site_changed, sender=Site, dispatch_uid="page-cache-site-saved")
    post_delete.connect(_on_site_changed, sender=Site, dispatch_uid="page-cache-site-deleted")
    for model in (get_image_model(), get_document_model()):
        post_save.connect(_on_media_changed, sender=model, dispatch_uid=f"page-cache-{model}-saved")
        post_delete.connect(
            _on_media_changed, sender=model, dispatch_uid=f"page-cache-{model}-deleted"
        )
