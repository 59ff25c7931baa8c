"""What search engines and social networks read of a page: its description, OpenGraph tags and
schema.org data (NewsArticle for news and announcements, GovernmentOrganization for the
committee that publishes the portal).

Every URL given out is canonical: an inherited item shown on a commune's host points to the page
on its owner's host, as its <link rel="canonical"> does.
"""

import json

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from sites.hosts import committee_name

register = template.Library()

# As django.utils.html.json_script: the JSON cannot close the <script> element.
_JSON_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}
OG_IMAGE = "fill-1200x630"


def _description(context) -> str:
    page = context.get("page")
    text = ""
    if page is not None:
        text = getattr(page, "search_description", "") or getattr(page, "summary", "") or ""
        if not text and getattr(page, "intro", ""):
            from django.utils.html import strip_tags

            text = strip_tags(str(page.intro))
    if not text:
        settings = context.get("portal_settings")
        portal = context.get("portal")
        if portal is not None and settings is not None:
            text = _(
                "%(name)s: news, announcements, legal documents and online public services of "
                "%(committee)s."
            ) % {"name": settings.display_name, "committee": _committee(portal)}
    return Truncator(" ".join(text.split())).chars(300)


def _committee(portal) -> str:
    return committee_name(portal.unit_name, "vi" if get_language() == "vi" else "en")


def _absolute(request, url: str) -> str:
    if not url or url.startswith(("http://", "https://")) or request is None:
        return url
    return request.build_absolute_uri(url)


def _image_url(request, image) -> str:
    if image is None:
        return ""
    return _absolute(request, image.get_rendition(OG_IMAGE).url)


def _is_article(page) -> bool:
    from cms.models import AnnouncementPage, NewsPage

    return isinstance(page, NewsPage | AnnouncementPage)


@register.simple_tag(takes_context=True)
def meta_description(context):
    text = _description(context)
    return format_html('<meta name="description" content="{}">', text) if text else ""


# OpenGraph wants language_TERRITORY; the territory where the language is the official one.
_OG_LOCALES = {"vi": "vi_VN", "en": "en_US", "zh-hans": "zh_CN", "ko": "ko_KR", "ja": "ja_JP"}


def og_locale(language: str) -> str:
    return _OG_LOCALES.get(language, language.replace("-", "_"))


def text_language(page) -> str:
    """The language the page's text is shown in: the active one, or Vietnamese where the page
    has no translation yet (the fallback), so search engines are told the truth."""
    from cms.languages import field_language

    return field_language(page, "title", get_language() or "vi")


@register.simple_tag(takes_context=True)
def open_graph(context):
    page, request = context.get("page"), context.get("request")
    settings = context.get("portal_settings")
    if page is None:
        return ""
    image = getattr(page, "image", None) or (settings.banner if settings else None)
    tags = [
        ("og:type", "article" if _is_article(page) else "website"),
        ("og:title", page.seo_title or page.title),
        ("og:description", _description(context)),
        ("og:url", page.full_url or ""),
        ("og:site_name", settings.display_name if settings else ""),
        ("og:locale", og_locale(text_language(page))),
    ]
    if image is not None:
        tags.append(("og:image", _image_url(request, image)))
    if _is_article(page):
        tags.append(("article:published_time", page.date.isoformat()))
    return format_html_join(
        "\n  ", '<meta property="{}" content="{}">', [tag for tag in tags if tag[1]]
    )


def organisation(portal, settings, request, *, brief=False) -> dict:
    """schema.org GovernmentOrganization of the committee that runs `portal`."""
    data = {
        "@type": "GovernmentOrganization",
        "name": _committee(portal),
        "url": portal.full_url,
    }
    if brief or settings is None:
        return data
    data["alternateName"] = settings.display_name
    if settings.logo is not None:
        data["logo"] = _absolute(request, settings.logo.get_rendition("fill-112x112").url)
    if settings.contact_address:
        data["address"] = {
            "@type": "PostalAddress",
            "streetAddress": settings.contact_address,
            "addressCountry": "VN",
        }
    if settings.contact_phone:
        data["telephone"] = settings.contact_phone
    if settings.contact_email:
        data["email"] = settings.contact_email
    same_as = [
        url for url in (settings.facebook_url, settings.youtube_url, settings.zalo_url) if url
    ]
    if same_as:
        data["sameAs"] = same_as
    chain = settings.chain
    if len(chain) > 1:
        data["parentOrganization"] = organisation(chain[-2], None, request, brief=True)
    return data


@register.simple_tag(takes_context=True)
def structured_data(context):
    page, portal = context.get("page"), context.get("portal")
    settings, request = context.get("portal_settings"), context.get("request")
    if page is None or portal is None:
        return ""
    graph = []
    if page.pk == portal.pk:
        graph.append(organisation(portal, settings, request))
    if _is_article(page):
        owner = page.owner_portal or portal
        article = {
            "@type": "NewsArticle",
            "headline": Truncator(page.title).chars(110),
            "datePublished": page.date.isoformat(),
            "url": page.full_url,
            "mainEntityOfPage": page.full_url,
            "inLanguage": text_language(page),
            "publisher": organisation(owner, None, request, brief=True),
            "author": organisation(owner, None, request, brief=True),
        }
        if page.last_published_at:
            article["dateModified"] = page.last_published_at.isoformat()
        if page.summary:
            article["description"] = page.summary
        if page.image is not None:
            article["image"] = [_image_url(request, page.image)]
        graph.append(article)
    if not graph:
        return ""
    data = (
        {"@context": "https://schema.org", **graph[0]}
        if len(graph) == 1
        else {
            "@context": "https://schema.org",
            "@graph": graph,
        }
    )
    text = json.dumps(data, ensure_ascii=False).translate(_JSON_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(text))  # noqa: S308
