"""What an uploaded image or document must be before it is stored.

Wagtail already refuses files over the size limits, extensions outside the allowed lists and
images whose header announces more pixels than WAGTAILIMAGES_MAX_IMAGE_PIXELS (decompression
bombs). The two form bases here (WAGTAILIMAGES_IMAGE_FORM_BASE, WAGTAILDOCS_DOCUMENT_FORM_BASE)
add what a header check cannot see:

* an image is measured from its header before it is decoded, and a file Pillow cannot decode
  (truncated, corrupt) is a form error, where stock Wagtail answers with a server error;
* a document's bytes must be the format its extension names: a PDF starts with "%PDF-", Office
  Open XML and OpenDocument files are ZIP archives with their manifest, legacy Office files are
  OLE2 compound files, a .txt is UTF-8 text. An HTML page renamed .pdf is refused.

Every refusal is a form error on the file field, in the editor's language.
"""

from __future__ import annotations

import warnings
import zipfile

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _
from PIL import Image as PILImage
from wagtail.documents.forms import BaseDocumentForm
from wagtail.images.fields import WagtailImageField
from wagtail.images.forms import BaseImageForm

OLE2_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_SIGNATURES = (b"PK\x03\x04", b"PK\x05\x06")
OOXML_EXTENSIONS = {"docx", "xlsx", "pptx"}
OPENDOCUMENT_EXTENSIONS = {"odt": "text", "ods": "spreadsheet"}
# Where "%PDF-" may start: the PDF reference tolerates leading bytes within the first 1024.
PDF_HEADER_WINDOW = 1024


def _new_upload(form, field_name: str) -> UploadedFile | None:
    value = form.cleaned_data.get(field_name)
    if field_name in form.changed_data and isinstance(value, UploadedFile):
        return value
    return None


class VerifiedImageField(WagtailImageField):
    """Wagtail's image field, made safe against files it would let through or crash on.

    * The pixel limit is checked from the header before anything is decoded: stock Wagtail
      decodes the whole image to measure it, so a 150-megapixel picture is expanded in memory
      before being refused.
    * Stock Wagtail lets a decoding error (a truncated JPEG, a corrupt PNG) escape as a server
      error; here it is a form error.
    * Pillow's `verify()` checks what decoding does not (PNG chunk checksums).
    """

    def to_python(self, data):
        if data is not None and hasattr(data, "read"):
            self._refuse_too_many_pixels(data)
        try:
            f = super().to_python(data)
        except ValidationError:
            raise
        except Exception as error:  # noqa: BLE001 - Pillow raises many types for corrupt data
            raise self._invalid() from error
        if f is not None:
            self._verify(data)
        return f

    def _refuse_too_many_pixels(self, data) -> None:
        limit = self.max_image_pixels
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", PILImage.DecompressionBombWarning)
                with PILImage.open(data) as image:  # reads the header only
                    pixels = image.width * image.height * getattr(image, "n_frames", 1)
        except PILImage.DecompressionBombError:
            pixels = None
        except Exception:  # noqa: BLE001 - not an image Pillow knows: Wagtail's checks say so
            return
        finally:
            data.seek(0)
        if limit is not None and (pixels is None or pixels > limit):
            raise ValidationError(
                self.error_messages["file_too_many_pixels"]
                % {"num_pixels": pixels or _("unknown number"), "max_pixels_count": limit},
                code="file_too_many_pixels",
            )

    def _verify(self, data) -> None:
        data.seek(0)
        try:
            with PILImage.open(data) as image:
                image.verify()
        except Exception as error:  # noqa: BLE001
            raise self._invalid() from error
        finally:
            data.seek(0)

    @staticmethod
    def _invalid() -> ValidationError:
        return ValidationError(
            _("This file is not a complete, valid image. Save it again and re-upload it."),
            code="invalid_image",
        )


def document_matches_extension(upload: UploadedFile, extension: str) -> bool:
    upload.seek(0)
    head = upload.read(PDF_HEADER_WINDOW)
    upload.seek(0)
    try:
        if extension == "pdf":
            return b"%PDF-" in head
        if extension in {"doc", "xls", "ppt"}:
            return head.startswith(OLE2_SIGNATURE)
        if extension == "txt":
            return _is_utf8_text(upload)
        if extension in OOXML_EXTENSIONS or extension in OPENDOCUMENT_EXTENSIONS:
            return head.startswith(ZIP_SIGNATURES) and _office_archive_matches(upload, extension)
        if extension == "zip":
            return head.startswith(ZIP_SIGNATURES) and zipfile.is_zipfile(upload)
        return False
    finally:
        upload.seek(0)


def _is_utf8_text(upload: UploadedFile) -> bool:
    data = upload.read()
    if b"\x00" in data:
        return False
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _office_archive_matches(upload: UploadedFile, extension: str) -> bool:
    try:
        with zipfile.ZipFile(upload) as archive:
            names = set(archive.namelist())
            if extension in OOXML_EXTENSIONS:
                return "[Content_Types].xml" in names
            if "mimetype" not in names:
                return False
            expected = f"application/vnd.oasis.opendocument.{OPENDOCUMENT_EXTENSIONS[extension]}"
            return archive.read("mimetype")[:100] == expected.encode("ascii")
    except (zipfile.BadZipFile, OSError, KeyError, EOFError, RuntimeError, ValueError):
        return False


class VerifiedImageForm(BaseImageForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields.get("file")
        if field is not None:
            self.fields["file"] = VerifiedImageField(
                label=field.label, required=field.required, widget=field.widget
            )


class VerifiedDocumentForm(BaseDocumentForm):
    def clean(self):
        cleaned_data = super().clean()
        upload = _new_upload(self, "file")
        if upload is not None and not self.has_error("file"):
            extension = upload.name.rsplit(".", 1)[-1].lower() if "." in upload.name else ""
            # An extension outside WAGTAILDOCS_EXTENSIONS is refused by Wagtail's own check.
            allowed = extension in settings.WAGTAILDOCS_EXTENSIONS
            if allowed and not document_matches_extension(upload, extension):
                self.add_error(
                    "file",
                    ValidationError(
                        _(
                            "The content of this file is not a .%(extension)s file. "
                            "Upload the original document."
                        ),
                        code="content_does_not_match_extension",
                        params={"extension": extension},
                    ),
                )
        return cleaned_data
