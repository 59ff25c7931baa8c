"""A section of a portal: “Tin tức – Sự kiện”, “Thông báo”, “Văn bản”, “Giới thiệu”, …

A portal is born with its level's blueprint sections (`sites.provisioning`). A section shows its
own text and lists the items filed in it, its own and those the levels above share with it.
"""

from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db import models
from django.http import Http404, HttpResponsePermanentRedirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField, StreamField

from cms.blocks import RICH_TEXT_FEATURES, BodyBlock
from cms.feeds import FeedRoutesMixin
from cms.models.shareable_page import ShareablePage
from cms.search_index import MultilingualSearchField
from sites.portal_tree import children_q

ITEMS_PER_PAGE = 12


class SectionPage(FeedRoutesMixin, RoutablePageMixin, ShareablePage):
    kind = models.SlugField(
        _("kind"),
        max_length=40,
        help_text=_("Stable key of the section; items are shared between sections of one kind."),
    )
    intro = RichTextField(_("introduction"), blank=True, features=RICH_TEXT_FEATURES)
    body = StreamField(BodyBlock(), verbose_name=_("body"), blank=True)

    parent_page_types = ["portals.PortalPage", "cms.SectionPage"]
    subpage_types = [
        "cms.NewsPage",
        "cms.AnnouncementPage",
        "cms.LegalDocumentPage",
        "cms.SectionPage",
    ]
    template = "pages/section_page.html"

    search_fields = [
        *ShareablePage.search_fields,
        MultilingualSearchField("intro"),
        MultilingualSearchField("body"),
    ]

    content_panels = [
        *ShareablePage.content_panels,
        FieldPanel("kind"),
        FieldPanel("intro"),
        FieldPanel("body"),
    ]
    edit_handler = ShareablePage.editor_tabs(content_panels)

    class Meta:
        verbose_name = _("section")
        verbose_name_plural = _("sections")

    @property
    def is_top_level(self) -> bool:
        return self.owner_portal_id is not None and self.section_kind == ""

    def listed_items(self):
        """What the section lists: for a portal's top-level section, every item of its kind that
        the portal shows (its own and the shared ones, cms.sharing); for a sub-section, its own
        live children."""
        from cms.sharing import items_shown_on

        if self.is_top_level:
            return items_shown_on(self.owner_portal, kinds=[self.kind])
        return (
            ShareablePage.objects.live()
            .filter(children_q(self))
            .exclude(content_type=self.content_type)
            .select_related("image", "owner_portal")
            .order_by("-date", "-pk")
        )

    def get_template(self, request, *args, **kwargs):
        # A section may have a template of its own kind (pages/section_documents.html,
        # pages/section_contact.html), in any theme of the chain; else the generic one.
        return [f"pages/section_{self.kind}.html", self.template]

    def get_context(self, request, *args, **kwargs):
        from cms.listing_filters import filter_for

        context = super().get_context(request, *args, **kwargs)
        kind = self.kind if self.is_top_level else self.section_kind
        filters = filter_for(kind, request.GET)
        listed = self.listed_items()
        if filters.is_bound and filters.is_valid():
            listed = filters.apply(listed)
        elif filters.is_bound:
            listed = listed.none()
        documents = kind in ("documents", "drafts")
        if documents:
            listed = listed.select_related("legaldocumentpage__document")
        paginator = Paginator(listed, ITEMS_PER_PAGE)
        try:
            items = paginator.page(request.GET.get("page", 1))
        except (PageNotAnInteger, EmptyPage):
            items = paginator.page(1)
        for item in items if documents else ():
            item.legal = getattr(item, "legaldocumentpage", None)  # joined above: no query
        context["items"] = items
        context["filters"] = filters
        context["feed_section"] = self
        context["subsections"] = (
            SectionPage.objects.live().filter(children_q(self)).order_by("path")
            if self.numchild  # no query for a section with no children
            else []
        )
        return context

    def serve(self, request, *args, **kwargs):
        response = super().serve(request, *args, **kwargs)
        context = getattr(response, "context_data", None) or {}
        filters = context.get("filters")
        if filters is not None and filters.is_bound and not filters.is_valid():
            response.status_code = 400  # the listing, with what is wrong next to the field
        return response

    @path("chia-se/<int:item_id>/<str:slug>/")
    def shared_item(self, request, item_id, slug):
        """An item shared from a portal above, served on this portal's host and theme."""
        from cms.sharing import items_shown_on

        if not self.is_top_level:
            raise Http404
        item = (
            items_shown_on(self.owner_portal, kinds=[self.kind], include_own=False)
            .filter(pk=item_id)
            .first()
        )
        if item is None:
            raise Http404
        if item.slug != slug:
            return HttpResponsePermanentRedirect(
                self.get_url(request)
                + self.reverse_subpage("shared_item", args=(item.pk, item.slug))
            )
        item = item.specific
        context = item.get_context(request, receiving_portal=self.owner_portal)
        context["breadcrumbs"] = [(self.title, self.get_url(request))]
        context["receiving_section"] = self
        context["inherited"] = True
        return TemplateResponse(request, item.get_template(request), context)
