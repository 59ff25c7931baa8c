"""The security matrix: no editor reads or changes anything outside their portal through any admin
URL (ARCHITECTURE.md, invariant 3).

Roles: a commune editor and moderator (Xã Cẩm Hưng), a district administrator (Huyện Cẩm Giàng),
a provincial administrator (Tỉnh Hải Dương) and an anonymous visitor. Objects: in each portal a
draft news item submitted for moderation, an image, a document, a user, the portal's settings (its
home page's editor), its workflow and moderation task, a redirect, an upload in progress, an
editing session, a proposal. The URLs are every admin URL pattern of Wagtail's URL configuration
(and ours) that takes an object, found by walking the resolver, so a URL added by a Wagtail upgrade
or by a new feature is covered without touching this file.

* Every URL with an object of a sibling or parent portal, GET and POST, is denied for each fenced
  role: 403, 404, 405, 400 or a redirect (to sign-in, the dashboard or the user's own portal).
* Every admin URL without an object (listings, searches, reports, choosers, the admin API) shows
  none of those objects' titles or names.
* The right role is allowed: the district and provincial administrators edit what is below them.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass

import pytest
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.utils import timezone
from PIL import Image as PILImage
from wagtail.admin.models import EditingSession
from wagtail.contrib.redirects.models import Redirect
from wagtail.documents.models import Document
from wagtail.images.models import Image
from wagtail.models import Site, UploadedFile, WorkflowPage

from cms.models import NewsPage, Proposal, SectionPage
from sites.models import PortalPage, SectionBlueprint
from tests.conftest import Portals

MARK = "zqxmark"

# Not about objects, or public by design: sign-in, password reset, the second factor's own
# screens, static catalogues, the catch-all 404 and the error test page; logout ends the session.
SKIPPED = re.compile(
    r"^admin/(login/|account/|password_reset/|jsi18n/|sprite/|logout/|failwhale/|test404/|\^\.\*/\$)"
)


@dataclass
class PortalObjects:
    portal: PortalPage
    section: SectionPage
    page: NewsPage
    image: Image
    document: Document
    user: object
    workflow: object
    task: object
    task_state: object
    workflow_state: object
    redirect: Redirect
    upload: UploadedFile
    session: EditingSession
    proposal: Proposal


def _png() -> ImageFile:
    buffer = io.BytesIO()
    PILImage.new("RGB", (20, 20), (10, 120, 30)).save(buffer, "PNG")
    return ImageFile(buffer, name="anh.png")


def tag_of(portal: PortalPage) -> str:
    return f"{MARK}-{portal.pk}-"


def objects_of(portal: PortalPage, proposed_to: PortalPage) -> PortalObjects:
    """Everything a portal owns that an admin URL can address, each named with MARK."""
    tag = tag_of(portal)
    section = SectionPage.objects.get(owner_portal=portal, kind="news", depth=portal.depth + 1)
    user = get_user_model().objects.create_user(f"{tag}user", password="pw")
    user.groups.add(portal.editors_group)
    page = NewsPage(title=f"{tag}page", slug=f"{tag}page", summary="…", owner=user)
    section.add_child(instance=page)
    page.save_revision(user=user).publish()
    page.title = f"{tag}page"
    revision = page.save_revision(user=user)
    workflow = WorkflowPage.objects.get(page=portal).workflow
    workflow_state = workflow.start(page, user)
    page.refresh_from_db()
    image = Image(title=f"{tag}image", collection=portal.collection, file=_png())
    image.save()
    document = Document(
        title=f"{tag}document",
        collection=portal.collection,
        file=ContentFile(b"%PDF-1.4\n%%EOF\n", name="van-ban.pdf"),
    )
    document.save()
    site = Site.objects.get(root_page=portal)
    redirect = Redirect.objects.create(old_path=f"/{tag}cu", site=site, redirect_page=page)
    upload = UploadedFile.objects.create(
        file=ContentFile(b"x", name="tai-len.png"),
        uploaded_by_user=user,
        for_content_type=ContentType.objects.get_for_model(Image),
    )
    session = EditingSession.objects.create(
        user=user,
        content_type=ContentType.objects.get_for_model(page, for_concrete_model=False),
        object_id=str(page.pk),
        last_seen_at=timezone.now(),
    )
    proposal = Proposal.objects.create(page=page, from_portal=portal, to_portal=proposed_to)
    assert revision.pk
    return PortalObjects(
        portal=portal,
        section=section,
        page=page,
        image=image,
        document=document,
        user=user,
        workflow=workflow,
        task=workflow_state.current_task_state.task.specific,
        task_state=workflow_state.current_task_state,
        workflow_state=workflow_state,
        redirect=redirect,
        upload=upload,
        session=session,
        proposal=proposal,
    )


# --- The admin's URLs, from the resolver ---------------------------------------------------------


def admin_patterns():
    """(route, name) of every admin URL pattern, routes as text with their parameters."""
    found = []

    def walk(patterns, prefix, namespace):
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                inner = pattern.namespace
                walk(
                    pattern.url_patterns,
                    route,
                    f"{namespace}:{inner}" if namespace and inner else inner or namespace,
                )
            elif isinstance(pattern, URLPattern) and route.startswith("admin/"):
                name = f"{namespace}:{pattern.name}" if namespace else pattern.name
                found.append((route, name or ""))

    walk(get_resolver().url_patterns, "", None)
    unique = {}
    for route, name in found:
        if not SKIPPED.match(route):
            unique.setdefault(route, name)
    return sorted(unique.items())


PARAMETER = re.compile(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>[^)]*\)")
OBJECT_PARAMETERS = {
    "page_id",
    "page_pk",
    "page_to_move_id",
    "parent_page_id",
    "destination_id",
    "revision_id",
    "revision_id_a",
    "revision_id_b",
    "task_state_id",
    "workflow_state_id",
    "task_id",
    "workflow_pk",
    "image_id",
    "document_id",
    "doc_id",
    "collection_id",
    "portal_id",
    "item_id",
    "proposal_id",
    "redirect_id",
    "uploaded_file_id",
    "session_id",
    "object_id",
    "pk",
}


def _pk_for(route: str, name: str, objects: PortalObjects):
    """The object a `pk` stands for, told by the URL's place in the admin."""
    if "snippets" in name:
        return SectionBlueprint.objects.first().pk
    if "users_users" in name:
        return objects.user.pk
    if "users_groups" in name:
        return objects.portal.editors_group_id
    if "wagtailsites" in name:
        return Site.objects.get(root_page=objects.portal).pk
    if "collections" in name:
        return objects.portal.collection_id
    if "workflows" in name:
        return objects.task.pk if "task" in name else objects.workflow.pk
    if "images" in name:
        return objects.image.pk
    if "docs" in name or "documents" in name:
        return objects.document.pk
    return objects.page.pk


def parameter_value(parameter: str, route: str, name: str, objects: PortalObjects):
    page = objects.page
    values = {
        "page_id": page.pk,
        "page_pk": page.pk,
        "page_to_move_id": page.pk,
        "item_id": page.pk,
        "object_id": page.pk,
        "parent_page_id": objects.section.pk,
        "destination_id": objects.section.pk,
        "revision_id": page.latest_revision_id,
        "revision_id_a": page.live_revision_id,
        "revision_id_b": page.latest_revision_id,
        "task_state_id": objects.task_state.pk,
        "workflow_state_id": objects.workflow_state.pk,
        "task_id": objects.task.pk,
        "workflow_pk": objects.workflow.pk,
        "image_id": objects.image.pk,
        "document_id": objects.document.pk,
        "doc_id": objects.document.pk,
        "collection_id": objects.portal.collection_id,
        "portal_id": objects.portal.pk,
        "proposal_id": objects.proposal.pk,
        "redirect_id": objects.redirect.pk,
        "uploaded_file_id": objects.upload.pk,
        "session_id": objects.session.pk,
        "action_name": "approve",
        "action": "hide" if "sharing" in name else "delete",
        "decision": "accept",
        "filter_spec": "original",
    }
    if parameter == "pk":
        return _pk_for(route, name, objects)
    if parameter in ("app_label", "app_name", "content_type_app_name"):
        if "snippets" in name:
            return "portals"
        return "wagtailcore" if "bulk" in name or "editing" in name else "cms"
    if parameter in ("model_name", "content_type_model_name"):
        if "snippets" in name:
            return "sectionblueprint"
        if "workflows" in name:
            return "groupapprovaltask"
        return "page" if "bulk" in name or "editing" in name else "newspage"
    return values[parameter]


def build_url(route: str, name: str, objects: PortalObjects) -> str:
    def value(match):
        parameter = match.group(1) or match.group(2)
        return str(parameter_value(parameter, route, name, objects))

    url = "/" + PARAMETER.sub(value, route)
    url = url.replace("^", "").replace("$", "").replace("\\.", ".")
    if "bulk" in name:
        url += f"?id={objects.page.pk}"
    resolve(url.split("?")[0])  # a URL this test builds must be one the admin answers
    return url


def object_urls():
    return [
        (route, name)
        for route, name in admin_patterns()
        if {m.group(1) or m.group(2) for m in PARAMETER.finditer(route)} & OBJECT_PARAMETERS
    ]


def listing_urls():
    return [(route, name) for route, name in admin_patterns() if not PARAMETER.search(route)]


# --- Roles ---------------------------------------------------------------------------------------


class Tree(Portals):
    def __init__(self):
        super().__init__()
        self.sibling_commune = (
            PortalPage.objects.child_of(self.district).exclude(pk=self.commune.pk).first()
        )
        self.sibling_district = (
            PortalPage.objects.child_of(self.province).exclude(pk=self.district.pk).first()
        )


def member(username, group) -> Client:
    user = get_user_model().objects.create_user(username, password="pw")
    user.groups.add(group)
    client = Client(HTTP_HOST="haiduong.localhost:8000")
    client.force_login(user)
    return client


@pytest.fixture
def tree(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return Tree()


# Answers 200 to anyone and touch only the caller's own data: releasing an editing session deletes
# the session only if it is the caller's (`EditingSession.objects.filter(id=…, user=request.user)`).
HARMLESS = {"wagtailadmin_editing_sessions:release"}


def is_denied(response, client_portal_ids=()) -> bool:
    if response.status_code in (400, 403, 404, 405):
        return True
    if response.status_code in (301, 302):
        location = response["Location"]
        return (
            "/admin/account/login/" in location
            or location.split("?")[0] in ("/admin/", "/admin/login/")
            or any(f"/{pk}/" in location for pk in client_portal_ids)
        )
    return False


def leaks_through_object_urls(client, objects: PortalObjects, own_ids=()) -> list[str]:
    leaks = []
    for method in ("get", "post"):
        for route, name in object_urls():
            if name in HARMLESS:
                continue
            url = build_url(route, name, objects)
            response = getattr(client, method)(url)
            if not is_denied(response, own_ids):
                leaks.append(f"{method.upper()} {url} ({name}): {response.status_code}")
    return leaks


def leaks_through_listings(client, foreign_tags: list[str]) -> list[str]:
    leaks = []
    for route, name in listing_urls():
        url = "/" + route.replace("^", "").replace("$", "")
        response = client.get(url, {"q": MARK})
        if response.status_code == 400:  # the admin API takes no `q`
            response = client.get(url)
        if response.status_code != 200 or not hasattr(response, "content"):
            continue
        body = response.content.decode(errors="replace").lower()
        shown = [tag for tag in foreign_tags if tag in body]
        if shown:
            leaks.append(f"GET {url} ({name}) shows {shown}")
    return leaks


def _own_ids(*portals):
    ids = []
    for portal in portals:
        ids.append(portal.pk)
        ids += SectionPage.objects.child_of(portal).values_list("pk", flat=True)
    return ids


def test_commune_editor_and_moderator_reach_nothing_of_a_sibling_or_parent_portal(tree):
    sibling = objects_of(tree.sibling_commune, tree.district)
    parent = objects_of(tree.district, tree.province)
    roles = {
        "editor": member("bientap", tree.commune.editors_group),
        "moderator": member("kiemduyet", tree.commune.moderators_group),
    }
    leaks = []
    for role, client in roles.items():
        for objects in (sibling, parent):
            leaks += [
                f"{role}: {leak}"
                for leak in leaks_through_object_urls(client, objects, _own_ids(tree.commune))
            ]
        leaks += [
            f"{role}: {leak}"
            for leak in leaks_through_listings(
                client, [tag_of(tree.sibling_commune), tag_of(tree.district)]
            )
        ]
    assert leaks == [], "\n".join(leaks)


def test_district_administrator_reaches_nothing_of_another_district_or_the_province(tree):
    sibling = objects_of(tree.sibling_district, tree.province)
    parent = objects_of(tree.province, tree.province)
    client = member("quantri", tree.district.admins_group)
    leaks = []
    for objects in (sibling, parent):
        leaks += leaks_through_object_urls(client, objects, _own_ids(tree.district))
    leaks += leaks_through_listings(client, [tag_of(tree.sibling_district), tag_of(tree.province)])
    assert leaks == [], "\n".join(leaks)


def test_anonymous_visitor_is_sent_to_sign_in_from_every_admin_url(tree):
    objects = objects_of(tree.commune, tree.district)
    client = Client(HTTP_HOST="haiduong.localhost:8000")
    leaks = [
        f"GET {url}: {response.status_code}"
        for route, name in object_urls() + listing_urls()
        if (url := build_url(route, name, objects)) and not is_denied(response := client.get(url))
    ]
    assert leaks == [], "\n".join(leaks)


# --- The right role is allowed -------------------------------------------------------------------


def _status(client, url):
    return client.get(url).status_code


def test_each_role_works_on_its_own_portal_and_those_below(tree):
    commune = objects_of(tree.commune, tree.district)
    editor = member("bientap", tree.commune.editors_group)
    district_admin = member("quantri-huyen", tree.district.admins_group)
    province_admin = member("quantri-tinh", tree.province.admins_group)
    own = {
        "page": f"/admin/pages/{commune.page.pk}/edit/",
        "settings": f"/admin/pages/{tree.commune.pk}/edit/",
        "image": f"/admin/images/{commune.image.pk}/",
        "document": f"/admin/documents/edit/{commune.document.pk}/",
        "user": f"/admin/users/edit/{commune.user.pk}/",
    }
    assert {what: _status(editor, url) for what, url in own.items()} == {
        "page": 200,
        "settings": 200,
        "image": 200,
        "document": 200,
        "user": 404,  # editors do not manage users
    }
    for admin in (district_admin, province_admin):
        assert {what: _status(admin, url) for what, url in own.items()} == dict.fromkeys(own, 200)
    # The settings of the portal above and of a sibling (their home page's editor) stay closed.
    for portal in (tree.district, tree.sibling_commune):
        assert _status(editor, f"/admin/pages/{portal.pk}/edit/") == 404
        assert editor.post(f"/admin/pages/{portal.pk}/edit/", {"title_vi": "x"}).status_code == 404
    assert _status(district_admin, f"/admin/pages/{tree.province.pk}/edit/") == 404
    moderator = member("kiemduyet", tree.commune.moderators_group)
    approve = f"/admin/pages/workflow/action/{commune.page.pk}/approve/{commune.task_state.pk}/"
    assert moderator.post(approve).status_code == 302
    commune.page.refresh_from_db()
    assert commune.page.live and commune.page.title == f"{tag_of(tree.commune)}page"
