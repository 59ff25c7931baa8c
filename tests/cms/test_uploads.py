"""Uploads: size and type limits, images verified by Pillow, documents checked and served safely."""

import io
import struct
import zipfile
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from PIL import Image as PILImage
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Collection

Image = get_image_model()
Document = get_document_model()


def png_bytes(width=40, height=30, mode="RGB") -> bytes:
    out = io.BytesIO()
    PILImage.new(mode, (width, height), 0).save(out, "PNG")
    return out.getvalue()


def jpeg_bytes(width=200, height=150) -> bytes:
    out = io.BytesIO()
    PILImage.effect_noise((width, height), 64).convert("RGB").save(out, "JPEG", quality=90)
    return out.getvalue()


def png_claiming_size(width: int, height: int) -> bytes:
    """A small PNG whose header announces width × height (a decompression bomb's header)."""
    data = bytearray(png_bytes(4, 4, "L"))
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    data[16:29] = ihdr
    data[29:33] = struct.pack(">I", zlib.crc32(b"IHDR" + ihdr) & 0xFFFFFFFF)
    return bytes(data)


def add_image(client, name, content):
    return client.post(
        "/admin/images/add/",
        {
            "title": "Ảnh hội nghị",
            "file": SimpleUploadedFile(name, content),
            "collection": Collection.get_first_root_node().pk,
        },
    )


def add_document(client, name, content):
    return client.post(
        "/admin/documents/add/",
        {
            "title": "Quyết định 15/2024/QĐ-UBND",
            "file": SimpleUploadedFile(name, content),
            "collection": Collection.get_first_root_node().pk,
        },
    )


def file_errors(response) -> str:
    assert response.status_code == 200, response.status_code
    return " ".join(str(e) for e in response.context["form"].errors.get("file", []))


# --- Images -------------------------------------------------------------------------------------


def test_valid_png_and_jpeg_are_accepted(media_admin_client):
    assert add_image(media_admin_client, "hoi-nghi.png", png_bytes()).status_code == 302
    assert add_image(media_admin_client, "hoi-nghi.jpg", jpeg_bytes()).status_code == 302
    assert Image.objects.count() == 2


def test_text_named_jpg_is_refused(media_admin_client):
    errors = file_errors(add_image(media_admin_client, "anh.jpg", b"Xin chao, toi khong phai anh."))
    assert errors
    assert Image.objects.count() == 0


def test_png_named_jpg_is_refused(media_admin_client):
    errors = file_errors(add_image(media_admin_client, "anh.jpg", png_bytes()))
    assert "extension does not match" in errors
    assert Image.objects.count() == 0


def test_svg_is_not_an_allowed_image_format(media_admin_client):
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    assert file_errors(add_image(media_admin_client, "logo.svg", svg))
    assert Image.objects.count() == 0


def test_truncated_jpeg_is_refused_before_it_breaks_a_rendition(media_admin_client):
    data = jpeg_bytes(400, 300)
    errors = file_errors(add_image(media_admin_client, "cat-do.jpg", data[: len(data) // 2]))
    assert "không phải ảnh hợp lệ" in errors  # the admin speaks Vietnamese
    assert Image.objects.count() == 0


def test_image_with_more_pixels_than_the_limit_is_refused_with_a_form_error(media_admin_client):
    # 8,000 × 6,000 = 48 Mpx, over WAGTAILIMAGES_MAX_IMAGE_PIXELS (40 Mpx), a few KB on disk.
    errors = file_errors(add_image(media_admin_client, "bom.png", png_claiming_size(8000, 6000)))
    assert "too many pixels" in errors
    assert Image.objects.count() == 0


def test_decompression_bomb_beyond_pillows_own_limit_is_a_form_error_not_a_500(media_admin_client):
    # 50,000 × 50,000 = 2.5 Gpx: Pillow itself raises DecompressionBombError on opening.
    errors = file_errors(add_image(media_admin_client, "bom.png", png_claiming_size(50000, 50000)))
    assert "too many pixels" in errors
    assert Image.objects.count() == 0


def test_real_bomb_that_decodes_to_50_megapixels_is_refused(media_admin_client):
    out = io.BytesIO()
    PILImage.new("1", (10000, 5000), 0).save(out, "PNG")
    assert len(out.getvalue()) < 200_000
    assert "too many pixels" in file_errors(
        add_image(media_admin_client, "bom.png", out.getvalue())
    )


@override_settings(WAGTAILIMAGES_MAX_UPLOAD_SIZE=10_000)
def test_image_over_the_size_limit_is_refused(media_admin_client):
    errors = file_errors(add_image(media_admin_client, "lon.jpg", jpeg_bytes(600, 600)))
    assert "too big" in errors
    assert Image.objects.count() == 0


def test_multiple_upload_refuses_a_fake_image_with_a_json_error(media_admin_client):
    response = media_admin_client.post(
        "/admin/images/multiple/add/",
        {"files[]": SimpleUploadedFile("gia.png", b"<html>not an image</html>")},
    )
    assert response.status_code == 200
    assert response.json()["success"] is False
    assert Image.objects.count() == 0


# --- Documents ----------------------------------------------------------------------------------

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"  # noqa: E501


def docx_bytes() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return out.getvalue()


def odt_bytes(kind="text") -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("mimetype", f"application/vnd.oasis.opendocument.{kind}")
        archive.writestr("content.xml", "<office:document-content/>")
    return out.getvalue()


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("quyet-dinh.pdf", PDF),
        ("ke-hoach.docx", docx_bytes()),
        ("bao-cao.odt", odt_bytes()),
        ("thong-ke.ods", odt_bytes("spreadsheet")),
        ("cong-van.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 1024),
        ("ghi-chu.txt", "Thông báo lịch tiếp công dân.".encode()),
        ("ho-so.zip", docx_bytes()),
    ],
)
def test_real_documents_are_accepted(media_admin_client, name, content):
    assert add_document(media_admin_client, name, content).status_code == 302
    assert Document.objects.count() == 1


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("quyet-dinh.pdf", b"<!DOCTYPE html><html><script>alert(1)</script></html>"),
        ("ke-hoach.docx", b"<html><body>fake</body></html>"),
        ("ke-hoach.docx", odt_bytes()),  # an OpenDocument file renamed .docx
        ("bao-cao.odt", docx_bytes()),
        ("cong-van.doc", PDF),
        ("ghi-chu.txt", b"\x89PNG\r\n\x1a\n\x00\x00binary"),
        ("ho-so.zip", b"PK\x03\x04 not really a zip"),
    ],
)
def test_file_whose_content_is_not_its_extension_is_refused(media_admin_client, name, content):
    errors = file_errors(add_document(media_admin_client, name, content))
    assert "không phải tệp ." in errors  # the admin speaks Vietnamese
    assert Document.objects.count() == 0


@pytest.mark.parametrize("name", ["trang.html", "script.js", "chay.exe", "anh.svg"])
def test_dangerous_extensions_are_refused(media_admin_client, name):
    assert file_errors(add_document(media_admin_client, name, b"<script>alert(1)</script>"))
    assert Document.objects.count() == 0


@override_settings(WAGTAILDOCS_MAX_UPLOAD_SIZE=100)
def test_document_over_the_size_limit_is_refused(media_admin_client):
    assert "too big" in file_errors(add_document(media_admin_client, "lon.pdf", PDF + b" " * 200))


def serve(client, document):
    response = Client().get(document.url)
    assert response.status_code == 200
    return response


def test_pdf_opens_in_the_browser_with_a_fixed_type_and_no_sniffing(media_admin_client):
    add_document(media_admin_client, "quyet-dinh.pdf", PDF)
    response = serve(media_admin_client, Document.objects.get())
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'"


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("ghi-chu.txt", b"<script>alert(1)</script>", "text/plain"),
        (
            "ke-hoach.docx",
            docx_bytes(),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
    ],
)
def test_other_documents_are_downloads_never_rendered(
    media_admin_client, name, content, content_type
):
    add_document(media_admin_client, name, content)
    response = serve(media_admin_client, Document.objects.get())
    assert response["Content-Type"].split(";")[0] == content_type
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
