"""Editors fenced in (sites/permissions.py): what each role sees and may do in the admin."""

import io
import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from PIL import Image as PILImage
from wagtail.images.models import Image
from wagtail.models import Site
from wagtail.search import index

from cms.models import NewsPage
from sites.models import PortalPage

HOST = "haiduong.localhost:8000"
LOGIN_URL = "/admin/account/login/"


def member(username, *groups) -> Client:
    user = get_user_model().objects.create_user(username)
    user.groups.add(*groups)
    client = Client(HTTP_HOST=HOST)
    client.force_login(user)
    client.user = user
    return client


def sign_in(client, username, password, next_url=None):
    url = LOGIN_URL + (f"?next={next_url}" if next_url else "")
    return client.post(
        url,
        {
            "login_view-current_step": "auth",
            "auth-username": username,
            "auth-password": password,
        },
    )


def test_commune_editor_lands_on_their_portal_in_the_explorer_after_sign_in(hai_duong):
    get_user_model().objects.create_user("camhung.bientap", password="mat-khau-1").groups.add(
        hai_duong.commune.editors_group
    )
    response = sign_in(Client(HTTP_HOST=HOST), "camhung.bientap", "mat-khau-1", "/admin/")
    assert response.status_code == 302
    assert response["Location"] == f"/admin/pages/{hai_duong.commune.pk}/"


def test_superuser_still_lands_on_the_dashboard(hai_duong):
    get_user_model().objects.create_superuser("quantri", "q@example.invalid", "mat-khau-1")
    response = sign_in(Client(HTTP_HOST=HOST), "quantri", "mat-khau-1")
    assert response["Location"] == "/admin/"


def test_sign_in_keeps_the_page_the_editor_was_going_to(hai_duong):
    get_user_model().objects.create_user("camhung.bientap", password="mat-khau-1").groups.add(
        hai_duong.commune.editors_group
    )
    response = sign_in(Client(HTTP_HOST=HOST), "camhung.bientap", "mat-khau-1", "/admin/images/")
    assert response["Location"] == "/admin/images/"


def test_commune_editor_cannot_choose_a_district_page(hai_duong):
    district_news = hai_duong.section(hai_duong.district, "news")
    district_news.add_child(instance=NewsPage(title="Tin riêng của huyện", slug="tin-huyen"))
    editor = member("bientap", hai_duong.commune.editors_group)

    # The chooser opens on the editor's portal, wherever it was asked to open.
    for start in ("/admin/choose-page/", f"/admin/choose-page/{hai_duong.district.pk}/"):
        response = editor.get(start, {"page_type": "wagtailcore.page"})
        assert response.status_code == 302
        assert response["Location"].startswith(f"/admin/choose-page/{hai_duong.commune.pk}/")
    inside = editor.get(f"/admin/choose-page/{hai_duong.commune.pk}/")
    assert inside.status_code == 200
    assert "Tin tức" in inside.json()["html"]

    found = editor.get("/admin/choose-page/search/", {"q": "Tin riêng của huyện"})
    assert found.status_code == 200
    assert "Tin riêng của huyện" not in found.content.decode()
    admin = get_user_model().objects.create_superuser("quantri", "q@example.invalid", "x")
    superuser = Client(HTTP_HOST=HOST)
    superuser.force_login(admin)
    found = superuser.get("/admin/choose-page/search/", {"q": "Tin riêng của huyện"})
    assert "Tin riêng của huyện" in found.content.decode()


def test_explorer_site_filter_lists_only_the_editors_own_sites(hai_duong):
    editor = member("bientap", hai_duong.district.editors_group)
    body = editor.get(f"/admin/pages/{hai_duong.district.pk}/").content.decode()
    offered = set(re.findall(r'name="site" value="(\d+)"', body))
    district_sites = {
        str(pk)
        for pk in Site.objects.filter(
            root_page__path__startswith=hai_duong.district.path
        ).values_list("pk", flat=True)
    }
    assert offered == district_sites
    assert str(Site.objects.get(root_page=hai_duong.province).pk) not in offered


def test_explorer_queries_do_not_grow_with_the_editors_reach(hai_duong):
    """The commune's page in the explorer costs a commune editor and a district editor (whose
    reach holds 19 portals and their sites) the same number of queries."""
    commune_editor = member("xa", hai_duong.commune.editors_group)
    district_editor = member("huyen", hai_duong.district.editors_group)

    def queries(client):
        url = f"/admin/pages/{hai_duong.commune.pk}/"
        client.get(url)  # warm caches (content types, site roots)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    assert queries(district_editor) == queries(commune_editor)


def _png(name="anh.png"):
    buffer = io.BytesIO()
    PILImage.new("RGB", (30, 20), (0, 90, 200)).save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def test_uploads_go_to_the_editors_own_collection(hai_duong, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    # A commune editor has one collection: no choice to make, the upload lands there.
    editor = member("bientap", hai_duong.commune.editors_group)
    response = editor.post("/admin/images/add/", {"title": "Ảnh xã", "file": _png()})
    assert response.status_code == 302, response.context["form"].errors
    assert Image.objects.get(title="Ảnh xã").collection_id == hai_duong.commune.collection_id
    # A district editor is offered the district's collection first, then its communes'.
    district_editor = member("huyen", hai_duong.district.editors_group)
    body = district_editor.get("/admin/images/add/").content.decode()
    select = body.split('name="collection"')[1].split("</select>")[0]
    options = [int(pk) for pk in re.findall(r'<option value="(\d+)"', select)]
    assert options[0] == hai_duong.district.collection_id
    assert hai_duong.commune.collection_id in options
    assert hai_duong.province.collection_id not in options


def test_district_administrator_manages_only_the_users_of_their_portals(hai_duong):
    admin = member("camgiang.quantri", hai_duong.district.admins_group)
    commune_editor = get_user_model().objects.create_user("camhung.bientap", password="pw")
    commune_editor.groups.add(hai_duong.commune.editors_group)
    province_editor = get_user_model().objects.create_user("tinh.bientap", password="pw")
    province_editor.groups.add(hai_duong.province.editors_group)
    # A commune editor who also edits for the province stays out of the district's hands.
    both = get_user_model().objects.create_user("hai.vai", password="pw")
    both.groups.add(hai_duong.commune.editors_group, hai_duong.province.editors_group)

    listing = admin.get("/admin/users/").content.decode()
    assert "camhung.bientap" in listing
    assert "tinh.bientap" not in listing and "hai.vai" not in listing
    assert admin.get(f"/admin/users/edit/{commune_editor.pk}/").status_code == 200
    assert admin.get(f"/admin/users/edit/{province_editor.pk}/").status_code == 404
    assert admin.get(f"/admin/users/edit/{both.pk}/").status_code == 404


def test_district_administrator_cannot_grant_rights_above_their_own(hai_duong):
    admin = member("camgiang.quantri", hai_duong.district.admins_group)
    form = admin.get("/admin/users/new/").content.decode()
    assert 'name="is_superuser"' not in form
    offered = {int(pk) for pk in re.findall(r'name="groups" value="(\d+)"', form)}
    assert hai_duong.commune.editors_group_id in offered
    assert hai_duong.district.admins_group_id in offered
    assert hai_duong.province.editors_group_id not in offered
    assert hai_duong.province.admins_group_id not in offered

    data = {
        "username": "moi",
        "email": "moi@example.invalid",
        "first_name": "Người",
        "last_name": "Mới",
        "password1": "Mat-khau-dai-2026",
        "password2": "Mat-khau-dai-2026",
        "is_superuser": "on",
        "groups": [hai_duong.province.admins_group_id],
    }
    response = admin.post("/admin/users/new/", data)
    assert response.status_code == 200  # the form again, with an error on the groups
    assert not get_user_model().objects.filter(username="moi").exists()

    data["groups"] = [hai_duong.commune.editors_group_id]
    response = admin.post("/admin/users/new/", data)
    assert response.status_code == 302
    created = get_user_model().objects.get(username="moi")
    assert not created.is_superuser
    assert list(created.groups.all()) == [hai_duong.commune.editors_group]


@pytest.mark.parametrize("level", ["commune", "district"])
def test_every_portal_has_an_administrators_group_with_user_management(hai_duong, level):
    portal = getattr(hai_duong, level)
    group = Group.objects.get(pk=portal.admins_group_id)
    codenames = set(group.permissions.values_list("codename", flat=True))
    assert {"access_admin", "add_user", "change_user", "delete_user"} <= codenames
    assert PortalPage.objects.filter(admins_group=group).get() == portal


def test_demo_accounts_have_the_roles_the_readme_lists(hai_duong):
    from cms.demo_loader import DEMO_PASSWORD, create_demo_users

    create_demo_users(hai_duong.province)
    User = get_user_model()
    for prefix, portal in (
        ("tinh", hai_duong.province),
        ("camgiang", hai_duong.district),
        ("camhung", hai_duong.commune),
    ):
        for role, group_id in (
            ("bientap", portal.editors_group_id),
            ("kiemduyet", portal.moderators_group_id),
            ("quantri", portal.admins_group_id),
        ):
            user = User.objects.get(username=f"{prefix}.{role}")
            assert user.check_password(DEMO_PASSWORD)
            assert list(user.groups.values_list("pk", flat=True)) == [group_id]
            assert not user.is_superuser


def test_admin_page_search_finds_only_the_editors_own_portal(hai_duong):
    """A word in the province's, the district's and the commune's pages: the commune editor finds
    only the commune's, in the admin's page search, the explorer's search (within the portal and
    across the whole tree) and the page chooser's; a district administrator finds the district's
    and the commune's; a superuser finds all three. Wagtail would also list the portal homes
    above the editor (it lets them be explored, to navigate down)."""
    portals = {
        "province": hai_duong.province,
        "district": hai_duong.district,
        "commune": hai_duong.commune,
    }
    pages = {}
    for level, portal in portals.items():
        news = hai_duong.section(portal, "news").add_child(
            instance=NewsPage(title=f"Lịch gieo cấy {portal.unit_name}", slug=f"gieo-cay-{level}")
        )
        # Homes are indexed by `update_index` after an import, news pages as they are saved.
        portal.title = f"{portal.unit_name} gieo cấy"
        index.insert_or_update_object(portal)
        pages[level] = {portal.pk, news.pk}
    commune_editor = member("xa", hai_duong.commune.editors_group)
    district_admin = member("huyen", hai_duong.district.admins_group)
    superuser = Client(HTTP_HOST=HOST)
    superuser.force_login(
        get_user_model().objects.create_superuser("quantri", "q@example.invalid", "x")
    )

    def found(client, url, **extra):
        response = client.get(url, {"q": "gieo cấy", **extra})
        assert response.status_code == 200
        listed = {int(pk) for pk in re.findall(r"/admin/pages/(\d+)/edit/", response.text)}
        listed |= {int(pk) for pk in re.findall(r'data-id="(\d+)"', response.text)}
        return {level for level, pks in pages.items() if pks & listed}

    commune = hai_duong.commune.pk
    for url, extra in (
        ("/admin/pages/search/", {}),
        ("/admin/pages/search/results/", {}),
        (f"/admin/pages/{commune}/", {}),
        (f"/admin/pages/{commune}/", {"search_all": "1"}),
        ("/admin/choose-page/search/", {}),
    ):
        assert found(commune_editor, url, **extra) == {"commune"}, url
    assert found(district_admin, "/admin/pages/search/") == {"district", "commune"}
    province_admin = member("tinh", hai_duong.province.admins_group)
    for everyone in (province_admin, superuser):
        assert found(everyone, "/admin/pages/search/") == {"province", "district", "commune"}
