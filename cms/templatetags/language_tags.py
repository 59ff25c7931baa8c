"""Template tags of the language feature (cms.languages): the switcher, hreflang alternates, the
fallback note and `lang` attributes on text shown in another language than the page's.

    {% load language_tags %}
    {% page_languages as languages %}      the PageLanguages of the page being rendered
    <h1{% lang_attr page "title" %}>       ` lang="vi"` when the title falls back to Vietnamese
"""

from django import template
from django.utils.html import format_html

from cms.languages import field_language, page_languages_for_request

register = template.Library()


@register.simple_tag(takes_context=True)
def page_languages(context):
    """Languages of the page in the context, for the request (computed once per request)."""
    request = context.get("request")
    if request is None:
        return None
    return page_languages_for_request(request, context.get("page"), context.get("portal_chain"))


@register.simple_tag(takes_context=True)
def lang_attr(context, obj, field_name):
    """` lang="vi"` when `obj.<field_name>` shows Vietnamese text on a page in another language."""
    from django.utils import translation

    if obj is None:
        return ""
    active = translation.get_language()
    shown = field_language(obj, field_name, active)
    if shown == active:
        return ""
    return format_html(' lang="{}"', shown)
