"""Vietnamese text as stored: NFC everywhere, ASCII slugs with diacritics folded.

The same Vietnamese word can arrive in two Unicode forms (precomposed “ễ”, or “e” + two combining
marks, as some keyboards and pasted PDFs produce), which would make equal titles differ in search,
sorting and uniqueness checks. Every text field of a page is normalised to NFC when the page is
cleaned, which Wagtail does before saving a page and before saving a revision, whatever the client.

Slugs are ASCII, one per page for every language (README, “Languages”): “Cẩm Hưng” → `cam-hung`,
“Đường làng” → `duong-lang`. Both tone-mark placements (“hoà”/“hòa”, “Uỷ”/“Ủy”) fold to the same
letters. Wagtail's admin slugifies in the browser, but the server folds too: a slug typed or posted
with diacritics, spaces or capitals is folded by the form field (`FoldedSlugField`, registered for
every SlugField of the admin's forms), and a page saved from code with no slug gets one from its
Vietnamese title (Wagtail's own default would drop “đ”).

Search folds the same way, on both sides (README, “Search”): `searchable_text` is what the search
index stores for a text (the text as written plus its folded form, so a query typed with or
without diacritics matches), and `search_words` is what a citizen's query becomes (NFC, controls
and punctuation dropped, folded, lower case, bounded in length). One `fold` serves both.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

from django import forms
from django.db import models
from modeltranslation.translator import NotRegistered, translator
from wagtail.admin import widgets
from wagtail.admin.forms.models import register_form_field_override
from wagtail.fields import StreamField

from sites.hosts import ascii_slug, fold_diacritics

# A query longer than this is cut (a citizen types a few words; a 10,000-character query would
# only make the full-text engine work for nothing).
MAX_QUERY_CHARACTERS = 200
MAX_QUERY_WORDS = 12
_WORD = re.compile(r"\w+")


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def fold(text: str) -> str:
    """Lower-case letters without diacritics: “Ủy ban”, “Uỷ ban” and “uy ban” all give “uy ban”,
    “Đường” gives “duong” (tone marks on either vowel fold away alike)."""
    return fold_diacritics(nfc(text)).lower()


def _folded_words(text: str) -> list[str]:
    return _WORD.findall(fold(text).replace("_", " "))


def searchable_text(text: str) -> str:
    """What the search index stores for `text`: the text as written, then its folded words
    (split on punctuation too: engines read “15/2026/QĐ-UBND” as one token, citizens type
    “15 2026”)."""
    text = nfc(text or "")
    return f"{text}\n{' '.join(_folded_words(text))}" if text else ""


def search_words(query) -> list[str]:
    """The words of a citizen's query as the index knows them: folded, lower case, letters and
    digits only (so nothing in a query is full-text syntax), at most MAX_QUERY_WORDS words."""
    if not isinstance(query, str):
        return []
    return _folded_words(query[:MAX_QUERY_CHARACTERS])[:MAX_QUERY_WORDS]


def _nfc_data(data):
    """NFC every string inside JSON-like data (a StreamField's raw blocks)."""
    if isinstance(data, str):
        return nfc(data)
    if isinstance(data, list):
        return [_nfc_data(item) for item in data]
    if isinstance(data, dict):
        return {key: _nfc_data(value) for key, value in data.items()}
    return data


@cache
def _text_fields(model: type[models.Model]) -> tuple[list[str], list[str]]:
    """(plain and rich text attnames, StreamField attnames) of `model` to normalise.

    A translated field's own descriptor (`title`) reads through the fallback and writes the
    active language's column, so only its per-language columns (`title_vi`, …) are touched.
    """
    try:
        translated = set(translator.get_options_for_model(model).all_fields)
    except NotRegistered:
        translated = set()
    text, stream = [], []
    for field in model._meta.concrete_fields:
        if field.name in translated or isinstance(field, models.SlugField):
            continue
        if isinstance(field, StreamField):
            stream.append(field.attname)
        elif isinstance(field, models.CharField | models.TextField):
            text.append(field.attname)
    return text, stream


def normalise_text(obj) -> None:
    """Put every text field of `obj` in NFC, in place."""
    text, stream = _text_fields(type(obj))
    values = obj.__dict__
    for attname in text:
        value = values.get(attname)
        if isinstance(value, str) and not unicodedata.is_normalized("NFC", value):
            setattr(obj, attname, nfc(value))
    for attname in stream:
        if attname not in values:
            continue  # deferred: not loaded, so not changed
        value = getattr(obj, attname)
        raw = value.get_prep_value() if hasattr(value, "get_prep_value") else value
        normalised = _nfc_data(raw)
        if normalised != raw:
            setattr(obj, attname, normalised)


def fold_slug(page) -> None:
    """Give `page` an ASCII slug: fold the one it has, or make one from its Vietnamese title."""
    if page.slug:
        folded = ascii_slug(page.slug)
        if folded:
            page.slug = folded
        return
    parent_is_known = bool(page.path or getattr(page, "_cached_parent_obj", None))
    title = getattr(page, "title_vi", None) or page.title
    if parent_is_known and title:
        base = ascii_slug(title)
        if base:
            page.slug = page._get_autogenerated_slug(base)


class VietnameseTextMixin:
    """Mixed into every page type (cms.models.BasePage): NFC text and ASCII slugs on clean."""

    def full_clean(self, *args, **kwargs):
        normalise_text(self)
        fold_slug(self)
        return super().full_clean(*args, **kwargs)


class FoldedSlugField(forms.SlugField):
    """A slug form field that folds what it is given (“Cẩm Hưng” → `cam-hung`) before validating."""

    def to_python(self, value):
        value = super().to_python(value)
        return ascii_slug(value) if value else value


def register_slug_form_field() -> None:
    """Every SlugField of Wagtail's admin forms folds on the server (keeps Wagtail's widget)."""
    register_form_field_override(
        models.SlugField, override={"widget": widgets.SlugInput, "form_class": FoldedSlugField}
    )
