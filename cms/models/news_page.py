"""A news article (“Tin tức – Sự kiện”)."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import StreamField

from cms.blocks import AttachmentsBlock, BodyBlock
from cms.models.shareable_page import ShareablePage
from cms.search_index import MultilingualSearchField


class NewsPage(ShareablePage):
    body = StreamField(BodyBlock(), verbose_name=_("body"), blank=True)
    attachments = StreamField(AttachmentsBlock(), verbose_name=_("attachments"), blank=True)

    parent_page_types = ["cms.SectionPage"]
    subpage_types: list[str] = []
    template = "pages/news_page.html"

    search_fields = [
        *ShareablePage.search_fields,
        MultilingualSearchField("body"),
    ]

    content_panels = [
        *ShareablePage.content_panels,
        FieldPanel("date"),
        FieldPanel("summary"),
        FieldPanel("image"),
        FieldPanel("body"),
        FieldPanel("attachments"),
    ]
    edit_handler = ShareablePage.editor_tabs(content_panels)

    class Meta:
        verbose_name = _("news article")
        verbose_name_plural = _("news articles")
