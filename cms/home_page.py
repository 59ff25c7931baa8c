"""What a portal's home page shows: its latest news and announcements (own and inherited, from
cms.sharing), the items it pinned, a lead story, quick links and the portals below it.

Each list is one query whatever the number of portals; quick links go to the nearest portal of
the chain that has the section (a commune without a spokesperson links to its district's).
"""

from __future__ import annotations

from cms.sharing import items_shown_on, sections_by_kind
from sites.portal_tree import children_q

LATEST_NEWS = 6
LATEST_ANNOUNCEMENTS = 6
FEATURED = 3
QUICK_LINK_KINDS = ("procedures", "contact", "spokesperson", "documents")


def home_context(portal, request) -> dict:
    from cms.models import InheritedItemChoice, SectionPage
    from sites.models import PortalPage

    chain = portal.portal_chain
    # The pinned items, read from the portal's few pins (`pk IN`), not by checking every item
    # for a pin (`pinned_here`), which a database's planner may do by scanning every item.
    pins = InheritedItemChoice.objects.filter(portal=portal, pinned=True).values("page_id")
    shown = items_shown_on(portal, kinds=("news", "announcements"))  # built once, read thrice
    featured = list(shown.filter(pk__in=pins)[:FEATURED])
    featured_ids = {item.pk for item in featured}
    news = [
        item
        for item in shown.filter(section_kind="news")[: LATEST_NEWS + FEATURED + 1]
        if item.pk not in featured_ids
    ]
    lead = next((item for item in news if item.image_id), None)
    announcements = [
        item
        for item in shown.filter(section_kind="announcements")[: LATEST_ANNOUNCEMENTS + FEATURED]
        if item.pk not in featured_ids
    ][:LATEST_ANNOUNCEMENTS]

    nearest: dict[str, SectionPage] = {}
    depth_of = {p.pk: p.depth for p in chain}
    for section in (
        SectionPage.objects.live()
        .filter(owner_portal_id__in=depth_of, section_kind="", kind__in=QUICK_LINK_KINDS)
        .only("id", "path", "depth", "url_path", "slug", "kind", "title", "owner_portal_id")
    ):
        if section.depth != depth_of[section.owner_portal_id] + 1:
            continue
        current = nearest.get(section.kind)
        if current is None or section.depth > current.depth:
            nearest[section.kind] = section

    return {
        "featured": featured,
        "lead": lead,
        "latest_news": [item for item in news if item is not lead][:LATEST_NEWS],
        "latest_announcements": announcements,
        "quick_links": nearest,
        "home_sections": sections_by_kind(portal, request),
        "child_portals": PortalPage.objects.live().filter(children_q(portal)).order_by("title"),
    }
