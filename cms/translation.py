"""Which fields of the content pages, images and documents are translated (django-modeltranslation).

Each registered field gets one column per install language (`summary_vi`, `summary_en`, …); reading
`page.summary` gives the active language's text, falling back to Vietnamese when it is empty.
"""

from modeltranslation.translator import TranslationOptions, register
from wagtail.documents.models import Document
from wagtail.images.models import Image

from cms.models import AnnouncementPage, LegalDocumentPage, NewsPage, SectionPage, ShareablePage


@register(ShareablePage)
class ShareablePageTranslation(TranslationOptions):
    fields = ("summary",)


@register(SectionPage)
class SectionPageTranslation(TranslationOptions):
    fields = ("intro", "body")


@register(NewsPage)
class NewsPageTranslation(TranslationOptions):
    fields = ("body",)


@register(AnnouncementPage)
class AnnouncementPageTranslation(TranslationOptions):
    fields = ("body",)


@register(LegalDocumentPage)
class LegalDocumentPageTranslation(TranslationOptions):
    fields = ()


# Wagtail's images and documents: the title (and an image's alt text) in each language. Their
# columns are added to Wagtail's tables by our own migrations (cms.page_translation_columns).
@register(Image)
class ImageTranslation(TranslationOptions):
    fields = ("title", "description")


@register(Document)
class DocumentTranslation(TranslationOptions):
    fields = ("title",)
