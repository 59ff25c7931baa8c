"""Each portal gets an administrators' group (sites.provisioning, sites.permissions).

Portals provisioned before this migration get theirs here: admin access, user management, the
moderators' page permissions plus bulk delete at the portal's home, and the moderators' collection
permissions. On a fresh database there are no portals yet and provisioning creates the groups.
"""

import django.db.models.deletion
from django.db import migrations, models

ADMIN_PAGE_PERMISSIONS = (
    "add_page",
    "change_page",
    "publish_page",
    "lock_page",
    "unlock_page",
    "bulk_delete_page",
)
ADMIN_USER_PERMISSIONS = ("add_user", "change_user", "delete_user")


def add_admins_groups(apps, schema_editor):
    PortalPage = apps.get_model("portals", "PortalPage")
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    GroupCollectionPermission = apps.get_model("wagtailcore", "GroupCollectionPermission")
    portals = list(
        PortalPage.objects.filter(admins_group__isnull=True, editors_group__isnull=False)
        .select_related("editors_group")
        .only("pk", "collection_id", "moderators_group_id", "editors_group__name")
    )
    if not portals:
        return
    group_permissions = list(
        Permission.objects.filter(
            models.Q(content_type__app_label="wagtailadmin", codename="access_admin")
            | models.Q(content_type__app_label="auth", codename__in=ADMIN_USER_PERMISSIONS)
        )
    )
    page_permissions = list(
        Permission.objects.filter(
            content_type__app_label="wagtailcore",
            content_type__model="page",
            codename__in=ADMIN_PAGE_PERMISSIONS,
        )
    )
    taken = set(Group.objects.values_list("name", flat=True))
    for portal in portals:
        name = portal.editors_group.name.replace("Biên tập viên", "Quản trị viên")
        base, number = name, 1
        while name in taken:
            number += 1
            name = f"{base} #{number}"
        taken.add(name)
        group = Group.objects.create(name=name)
        group.permissions.set(group_permissions)
        GroupPagePermission.objects.bulk_create(
            GroupPagePermission(group=group, page_id=portal.pk, permission=permission)
            for permission in page_permissions
        )
        GroupCollectionPermission.objects.bulk_create(
            GroupCollectionPermission(
                group=group, collection_id=grant.collection_id, permission_id=grant.permission_id
            )
            for grant in GroupCollectionPermission.objects.filter(
                group_id=portal.moderators_group_id
            )
        )
        PortalPage.objects.filter(pk=portal.pk).update(admins_group=group)


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("wagtailcore", "0098_apitoken"),
        ("portals", "0004_restructuring"),
    ]

    operations = [
        migrations.AddField(
            model_name="portalpage",
            name="admins_group",
            field=models.ForeignKey(
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="auth.group",
            ),
        ),
        migrations.RunPython(add_admins_groups, migrations.RunPython.noop),
    ]
