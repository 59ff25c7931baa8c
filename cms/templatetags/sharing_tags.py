"""Template tags for shared items: where an item opens on the current portal, who published it."""

from django import template
from django.utils.translation import get_language

from cms.sharing import url_on
from sites.hosts import committee_name

register = template.Library()


@register.simple_tag(takes_context=True)
def item_url(context, item):
    """The URL of `item` for readers of the current portal (inherited items stay on its host)."""
    return url_on(item, context.get("portal"), context.get("request"))


@register.filter
def publisher(item) -> str:
    """Who published an item: “UBND tỉnh Hải Dương” (or its English form on English pages)."""
    owner = item.owner_portal
    if owner is None:
        return ""
    return committee_name(owner.unit_name, "vi" if get_language() == "vi" else "en")


@register.filter
def is_inherited_on(item, portal) -> bool:
    return portal is not None and item.owner_portal_id != portal.pk
