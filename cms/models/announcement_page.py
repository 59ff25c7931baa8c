"""An announcement (“Thông báo”): what a committee tells its citizens or the levels below."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import StreamField

from cms.blocks import AttachmentsBlock, BodyBlock
from cms.models.shareable_page import ShareablePage
from cms.search_index import MultilingualSearchField


class AnnouncementPage(ShareablePage):
    body = StreamField(BodyBlock(), verbose_name=_("body"), blank=True)
    attachments = StreamField(AttachmentsBlock(), verbose_name=_("attachments"), blank=True)
    valid_until = models.DateField(
        _("valid until"), null=True, blank=True, help_text=_("Shown to readers; optional.")
    )

    parent_page_types = ["cms.SectionPage"]
    subpage_types: list[str] = []
    template = "pages/announcement_page.html"

    search_fields = [
        *ShareablePage.search_fields,
        MultilingualSearchField("body"),
    ]

    content_panels = [
        *ShareablePage.content_panels,
        FieldPanel("date"),
        FieldPanel("valid_until"),
        FieldPanel("summary"),
        FieldPanel("image"),
        FieldPanel("body"),
        FieldPanel("attachments"),
    ]
    edit_handler = ShareablePage.editor_tabs(content_panels)

    class Meta:
        verbose_name = _("announcement")
        verbose_name_plural = _("announcements")
