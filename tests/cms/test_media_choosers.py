"""The image and document choosers answer a search narrowed to a tag (cms/media_tag_filters.py):
stock Wagtail 8 gives a 500 there."""

import io

from django.core.files.images import ImageFile
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image as PILImage
from wagtail.documents import get_document_model
from wagtail.images import get_image_model


def test_image_chooser_searches_within_a_tag(media_admin_client):
    picture = io.BytesIO()
    PILImage.new("RGB", (40, 30)).save(picture, "PNG")
    image = get_image_model().objects.create(
        title="Lễ hội Côn Sơn", file=ImageFile(picture, name="con-son.png")
    )
    image.tags.add("lễ hội")
    other = get_image_model().objects.create(
        title="Lễ hội đền Kiếp Bạc", file=ImageFile(io.BytesIO(picture.getvalue()), name="kb.png")
    )
    response = media_admin_client.get(
        "/admin/images/chooser/results/", {"q": "hội", "tag": "lễ hội"}
    )
    assert response.status_code == 200
    assert "Lễ hội Côn Sơn" in response.text
    assert other.title not in response.text


def test_document_chooser_searches_within_a_tag(media_admin_client):
    document = get_document_model().objects.create(
        title="Kế hoạch năm 2026", file=SimpleUploadedFile("ke-hoach.pdf", b"%PDF-1.4\n%%EOF\n")
    )
    document.tags.add("kế hoạch")
    response = media_admin_client.get(
        "/admin/documents/chooser/", {"q": "hoạch", "tag": "kế hoạch"}
    )
    assert response.status_code == 200
