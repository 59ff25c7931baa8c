"""Template tags of the citizen pages: theme files, the portal's colours and names, feed links,
links that keep the current filters."""

from django import template
from django.http import QueryDict
from django.utils.html import format_html, format_html_join
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from sites.hosts import committee_name
from sites.themes import declare_inline_style, theme_static_url

register = template.Library()


@register.simple_tag
def theme_static(path):
    """URL of a static file of the nearest theme in the portal's theme chain that has it."""
    return theme_static_url(path)


@register.simple_tag(takes_context=True)
def portal_colours(context):
    """The portal's colours as CSS custom properties, in a <style> whose hash the
    Content-Security-Policy allows (sites.themes.declare_inline_style)."""
    settings = context.get("portal_settings")
    css = settings.colour_css() if settings is not None else ""
    if not css:
        return ""
    declare_inline_style(css)
    return format_html("<style>{}</style>", css)


@register.simple_tag(takes_context=True)
def parent_portal_line(context):
    """“Huyện Cẩm Giàng · Tỉnh Hải Dương”: the portals above, nearest first."""
    chain = context.get("portal_chain") or []
    above = [portal.title for portal in reversed(chain[:-1])]
    if not above:
        return ""
    return format_html('<span class="brand__parent">{}</span>', " · ".join(above))


@register.filter
def committee(portal) -> str:
    """“UBND xã Cẩm Hưng” / “Cẩm Hưng Commune People's Committee”."""
    if portal is None:
        return ""
    return committee_name(portal.unit_name, "vi" if get_language() == "vi" else "en")


@register.filter
def setting_source(portal_settings, name):
    return portal_settings.source_of(name) if portal_settings is not None else None


@register.simple_tag(takes_context=True)
def query_with(context, **changes):
    """The current query string with some parameters changed (pagination keeps the filters)."""
    request = context.get("request")
    params = request.GET.copy() if request is not None else QueryDict(mutable=True)
    for key, value in changes.items():
        params[key] = value
    return "?" + params.urlencode()


def _feed_base(page, request):
    url = page.get_url(request) or ""
    return url if url.endswith("/") else url + "/"


@register.simple_tag(takes_context=True)
def portal_feed_url(context, page, kind="rss"):
    """The RSS or Atom feed of a portal or of one of its sections."""
    return _feed_base(page, context.get("request")) + ("atom/" if kind == "atom" else "rss/")


@register.simple_tag(takes_context=True)
def feed_links(context, portal):
    """<link rel="alternate"> to the portal's feeds, and to the section's on a section page."""
    request = context.get("request")
    links = [
        (
            "application/rss+xml",
            _("%(portal)s – RSS") % {"portal": portal.title},
            portal_feed_url(context, portal, "rss"),
        ),
        (
            "application/atom+xml",
            _("%(portal)s – Atom") % {"portal": portal.title},
            portal_feed_url(context, portal, "atom"),
        ),
    ]
    section = context.get("feed_section")
    if section is not None:
        links.append(
            (
                "application/rss+xml",
                _("%(section)s – RSS") % {"section": section.title},
                _feed_base(section, request) + "rss/",
            )
        )
    return format_html_join("\n  ", '<link rel="alternate" type="{}" title="{}" href="{}">', links)
