"""The approval task of each portal's workflow is also given to the portal's administrators and to
the moderators and administrators of every portal above it (sites.permissions.approving_groups),
as provisioning now does. Only adds groups; on a fresh database there are no portals yet."""

from django.db import migrations

STEPLEN = 4


def add_approving_groups(apps, schema_editor):
    PortalPage = apps.get_model("portals", "PortalPage")
    WorkflowTask = apps.get_model("wagtailcore", "WorkflowTask")
    GroupApprovalTask = apps.get_model("wagtailcore", "GroupApprovalTask")
    through = GroupApprovalTask.groups.through
    portals = {
        path: (pk, moderators, admins)
        for pk, path, moderators, admins in PortalPage.objects.values_list(
            "pk", "path", "moderators_group_id", "admins_group_id"
        )
    }
    if not portals:
        return
    wanted = {}
    for path, (pk, _moderators, _admins) in portals.items():
        chain = [
            portals[path[:end]]
            for end in range(STEPLEN, len(path) + 1, STEPLEN)
            if path[:end] in portals
        ]
        wanted[pk] = [group for _pk, *groups in chain for group in groups if group]
    tasks = WorkflowTask.objects.filter(
        workflow__workflow_pages__page__in=list(wanted),
        task__in=GroupApprovalTask.objects.values("pk"),
    ).values_list("task_id", "workflow__workflow_pages__page_id")
    existing = set(through.objects.values_list("groupapprovaltask_id", "group_id"))
    rows = {
        (task, group)
        for task, page in tasks
        for group in wanted[page]
        if (task, group) not in existing
    }
    through.objects.bulk_create(
        [through(groupapprovaltask_id=task, group_id=group) for task, group in rows],
        batch_size=2000,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("wagtailcore", "0098_apitoken"),
        ("portals", "0005_portal_admins_group"),
    ]

    operations = [migrations.RunPython(add_approving_groups, migrations.RunPython.noop)]
