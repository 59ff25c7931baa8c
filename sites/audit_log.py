"""Every change in Wagtail's audit log says which portal it was made in.

Wagtail already logs who did what (pages: create, edit, publish, submit, approve, reject, move,
delete, …; images, documents and users: create, edit, delete). Before an entry is saved we add the
portal the object belongs to, as `data["portal"]` (its name) and `data["portal_id"]`, unless the
action named a portal itself (the sharing engine's hide, pin, adapt, … name the receiving portal).
One query per entry: the nearest portal home above a page, or the portal owning a collection.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.db.models.signals import pre_save
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import ModelLogEntry, Page, PageLogEntry

from sites.models import PortalPage


def _prefixes(path: str) -> list[str]:
    """The tree paths of a node and its ancestors (pages and collections share the scheme)."""
    return [path[:end] for end in range(Page.steplen, len(path) + 1, Page.steplen)]


def _portal_above(path: str) -> PortalPage | None:
    return (
        PortalPage.objects.filter(path__in=_prefixes(path))
        .order_by("-depth")
        .only("pk", "unit_name", "title")
        .first()
    )


def portal_of_logged_object(entry) -> PortalPage | None:
    if isinstance(entry, PageLogEntry):
        path = Page.objects.filter(pk=entry.page_id).values_list("path", flat=True).first()
        return _portal_above(path) if path else None
    model = entry.content_type.model_class() if entry.content_type_id else None
    if model is None:
        return None
    if issubclass(model, (get_image_model(), get_document_model())):
        collection_path = (
            model.objects.filter(pk=entry.object_id)
            .values_list("collection__path", flat=True)
            .first()
        )
        if collection_path is None:
            return None
        return (
            PortalPage.objects.filter(collection__path__in=_prefixes(collection_path))
            .order_by("-collection__depth")
            .only("pk", "unit_name", "title")
            .first()
        )
    if issubclass(model, get_user_model()):
        # A user belongs to the portals whose groups they are in: the topmost one names it.
        groups = (
            get_user_model()
            .groups.through.objects.filter(user_id=entry.object_id)
            .values("group_id")
        )
        return (
            PortalPage.objects.filter(
                Q(editors_group__in=groups)
                | Q(moderators_group__in=groups)
                | Q(admins_group__in=groups)
            )
            .order_by("path")
            .only("pk", "unit_name", "title")
            .first()
        )
    return None


def add_portal_to_log_entry(sender, instance, **kwargs):
    if instance.pk is not None or "portal" in (instance.data or {}):
        return
    portal = portal_of_logged_object(instance)
    if portal is not None:
        instance.data = {**(instance.data or {}), "portal": str(portal), "portal_id": portal.pk}


def register() -> None:
    for model in (PageLogEntry, ModelLogEntry):
        pre_save.connect(add_portal_to_log_entry, sender=model, dispatch_uid=f"portal-{model}")
