"""Which translations of a page are missing, partial or older than the Vietnamese text, for editors.

“Older” is recorded, not guessed: every time a revision of a page is saved (the editor's draft,
a publish, an import, the demo), the languages whose text that revision changed compared with the
previous revision get the revision's time in `TranslationChange` (one row per page and language).
A translation is **outdated** when its language last changed before Vietnamese did. Pages that
never had a revision (portals and sections made in bulk by provisioning) have no times: only
missing or partial translations show for them.

Editors see it in the page editor (`TranslationStatusPanel`, first in every page type's content
tab) and in page listings (a small button per language that needs work, beside each page's title;
the explorer's queryset is annotated with the times, so the listing costs no query per row).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime

from django.contrib.contenttypes.models import ContentType
from django.db.models import OuterRef, Subquery
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from modeltranslation.translator import NotRegistered, translator
from modeltranslation.utils import build_localized_fieldname
from wagtail.admin.panels import Panel
from wagtail.admin.widgets import ListingButton
from wagtail.models import Page, Revision

from cms.languages import (
    DEFAULT_LANGUAGE,
    TranslationState,
    content_fields,
    has_text,
    install_languages,
    language_name,
    portal_languages,
)

ANNOTATION = "translation_changed_{}"


def _translated_fields(model) -> tuple[str, ...]:
    try:
        return tuple(translator.get_options_for_model(model).all_fields)
    except NotRegistered:
        return ()


def changed_languages(model, previous: dict | None, current: dict) -> list[str]:
    """Languages whose translated fields differ between two revisions' content."""
    fields = _translated_fields(model)
    changed = []
    for language in install_languages():
        keys = [build_localized_fieldname(name, language) for name in fields]
        if previous is None:
            if any(_same(current.get(key)) for key in keys):
                changed.append(language)
        elif any(_same(previous.get(key)) != _same(current.get(key)) for key in keys):
            changed.append(language)
    return changed


def _same(value):
    """A revision's stored value, with every kind of “empty” made None (a field cleared to "",
    one never set, an empty StreamField stored as the JSON text "[]")."""
    if isinstance(value, str):
        stripped = value.strip()
        if stripped.startswith("["):
            try:
                value = json.loads(stripped)
            except ValueError:
                return stripped
        else:
            return stripped or None
    return value or None


def record_translation_changes(sender, instance: Revision, **kwargs) -> None:
    """post_save of a Revision: stamp the languages a page revision changed."""
    page_type = ContentType.objects.get_for_model(Page)
    if instance.base_content_type_id != page_type.pk or not isinstance(instance.content, dict):
        return
    model = ContentType.objects.get_for_id(instance.content_type_id).model_class()
    if model is None:
        return
    previous = (
        Revision.objects.filter(
            base_content_type_id=page_type.pk,
            object_id=instance.object_id,
            created_at__lte=instance.created_at,
        )
        .exclude(pk=instance.pk)
        .order_by("-created_at", "-pk")
        .values_list("content", flat=True)
        .first()
    )
    languages = changed_languages(model, previous, instance.content)
    if not languages:
        return
    from cms.models import TranslationChange

    TranslationChange.objects.bulk_create(
        [
            TranslationChange(
                page_id=int(instance.object_id), language=lang, changed_at=instance.created_at
            )
            for lang in languages
        ],
        update_conflicts=True,
        unique_fields=["page", "language"],
        update_fields=["changed_at"],
    )


# --- Reading the status -------------------------------------------------------------------------


@dataclass
class LanguageStatus:
    code: str
    name: str
    state: TranslationState
    missing_fields: list[str] = field(default_factory=list)
    changed_at: datetime | None = None
    source_changed_at: datetime | None = None

    @property
    def outdated(self) -> bool:
        """Translated, but the Vietnamese text changed after this language last did."""
        if self.state is TranslationState.MISSING or self.source_changed_at is None:
            return False
        return self.changed_at is None or self.changed_at < self.source_changed_at

    @property
    def needs_work(self) -> bool:
        return self.state is not TranslationState.COMPLETE or self.outdated

    @property
    def label(self) -> str:
        if self.state is TranslationState.MISSING:
            return str(_("not translated"))
        if self.state is TranslationState.PARTIAL:
            return str(_("partly translated"))
        if self.outdated:
            return str(_("older than the Vietnamese text"))
        return str(_("up to date"))


def _verbose_name(model, name: str) -> str:
    try:
        return str(model._meta.get_field(name).verbose_name)
    except Exception:  # noqa: BLE001 - a field name from modeltranslation's registry, always there
        return name


def _loaded(obj, name: str, language: str) -> bool:
    return build_localized_fieldname(name, language) in obj.__dict__


def language_statuses(page, languages=None, changes: dict | None = None) -> list[LanguageStatus]:
    """The status of each language of `page` except Vietnamese.

    `languages` defaults to what the page's portal offers; `changes` ({language: time}) to the
    page's recorded times (one query). Only fields already loaded on `page` are read, so listings
    of pages with deferred StreamFields cost no query per row.
    """
    if languages is None:
        from sites.portal_tree import portal_chain_for

        languages = portal_languages(portal_chain_for(page)) if page.path else install_languages()
    if changes is None:
        from cms.models import TranslationChange

        changes = (
            dict(
                TranslationChange.objects.filter(page_id=page.pk).values_list(
                    "language", "changed_at"
                )
            )
            if page.pk
            else {}
        )
    model = type(page)
    written = [
        name
        for name in content_fields(model)
        if _loaded(page, name, DEFAULT_LANGUAGE)
        and has_text(getattr(page, build_localized_fieldname(name, DEFAULT_LANGUAGE)))
    ]
    statuses = []
    for code in languages:
        if code == DEFAULT_LANGUAGE:
            continue
        missing = [
            name
            for name in written
            if _loaded(page, name, code)
            and not has_text(getattr(page, build_localized_fieldname(name, code)))
        ]
        if not missing:
            state = TranslationState.COMPLETE
        elif len(missing) == len([n for n in written if _loaded(page, n, code)]):
            state = TranslationState.MISSING
        else:
            state = TranslationState.PARTIAL
        statuses.append(
            LanguageStatus(
                code=code,
                name=language_name(code),
                state=state,
                missing_fields=[_verbose_name(model, name) for name in missing],
                changed_at=changes.get(code),
                source_changed_at=changes.get(DEFAULT_LANGUAGE),
            )
        )
    return statuses


def annotate_translation_changes(pages):
    """Annotate a page queryset with each language's last change (one subquery per language)."""
    from cms.models import TranslationChange

    annotations = {
        ANNOTATION.format(code.replace("-", "_")): Subquery(
            TranslationChange.objects.filter(page_id=OuterRef("pk"), language=code).values(
                "changed_at"
            )[:1]
        )
        for code in install_languages()
    }
    return pages.annotate(**annotations)


def annotated_changes(page) -> dict | None:
    """The times annotated by `annotate_translation_changes`, or None if not annotated."""
    names = {code: ANNOTATION.format(code.replace("-", "_")) for code in install_languages()}
    if not all(hasattr(page, name) for name in names.values()):
        return None
    return {code: getattr(page, name) for code, name in names.items() if getattr(page, name)}


# --- In the admin -------------------------------------------------------------------------------


class TranslationStatusPanel(Panel):
    """A read-only summary at the top of the page editor: each language's translation status."""

    def clone_kwargs(self):
        return super().clone_kwargs()

    class BoundPanel(Panel.BoundPanel):
        template_name = "cms/admin/translation_status_panel.html"

        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.heading = _("Translations")

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            page = self.instance
            context["statuses"] = language_statuses(page) if page is not None else []
            context["is_new"] = page is None or not page.pk
            return context


def listing_buttons(page, user, next_url=None):
    """`register_page_listing_buttons`: one small button per language that needs work."""
    # Outside an explorer listing we annotated, show missing/partial only, without a query.
    changes = annotated_changes(page) or {}
    buttons = []
    for status in language_statuses(page, listing_languages(page), changes):
        if not status.needs_work:
            continue
        buttons.append(
            ListingButton(
                f"{status.code.upper()}: {status.label}",
                reverse("wagtailadmin_pages:edit", args=[page.pk]),
                attrs={
                    "title": _("%(language)s translation: %(status)s")
                    % {"language": status.name, "status": status.label},
                },
                priority=90,
                classname="translation-status",
            )
        )
    return buttons


def annotate_explorer_pages(parent_page, pages, request):
    """`construct_explorer_page_queryset`: the rows' language times and their portal's offer,
    read once for the whole listing (the rows share the parent's portal chain)."""
    from django.db.models import Value

    from sites.portal_tree import portal_chain_for

    offered = portal_languages(portal_chain_for(parent_page)) if parent_page.depth > 1 else ()
    pages = annotate_translation_changes(pages)
    return pages.annotate(translation_languages=Value(",".join(offered) or ""))


def listing_languages(page) -> list[str]:
    """Languages to report for a listing row: a portal's own choice, else its parent's offer."""
    from cms.languages import parse_language_codes

    own = parse_language_codes(page.__dict__.get("languages"))
    if own:
        return own
    return parse_language_codes(getattr(page, "translation_languages", "")) or install_languages()
