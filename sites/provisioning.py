"""How a portal is born: `provision_portals`, the one function the admin, the
`provision_portal` command and the unit importer all call.

For each new portal it creates, in one transaction and a constant number of SQL statements per
batch (so that the whole country's 10,800 portals take seconds, not hours):

* its home page (`PortalPage`) under the home page of the portal above it;
* its Wagtail `Site` on its own host (sites.hosts);
* its collection for images and documents, nested under the parent portal's collection;
* its editors', moderators' and administrators' groups: admin access, page permissions granted at
  its home page (so they cascade to everything below it, and to the portals below it), and
  collection permissions on its collection; administrators also manage users (fenced to their
  portals by sites.permissions);
* its moderation workflow: editors submit; the moderators and administrators of the portal and of
  the portals above it approve (sites.permissions.approving_groups);
* its level's blueprint sections (fixtures/blueprints.json, editable as snippets).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone
from wagtail.models import (
    Collection,
    GroupApprovalTask,
    GroupCollectionPermission,
    GroupPagePermission,
    Locale,
    Page,
    Site,
    Task,
    Workflow,
    WorkflowPage,
    WorkflowTask,
)

from cms.models import SectionPage
from sites.bulk_tree import (
    PagePrototype,
    PlannedPage,
    TreePlanner,
    insert_collections,
    insert_pages,
    insert_rows,
    insert_values,
)
from sites.hosts import english_unit_name, portal_hostname, strip_unit_type
from sites.models import PortalPage, SectionBlueprint
from sites.permissions import approving_groups, approving_groups_of
from sites.routing import invalidate_site_roots

EDITOR_PAGE_PERMISSIONS = ("add_page", "change_page")
MODERATOR_PAGE_PERMISSIONS = ("add_page", "change_page", "publish_page", "lock_page", "unlock_page")
ADMIN_PAGE_PERMISSIONS = (*MODERATOR_PAGE_PERMISSIONS, "bulk_delete_page")
# Model-level user permissions; which users an administrator sees is fenced by sites.permissions.
ADMIN_USER_PERMISSIONS = ("add_user", "change_user", "delete_user")
MEDIA_PERMISSIONS = (
    ("wagtailimages", "add_image"),
    ("wagtailimages", "change_image"),
    ("wagtailimages", "choose_image"),
    ("wagtaildocs", "add_document"),
    ("wagtaildocs", "change_document"),
    ("wagtaildocs", "choose_document"),
)
EDITORS_ROLE = "Biên tập viên"
MODERATORS_ROLE = "Kiểm duyệt viên"
ADMINS_ROLE = "Quản trị viên"
ROLES = (EDITORS_ROLE, MODERATORS_ROLE, ADMINS_ROLE)
ROLE_PAGE_PERMISSIONS = {
    EDITORS_ROLE: EDITOR_PAGE_PERMISSIONS,
    MODERATORS_ROLE: MODERATOR_PAGE_PERMISSIONS,
    ADMINS_ROLE: ADMIN_PAGE_PERMISSIONS,
}


@dataclass(eq=False)
class PortalSpec:
    """A portal to provision. `parent` is an existing portal, another spec of the same batch
    (listed earlier), or None for a top-level (province) portal. `home` is set when the home page
    already exists (created in the page editor) and only the rest must be provisioned."""

    level: str
    unit_code: int
    unit_name: str
    slug: str
    parent: PortalPage | PortalSpec | None = None
    home: PortalPage | None = None
    hostname: str = ""
    # The home page's row while provisioning runs (a planned row or the existing page).
    node: PlannedPage | PortalPage | None = None

    @property
    def portal(self) -> PortalPage:
        """The portal's home page (read from the database once provisioned)."""
        if self.home is None:
            assert self.node is not None, "provision_portals() has not run yet"
            self.home = PortalPage.objects.get(pk=self.node.pk)
        return self.home


def group_name(spec: PortalSpec, role: str) -> str:
    """“Xã Cẩm Hưng (Huyện Cẩm Giàng, mã 10894) – Biên tập viên”.

    The parent's name tells apart the same unit in two eras of the tree (a commune that kept its
    name and code through the 2025 reform but now sits under another parent).
    """
    parent = spec.parent
    return _group_name(spec.unit_name, spec.unit_code, parent.unit_name if parent else "", role)


def _group_name(unit_name: str, unit_code: int, parent_name: str, role: str) -> str:
    where = f"{parent_name}, mã {unit_code}" if parent_name else f"mã {unit_code}"
    return f"{unit_name} ({where}) – {role}"


def _free_name(base: str, taken: Callable[[str], bool]) -> str:
    """`base`, or `base #2`, `base #3`, … : the first that is not taken (group names are unique)."""
    name, number = base, 1
    while taken(name):
        number += 1
        name = f"{base} #{number}"
    return name


def rename_groups(portal: PortalPage, parent: PortalPage) -> None:
    """After a move under `parent`: the portal's three groups are named after it, as
    provisioning would name them."""
    for role, group_id in (
        (EDITORS_ROLE, portal.editors_group_id),
        (MODERATORS_ROLE, portal.moderators_group_id),
        (ADMINS_ROLE, portal.admins_group_id),
    ):
        if group_id is None:
            continue
        name = _free_name(
            _group_name(portal.unit_name, portal.unit_code, parent.unit_name, role),
            lambda name, group_id=group_id: (
                Group.objects.filter(name=name).exclude(pk=group_id).exists()
            ),
        )
        Group.objects.filter(pk=group_id).update(name=name)


def assign_hostnames(specs: list[PortalSpec]) -> None:
    """Each spec's host: its slug under its parent's host (whatever that host is)."""
    existing_parents = [spec.parent.pk for spec in specs if isinstance(spec.parent, PortalPage)]
    parent_hosts = dict(
        Site.objects.filter(root_page_id__in=existing_parents, retirement__isnull=True).values_list(
            "root_page_id", "hostname"
        )
    )
    for spec in specs:
        parent = spec.parent
        if parent is None:
            spec.hostname = portal_hostname([spec.slug])
        elif isinstance(parent, PortalSpec):
            spec.hostname = f"{spec.slug}.{parent.hostname}"
        else:
            parent_host = parent_hosts.get(parent.pk) or portal_hostname([parent.slug])
            spec.hostname = f"{spec.slug}.{parent_host}"


@transaction.atomic
def provision_portals(
    specs: list[PortalSpec], progress: Callable[[str], None] | None = None
) -> list[PortalSpec]:
    """Create everything the portals in `specs` need; return `specs` (each `.portal` is then the
    portal's home page)."""
    if not specs:
        return []
    say = progress or (lambda message: None)
    blueprints: dict[str, list[SectionBlueprint]] = defaultdict(list)
    for blueprint in SectionBlueprint.objects.order_by("sort_order"):
        blueprints[blueprint.level_id].append(blueprint)
    root_page = Page.get_first_root_node()
    root_collection = Collection.get_first_root_node()

    assign_hostnames(specs)
    existing_parents = {
        spec.parent.pk: spec.parent for spec in specs if isinstance(spec.parent, PortalPage)
    }
    parent_collections = {
        portal.pk: portal.collection for portal in existing_parents.values() if portal.collection
    }

    # Collections, nested like the portals.
    collections: dict[int, Collection] = {}
    planned_collections = []
    for spec in specs:
        parent = spec.parent
        if parent is None:
            parent_collection = root_collection
        elif isinstance(parent, PortalSpec):
            parent_collection = collections[id(parent)]
        else:
            parent_collection = parent_collections.get(parent.pk, root_collection)
        collection = Collection(name=spec.unit_name)
        collections[id(spec)] = collection
        planned_collections.append((collection, parent_collection))
    insert_collections(planned_collections)
    say(f"{len(planned_collections)} collections")

    # Groups: editors, moderators and administrators.
    groups: dict[tuple[int, str], Group] = {}
    for spec in specs:
        for role in ROLES:
            groups[(id(spec), role)] = Group(name=group_name(spec, role))
    taken = set(
        Group.objects.filter(name__in=[g.name for g in groups.values()]).values_list(
            "name", flat=True
        )
    )
    for group in groups.values():
        group.name = _free_name(group.name, taken.__contains__)
        taken.add(group.name)
    Group.objects.bulk_create(groups.values(), batch_size=2000)
    access_admin = Permission.objects.get(
        content_type__app_label="wagtailadmin", codename="access_admin"
    )
    user_permissions = Permission.objects.filter(
        content_type__app_label="auth", codename__in=ADMIN_USER_PERMISSIONS
    ).values_list("pk", flat=True)
    insert_values(
        Group.permissions.through,
        ("group", "permission"),
        [(group.pk, access_admin.pk) for group in groups.values()]
        + [
            (groups[(id(spec), ADMINS_ROLE)].pk, permission)
            for spec in specs
            for permission in user_permissions
        ],
    )
    say(f"{len(groups)} groups")

    # Home pages and blueprint sections, planned together and inserted as rows (sites.bulk_tree):
    # one prototype per page kind, prepared once, and per page only what differs.
    planner = TreePlanner(Page)
    locale_id = Locale.get_default().pk
    home_prototype = PagePrototype(PortalPage, title="", slug="", locale_id=locale_id)
    section_prototypes = {
        level: [
            PagePrototype(
                SectionPage,
                title=blueprint.title_vi or vars(blueprint)["title"],
                title_en=blueprint.title_en,
                slug=blueprint.slug,
                kind=blueprint.kind,
                show_in_menus=blueprint.show_in_menus,
                date=timezone.localdate(),
                locale_id=locale_id,
            )
            for blueprint in level_blueprints
        ]
        for level, level_blueprints in blueprints.items()
    }
    new_homes: list[PlannedPage] = []
    existing_homes: list[PortalPage] = []
    sections: list[PlannedPage] = []
    for spec in specs:
        if spec.home is None:
            parent = spec.parent
            if parent is None:
                parent_page = root_page
            elif isinstance(parent, PortalSpec):
                parent_page = parent.node
            else:
                parent_page = parent
            type_word, _rest = strip_unit_type(spec.unit_name)
            home = home_prototype.plan(
                title=spec.unit_name,
                title_vi=spec.unit_name,
                title_en=english_unit_name(spec.unit_name),
                draft_title=spec.unit_name,
                slug=spec.slug,
                level_id=spec.level,
                unit_code=spec.unit_code,
                unit_name=spec.unit_name,
                unit_type=type_word,
                collection_id=collections[id(spec)].pk,
                editors_group_id=groups[(id(spec), EDITORS_ROLE)].pk,
                moderators_group_id=groups[(id(spec), MODERATORS_ROLE)].pk,
                admins_group_id=groups[(id(spec), ADMINS_ROLE)].pk,
            )
            planner.place(home, parent_page)
            spec.node = home
            new_homes.append(home)
        else:
            spec.node = spec.home
            existing_homes.append(spec.home)
            PortalPage.objects.filter(pk=spec.home.pk).update(
                collection=collections[id(spec)],
                editors_group=groups[(id(spec), EDITORS_ROLE)],
                moderators_group=groups[(id(spec), MODERATORS_ROLE)],
                admins_group=groups[(id(spec), ADMINS_ROLE)],
            )
        for prototype in section_prototypes.get(spec.level, ()):
            section = prototype.plan(
                slug=prototype.slug,
                owner_portal_id=spec.node if spec.home is None else spec.home.pk,
            )
            planner.place(section, spec.node)
            sections.append(section)
    planner.set_child_counts(new_homes + sections)
    insert_pages(new_homes + sections)
    planner.update_existing_parents()
    say(f"{len(new_homes)} portal home pages, {len(sections)} sections")

    # Sites.
    Site.objects.bulk_create(
        [
            Site(
                hostname=spec.hostname,
                port=settings.PORTALS_PORT,
                root_page_id=spec.node.pk,
                site_name=spec.unit_name,
                is_default_site=False,
            )
            for spec in specs
        ],
        batch_size=2000,
    )
    invalidate_site_roots()

    # Permissions: pages at the home (cascading down), media on the portal's collection.
    page_permissions = {
        p.codename: p
        for p in Permission.objects.filter(
            content_type=ContentType.objects.get_for_model(Page),
            codename__in=set(ADMIN_PAGE_PERMISSIONS),
        )
    }
    media_permissions = [
        Permission.objects.get(content_type__app_label=app, codename=codename)
        for app, codename in MEDIA_PERMISSIONS
    ]
    grants = []
    collection_grants = []
    for spec in specs:
        for role, codenames in ROLE_PAGE_PERMISSIONS.items():
            group_id = groups[(id(spec), role)].pk
            grants += [
                (group_id, spec.node.pk, page_permissions[codename].pk) for codename in codenames
            ]
            collection_grants += [
                (group_id, collections[id(spec)].pk, permission.pk)
                for permission in media_permissions
            ]
    insert_values(GroupPagePermission, ("group", "page", "permission"), grants)
    insert_values(
        GroupCollectionPermission, ("group", "collection", "permission"), collection_grants
    )
    say(f"{len(grants)} page permissions, {len(collection_grants)} collection permissions")

    _provision_workflows(specs, groups)
    return specs


def _provision_workflows(specs: list[PortalSpec], groups) -> None:
    """One workflow per portal: a group approval task for the portal's moderators and
    administrators and those of the portals above it (sites.permissions.approving_groups), read
    in one query for the batch's existing parents."""
    above = approving_groups_of([s.parent for s in specs if isinstance(s.parent, PortalPage)])
    approvers: dict[int, list[int]] = {}
    for spec in specs:
        parent = spec.parent
        if parent is None:
            inherited = []
        elif isinstance(parent, PortalSpec):
            inherited = approvers[id(parent)]
        else:
            inherited = above[parent.pk]
        own = (groups[(id(spec), MODERATORS_ROLE)].pk, groups[(id(spec), ADMINS_ROLE)].pk)
        approvers[id(spec)] = inherited + approving_groups([own])
    task_type = ContentType.objects.get_for_model(GroupApprovalTask)
    workflows = [
        Workflow(name=f"Kiểm duyệt – {spec.unit_name} ({spec.unit_code})", active=True)
        for spec in specs
    ]
    Workflow.objects.bulk_create(workflows, batch_size=2000)
    base_tasks = [
        Task(name=f"Duyệt tin – {spec.unit_name}", content_type=task_type, active=True)
        for spec in specs
    ]
    Task.objects.bulk_create(base_tasks, batch_size=2000)
    approval_tasks = []
    for base in base_tasks:
        task = GroupApprovalTask(task_ptr_id=base.pk, name=base.name, active=True)
        task.content_type_id = task_type.pk
        approval_tasks.append(task)
    insert_rows(GroupApprovalTask, approval_tasks, 2000)
    insert_values(
        GroupApprovalTask.groups.through,
        ("groupapprovaltask", "group"),
        [
            (task.pk, group)
            for spec, task in zip(specs, approval_tasks, strict=True)
            for group in approvers[id(spec)]
        ],
    )
    insert_values(
        WorkflowTask,
        ("workflow", "task", "sort_order"),
        [
            (workflow.pk, task.pk, 0)
            for workflow, task in zip(workflows, approval_tasks, strict=True)
        ],
    )
    insert_values(
        WorkflowPage,
        ("page", "workflow"),
        [(spec.node.pk, workflow.pk) for spec, workflow in zip(specs, workflows, strict=True)],
    )
