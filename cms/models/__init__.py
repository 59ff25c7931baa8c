"""The content page types: one module per type."""

from cms.models.announcement_page import AnnouncementPage
from cms.models.base_page import BasePage
from cms.models.legal_document_page import DocumentType, LegalDocumentPage
from cms.models.news_page import NewsPage
from cms.models.receiving import InheritedItemChoice, Proposal
from cms.models.section_page import SectionPage
from cms.models.shareable_page import Audience, AudienceTarget, ShareablePage
from cms.models.translation_change import TranslationChange

__all__ = [
    "AnnouncementPage",
    "Audience",
    "AudienceTarget",
    "BasePage",
    "InheritedItemChoice",
    "DocumentType",
    "LegalDocumentPage",
    "NewsPage",
    "Proposal",
    "SectionPage",
    "ShareablePage",
    "TranslationChange",
]
