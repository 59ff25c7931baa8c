"""Fixtures of the fuzz suite and its closing line: how many inputs ran, how many gave a 5xx."""

from __future__ import annotations

import io
import os

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.core.files.images import ImageFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import translation
from hypothesis import HealthCheck, Phase, settings
from PIL import Image as PILImage

# CI replays the same inputs every run (a failure there is reproducible); on a developer's machine
# every run draws new ones.
settings.register_profile(
    "fuzz",
    deadline=None,
    derandomize=bool(os.environ.get("CI")),
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    # No shrinking: a failing input is reported as found, so a failure costs no extra minutes.
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
)
settings.load_profile("fuzz")

STATS = {"inputs": 0, "server_errors": 0}


def count_response(response) -> None:
    STATS["inputs"] += 1
    if response.status_code >= 500:
        STATS["server_errors"] += 1


def pytest_terminal_summary(terminalreporter):
    if STATS["inputs"]:
        terminalreporter.write_line(
            f"fuzz: {STATS['inputs']} generated inputs, {STATS['server_errors']} server errors"
        )


@pytest.fixture(autouse=True)
def default_language():
    """Requests to /en/… leave English active in the thread; each test starts in Vietnamese."""
    with translation.override(django_settings.LANGUAGE_CODE):
        yield


@pytest.fixture
def fuzz_objects(hai_duong, settings, tmp_path, default_language):
    """A news item, an image and a document in Cẩm Hưng commune, and an admin to edit them."""
    from wagtail.documents import get_document_model
    from wagtail.images import get_image_model

    from cms.models import NewsPage

    settings.MEDIA_ROOT = tmp_path
    section = hai_duong.section(hai_duong.commune, "news")
    news = section.add_child(
        instance=NewsPage(
            title="Cẩm Hưng ra quân làm đường giao thông nông thôn",
            slug="ra-quan-lam-duong",
            summary="Xã Cẩm Hưng ra quân làm đường.",
        )
    )
    news.save_revision().publish()
    picture = io.BytesIO()
    PILImage.new("RGB", (64, 48), (200, 30, 30)).save(picture, "PNG")
    image = get_image_model().objects.create(
        title="Ảnh ra quân",
        file=ImageFile(picture, name="ra-quan.png"),
        collection=hai_duong.commune.collection,
    )
    document = get_document_model().objects.create(
        title="Kế hoạch ra quân",
        file=SimpleUploadedFile("ke-hoach.pdf", b"%PDF-1.4\n%%EOF\n"),
        collection=hai_duong.commune.collection,
    )
    admin = get_user_model().objects.create_superuser("tinh.quantri", "q@haiduong.gov.vn", "x")
    return {
        "news": news.pk,
        "news_url": news.url,
        "section": section.pk,
        "image": image.pk,
        "document": document.pk,
        "document_url": document.url,
        "collection": hai_duong.commune.collection.pk,
        "group": hai_duong.commune.editors_group.pk,
        "user": admin.pk,
        "admin": admin,
    }


@pytest.fixture
def admin_client(fuzz_objects):
    client = Client(HTTP_HOST="camhung.camgiang.haiduong.localhost:8000")
    client.force_login(fuzz_objects["admin"])
    return client
