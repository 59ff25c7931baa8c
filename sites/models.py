"""The portal hierarchy: levels, section blueprints and the portal home page.

A portal is one administrative unit's site. Its home page (`PortalPage`) sits in the one page tree
under the home page of the portal above it, and is the root page of the portal's own Wagtail
`Site`. Levels and blueprints are data (fixtures/levels.json, fixtures/blueprints.json), editable in
the admin as snippets, so a province can correct them without a release.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel, ObjectList, TabbedInterface
from wagtail.contrib.routable_page.models import RoutablePageMixin, path

from cms.feeds import FeedRoutesMixin
from cms.models.base_page import BasePage
from sites.forms import PortalPageForm
from sites.portal_settings import PortalSettingsFields
from sites.settings_panels import portal_settings_panels


class Level(models.Model):
    """An administrative level: province, district or commune (data, not code)."""

    code = models.SlugField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=100)
    rank = models.PositiveSmallIntegerField(
        _("rank"), help_text=_("1 for the top level, growing downwards.")
    )
    # The type words that open a unit's official name at this level ("Xã", "Phường", …), with their
    # English names; used to strip the type from slugs and to say who published an item.
    unit_types = models.JSONField(_("unit types"), default=list, blank=True)

    panels = [FieldPanel("code"), FieldPanel("name"), FieldPanel("rank"), FieldPanel("unit_types")]

    class Meta:
        ordering = ["rank"]
        verbose_name = _("level")
        verbose_name_plural = _("levels")

    def __str__(self):
        return self.name


class SectionBlueprint(models.Model):
    """One standard section that every new portal of a level is born with."""

    level = models.ForeignKey(
        Level,
        to_field="code",
        on_delete=models.CASCADE,
        related_name="blueprint_sections",
        verbose_name=_("level"),
    )
    kind = models.SlugField(
        _("kind"),
        max_length=40,
        help_text=_("Stable key of the section (news, announcements, documents, …)."),
    )
    slug = models.SlugField(_("slug"), max_length=80)
    title = models.CharField(_("title"), max_length=200)
    mandatory = models.BooleanField(
        _("mandatory (Decree 42/2022/NĐ-CP)"),
        default=False,
        help_text=_("Every portal of this level must publish this section."),
    )
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)
    show_in_menus = models.BooleanField(_("show in main navigation"), default=True)

    panels = [
        FieldPanel("level"),
        FieldPanel("kind"),
        FieldPanel("slug"),
        FieldPanel("title"),
        FieldPanel("mandatory"),
        FieldPanel("sort_order"),
        FieldPanel("show_in_menus"),
    ]

    class Meta:
        ordering = ["level__rank", "sort_order"]
        constraints = [
            models.UniqueConstraint(fields=["level", "kind"], name="unique_blueprint_kind"),
            models.UniqueConstraint(fields=["level", "slug"], name="unique_blueprint_slug"),
        ]
        verbose_name = _("blueprint section")
        verbose_name_plural = _("blueprint sections")

    def __str__(self):
        return f"{self.level_id}: {self.title}"


# Which sections' items a portal's home page lists, newest first (pinned ones on top).
HOME_PAGE_KINDS = ("news", "announcements")


class PortalPage(FeedRoutesMixin, RoutablePageMixin, PortalSettingsFields, BasePage):
    """The home page of one administrative unit's portal."""

    base_form_class = PortalPageForm

    level = models.ForeignKey(
        Level, to_field="code", on_delete=models.PROTECT, related_name="portals"
    )
    unit_code = models.PositiveIntegerField(
        _("official unit code"), help_text=_("Code in the national list of administrative units.")
    )
    unit_name = models.CharField(
        _("official name"), max_length=150, help_text=_("For example “Xã Cẩm Hưng”.")
    )
    unit_type = models.CharField(_("unit type"), max_length=40, help_text=_("For example “Xã”."))

    # What provisioning gave the portal (sites.provisioning): its own place for images and
    # documents, and the groups whose page permissions are granted at this home page.
    collection = models.ForeignKey(
        "wagtailcore.Collection",
        null=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    editors_group = models.ForeignKey(
        "auth.Group", null=True, editable=False, on_delete=models.SET_NULL, related_name="+"
    )
    moderators_group = models.ForeignKey(
        "auth.Group", null=True, editable=False, on_delete=models.SET_NULL, related_name="+"
    )
    # A retired portal kept as a read-only archive on its host (sites.restructuring.retire): its
    # pages show a banner pointing to the portal that took over.
    archived_successor = models.ForeignKey(
        "self", null=True, editable=False, on_delete=models.SET_NULL, related_name="+"
    )
    archived_at = models.DateTimeField(null=True, editable=False)
    # The portal's administrators: what moderators do, plus managing the users of this portal and
    # the portals below it (sites.permissions).
    admins_group = models.ForeignKey(
        "auth.Group", null=True, editable=False, on_delete=models.SET_NULL, related_name="+"
    )

    parent_page_types = ["wagtailcore.Page", "portals.PortalPage"]
    template = "pages/portal_page.html"
    subpage_types = ["portals.PortalPage", "cms.SectionPage"]
    max_count_per_parent = None

    content_panels = [
        *BasePage.content_panels,
        MultiFieldPanel(
            [
                FieldPanel("level"),
                FieldPanel("unit_code"),
                FieldPanel("unit_name"),
                FieldPanel("unit_type"),
            ],
            heading=_("Administrative unit"),
        ),
    ]

    edit_handler = TabbedInterface(
        [
            ObjectList(content_panels, heading=_("Content")),
            # Blank = inherited; each field says from where (sites/settings_panels.py).
            ObjectList(portal_settings_panels(), heading=_("Portal settings")),
            ObjectList(BasePage.promote_panels, heading=_("Promote")),
            ObjectList(BasePage.settings_panels, heading=_("Settings")),
        ]
    )

    class Meta:
        verbose_name = _("portal")
        verbose_name_plural = _("portals")
        # A unit's code is unique within its level at one time, but the same code lives in two
        # trees during a restructuring (the 3-level tree and the 2-level one), so the importer
        # identifies a unit by its code inside its province rather than by a global constraint.
        indexes = [models.Index(fields=["level", "unit_code"])]

    def __str__(self):
        return self.unit_name or self.title

    @property
    def short_name(self) -> str:
        """The unit's name without its type word: “Cẩm Hưng”."""
        from sites.hosts import strip_unit_type

        return strip_unit_type(self.unit_name)[1]

    @cached_property
    def portal_chain(self) -> list[PortalPage]:
        """This portal and the portals above it, top first, in one query."""
        from sites.portal_tree import portal_chain_for

        return portal_chain_for(self)

    def get_portal(self) -> PortalPage:
        return self

    def clean(self):
        super().clean()
        from django.core.exceptions import ValidationError

        from sites.portal_settings import primary_colour_error
        from sites.settings_panels import theme_errors

        errors = {
            "theme": theme_errors(self.theme),
            "primary_colour": primary_colour_error(self.primary_colour),
        }
        errors = {name: error for name, error in errors.items() if error}
        if errors:
            raise ValidationError(errors)

    # Citizen search (cms.search): a route of every portal's home, so it has the portal's host,
    # theme and language prefix like any of its pages.
    @path("tim-kiem/", name="search")
    def search(self, request):
        from cms.search import search_view

        return search_view(request, self, BasePage.get_context(self, request))

    @path("tim-kiem/goi-y/", name="search_suggestions")
    def search_suggestions(self, request):
        from cms.search import suggestions_view

        return suggestions_view(request, self)

    # Open data (cms.open_data): the portal's datasets as CSV and JSON.
    @path("du-lieu-mo/", name="open_data")
    def open_data(self, request):
        from cms.open_data import open_data_page

        return open_data_page(request, self, BasePage.get_context(self, request))

    @path("du-lieu-mo/<slug:dataset>/<slug:extension>/", name="open_data_download")
    def open_data_download(self, request, dataset, extension):
        from cms.open_data import dataset_download

        return dataset_download(request, self, dataset, extension)

    def get_context(self, request, *args, **kwargs):
        from cms.home_page import home_context

        context = super().get_context(request, *args, **kwargs)
        context.update(home_context(self, request))
        return context


class RetiredHost(models.Model):
    """A hostname whose portal was merged, moved or retired (sites.restructuring).

    Its Wagtail `Site` stays, so that the redirects app keeps the host's old paths (one redirect
    per old page, `Redirect.site` = this site); the site's root page is the successor portal's
    home. Every request to the host answers 301 (sites.retired_hosts), and the routing index
    leaves the site out, so no page is ever canonical on a retired host.
    """

    class Reason(models.TextChoices):
        MOVED = "moved", _("moved")
        MERGED = "merged", _("merged")
        RETIRED = "retired", _("retired")

    site = models.OneToOneField(
        "wagtailcore.Site", on_delete=models.CASCADE, related_name="retirement"
    )
    reason = models.CharField(_("reason"), max_length=10, choices=Reason.choices)
    former_name = models.CharField(_("former name"), max_length=150, blank=True)
    retired_at = models.DateTimeField(_("retired at"), default=timezone.now)
    # Where the portal's home was in the page tree when the host retired (its url_path): old URLs
    # reached by path through a portal above (`haiduong…/camgiang/camhung/…`, the canonical URL
    # in path mode) are found by it. Empty for hosts retired before it was kept.
    old_url_path = models.CharField(
        _("former tree path"), max_length=255, blank=True, db_index=True
    )

    class Meta:
        verbose_name = _("retired host")
        verbose_name_plural = _("retired hosts")

    def __str__(self):
        return self.site.hostname
