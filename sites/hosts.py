"""The host scheme: a unit's official name becomes its portal's slug and hostname.

“Xã Cẩm Hưng” under “Huyện Cẩm Giàng” under “Tỉnh Hải Dương” becomes the slug `camhung` and the host
`camhung.camgiang.haiduong.<PORTALS_BASE_DOMAIN>`. The type word (“Xã”, “Huyện”, “Thành phố”, …) is
stripped, diacritics are folded (“đ” → “d”) and the rest is joined without separators, as Vietnamese
government hostnames are written. Names that are only a number keep their type word (“Phường 1” →
`phuong1`). Siblings that would share a slug are told apart by the official code of all but the
lowest-coded one (`tanhung`, `tanhung-10537`), so slugs are unique among siblings and do not depend
on the order units are imported in.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

from django.conf import settings

LEVELS_FIXTURE = settings.BASE_DIR / "fixtures" / "levels.json"

_NON_ALNUM = re.compile(r"[^a-z0-9]+")


@lru_cache(maxsize=1)
def unit_type_words() -> tuple[tuple[str, str], ...]:
    """(Vietnamese, English) type words of every level, longest first (“Thành phố” before “Thị”)."""
    levels = json.loads(LEVELS_FIXTURE.read_text(encoding="utf-8"))
    words = {(t["vi"], t["en"]) for level in levels for t in level["unit_types"]}
    return tuple(sorted(words, key=lambda word: (-len(word[0]), word[0])))


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def fold_diacritics(text: str) -> str:
    """ASCII letters for Vietnamese text: “Đồng Hới” → “Dong Hoi”."""
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def strip_unit_type(name: str) -> tuple[str, str]:
    """Split an official name into its type word and the rest: (“Xã”, “Cẩm Hưng”)."""
    name = nfc(name).strip()
    lowered = name.casefold()
    for type_vi, _type_en in unit_type_words():
        prefix = type_vi.casefold()
        if lowered.startswith(prefix + " "):
            return name[: len(type_vi)], name[len(type_vi) :].strip()
    return "", name


def english_unit_type(type_vi: str) -> str:
    for vi, en in unit_type_words():
        if vi.casefold() == type_vi.casefold():
            return en
    return ""


def ascii_slug(text: str, separator: str = "-") -> str:
    """A lowercase ASCII slug: “Tin tức – Sự kiện” → `tin-tuc-su-kien`."""
    return _NON_ALNUM.sub(separator, fold_diacritics(nfc(text)).lower()).strip(separator)


def portal_slug(unit_name: str) -> str:
    """The slug (and host label) of a unit's portal: “Xã Cẩm Hưng” → `camhung`."""
    type_word, rest = strip_unit_type(unit_name)
    slug = ascii_slug(rest, separator="")
    if not slug or slug.isdigit():
        slug = ascii_slug(type_word, separator="") + slug
    return slug or "portal"


def unique_sibling_slugs(
    units: Iterable[tuple[int, str]], taken: Iterable[str] = ()
) -> dict[int, str]:
    """Slugs for sibling units given as (code, official name), unique among them and `taken`."""
    used = set(taken)
    result: dict[int, str] = {}
    for code, name in sorted(units):
        slug = portal_slug(name)
        if slug in used:
            slug = f"{slug}-{code}"
        used.add(slug)
        result[code] = slug
    return result


def portal_hostname(slugs_top_down: Iterable[str]) -> str:
    """`camhung.camgiang.haiduong.<base domain>` from the slugs province → … → portal."""
    labels = list(slugs_top_down)
    labels.reverse()
    return ".".join([*labels, settings.PORTALS_BASE_DOMAIN])


def committee_name(unit_name: str, language: str = "vi") -> str:
    """Who publishes on a portal: “UBND xã Cẩm Hưng” / “Cẩm Hưng Commune People's Committee”."""
    type_word, rest = strip_unit_type(unit_name)
    if language == "vi":
        return f"UBND {type_word.lower()} {rest}".replace("  ", " ").strip()
    type_en = english_unit_type(type_word)
    return f"{rest} {type_en} People's Committee".replace("  ", " ").strip()


def english_unit_name(unit_name: str) -> str:
    """“Xã Cẩm Hưng” → “Cẩm Hưng Commune” (proper names keep their diacritics)."""
    type_word, rest = strip_unit_type(unit_name)
    type_en = english_unit_type(type_word)
    return f"{rest} {type_en}".strip()
