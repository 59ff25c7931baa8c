"""What the fuzz tests share: input strategies, reading a form as a browser would, and a
fingerprint of the saved data that a rejected input must leave unchanged."""

from __future__ import annotations

import hashlib
from html.parser import HTMLParser
from urllib.parse import quote

from hypothesis import strategies as st

# --- Inputs -------------------------------------------------------------------------------------

# Any character a browser can send, surrogates excepted (they cannot be encoded in UTF-8);
# NUL, controls, right-to-left marks and Vietnamese letters with combining accents included.
characters = st.characters(exclude_categories=("Cs",))
any_text = st.text(characters, max_size=60)
vietnamese = st.sampled_from(
    ["Cẩm Hưng", "Cẩm Hưng", "Uỷ ban", "Ủy ban", "hoà", "hòa", "đ", "Đ", "tin-tức"]
)
numbers = st.one_of(
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.sampled_from(["0", "-1", "1e9", "NaN", "inf", "99999999999999999999", "0x10", "1.5"]),
)
nasty = st.sampled_from(
    [
        "",
        "\x00",
        "%00",
        "' OR 1=1 --",
        '"><script>alert(1)</script>',
        "../../../etc/passwd",
        "{{ settings.SECRET_KEY }}",
        "a" * 5000,
        "\u202e",
        "%",
        "%zz",
        "\r\nSet-Cookie: x=1",
        "[]",
        "{}",
        "null",
        "true",
    ]
)
values = st.one_of(any_text, vietnamese, numbers, nasty)


def path_segments():
    segment = st.one_of(
        st.from_regex(r"[a-z0-9\-]{1,20}", fullmatch=True),
        any_text.map(lambda s: quote(s, safe="")),
        nasty.map(lambda s: quote(s, safe="")),
        st.sampled_from(["en", "vi", "zh-hans", "ko", "xx", "fr", "tin-tuc", "camhung", ".."]),
    )
    return st.lists(segment, max_size=8)


# --- Forms --------------------------------------------------------------------------------------


class _FormReader(HTMLParser):
    """Collects the fields of every POST form of a page, as a browser would submit them."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[list[tuple[str, str]]] = []
        self._form: list[tuple[str, str]] | None = None
        self._textarea: str | None = None
        self._select: str | None = None
        self._select_value: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and (attrs.get("method") or "").lower() == "post":
            self._form = []
            self.forms.append(self._form)
        if self._form is None:
            return
        name = attrs.get("name")
        if "w-block" in (attrs.get("data-controller") or "") and attrs.get("id"):
            # A StreamField: its inputs are built by JavaScript; an empty stream is valid.
            self._form.append((f"{attrs['id']}-count", "0"))
        elif tag == "input" and name:
            kind = (attrs.get("type") or "text").lower()
            if kind in {"submit", "button", "image", "file", "reset"}:
                return
            if kind in {"checkbox", "radio"} and "checked" not in attrs:
                return
            self._form.append((name, attrs.get("value") or ("on" if kind == "checkbox" else "")))
        elif tag == "textarea" and name:
            self._textarea, self._text = name, []
        elif tag == "select" and name:
            self._select, self._select_value = name, None
        elif (
            tag == "option"
            and self._select is not None
            and (self._select_value is None or "selected" in attrs)
        ):
            self._select_value = attrs.get("value", "")

    def handle_data(self, data):
        if self._textarea is not None:
            self._text.append(data)

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "textarea" and self._textarea is not None and self._form is not None:
            self._form.append((self._textarea, "".join(self._text)))
            self._textarea = None
        elif tag == "select" and self._select is not None and self._form is not None:
            self._form.append((self._select, self._select_value or ""))
            self._select = None


def main_form_fields(html: str) -> list[tuple[str, str]]:
    """The fields of the page's largest POST form (the editor's form, not the search box)."""
    reader = _FormReader()
    reader.feed(html)
    forms = [form for form in reader.forms if form]
    assert forms, "no POST form on the page"
    return max(forms, key=len)


def mutated_form(draw, fields: list[tuple[str, str]]) -> dict[str, list[str]]:
    """The form with some fields given hostile values, some dropped and some unknown ones added."""
    names = sorted({name for name, _value in fields})
    data: dict[str, list[str]] = {}
    for name, value in fields:
        data.setdefault(name, []).append(value)
    changed = draw(st.lists(st.sampled_from(names), min_size=1, max_size=6, unique=True))
    for name in changed:
        data[name] = [draw(values)]
    for name in draw(st.lists(st.sampled_from(names), max_size=2, unique=True)):
        data.pop(name, None)
    for _extra in range(draw(st.integers(0, 2))):
        data[draw(st.from_regex(r"[a-z_\-0-9]{1,20}", fullmatch=True))] = [draw(values)]
    return data


# --- Saved data ---------------------------------------------------------------------------------


def data_fingerprint() -> str:
    """A digest of what editors save: pages (with their drafts), revisions, media, people."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from wagtail.contrib.redirects.models import Redirect
    from wagtail.documents import get_document_model
    from wagtail.images import get_image_model
    from wagtail.models import Collection, Page, Revision, Site

    digest = hashlib.sha256()
    rows = [
        Page.objects.order_by("pk").values_list(
            "pk", "title", "draft_title", "slug", "live", "latest_revision_id", "url_path"
        ),
        Revision.objects.order_by("pk").values_list("pk", "object_id"),
        get_image_model()
        .objects.order_by("pk")
        .values_list("pk", "title", "file", "focal_point_x"),
        get_document_model().objects.order_by("pk").values_list("pk", "title", "file"),
        Collection.objects.order_by("pk").values_list("pk", "name", "path"),
        get_user_model().objects.order_by("pk").values_list("pk", "username", "email", "password"),
        Group.objects.order_by("pk").values_list("pk", "name"),
        Site.objects.order_by("pk").values_list("pk", "hostname", "port", "root_page_id"),
        Redirect.objects.order_by("pk").values_list("pk", "old_path", "redirect_link"),
    ]
    for queryset in rows:
        for row in queryset:
            digest.update(repr(row).encode())
        digest.update(b"|")
    return digest.hexdigest()
