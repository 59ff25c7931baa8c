"""`sitemap.xml` and `robots.txt` of each portal's host.

A host's sitemap lists the pages that are canonical on it (the portal's home page, its sections
and its own items) **and** the items it shows from the levels above and from accepted proposals,
each exactly once and always at its canonical URL, on its owner's host. An inherited item is never
listed at its receiver address (`…/chia-se/<id>/<slug>/`): that address carries
`<link rel="canonical">` to the owner's page, and a sitemap should only name canonical URLs.
All hosts are subdomains of one registrable domain (e.g. `haiduong.gov.vn`), which search engines
verify as one property, so listing a province page in a commune's sitemap is accepted.

In path mode (every portal under the province's host) the province host's sitemap lists every
portal's pages, which are then all canonical on that host.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpResponse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET
from wagtail.contrib.sitemaps import views as wagtail_sitemap_views
from wagtail.contrib.sitemaps.sitemap_generator import Sitemap


def portal_of_request(request):
    """The portal whose site the request came to (None for a host that is not a portal)."""
    from wagtail.models import Site

    from sites.models import PortalPage

    site = Site.find_for_request(request)
    if site is None:
        return None
    return PortalPage.objects.live().filter(pk=site.root_page_id).first()


class PortalSitemap(Sitemap):
    def items(self):
        from cms.models import ShareablePage
        from cms.sharing import items_shown_on
        from sites.models import PortalPage

        portal = portal_of_request(self.request)
        if portal is None:
            return []
        if settings.PORTALS_URL_MODE == "path":
            portals = list(PortalPage.objects.live().public().filter(path__startswith=portal.path))
            own = ShareablePage.objects.filter(owner_portal__path__startswith=portal.path)
            inherited = []
        else:
            portals = [portal]
            own = ShareablePage.objects.filter(owner_portal=portal)
            inherited = items_shown_on(portal, include_own=False).public()
        own = own.live().public().order_by("path")
        seen: set[int] = set()
        listed = []
        for page in [*portals, *own, *inherited]:
            if page.pk not in seen:
                seen.add(page.pk)
                listed.append(page)
        return listed

    def _urls(self, page, protocol, domain):
        # Wagtail's version needs a queryset; ours is the list built above.
        from cms.languages import portal_offers, sitemap_urls
        from sites.portal_tree import portal_chain_for

        # One entry per language each page really has, with xhtml:link alternates.
        portal = portal_of_request(self.request)
        offers = portal_offers(portal_chain_for(portal)) if portal is not None else {}
        urls = []
        last_mods = set()
        for item in self.paginator.page(page).object_list:
            for url_info in sitemap_urls(item, self.request, offers):
                urls.append(url_info)
                last_mods.add(url_info.get("lastmod"))
        if last_mods and None not in last_mods:
            self.latest_lastmod = max(last_mods)
        return urls


@require_GET
@cache_control(max_age=3600)
def sitemap(request):
    return wagtail_sitemap_views.sitemap(request, sitemaps={"portal": PortalSitemap})


@require_GET
@cache_control(max_age=86400)
def robots_txt(request):
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "",
        f"Sitemap: {request.build_absolute_uri('/sitemap.xml')}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
