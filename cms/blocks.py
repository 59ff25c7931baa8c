"""StreamField blocks shared by the content page types."""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.images.blocks import ImageChooserBlock

RICH_TEXT_FEATURES = ["h2", "h3", "h4", "bold", "italic", "ol", "ul", "link", "document-link", "hr"]


class CaptionedImageBlock(blocks.StructBlock):
    image = ImageChooserBlock(label=_("image"))
    caption = blocks.CharBlock(label=_("caption"), required=False, max_length=300)

    class Meta:
        icon = "image"
        label = _("Image")
        template = "components/blocks/captioned_image.html"


class QuoteBlock(blocks.StructBlock):
    text = blocks.TextBlock(label=_("quote"))
    attribution = blocks.CharBlock(label=_("attribution"), required=False, max_length=200)

    class Meta:
        icon = "openquote"
        label = _("Quote")
        template = "components/blocks/quote.html"


class BodyBlock(blocks.StreamBlock):
    heading = blocks.CharBlock(
        label=_("Heading"),
        form_classname="title",
        icon="title",
        max_length=200,
        template="components/blocks/heading.html",
    )
    paragraph = blocks.RichTextBlock(label=_("Paragraph"), features=RICH_TEXT_FEATURES)
    image = CaptionedImageBlock()
    document = DocumentChooserBlock(
        label=_("Document"), icon="doc-full", template="components/blocks/document.html"
    )
    quote = QuoteBlock()

    class Meta:
        required = False


class AttachmentsBlock(blocks.StreamBlock):
    document = DocumentChooserBlock(label=_("Attachment"), icon="doc-full")

    class Meta:
        required = False
