"""RSS and Atom feeds of every portal and of each of its sections (Django's syndication framework).

A portal's feed lists what its home page and listings show: its own items and the items the levels
above share with it (cms.sharing.items_shown_on), newest first. Every link and guid is the item's
canonical URL, on its owner's host, so a reader subscribed to a commune and to its province sees
a provincial announcement once.

URLs: `<portal>/rss/`, `<portal>/atom/`, `<portal>/<section>/rss/`, `<portal>/<section>/atom/`
(routes of the portal and section pages, so they work in host and path mode and in every
language prefix).
"""

from __future__ import annotations

import datetime

from django.contrib.syndication.views import Feed
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from wagtail.contrib.routable_page.models import path

FEED_LENGTH = 30


class PortalItemsFeed(Feed):
    feed_type = Rss201rev2Feed

    def get_object(self, request, page):
        self.request = request
        return page

    def _portal(self, page):
        from sites.models import PortalPage

        return page if isinstance(page, PortalPage) else page.owner_portal

    def title(self, page):
        from sites.portal_settings import resolve_settings

        portal = self._portal(page)
        name = resolve_settings(portal.portal_chain).display_name
        return name if page.pk == portal.pk else f"{page.title} – {name}"

    def link(self, page):
        return page.full_url

    def feed_url(self, page):
        return self.request.build_absolute_uri()

    def description(self, page):
        from sites.hosts import committee_name

        portal = self._portal(page)
        return _("News and announcements published by or for %(committee)s.") % {
            "committee": committee_name(portal.unit_name, "vi" if get_language() == "vi" else "en")
        }

    def items(self, page):
        from django.contrib.contenttypes.models import ContentType

        from cms.models import SectionPage
        from cms.sharing import items_shown_on

        own_portal = page.pk == self._portal(page).pk
        items = items_shown_on(page) if own_portal else page.listed_items()
        return items.exclude(content_type=ContentType.objects.get_for_model(SectionPage))[
            :FEED_LENGTH
        ]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.summary

    def item_link(self, item):
        return item.full_url  # canonical: on the owner portal's host

    def item_guid(self, item):
        return item.full_url

    def item_pubdate(self, item):
        published = item.first_published_at
        if published is not None and timezone.localdate(published) == item.date:
            return published
        return timezone.make_aware(datetime.datetime.combine(item.date, datetime.time(8, 0)))

    def item_updateddate(self, item):
        return item.last_published_at or self.item_pubdate(item)

    def item_author_name(self, item):
        from sites.hosts import committee_name

        owner = item.owner_portal
        if owner is None:
            return None
        return committee_name(owner.unit_name, "vi" if get_language() == "vi" else "en")


class PortalItemsAtomFeed(PortalItemsFeed):
    feed_type = Atom1Feed
    subtitle = PortalItemsFeed.description


class FeedRoutesMixin:
    """The `rss/` and `atom/` routes of a routable portal or section page."""

    @path("rss/", name="rss_feed")
    def rss_feed(self, request):
        return PortalItemsFeed()(request, page=self)

    @path("atom/", name="atom_feed")
    def atom_feed(self, request):
        return PortalItemsAtomFeed()(request, page=self)
