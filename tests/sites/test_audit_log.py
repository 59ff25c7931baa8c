"""Every change in Wagtail's audit log names the user and the portal (sites/audit_log.py)."""

import io

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image as PILImage
from wagtail.models import ModelLogEntry, PageLogEntry

from cms.models import NewsPage


def signed_in(username, *groups):
    user = get_user_model().objects.create_user(username)
    user.groups.add(*groups)
    client = Client(HTTP_HOST="haiduong.localhost:8000")
    client.force_login(user)
    return client, user


def test_page_changes_are_logged_with_user_and_portal(hai_duong):
    _, editor = signed_in("camhung.bientap", hai_duong.commune.editors_group)
    news = hai_duong.section(hai_duong.commune, "news")
    page = NewsPage(title="Họp dân thôn", slug="hop-dan-thon")
    news.add_child(instance=page)
    page.save_revision(user=editor, log_action=True)
    entry = PageLogEntry.objects.filter(page=page, action="wagtail.edit").get()
    assert entry.user == editor
    assert entry.data["portal"] == "Xã Cẩm Hưng"
    assert entry.data["portal_id"] == hai_duong.commune.pk


def test_uploads_and_user_management_are_logged_with_the_portal(hai_duong, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client, _ = signed_in("camhung.bientap", hai_duong.commune.editors_group)
    buffer = io.BytesIO()
    PILImage.new("RGB", (20, 20), (200, 0, 0)).save(buffer, "PNG")
    upload = SimpleUploadedFile("anh.png", buffer.getvalue(), content_type="image/png")
    assert (
        client.post("/admin/images/add/", {"title": "Ảnh họp", "file": upload}).status_code == 302
    )
    entry = ModelLogEntry.objects.get(action="wagtail.create", label="Ảnh họp")
    assert entry.data["portal"] == "Xã Cẩm Hưng"

    admin_client, admin = signed_in("camgiang.quantri", hai_duong.district.admins_group)
    response = admin_client.post(
        "/admin/users/new/",
        {
            "username": "camhung.moi",
            "email": "moi@example.invalid",
            "first_name": "Người",
            "last_name": "Mới",
            "password1": "Mat-khau-dai-2026",
            "password2": "Mat-khau-dai-2026",
            "groups": [hai_duong.commune.editors_group_id],
        },
    )
    assert response.status_code == 302
    entry = ModelLogEntry.objects.get(action="wagtail.create", label__contains="camhung.moi")
    assert entry.user == admin
    assert entry.data["portal"] == "Xã Cẩm Hưng"
