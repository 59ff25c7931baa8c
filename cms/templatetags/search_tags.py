"""Template tags of the search results page: the words of the query marked in a result's text."""

import re

from django import template
from django.utils.html import escape
from django.utils.safestring import mark_safe

from cms.vietnamese_text import fold

register = template.Library()

_TOKENS = re.compile(r"(\w+)")


@register.filter
def highlight(text, words):
    """`text` with each word matching the query (folded: “Cẩm” matches “cam”) in <mark>."""
    if not text:
        return ""
    wanted = set(words or ())
    if not wanted:
        return escape(text)
    parts = []
    for index, part in enumerate(_TOKENS.split(str(text))):
        if index % 2 and fold(part) in wanted:
            parts.append(f"<mark>{escape(part)}</mark>")
        else:
            parts.append(escape(part))
    return mark_safe("".join(parts))  # noqa: S308 - every part is escaped above
