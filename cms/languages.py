"""Languages, as citizens meet them: which languages a portal offers, which ones a page really has,
the URL of a page in a language, the switcher, `hreflang` alternates and the visible fallback.

* The install's languages are `settings.LANGUAGES` (PORTALS_LANGUAGES); Vietnamese is the default
  and has no URL prefix, the others have one (`/en/…`, cms/urls.py).
* A portal offers a subset: its `languages` setting (sites.portal_settings), blank meaning “as the
  portal above”; at the top, Vietnamese and English. Vietnamese is always offered, since it is what
  every other language falls back to. A language the portal does not offer answers 404 on its host
  (`reject_language_not_offered`, a `before_serve_page` hook).
* A page *has* a language when every text field written in Vietnamese is also written in it
  (`TranslationState.COMPLETE`). Otherwise a rendering in that language is a **fallback**: each
  missing field shows the Vietnamese text (django-modeltranslation's fallback, no query) marked
  `lang="vi"`, a note says so in the reader's language, the page is `noindex` and it is left out of
  the `hreflang` alternates, so search engines never see the Vietnamese text twice (README,
  “Languages”).

Everything here reads attributes of objects the page already loaded (the page, its portal chain),
the URL index of sites.routing and Django's URL resolver: switching language and falling back cost
no SQL query per field, per language or per portal.
"""

from __future__ import annotations

import enum
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.http import Http404
from django.urls import get_script_prefix, get_urlconf, translate_url
from django.utils import translation
from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _
from modeltranslation.translator import NotRegistered, translator
from modeltranslation.utils import build_localized_fieldname
from wagtail.admin.panels import FieldPanel

DEFAULT_LANGUAGE = "vi"
# What a portal offers when neither it nor any portal above it chose (ARCHITECTURE.md: English is
# always available in the install; more languages are opted into).
DEFAULT_OFFER = ("vi", "en")
# Translated fields that are not the page's text: SEO fields are optional in every language, and a
# portal's own settings (name shown, address, footer) fall back like any setting.
NOT_CONTENT_FIELDS = frozenset(
    {"seo_title", "search_description", "display_name", "contact_address", "footer_text"}
)


def install_languages() -> list[str]:
    """The install's language codes, Vietnamese first (settings.LANGUAGES)."""
    return [code for code, _name in settings.LANGUAGES]


def language_name(code: str) -> str:
    """A language's name in that language (“Tiếng Việt”, “English”, “简体中文”, “한국어”).

    NFC, since Django's own table spells “Tiếng Việt” with combining marks.
    """
    return unicodedata.normalize("NFC", get_language_info(code)["name_local"])


def parse_language_codes(value: str | Iterable[str] | None) -> list[str]:
    """Install language codes named in `value` (comma-separated or a list), in install order.

    Unknown codes are dropped; an empty result means “not chosen here”.
    """
    if not value:
        return []
    items = value.split(",") if isinstance(value, str) else value
    wanted = {item.strip().lower() for item in items if item and item.strip()}
    return [code for code in install_languages() if code in wanted]


# --- Which languages a portal offers ------------------------------------------------------------


@dataclass(frozen=True)
class PortalOffer:
    """The languages a portal offers and where that choice was made."""

    codes: tuple[str, ...]
    source: object | None  # the portal that chose them, or None for the install's default

    def is_inherited_by(self, portal) -> bool:
        return self.source is None or self.source.pk != portal.pk


def resolve_portal_languages(chain: Sequence) -> PortalOffer:
    """The offer of the last portal of `chain` (top first): its own choice or the nearest above."""
    for portal in reversed(chain):
        chosen = parse_language_codes(portal.languages)
        if chosen:
            return PortalOffer(_with_default_language(chosen), portal)
    return PortalOffer(tuple(c for c in install_languages() if c in DEFAULT_OFFER), None)


def portal_languages(chain: Sequence) -> tuple[str, ...]:
    return resolve_portal_languages(chain).codes


def _with_default_language(codes: Iterable[str]) -> tuple[str, ...]:
    wanted = {DEFAULT_LANGUAGE, *codes}
    return tuple(code for code in install_languages() if code in wanted)


# --- Which languages a page really has ----------------------------------------------------------


class TranslationState(enum.Enum):
    COMPLETE = "complete"  # every field written in Vietnamese is written in this language
    PARTIAL = "partial"  # some are, some show the Vietnamese text
    MISSING = "missing"  # none is: the page shows the Vietnamese text


@cache
def content_fields(model: type[models.Model]) -> tuple[str, ...]:
    """The translated text fields of `model` that make up its content, title first."""
    try:
        fields = translator.get_options_for_model(model).all_fields
    except NotRegistered:
        return ()
    names = sorted(name for name in fields if name not in NOT_CONTENT_FIELDS and name != "title")
    return ("title", *names) if "title" in fields else tuple(names)


def has_text(value) -> bool:
    """Whether a stored translation holds something (StreamValue, rich text or plain text)."""
    if value is None:
        return False
    if isinstance(value, str):
        return bool(value.strip())
    try:
        return len(value) > 0
    except TypeError:
        return True


def field_has_language(obj, field: str, language: str) -> bool:
    return has_text(getattr(obj, build_localized_fieldname(field, language), None))


def translation_state(obj, language: str, *, loaded_only: bool = False) -> TranslationState:
    """How far `obj` (a page, or anything translated) is written in `language`.

    `loaded_only` judges by the fields already loaded on `obj` (listings and sitemaps read pages
    with their StreamFields deferred or not specific), so it never costs a query.
    """
    if language == DEFAULT_LANGUAGE:
        return TranslationState.COMPLETE
    fields = content_fields(type(obj))
    if loaded_only:
        loaded = obj.__dict__
        fields = tuple(
            f
            for f in fields
            if build_localized_fieldname(f, DEFAULT_LANGUAGE) in loaded
            and build_localized_fieldname(f, language) in loaded
        )
    written = [f for f in fields if field_has_language(obj, f, DEFAULT_LANGUAGE)]
    translated = [f for f in written if field_has_language(obj, f, language)]
    if not written or len(translated) == len(written):
        return TranslationState.COMPLETE
    return TranslationState.PARTIAL if translated else TranslationState.MISSING


def page_languages(page, offered: Iterable[str] | None = None, *, loaded_only=False) -> list[str]:
    """The languages `page` really exists in, among `offered` (default: what its portal offers).

    What sitemaps, feeds, search and the API should publish per language.
    """
    if offered is None:
        from sites.portal_tree import portal_chain_for

        offered = portal_languages(portal_chain_for(page))
    return [
        code
        for code in offered
        if translation_state(page, code, loaded_only=loaded_only) is TranslationState.COMPLETE
    ]


def field_language(obj, field: str, language: str | None = None) -> str:
    """The language the text of `obj.<field>` is shown in when `language` is active."""
    language = language or translation.get_language() or DEFAULT_LANGUAGE
    if language == DEFAULT_LANGUAGE or field_has_language(obj, field, language):
        return language
    if field_has_language(obj, field, DEFAULT_LANGUAGE):
        return DEFAULT_LANGUAGE
    return language


# --- URLs per language --------------------------------------------------------------------------


def page_url_in(page, language: str, request=None, *, full: bool = True) -> str | None:
    """The canonical URL of `page` in `language` (`/en/…` prefix; none for Vietnamese)."""
    with translation.override(language):
        return page.get_full_url(request) if full else page.get_url(request)


def path_in(path: str, language: str) -> str:
    """The same view as `path` (a path of this host) in `language`: what the switcher links to.

    Works for every view under i18n_patterns (pages, routes of routable pages, inherited items),
    by resolving the path and reversing it with the other language's prefix: no query.
    """
    return _translated_path(
        path, language, translation.get_language(), get_urlconf(), get_script_prefix()
    )


@lru_cache(maxsize=10_000)
def _translated_path(path: str, language: str, active, urlconf, script_prefix: str) -> str:
    # Resolving then reversing costs ~0.1 ms per language on every page; the answer depends only
    # on the arguments (the active language decides how the path resolves), so it is remembered.
    return translate_url(path, language)


def sitemap_urls(page, request, offers: dict | None = None) -> list[dict]:
    """Sitemap entries of `page`: one per language it really has, each with `xhtml:link`
    alternates to all of them and `x-default` (Django's sitemap template renders `alternates`).

    `offers` maps portal ids to their offered languages, so a sitemap of many items reads each
    owner's offer once (the items' owners are the sitemap portal and the portals above it);
    pages whose owner is not in it cost one query for their chain.
    """
    owner_id = getattr(page, "owner_portal_id", None) or page.pk
    offered = (offers or {}).get(owner_id)
    if offered is None:
        from sites.portal_tree import portal_chain_for

        offered = portal_languages(portal_chain_for(page))
    languages = page_languages(page, offered, loaded_only=True)
    lastmod = page.last_published_at or page.latest_revision_created_at
    locations = {code: page_url_in(page, code, request) for code in languages}
    alternates = []
    if len(languages) > 1:
        alternates = [{"lang_code": code, "location": url} for code, url in locations.items()]
        alternates.append({"lang_code": "x-default", "location": locations[DEFAULT_LANGUAGE]})
    return [
        {"location": url, "lastmod": lastmod, "alternates": alternates}
        for url in locations.values()
    ]


def portal_offers(chain: Sequence) -> dict:
    """{portal id: offered languages} for every portal of `chain` (top first), without a query."""
    return {portal.pk: portal_languages(chain[: number + 1]) for number, portal in enumerate(chain)}


@dataclass(frozen=True)
class LanguageChoice:
    code: str
    name: str
    url: str
    current: bool
    available: bool  # the page really exists in this language (no fallback)


@dataclass(frozen=True)
class Alternate:
    hreflang: str
    url: str


@dataclass
class PageLanguages:
    """Everything the templates need about the languages of the page being rendered."""

    page: object
    language: str
    offered: tuple[str, ...]
    available: list[str]
    state: TranslationState
    choices: list[LanguageChoice]
    alternates: list[Alternate]

    @property
    def is_fallback(self) -> bool:
        return self.state is not TranslationState.COMPLETE

    @property
    def language_name(self) -> str:
        return language_name(self.language)

    @property
    def is_article(self) -> bool:
        """The page is an item (news, announcement, document) rather than a section or home."""
        from cms.models import SectionPage, ShareablePage

        return isinstance(self.page, ShareablePage) and not isinstance(self.page, SectionPage)


def page_languages_for_request(request, page, portal_chain: Sequence | None) -> PageLanguages:
    """The languages of `page` as rendered for `request` on the portal at the end of `portal_chain`
    (the receiving portal for an inherited item). Computed once per request."""
    cached = getattr(request, "_portals_page_languages", None)
    if cached is not None and cached[0] is page:
        return cached[1]
    from sites.portal_tree import portal_chain_for

    language = translation.get_language() or DEFAULT_LANGUAGE
    offered_here = portal_languages(portal_chain or [])
    # hreflang alternates point at the page's canonical URLs, on its owner portal's host, so they
    # are limited to the languages the owner offers (its chain is cached on the page instance).
    owner_chain = portal_chain_for(page) if page is not None and page.path else []
    offered_by_owner = portal_languages(owner_chain) if owner_chain else offered_here
    available = page_languages(page, offered_by_owner) if page is not None else [language]
    state = translation_state(page, language) if page is not None else TranslationState.COMPLETE
    path = request.get_full_path()
    choices = [
        LanguageChoice(
            code=code,
            name=language_name(code),
            url=path_in(path, code),
            current=code == language,
            available=page is None or code in available,
        )
        for code in offered_here
    ]
    alternates = []
    if page is not None and len(available) > 1:
        alternates = [Alternate(code, page_url_in(page, code, request)) for code in available]
        alternates.append(Alternate("x-default", page_url_in(page, DEFAULT_LANGUAGE, request)))
    result = PageLanguages(page, language, offered_here, available, state, choices, alternates)
    request._portals_page_languages = (page, result)
    return result


# --- 404 for a language the portal does not offer ---------------------------------------------


def reject_language_not_offered(page, request, serve_args, serve_kwargs):
    """`before_serve_page` hook: `/ko/…` on a portal that does not offer Korean is a 404.

    The portal chain is read once, from the served page, which caches it for the page's own
    context; it is also handed to the portals of the chain and to the page's owner portal, so a
    section serving an inherited item (cms.sharing) reads neither again. Every language, the
    default one included, pays the same single query.
    """
    from sites.portal_tree import portal_chain_for

    if not page.path:
        return None
    chain = portal_chain_for(page)
    _share_chain(page, chain)
    language = translation.get_language()
    if language != DEFAULT_LANGUAGE and language not in portal_languages(chain):
        raise Http404("Language not offered on this portal")
    return None


def _share_chain(page, chain: Sequence) -> None:
    for number, portal in enumerate(chain):
        if getattr(portal, "_portal_chain", None) is None:
            portal._portal_chain = list(chain[: number + 1])
    owner = chain[-1] if chain else None
    if owner is not None and getattr(page, "owner_portal_id", None) == owner.pk:
        page.owner_portal = owner


def offered_languages_for_site(site) -> tuple[str, ...]:
    """For views that serve no page (feeds, sitemaps, the API): what the site's portal offers."""
    from sites.portal_tree import portal_chain_for

    if site is None:
        return portal_languages([])
    return portal_languages(portal_chain_for(site.root_page))


# --- The portal's `languages` setting in the admin ---------------------------------------------


class LanguageCodesFormField(forms.MultipleChoiceField):
    """Checkboxes of the install's languages, stored as comma-separated codes.

    Nothing ticked means “as the portal above”; ticking any language always adds Vietnamese.
    """

    widget = forms.CheckboxSelectMultiple

    def __init__(self, *, max_length=None, empty_value="", **kwargs):
        for ignored in ("min_length", "empty_value"):
            kwargs.pop(ignored, None)
        kwargs.setdefault("required", False)
        super().__init__(choices=self._language_choices, **kwargs)

    @staticmethod
    def _language_choices():
        return [(code, language_name(code)) for code in install_languages()]

    def prepare_value(self, value):
        if isinstance(value, str):
            return parse_language_codes(value)
        return value

    def to_python(self, value):
        if isinstance(value, str):
            value = parse_language_codes(value)
        return super().to_python(value)

    def clean(self, value):
        codes = super().clean(value)
        if not codes:
            return ""
        return ",".join(_with_default_language(codes))

    def has_changed(self, initial, data):
        return parse_language_codes(initial) != parse_language_codes(data)


class LanguageCodesField(models.CharField):
    """A model field of comma-separated install language codes, edited as checkboxes.

    Stored as a plain CharField (its migrations say CharField), so choosing the widget here
    changes no schema.
    """

    def deconstruct(self):
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.db.models.CharField", args, kwargs

    def formfield(self, **kwargs):
        kwargs.pop("widget", None)
        return super().formfield(**{**kwargs, "form_class": LanguageCodesFormField})

    def validate(self, value, model_instance):
        super().validate(value, model_instance)
        if not value:
            return
        known = set(install_languages())
        unknown = [c.strip() for c in value.split(",") if c.strip() and c.strip() not in known]
        if unknown:
            raise ValidationError(
                _("Unknown language codes: %(codes)s. This install offers: %(offered)s."),
                params={"codes": ", ".join(unknown), "offered": ", ".join(sorted(known))},
                code="unknown_language",
            )


def language_offer_help(portal) -> str:
    """What the admin says under the checkboxes: what the portal offers and where it comes from."""
    from sites.portal_tree import portal_chain_for

    if portal is None or not portal.path:
        return str(_("Leave every box empty to offer the languages of the portal above."))
    chain = portal_chain_for(portal)
    above = [p for p in chain if p.pk != portal.pk]
    inherited = resolve_portal_languages(above)
    names = ", ".join(language_name(code) for code in inherited.codes)
    if inherited.source is None:
        return str(
            _("Nothing ticked: this portal offers the install's default languages (%(names)s).")
            % {"names": names}
        )
    return str(
        _("Nothing ticked: this portal offers the languages of %(portal)s (%(names)s).")
        % {"portal": inherited.source.title, "names": names}
    )


class LanguagesPanel(FieldPanel):
    """The portal's languages as checkboxes, saying what an empty choice inherits and from where."""

    class BoundPanel(FieldPanel.BoundPanel):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.help_text = " ".join(
                [
                    str(_("Vietnamese is always offered.")),
                    language_offer_help(self.instance),
                ]
            )
