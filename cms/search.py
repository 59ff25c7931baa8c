"""Citizen search on every portal (`/tim-kiem/`, a route of the portal's home page).

What a portal's search looks in is what the portal shows (cms.sharing.items_shown_on: its own
items and those inherited from above), or with the switch “the whole area” also every item owned
by the portals below it. The full-text part is Wagtail's search (`.search()` and `.autocomplete()`
on the configured backend, kept backend-neutral: no backend-specific field or syntax), on the
multilingual, folded index of cms.search_index; the query is folded the same way
(cms.vietnamese_text.search_words). The scope is handed to the engine as one `pk IN (…)`
subquery, so the SQL does not depend on the number of portals.

Also here: the form (type, dates, scope, order, each checked: a wrong value is a 400 with the
field's message), “did you mean” from the real names of the province's units and the portal's
sections (difflib on folded names), and the suggestions the search box offers while typing.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field

from django import forms
from django.core.cache import cache
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.http import JsonResponse
from django.template.response import TemplateResponse
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext_lazy as _

from cms.listing_filters import DateRangeFilter
from cms.models import AnnouncementPage, LegalDocumentPage, NewsPage, SectionPage, ShareablePage
from cms.sharing import items_shown_on, url_on
from cms.vietnamese_text import MAX_QUERY_CHARACTERS, fold, search_words
from sites.models import PortalPage

RESULTS_PER_PAGE = 10
SUGGESTIONS = 8
NAMES_CACHE_SECONDS = 600

# The types a citizen can filter by: the value in the URL, the page type.
RESULT_TYPES = {
    "news": NewsPage,
    "announcement": AnnouncementPage,
    "document": LegalDocumentPage,
    "section": SectionPage,
}


class SearchForm(DateRangeFilter):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        strip=True,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    type = forms.ChoiceField(
        label=_("Type"),
        required=False,
        choices=[
            ("", _("All types")),
            ("news", _("News")),
            ("announcement", _("Announcements")),
            ("document", _("Legal documents")),
            ("section", _("Sections")),
        ],
    )
    scope = forms.ChoiceField(
        label=_("Where"),
        required=False,
        choices=[("", _("This portal")), ("below", _("This portal and every portal below it"))],
    )
    order = forms.ChoiceField(
        label=_("Order"),
        required=False,
        choices=[("", _("Most relevant first")), ("date", _("Newest first"))],
    )
    field_order = ["q", "type", "date_from", "date_to", "scope", "order"]


@dataclass
class SearchOutcome:
    form: SearchForm
    words: list[str] = field(default_factory=list)
    results: object = None  # a Paginator page of ShareablePage
    shortened: bool = False
    suggestion: str = ""


def items_in_scope(portal, *, below: bool = False):
    """What a portal's search looks in: what the portal shows, or with `below` also every live
    item owned by the portals under it (a path prefix: no recursion, no per-portal query)."""
    return items_shown_on(portal, include_below=below)


def search_items(portal, words: list[str], *, types=(), below=False, dates=None, newest=False):
    """Wagtail search results (ShareablePage) for `words` among what `portal`'s search covers."""
    scope = items_in_scope(portal, below=below)
    if types:
        scope = scope.filter(content_type__in=[_content_type(RESULT_TYPES[name]) for name in types])
    if dates is not None:
        scope = dates.apply(scope)
    candidates = ShareablePage.objects.filter(pk__in=scope.values("pk"))
    if newest:
        candidates = candidates.order_by("-date", "-pk")
    return candidates.search(" ".join(words), operator="and", order_by_relevance=not newest)


def _content_type(model):
    from django.contrib.contenttypes.models import ContentType

    return ContentType.objects.get_for_model(model)


def run_search(portal, request) -> SearchOutcome:
    form = SearchForm(request.GET)
    outcome = SearchOutcome(form=form)
    if not form.is_valid():
        return outcome
    query = form.cleaned_data["q"]
    outcome.shortened = len(query) > MAX_QUERY_CHARACTERS
    outcome.words = search_words(query)
    if not outcome.words:
        return outcome
    data = form.cleaned_data
    found = search_items(
        portal,
        outcome.words,
        types=[data["type"]] if data["type"] else (),
        below=data["scope"] == "below",
        dates=form,
        newest=data["order"] == "date",
    )
    paginator = Paginator(found, RESULTS_PER_PAGE)
    try:
        results = paginator.page(request.GET.get("page", 1))
    except (PageNotAnInteger, EmptyPage):
        results = paginator.page(1)
    results.object_list = _with_owners([item.pk for item in results.object_list])
    outcome.results = results
    if paginator.count == 0:
        outcome.suggestion = did_you_mean(portal, outcome.words)
    return outcome


def _with_owners(ids: list[int]) -> list[ShareablePage]:
    """The page of results in their order, with what a result shows loaded in one query."""
    by_id = {
        item.pk: item
        for item in ShareablePage.objects.filter(pk__in=ids).select_related("owner_portal", "image")
    }
    return [by_id[pk] for pk in ids if pk in by_id]


# --- “Did you mean” and suggestions while typing ----------------------------------------------


def known_names(portal) -> dict[str, str]:
    """Folded → written names a citizen may look for on `portal`: the units of its province
    (with and without their type word) and the portal's sections. Cached per province."""
    chain = portal.portal_chain
    top = chain[0] if chain else portal
    key = f"search:names:{top.pk}:{portal.pk}"
    names = cache.get(key)
    if names is None:
        names = {}
        for unit_name in PortalPage.objects.filter(path__startswith=top.path).values_list(
            "unit_name", flat=True
        ):
            from sites.hosts import strip_unit_type

            for name in (unit_name, strip_unit_type(unit_name)[1]):
                names.setdefault(fold(name), name)
        for title in SectionPage.objects.live().child_of(portal).values_list("title_vi", flat=True):
            if title:
                names.setdefault(fold(title), title)
        cache.set(key, names, NAMES_CACHE_SECONDS)
    return names


def did_you_mean(portal, words: list[str]) -> str:
    """A corrected query when some words of it are close to (not equal to) a real name:
    “cam hugn” → “Cẩm Hưng”. Empty when nothing is worth suggesting."""
    names = known_names(portal)
    folded_names = list(names)
    known_words = {word for name in folded_names for word in name.split()}
    result, changed, i = [], False, 0
    while i < len(words):
        for size in (3, 2, 1):
            window = " ".join(words[i : i + size])
            if len(words[i : i + size]) < size or len(window) < 4:
                continue
            if window in names:
                result.append(names[window])
                i += size
                break
            if all(word in known_words for word in words[i : i + size]):
                continue  # real words: nothing to correct here
            match = difflib.get_close_matches(window, folded_names, n=1, cutoff=0.8)
            if match and match[0].count(" ") == window.count(" "):
                result.append(names[match[0]])
                changed = True
                i += size
                break
        else:
            result.append(words[i])
            i += 1
    return " ".join(result) if changed else ""


def suggestions(portal, request, query: str) -> list[dict]:
    """What the search box offers while a citizen types: matching unit names and item titles."""
    words = search_words(query)
    if not words or len(" ".join(words)) < 2:
        return []
    prefix = " ".join(words)
    offered = [
        {"label": name, "url": None}
        for folded, name in known_names(portal).items()
        if folded.startswith(prefix)
    ][: SUGGESTIONS // 2]
    scope = ShareablePage.objects.filter(pk__in=items_shown_on(portal).values("pk"))
    matches = list(scope.autocomplete(prefix, operator="and")[:SUGGESTIONS])
    for item in _with_owners([item.pk for item in matches]):
        offered.append({"label": item.title, "url": url_on(item, portal, request)})
    return offered[:SUGGESTIONS]


# --- The views (routes of the portal page, sites.models.PortalPage) ---------------------------


def search_view(request, portal, context):
    """The results page; `context` is the portal's page context (header, navigation, theme)."""
    outcome = run_search(portal, request)
    context.update(
        {
            "search": outcome,
            "form": outcome.form,
            "items": outcome.results,
            "query": outcome.form.data.get("q", "")[:MAX_QUERY_CHARACTERS],
        }
    )
    response = TemplateResponse(request, "pages/search_results.html", context)
    if outcome.form.is_bound and not outcome.form.is_valid():
        response.status_code = 400  # the form, with what is wrong next to the field
    if outcome.form.is_valid() and outcome.form.cleaned_data["scope"] == "below":
        # Items of the portals below change without this portal's cache version changing.
        patch_cache_control(response, private=True)
    return response


def suggestions_view(request, portal):
    query = request.GET.get("q", "")
    return JsonResponse({"suggestions": suggestions(portal, request, query)})
