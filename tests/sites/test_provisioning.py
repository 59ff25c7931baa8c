"""How a portal is born: one function for the admin, the command and the importer."""

from importlib import import_module

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.urls import reverse
from wagtail.models import Collection, GroupPagePermission, Page, Site, WorkflowPage

from cms.models import SectionPage
from sites.models import PortalPage, SectionBlueprint


def _assert_fully_provisioned(portal: PortalPage, parent: PortalPage, host: str):
    site = Site.objects.get(root_page=portal)
    assert site.hostname == host
    assert site.port == 8000
    # collection nested under the parent portal's
    assert portal.collection.get_parent() == parent.collection
    # groups with page permissions granted at the portal's home
    editor_grants = set(
        GroupPagePermission.objects.filter(group=portal.editors_group).values_list(
            "page_id", "permission__codename"
        )
    )
    assert editor_grants == {(portal.pk, "add_page"), (portal.pk, "change_page")}
    moderator_codenames = set(
        GroupPagePermission.objects.filter(group=portal.moderators_group, page=portal).values_list(
            "permission__codename", flat=True
        )
    )
    assert "publish_page" in moderator_codenames
    assert portal.editors_group.permissions.filter(codename="access_admin").exists()
    assert portal.editors_group.collection_permissions.filter(
        collection=portal.collection, permission__codename="add_image"
    ).exists()
    # moderation workflow: the moderators and administrators of the portal and of those above
    workflow = WorkflowPage.objects.get(page=portal).workflow
    task = workflow.tasks.get().specific
    chain = PortalPage.objects.get(pk=portal.pk).portal_chain
    assert set(task.groups.all()) == {
        group for above in chain for group in (above.moderators_group, above.admins_group)
    }
    # blueprint sections
    assert set(SectionPage.objects.child_of(portal).values_list("kind", flat=True)) == set(
        SectionBlueprint.objects.filter(level_id=portal.level_id).values_list("kind", flat=True)
    )
    assert Page.find_problems() == ([], [], [], [], [])
    assert Collection.find_problems() == ([], [], [], [], [])


def test_provision_portal_command_creates_everything_a_portal_needs(hai_duong, capsys):
    call_command(
        "provision_portal",
        "--name=Xã Cẩm Hưng Tây",
        "--code=99001",
        "--parent-host=camgiang.haiduong.localhost",
    )
    portal = PortalPage.objects.get(unit_code=99001)
    assert portal.level_id == "commune"
    assert portal.slug == "camhungtay"
    _assert_fully_provisioned(portal, hai_duong.district, "camhungtay.camgiang.haiduong.localhost")
    assert "http://camhungtay.camgiang.haiduong.localhost:8000/" in capsys.readouterr().out


def test_portal_created_in_the_page_editor_is_provisioned_like_an_imported_one(hai_duong, client):
    admin = get_user_model().objects.create_superuser("root", "root@example.invalid", "pw")
    client.force_login(admin)
    url = reverse("wagtailadmin_pages:add", args=("portals", "portalpage", hai_duong.district.pk))
    response = client.post(
        url,
        {
            "title_vi": "Xã Cẩm Phúc",
            "title": "Xã Cẩm Phúc",
            "slug": "camphuc",
            "level": "commune",
            "unit_code": "99002",
            "unit_name": "Xã Cẩm Phúc",
            "unit_type": "Xã",
            "action-publish": "publish",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    portal = PortalPage.objects.get(unit_code=99002)
    _assert_fully_provisioned(portal, hai_duong.district, "camphuc.camgiang.haiduong.localhost")


def test_a_new_portal_cannot_take_the_host_of_a_merged_one(hai_duong, client):
    """Cẩm Hưng was merged; its host still redirects its old pages. A new portal named `camhung`
    under Cẩm Giàng would take that host: the editor gets a form error, nothing is created."""
    from sites.restructuring import apply, plan_merge

    cam_hoang = PortalPage.objects.get(level_id="commune", unit_code=10897)
    apply(plan_merge([hai_duong.commune], cam_hoang))
    admin = get_user_model().objects.create_superuser("root", "root@example.invalid", "pw")
    client.force_login(admin)
    url = reverse("wagtailadmin_pages:add", args=("portals", "portalpage", hai_duong.district.pk))
    form = {
        "title_vi": "Xã Cẩm Hưng",
        "title": "Xã Cẩm Hưng",
        "slug": "camhung",
        "level": "commune",
        "unit_code": "99003",
        "unit_name": "Xã Cẩm Hưng",
        "unit_type": "Xã",
        "action-publish": "publish",
    }
    response = client.post(url, form)
    assert response.status_code == 200
    assert "camhung.camgiang.haiduong.localhost" in str(response.context["form"].errors["slug"])
    assert not PortalPage.objects.filter(unit_code=99003).exists()
    response = client.post(url, {**form, "slug": "camhung-moi"})
    assert response.status_code == 302, response.context["form"].errors
    _assert_fully_provisioned(
        PortalPage.objects.get(unit_code=99003),
        hai_duong.district,
        "camhung-moi.camgiang.haiduong.localhost",
    )


def test_commune_editors_can_edit_their_portal_and_not_the_district(hai_duong):
    user = get_user_model().objects.create_user("bientap", password="pw")
    user.groups.add(hai_duong.commune.editors_group)
    assert hai_duong.section(hai_duong.commune, "news").permissions_for_user(user).can_edit()
    assert not hai_duong.section(hai_duong.district, "news").permissions_for_user(user).can_edit()
    assert not hai_duong.commune.permissions_for_user(user).can_publish()


def test_district_moderators_manage_the_communes_below(hai_duong):
    user = get_user_model().objects.create_user("kiemduyet", password="pw")
    user.groups.add(hai_duong.district.moderators_group)
    commune_news = hai_duong.section(hai_duong.commune, "news")
    assert commune_news.permissions_for_user(user).can_publish()
    assert not hai_duong.section(hai_duong.province, "news").permissions_for_user(user).can_edit()
    assert Permission.objects.filter(group=hai_duong.district.moderators_group).exists()


def test_migration_gives_portals_provisioned_earlier_the_approvers_above_them(hai_duong):
    """Portals provisioned when only their own moderators approved get the same approvers as new
    ones (migration portals 0006)."""
    from django.apps import apps

    migration = import_module("migrations.portals.0006_approving_groups")
    task = WorkflowPage.objects.get(page=hai_duong.commune).workflow.tasks.get().specific
    task.groups.set([hai_duong.commune.moderators_group])
    migration.add_approving_groups(apps, None)
    assert set(task.groups.all()) == {
        hai_duong.commune.moderators_group,
        hai_duong.commune.admins_group,
        hai_duong.district.moderators_group,
        hai_duong.district.admins_group,
        hai_duong.province.moderators_group,
        hai_duong.province.admins_group,
    }
