"""A legal or directive document (“Văn bản quy phạm pháp luật, chỉ đạo điều hành”)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel
from wagtail.search import index

from cms.models.shareable_page import ShareablePage
from cms.search_index import MultilingualSearchField


class DocumentType(models.TextChoices):
    LAW = "luat", _("Law")
    DECREE = "nghi-dinh", _("Decree")
    RESOLUTION = "nghi-quyet", _("Resolution")
    DECISION = "quyet-dinh", _("Decision")
    DIRECTIVE = "chi-thi", _("Directive")
    CIRCULAR = "thong-tu", _("Circular")
    PLAN = "ke-hoach", _("Plan")
    OFFICIAL_LETTER = "cong-van", _("Official letter")
    NOTICE = "thong-bao", _("Notice")
    REPORT = "bao-cao", _("Report")
    DRAFT = "du-thao", _("Draft for comment")


class LegalDocumentPage(ShareablePage):
    serve_select_related = (*ShareablePage.serve_select_related, "document")

    number = models.CharField(
        _("number and symbol"), max_length=100, help_text=_("For example “15/2024/QĐ-UBND”.")
    )
    document_type = models.CharField(
        _("type"), max_length=20, choices=DocumentType.choices, default=DocumentType.DECISION
    )
    issuing_body = models.CharField(_("issuing body"), max_length=200)
    signer = models.CharField(_("signed by"), max_length=200, blank=True)
    issued_on = models.DateField(_("issue date"))
    effective_on = models.DateField(_("effective date"), null=True, blank=True)
    document = models.ForeignKey(
        "wagtaildocs.Document",
        verbose_name=_("file"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    parent_page_types = ["cms.SectionPage"]
    subpage_types: list[str] = []
    template = "pages/legal_document_page.html"

    search_fields = [
        *ShareablePage.search_fields,
        MultilingualSearchField("number"),
        MultilingualSearchField("issuing_body"),
        index.FilterField("document_type"),
        index.FilterField("issued_on"),
    ]

    content_panels = [
        *ShareablePage.content_panels,
        FieldRowPanel([FieldPanel("number"), FieldPanel("document_type")]),
        FieldRowPanel([FieldPanel("issuing_body"), FieldPanel("signer")]),
        FieldRowPanel([FieldPanel("issued_on"), FieldPanel("effective_on"), FieldPanel("date")]),
        FieldPanel("summary"),
        FieldPanel("document"),
    ]
    edit_handler = ShareablePage.editor_tabs(content_panels)

    class Meta:
        verbose_name = _("legal document")
        verbose_name_plural = _("legal documents")
        indexes = [models.Index(fields=["document_type", "issued_on"])]
