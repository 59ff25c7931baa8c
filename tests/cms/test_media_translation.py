"""Images' titles and alt text and documents' titles are translatable, in the admin too."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from django.test import Client
from django.utils import translation
from PIL import Image as PILImage
from wagtail.documents.models import Document
from wagtail.images.models import Image


def make_image(hai_duong, **fields):
    buffer = io.BytesIO()
    PILImage.new("RGB", (40, 30), (200, 30, 30)).save(buffer, "PNG")
    image = Image(collection=hai_duong.commune.collection, **fields)
    image.file = ImageFile(buffer, name="anh.png")
    image.save()
    return image


@pytest.fixture
def admin_client(hai_duong):
    user = get_user_model().objects.create_superuser("quantri", "qt@example.invalid", "matkhau")
    client = Client(HTTP_HOST="haiduong.localhost:8000")
    client.force_login(user)
    return client


def test_image_alt_text_follows_the_reader_language_with_vietnamese_fallback(hai_duong):
    image = make_image(
        hai_duong,
        title_vi="Cánh đồng lúa",
        title_en="Rice fields",
        description_vi="Cánh đồng lúa chín ở Cẩm Hưng",
        description_en="Ripe rice fields in Cẩm Hưng",
    )
    image = Image.objects.get(pk=image.pk)
    with translation.override("en"):
        assert image.default_alt_text == "Ripe rice fields in Cẩm Hưng"
    with translation.override("ko"):
        assert image.default_alt_text == "Cánh đồng lúa chín ở Cẩm Hưng"
    assert image.default_alt_text == "Cánh đồng lúa chín ở Cẩm Hưng"


def test_image_form_edits_every_language_side_by_side(hai_duong, admin_client):
    image = make_image(hai_duong, title_vi="Trụ sở UBND")
    url = f"/admin/images/{image.pk}/"
    page = admin_client.get(url).content.decode()
    for name in ("title", "title_en", "title_ko", "description", "description_en"):
        assert f'name="{name}"' in page, name
    assert page.index('name="title"') < page.index('name="title_en"') < page.index('name="file"')
    response = admin_client.post(
        url,
        {
            "title": "Trụ sở UBND xã",
            "title_en": "Commune People's Committee building",
            "description": "Trụ sở mới",
            "description_en": "The new building",
            "collection": image.collection_id,
            "tags": "",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    image.refresh_from_db()
    assert image.title_vi == "Trụ sở UBND xã"
    assert image.title_en == "Commune People's Committee building"
    assert image.description_en == "The new building"
    assert image.title_ko is None


def test_english_admin_still_writes_the_vietnamese_title_in_the_main_field(hai_duong, admin_client):
    image = make_image(hai_duong, title_vi="Đường làng")
    admin_client.get("/")  # a session
    with translation.override("en"):
        from wagtail.images.forms import get_image_form

        form_class = get_image_form(Image)
        form = form_class(
            data={
                "title": "Đường làng mới",
                "title_en": "Village road",
                "collection": image.collection_id,
                "tags": "",
            },
            instance=image,
            user=get_user_model().objects.get(username="quantri"),
        )
        assert form.is_valid(), form.errors
        form.save()
    image.refresh_from_db()
    assert image.title_vi == "Đường làng mới"
    assert image.title_en == "Village road"


def test_document_title_is_translatable(hai_duong, admin_client):
    document = Document(title_vi="Quyết định số 15", collection=hai_duong.commune.collection)
    document.file.save("qd15.pdf", ContentFile(b"%PDF-1.4 test"), save=False)
    document.save()
    page = admin_client.get(f"/admin/documents/edit/{document.pk}/").content.decode()
    assert 'name="title_en"' in page
    with translation.override("en"):
        assert Document.objects.get(pk=document.pk).title == "Quyết định số 15"
    document.title_en = "Decision No. 15"
    document.save()
    with translation.override("en"):
        assert Document.objects.get(pk=document.pk).title == "Decision No. 15"
