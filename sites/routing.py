"""Which site a page belongs to, found by path prefix at a cost independent of the portal count.

Stock Wagtail builds every page URL by scanning the root paths of *all* sites (10,800 here), and
prefers whichever site the request came through. We keep a process-local dictionary
`root url_path -> SiteRootPath` and walk a page's url_path upwards through it (at most tree-depth
lookups), so a URL is always built on the site of the page's owner portal: one canonical URL.

The dictionary is versioned through the shared cache: any change to a Site or to the url_path of a
site's root page bumps the version, and every process reloads on its next request (no per-process
state that can go stale, ARCHITECTURE.md "Production and scale-out").
"""

from __future__ import annotations

import secrets
import threading
from functools import lru_cache

from django.conf import settings
from django.core.cache import cache
from django.http.request import split_domain_port
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils.translation import get_language
from wagtail.coreutils import WAGTAIL_APPEND_SLASH
from wagtail.models import Site, SiteRootPath

VERSION_KEY = "portals:site-roots:version"


def new_version() -> int:
    """A fresh version token for the shared cache (this index's, the page cache's).

    An int, not a string: Django's RedisSerializer keeps ints as plain digits and reads them back
    with `int()`, where anything else is pickled, and a page-cache hit reads seven of them."""
    return secrets.randbits(62)


class SiteRootIndex:
    def __init__(self):
        self._lock = threading.Lock()
        self._version: str | None = None
        self._roots: dict[str, SiteRootPath] = {}
        self._by_site_id: dict[int, SiteRootPath] = {}
        # For the whole-page cache (cms.page_cache), which must find a request's portal chain
        # without a query: hostname -> (site id, root url_path), root url_path -> root page id.
        self._by_hostname: dict[str, tuple[int, str]] = {}
        self._portal_by_url_path: dict[str, int] = {}
        # For the page serve view (sites.serve): hostname -> the Site's own fields, so a request
        # finds its Site without the query of `Site.find_for_request`.
        self._site_fields: dict[str, tuple] = {}
        # Hostnames of merged, moved or retired portals -> their site id (sites.retired_hosts).
        self._retired: dict[str, int] = {}
        # Whether this thread is serving a request and has checked the version during it: the
        # callers without the request at hand (rich text links, `get_full_url`, …) then need
        # no cache round trip each (an article built ~20).
        self._request_state = threading.local()

    @property
    def version(self) -> str | None:
        return self._version

    def _load(self) -> None:
        # A retired host's site (sites.retired_hosts) is not a place pages live: it only
        # answers redirects, so it is kept apart.
        sites = (
            Site.objects.filter(retirement__isnull=True)
            .values_list(
                "id",
                "hostname",
                "port",
                "root_page__url_path",
                "root_page__depth",
                "root_page_id",
                "site_name",
                "is_default_site",
            )
            .order_by("-is_default_site", "id")
        )
        self._retired = {
            hostname.lower(): site_id
            for site_id, hostname in Site.objects.filter(retirement__isnull=False).values_list(
                "id", "hostname"
            )
        }
        roots: dict[str, SiteRootPath] = {}
        by_site_id: dict[int, SiteRootPath] = {}
        by_hostname: dict[str, tuple[int, str]] = {}
        portal_by_url_path: dict[str, int] = {}
        site_fields: dict[str, tuple] = {}
        path_mode = settings.PORTALS_URL_MODE == "path"
        for site_id, hostname, port, url_path, depth, root_page_id, name, is_default in sites:
            root = SiteRootPath(
                site_id, url_path, _root_url(hostname, port), settings.LANGUAGE_CODE
            )
            by_site_id[site_id] = root
            by_hostname.setdefault(hostname.lower(), (site_id, url_path))
            site_fields.setdefault(
                hostname.lower(), (site_id, hostname, port, name, root_page_id, is_default)
            )
            portal_by_url_path.setdefault(url_path, root_page_id)
            # In path mode only the top portals' hosts are canonical; everything below is a path.
            if path_mode and depth > 2:
                continue
            roots.setdefault(url_path, root)
        self._roots, self._by_site_id = roots, by_site_id
        self._by_hostname, self._portal_by_url_path = by_hostname, portal_by_url_path
        self._site_fields = site_fields

    def refresh(self, request=None, version: str | None = None) -> None:
        """Reload when another process changed a site; checked at most once per request.

        `version` is the shared version when the caller has just read it (cms.page_cache reads
        it together with its own keys, in one round trip)."""
        if request is not None and getattr(request, "_portals_site_roots_checked", False):
            return
        state = self._request_state
        in_request = getattr(state, "in_request", False)
        if version is None and in_request and state.checked:
            return
        if version is None:
            version = cache.get(VERSION_KEY)
        if version is None:
            version = new_version()
            cache.add(VERSION_KEY, version, timeout=None)
            version = cache.get(VERSION_KEY, version)
        if version != self._version:
            with self._lock:
                self._load()
                self._version = version
        if request is not None:
            request._portals_site_roots_checked = True
        if in_request:
            state.checked = True

    def request_started(self, **kwargs) -> None:
        """Signal receivers: the version is checked once per request, by its first caller."""
        self._request_state.in_request = True
        self._request_state.checked = False

    def request_finished(self, **kwargs) -> None:
        self._request_state.in_request = False
        self._request_state.checked = False

    def site_for_hostname(self, hostname: str) -> tuple[int, str] | None:
        """(site id, root url_path) of the site served on `hostname` (no port), if any."""
        return self._by_hostname.get(hostname)

    def site_for_request(self, request) -> Site | None:
        """The Site served on the request's host (the one `Site.find_for_request` would find when
        the hostname is a site's own), built from the index: no query. None for any other host,
        which is left to Wagtail (a default site, or none: a 404)."""
        self.refresh(request)
        hostname = split_domain_port(request._get_raw_host())[0].lower()
        fields = self._site_fields.get(hostname)
        if fields is None:
            return None
        site_id, hostname, port, name, root_page_id, is_default = fields
        return Site(
            id=site_id,
            hostname=hostname,
            port=port,
            site_name=name,
            root_page_id=root_page_id,
            is_default_site=is_default,
        )

    def retired_site_id(self, hostname: str, request=None) -> int | None:
        """The site id of `hostname` (no port) when that host is retired (sites.retired_hosts)."""
        self.refresh(request)
        return self._retired.get(hostname)

    def portal_ids_for_url_path(self, url_path: str) -> list[int]:
        """Root page ids of the sites at and above `url_path`, top first (the portal chain)."""
        portals = self._portal_by_url_path
        return [portals[path] for path in url_path_prefixes(url_path)[1:] if path in portals]

    def root_for_url_path(self, url_path: str, request=None) -> SiteRootPath | None:
        """The site whose root is the nearest ancestor-or-self of `url_path`."""
        self.refresh(request)
        roots = self._roots
        for path in reversed(url_path_prefixes(url_path)):
            root = roots.get(path)
            if root is not None:
                return root
        return None

    def root_for_site_id(self, site_id: int, request=None) -> SiteRootPath | None:
        self.refresh(request)
        return self._by_site_id.get(site_id)


def url_path_prefixes(url_path: str) -> list[str]:
    """ "/home/a/b/" -> ["/", "/home/", "/home/a/", "/home/a/b/"]: the url_paths of every page
    from the tree root down to the one at `url_path`."""
    prefixes = ["/"]
    position = 1
    while (position := url_path.find("/", position)) != -1:
        position += 1
        prefixes.append(url_path[:position])
    return prefixes


def _root_url(hostname: str, port: int) -> str:
    if port == 80:
        return f"http://{hostname}"
    if port == 443:
        return f"https://{hostname}"
    return f"http://{hostname}:{port}"


site_roots = SiteRootIndex()


def url_parts_for(url_path: str, request=None):
    """Wagtail's (site_id, root_url, page_path) for a page's url_path, on its owner's site."""
    root = site_roots.root_for_url_path(url_path, request)
    if root is None:
        return None
    page_path = _serve_path(
        url_path[len(root.root_path) :], get_language(), get_script_prefix(), get_urlconf()
    )
    if page_path is None:
        return (root.site_id, None, None)
    return (root.site_id, root.root_url, page_path)


@lru_cache(maxsize=20_000)
def _serve_path(relative: str, language, script_prefix: str, urlconf) -> str | None:
    """The path of the serve view for a page path relative to its site root.

    `reverse` costs ~0.05 ms and a page builds dozens of URLs; its answer depends only on the
    arguments (the language for i18n_patterns' prefix, the script prefix, the URLconf), so it is
    remembered: nothing in it can go stale, and a page moved or renamed has a new url_path."""
    try:
        page_path = reverse("wagtail_serve", args=(relative,))
    except NoReverseMatch:
        return None
    if not WAGTAIL_APPEND_SLASH and page_path != "/":
        page_path = page_path.rstrip("/")
    return page_path


def find_site(request) -> Site | None:
    """`Site.find_for_request`, from the index when the request's host is a site's own: no query
    (Wagtail's own lookup reads every site, since its "this host or the default site" filter
    has no index to use)."""
    if request is not None and not hasattr(request, "_wagtail_site"):
        site = site_roots.site_for_request(request)
        if site is not None:
            request._wagtail_site = site
    return Site.find_for_request(request)


def page_url(page, request=None, current_site=None) -> str | None:
    """A page's URL: local when it lives on the request's site, full otherwise.

    Works for any page instance, specific or not, from its url_path alone.
    """
    return url_for_url_path(page.url_path, request, current_site)


def url_for_url_path(url_path: str, request=None, current_site=None) -> str | None:
    """The URL of the page at `url_path` (see `page_url`)."""
    url_parts = url_parts_for(url_path, request)
    if url_parts is None or url_parts[1] is None and url_parts[2] is None:
        return None
    site_id, root_url, page_path = url_parts
    if current_site is None and request is not None:
        current_site = find_site(request)
    if current_site is not None and current_site.pk == site_id:
        return page_path
    return root_url + page_path


def invalidate_site_roots(**kwargs) -> None:
    """Signal receiver: a site or a site root's url_path changed somewhere."""
    cache.set(VERSION_KEY, new_version(), timeout=None)
    site_roots._request_state.checked = False  # this request's next URL sees the change
