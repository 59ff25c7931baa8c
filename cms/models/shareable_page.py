"""The base of every page a portal can share with the portals below it.

News, announcements, legal documents and sub-sections extend `ShareablePage`. It carries what
listings need without loading the specific page (date, summary, image) and the page's **audience**:
which portals below its owner show it. Sharing is by reference: there is one row per item whatever
the number of receiving portals (see `cms.sharing` for the query that reads it).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import (
    FieldPanel,
    InlinePanel,
    MultiFieldPanel,
    ObjectList,
    TabbedInterface,
)
from wagtail.models import Orderable
from wagtail.search import index

from cms.forms import ShareablePageForm
from cms.models.base_page import BasePage
from cms.search_index import MultilingualSearchField


class Audience(models.TextChoices):
    OWN = "own", _("This portal only")
    SUBTREE = "subtree", _("This portal and every portal below it")
    LEVEL = "level", _("Only the portals of one level below")
    CHOSEN = "chosen", _("Chosen portals")


class ShareablePage(BasePage):
    date = models.DateField(
        _("date"), default=timezone.localdate, help_text=_("Publication date shown to readers.")
    )
    summary = models.TextField(
        _("summary"), blank=True, help_text=_("One or two sentences shown in listings and feeds.")
    )
    # Read with the page by the serve view (sites.serve): what every page of this type shows.
    serve_select_related = ("image",)

    image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("main image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    audience = models.CharField(
        _("audience"), max_length=10, choices=Audience.choices, default=Audience.OWN
    )
    audience_level = models.ForeignKey(
        "portals.Level",
        to_field="code",
        verbose_name=_("level"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("With “only the portals of one level below”: which level."),
    )
    mandatory = models.BooleanField(
        _("mandatory"),
        default=False,
        help_text=_("Receiving portals cannot hide a mandatory item."),
    )

    # Where the page sits, kept in step with the tree on save and on move so that the sharing query
    # needs no recursion: the portal that owns it and the kind of section it is listed in.
    owner_portal = models.ForeignKey(
        "portals.PortalPage",
        null=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="owned_items",
    )
    section_kind = models.SlugField(max_length=40, blank=True, editable=False, db_index=True)

    # A local page adapted from an inherited one remembers its source and the source's revision it
    # was adapted from, so that a later change at the source can be flagged (cms.sharing.adapt).
    adapted_from = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="adaptations",
    )
    adapted_from_revision = models.ForeignKey(
        "wagtailcore.Revision",
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    is_creatable = False
    base_form_class = ShareablePageForm

    search_fields = [
        *BasePage.search_fields,
        MultilingualSearchField("summary"),
        index.FilterField("date"),
    ]

    sharing_panels = [
        MultiFieldPanel(
            [
                FieldPanel("audience"),
                FieldPanel("audience_level"),
                InlinePanel("audience_targets", label=_("Chosen portal")),
                FieldPanel("mandatory"),
            ],
            heading=_("Audience"),
        )
    ]

    @classmethod
    def editor_tabs(cls, content_panels) -> TabbedInterface:
        """The editor's tabs of every shareable page type: Wagtail's three plus "Sharing"."""
        return TabbedInterface(
            [
                ObjectList(content_panels, heading=_("Content")),
                ObjectList(cls.sharing_panels, heading=_("Sharing")),
                ObjectList(cls.promote_panels, heading=_("Promote")),
                ObjectList(cls.settings_panels, heading=_("Settings")),
            ]
        )

    class Meta:
        verbose_name = _("shareable page")
        indexes = [models.Index(fields=["owner_portal", "section_kind", "date"])]

    def clean(self):
        super().clean()
        from cms.sharing import audience_errors

        errors = audience_errors(self)
        if errors:
            raise ValidationError(errors)

    @property
    def source_changed_since_adaptation(self) -> bool:
        """True when the page this one was adapted from was published again after the adaptation."""
        source = self.adapted_from
        return bool(
            source is not None
            and source.live_revision_id
            and source.live_revision_id != self.adapted_from_revision_id
        )

    def save(self, *args, **kwargs):
        if self.path:
            self.refresh_tree_position()
        return super().save(*args, **kwargs)

    def refresh_tree_position(self) -> None:
        """Recompute `owner_portal` and `section_kind` from the page's ancestors."""
        from cms.models.section_page import SectionPage
        from sites.models import PortalPage
        from sites.portal_tree import ancestor_paths

        paths = ancestor_paths(self.path, inclusive=False)
        owner = PortalPage.objects.filter(path__in=paths).order_by("-depth").only("id", "depth")
        owner = owner.first()
        self.owner_portal_id = owner.pk if owner else None
        section_kind = ""
        if owner is not None:
            # The section a page is listed in is the top-level section of its portal.
            top_section_path = self.path[: (owner.depth + 1) * self.steplen]
            if top_section_path != self.path:
                section_kind = (
                    SectionPage.objects.filter(path=top_section_path)
                    .values_list("kind", flat=True)
                    .first()
                    or ""
                )
        self.section_kind = section_kind

    @classmethod
    def refresh_subtree_positions(cls, moved_page) -> int:
        """After a page moved: give the shareable pages in its subtree their new owner portal and
        section kind, in a few statements. A portal moving with its subtree keeps its items'
        owner (itself) and kinds, so only moves of pages inside a portal change anything."""
        from sites.models import PortalPage

        if isinstance(moved_page.specific_deferred, PortalPage):
            return 0
        anchor = cls.objects.filter(pk=moved_page.pk).first()
        if anchor is None:
            return 0
        anchor.refresh_tree_position()
        descendants = cls.objects.filter(
            path__startswith=moved_page.path, depth__gt=moved_page.depth
        )
        updated = cls.objects.filter(pk=anchor.pk).update(
            owner_portal_id=anchor.owner_portal_id, section_kind=anchor.section_kind
        )
        kind_below = anchor.section_kind or getattr(anchor.specific_deferred, "kind", "")
        updated += descendants.update(
            owner_portal_id=anchor.owner_portal_id, section_kind=kind_below
        )
        return updated

    def with_content_json(self, content):
        obj = super().with_content_json(content)
        # A revision saved before a move must not put the page back where it was.
        obj.owner_portal_id = self.owner_portal_id
        obj.section_kind = self.section_kind
        obj.adapted_from_id = self.adapted_from_id
        obj.adapted_from_revision_id = self.adapted_from_revision_id
        return obj


class AudienceTarget(Orderable):
    """One chosen receiver of an item whose audience is “chosen portals”."""

    page = ParentalKey(ShareablePage, on_delete=models.CASCADE, related_name="audience_targets")
    portal = models.ForeignKey(
        "portals.PortalPage",
        verbose_name=_("portal"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    include_subtree = models.BooleanField(_("and every portal below it"), default=True)

    panels = [FieldPanel("portal"), FieldPanel("include_subtree")]

    class Meta(Orderable.Meta):
        verbose_name = _("chosen portal")
        verbose_name_plural = _("chosen portals")
        indexes = [models.Index(fields=["portal", "page"])]
