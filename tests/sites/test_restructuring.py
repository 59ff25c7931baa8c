"""Restructuring portals (sites/restructuring.py): move, merge, split, retire, remove a level and
the 2025 reform, each with its dry run, in one transaction, with every old URL redirected."""

import datetime
import re
from io import StringIO
from urllib.parse import urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client, override_settings
from wagtail.contrib.redirects.models import Redirect
from wagtail.models import Page, ReferenceIndex, Site, WorkflowState

from cms.models import Audience, InheritedItemChoice, NewsPage, SectionPage, ShareablePage
from sites.models import PortalPage, RetiredHost
from sites.restructuring import (
    Merge,
    RestructuringError,
    apply,
    plan_merge,
    plan_move,
    plan_reform,
    plan_remove_level,
    plan_retire,
    plan_split,
    read_reform_data,
)
from sites.routing import invalidate_site_roots
from tests.cms.sharing_helpers import publish_item
from tests.conftest import DISTRICT_HOST, PROVINCE_HOST, UNITS, host_client
from tests.live_server import HttpSession, live_server

User = get_user_model()


def commune(code: int) -> PortalPage:
    return PortalPage.objects.get(level_id="commune", unit_code=code)


def host_of(portal: PortalPage) -> str:
    return Site.objects.get(root_page=portal, retirement__isnull=True).hostname


def content_count() -> tuple[int, int]:
    """(every item, drafts included; live items): news, announcements, documents."""
    items = ShareablePage.objects.exclude(pk__in=SectionPage.objects.values("pk"))
    return items.count(), items.filter(live=True).count()


def draft_news(portal: PortalPage, title: str, slug: str, user=None) -> NewsPage:
    section = SectionPage.objects.get(owner_portal=portal, kind="news", depth=portal.depth + 1)
    page = NewsPage(title=title, slug=slug, summary=title, live=False)
    section.add_child(instance=page)
    page.save_revision(user=user)
    return page


def follow(client: Client, url: str):
    parts = urlsplit(url)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    return client.get(path, HTTP_HOST=parts.netloc)


def assert_one_hop(client: Client, old_url: str, checked: dict) -> str:
    """`old_url` answers 301 to a URL that answers 200 (no chain); returns the new URL."""
    response = follow(client, old_url)
    assert response.status_code == 301, (old_url, response.status_code)
    new_url = response["Location"]
    status = checked.get(new_url)
    if status is None:
        status = checked[new_url] = follow(client, new_url).status_code
    assert status == 200, (old_url, new_url, status)
    return new_url


# --- Merge -------------------------------------------------------------------------------------


@pytest.fixture
def merged_communes(hai_duong):
    """Cẩm Hưng with a published article, a draft, an article in moderation, an editor and a
    moderator, an item shared with it by name and one it hid; its target (Cẩm Hoàng) already
    has an article with the same slug."""
    cam_hung, target = hai_duong.commune, commune(10897)
    editor = User.objects.create_user("camhung.bt", password="pw")
    editor.groups.add(cam_hung.editors_group)
    moderator = User.objects.create_user("camhung.kd", password="pw")
    moderator.groups.add(cam_hung.moderators_group)
    article = publish_item(cam_hung, "Khánh thành nhà văn hoá", kind="news", slug="nha-van-hoa")
    NewsPage.objects.filter(pk=article.pk).update(
        date=datetime.date(2024, 5, 1), owner_id=editor.pk
    )
    publish_item(target, "Nhà văn hoá Cẩm Hoàng", kind="news", slug="nha-van-hoa")
    draft = draft_news(cam_hung, "Bản nháp", "ban-nhap", user=editor)
    waiting = draft_news(cam_hung, "Chờ duyệt", "cho-duyet", user=editor)
    waiting.get_workflow().start(waiting, editor)
    shared = publish_item(
        hai_duong.province,
        "Thông báo cho Cẩm Hưng",
        audience=Audience.CHOSEN,
        targets=[(cam_hung, False)],
        slug="tb-cam-hung",
    )
    hidden = publish_item(hai_duong.province, "Thông báo chung", audience=Audience.SUBTREE)
    InheritedItemChoice.objects.create(portal=cam_hung, page=hidden, hidden=True)
    return {
        "source": cam_hung,
        "target": target,
        "editor": editor,
        "moderator": moderator,
        "article": article,
        "draft": draft,
        "waiting": waiting,
        "shared": shared,
        "hidden": hidden,
    }


def test_merge_moves_content_people_and_sharing_and_redirects_every_url(merged_communes):
    m = merged_communes
    source, target = m["source"], m["target"]
    old_host = host_of(source)
    old_article_url = m["article"].full_url
    revisions_before = m["article"].revisions.count()
    before = content_count()

    plan = plan_merge([source], target)
    counts = apply(plan)

    assert counts == plan.counts()
    assert counts["portals_merged"] == 1 and counts["pages_renamed"] == 1
    assert not PortalPage.objects.filter(pk=source.pk).exists()
    assert content_count() == before
    article = NewsPage.objects.get(pk=m["article"].pk)
    assert article.owner_portal_id == target.pk and article.section_kind == "news"
    assert article.slug == "nha-van-hoa-2"  # the target already had one
    assert article.date == datetime.date(2024, 5, 1) and article.owner == m["editor"]
    assert article.revisions.count() == revisions_before
    assert article.latest_revision.content["slug"] == "nha-van-hoa-2"
    draft = NewsPage.objects.get(pk=m["draft"].pk)
    assert not draft.live and draft.owner_portal_id == target.pk
    # Moderation started before the merge can be finished, by the source's moderators (now
    # the target's) and by the target's own.
    state = WorkflowState.objects.get(object_id=str(m["waiting"].pk))
    assert state.status == WorkflowState.STATUS_IN_PROGRESS
    task = state.current_task_state.task.specific
    page = NewsPage.objects.get(pk=m["waiting"].pk)
    target_moderator = User.objects.create_user("camhoang.kd")
    target_moderator.groups.add(target.moderators_group)
    for user in (m["moderator"], target_moderator):
        assert "approve" in [action[0] for action in task.get_actions(page, user)]
    # People: the editor works in the target now.
    editor = User.objects.get(pk=m["editor"].pk)
    assert target.editors_group in editor.groups.all()
    assert page.permissions_for_user(editor).can_edit()
    # Sharing follows.
    assert m["shared"].audience_targets.get().portal_id == target.pk
    assert InheritedItemChoice.objects.get(page=m["hidden"]).portal_id == target.pk
    # Every old URL: one hop to a page that answers 200.
    client, checked = Client(), {}
    assert RetiredHost.objects.get(site__hostname=old_host).reason == "merged"
    assert assert_one_hop(client, old_article_url, checked) == article.full_url
    for path in ("/", "/tin-tuc/", "/tin-tuc/rss/", "/sitemap.xml", "/en/tin-tuc/"):
        assert_one_hop(client, f"http://{old_host}:8000{path}", checked)
    assert assert_one_hop(client, f"http://{old_host}:8000/?q=1", checked).endswith("/?q=1")


def test_merge_keeps_the_settings_asked_for(hai_duong):
    source, target = hai_duong.commune, commune(10897)
    PortalPage.objects.filter(pk=source.pk).update(hotline="0220 1234", footer_text="Chân trang")
    apply(plan_merge([PortalPage.objects.get(pk=source.pk)], target, keep_settings=["hotline"]))
    target = PortalPage.objects.get(pk=target.pk)
    assert target.hotline == "0220 1234" and target.footer_text == ""


def test_dry_run_changes_nothing_and_lists_what_the_run_does(merged_communes):
    source, target = merged_communes["source"], merged_communes["target"]
    out = StringIO()
    before = (Page.objects.count(), Redirect.objects.count(), Site.objects.count())
    call_command(
        "merge_portals", host_of(source), "--into", host_of(target), "--dry-run", stdout=out
    )
    assert (Page.objects.count(), Redirect.objects.count(), Site.objects.count()) == before
    text = out.getvalue()
    assert "sáp nhập cổng Xã Cẩm Hưng vào Xã Cẩm Hoàng" in text
    assert "người dùng camhung.bt tham gia Xã Cẩm Hoàng (biên tập viên)" in text
    assert "thành “nha-van-hoa-2”" in text
    plan = plan_merge([source], target)
    assert all(key in text for key in plan.redirect_keys())
    call_command("merge_portals", host_of(source), "--into", host_of(target), stdout=StringIO())
    made = {
        r.site.hostname + r.old_path
        for r in Redirect.objects.filter(site__retirement__isnull=False).select_related("site")
    }
    assert plan.redirect_keys() == made


def test_a_failure_in_the_middle_changes_nothing(hai_duong):
    publish_item(hai_duong.commune, "Tin", kind="news", slug="tin")

    def snapshot():
        return (
            Site.objects.count(),
            Redirect.objects.count(),
            list(Page.objects.order_by("path").values_list("path", "url_path", "slug")),
        )

    before = snapshot()
    plan = plan_merge([hai_duong.commune, commune(10900)], commune(10897))

    def fail_after_first(message):
        if message.startswith("[2/"):
            raise RuntimeError("power cut")

    with pytest.raises(RuntimeError):
        apply(plan, progress=fail_after_first)
    assert snapshot() == before
    assert host_client("camhung.camgiang.haiduong.localhost").get("/").status_code == 200


# --- Move, retire, split, remove a level --------------------------------------------------------


def test_move_changes_the_host_and_old_hosts_stay_one_hop_after_a_second_move(hai_duong):
    article = publish_item(hai_duong.commune, "Tin", kind="news", slug="tin")
    first_host = host_of(hai_duong.commune)
    other = PortalPage.objects.get(level_id="district", unit_code=288)  # Thành phố Hải Dương
    plan = plan_move(hai_duong.commune, other)
    assert apply(plan) == plan.counts()
    second_host = host_of(hai_duong.commune)
    assert second_host == "camhung.haiduong.haiduong.localhost"
    # Its groups are named after the new parent, as provisioning names them.
    moved = PortalPage.objects.get(pk=hai_duong.commune.pk)
    assert [group.name for group in (moved.editors_group, moved.moderators_group)] == [
        f"Xã Cẩm Hưng ({other.unit_name}, mã 10894) – Biên tập viên",
        f"Xã Cẩm Hưng ({other.unit_name}, mã 10894) – Kiểm duyệt viên",
    ]
    client, checked = Client(), {}
    assert assert_one_hop(client, f"http://{first_host}:8000/tin-tuc/tin/", checked) == (
        f"http://{second_host}:8000/tin-tuc/tin/"
    )
    third = PortalPage.objects.get(level_id="district", unit_code=290)  # Chí Linh
    apply(plan_move(PortalPage.objects.get(pk=hai_duong.commune.pk), third))
    article = NewsPage.objects.get(pk=article.pk)
    for host in (first_host, second_host):
        assert assert_one_hop(client, f"http://{host}:8000/tin-tuc/tin/", checked) == (
            article.full_url
        )
    # A move back takes the old host again.
    apply(plan_move(PortalPage.objects.get(pk=hai_duong.commune.pk), hai_duong.district))
    assert host_of(hai_duong.commune) == first_host
    assert host_client(first_host).get("/tin-tuc/tin/").status_code == 200


def test_old_urls_by_path_through_a_portal_above_follow_a_move(hai_duong):
    """Cẩm Hưng is also reached by path through its district's and its province's hosts; after it
    moved to Chí Linh those addresses answer 301 to the new canonical URL, in one hop."""
    article = publish_item(hai_duong.commune, "Tin", kind="news", slug="tin")
    chi_linh = PortalPage.objects.get(level_id="district", unit_code=290)
    apply(plan_move(hai_duong.commune, chi_linh))
    article = NewsPage.objects.get(pk=article.pk)
    new_host = host_of(hai_duong.commune)
    assert new_host == "camhung.chilinh.haiduong.localhost"
    client, checked = Client(), {}
    for old_url in (
        f"http://{DISTRICT_HOST}:8000/camhung/tin-tuc/tin/",
        f"http://{PROVINCE_HOST}:8000/camgiang/camhung/tin-tuc/tin/",
    ):
        assert assert_one_hop(client, old_url, checked) == article.full_url
    old_url = f"http://{PROVINCE_HOST}:8000/en/camgiang/camhung/tin-tuc/?page=2"
    assert assert_one_hop(client, old_url, checked) == f"http://{new_host}:8000/en/tin-tuc/?page=2"
    # What never existed is still not found, on the old parent and under the old path.
    assert host_client(DISTRICT_HOST).get("/khong-co/").status_code == 404
    assert host_client(PROVINCE_HOST).get("/camgiang/camhung/%00/").status_code == 404
    assert host_client("camhung.camgiang.haiduong.localhost").get("/%00/").status_code == 404
    response = host_client(PROVINCE_HOST).get("/camgiang/camhung/khong-co/")
    assert response.status_code == 301
    assert follow(client, response["Location"]).status_code == 404


def test_path_mode_old_urls_follow_a_merge(merged_communes):
    """In path mode every portal below the province is canonical under the province's host: the
    merged portal's old paths there, and its old host, answer 301 to the target's pages."""
    source, target = merged_communes["source"], merged_communes["target"]
    with override_settings(PORTALS_URL_MODE="path"):
        invalidate_site_roots()
        old_host = host_of(source)
        apply(plan_merge([source], target))
        article = NewsPage.objects.get(pk=merged_communes["article"].pk)
        base = f"http://{PROVINCE_HOST}:8000/camgiang/"
        assert article.full_url == base + "camhoang/tin-tuc/nha-van-hoa-2/"
        client, checked = Client(), {}
        for old_url in (
            base + "camhung/tin-tuc/nha-van-hoa/",
            f"http://{old_host}:8000/tin-tuc/nha-van-hoa/",
        ):
            assert assert_one_hop(client, old_url, checked) == article.full_url
        assert assert_one_hop(client, base + "camhung/", checked) == base + "camhoang/"
        assert assert_one_hop(client, base + "camhung/tin-tuc/rss/", checked) == (
            base + "camhoang/tin-tuc/rss/"
        )
    invalidate_site_roots()


def test_retire_as_archive_keeps_the_portal_with_a_banner_and_no_editing(hai_duong):
    publish_item(hai_duong.commune, "Tin", kind="news", slug="tin")
    editor = User.objects.create_user("bt", password="pw")
    editor.groups.add(hai_duong.commune.editors_group)
    apply(plan_retire(hai_duong.commune, commune(10897), "archive"))
    response = host_client(host_of(hai_duong.commune)).get("/tin-tuc/tin/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "archived-banner" in html and commune(10897).full_url in html
    portal = PortalPage.objects.get(pk=hai_duong.commune.pk)
    assert not portal.permissions_for_user(editor).can_edit()


def test_retire_with_redirects_unpublishes_and_sends_every_url_to_the_successor(hai_duong):
    publish_item(hai_duong.commune, "Tin", kind="news", slug="tin")
    host = host_of(hai_duong.commune)
    successor = commune(10897)
    plan = plan_retire(hai_duong.commune, successor, "redirect")
    assert apply(plan) == plan.counts()
    assert not Page.objects.filter(path__startswith=hai_duong.commune.path, live=True).exists()
    client, checked = Client(), {}
    assert assert_one_hop(client, f"http://{host}:8000/tin-tuc/tin/", checked).endswith("/tin-tuc/")
    assert assert_one_hop(client, f"http://{host}:8000/", checked) == successor.full_url


def test_split_moves_mapped_content_and_the_old_urls_redirect(hai_duong):
    news = publish_item(hai_duong.commune, "Tin", kind="news", slug="tin")
    notice = publish_item(hai_duong.commune, "Thông báo", slug="tb")
    left = publish_item(hai_duong.commune, "Tin khác", kind="news", slug="tin-khac")
    a, b = commune(10897), commune(10900)
    plan = plan_split(hai_duong.commune, {f"#{news.pk}": a, "announcements": b})
    assert apply(plan) == plan.counts()
    news = NewsPage.objects.get(pk=news.pk)
    assert news.owner_portal_id == a.pk
    assert ShareablePage.objects.get(pk=notice.pk).owner_portal_id == b.pk
    assert ShareablePage.objects.get(pk=left.pk).owner_portal_id == hai_duong.commune.pk
    client = host_client(host_of(hai_duong.commune))
    response = client.get("/tin-tuc/tin/")
    assert response.status_code == 301 and response["Location"] == news.full_url
    assert client.get("/tin-tuc/tin-khac/").status_code == 200


def test_remove_level_moves_communes_under_the_province_and_merges_districts(hai_duong):
    article = publish_item(hai_duong.commune, "Tin", kind="news", slug="tin")
    district_news = publish_item(hai_duong.district, "Tin huyện", kind="news", slug="tin-huyen")
    old_commune_host, old_district_host = host_of(hai_duong.commune), host_of(hai_duong.district)
    before = content_count()
    plan = plan_remove_level(hai_duong.province)
    assert apply(plan) == plan.counts()
    assert content_count() == before
    assert not PortalPage.objects.filter(level_id="district").exists()
    assert PortalPage.objects.child_of(hai_duong.province).filter(level_id="commune").count() == 207
    client, checked = Client(), {}
    article = NewsPage.objects.get(pk=article.pk)
    assert urlsplit(article.full_url).hostname == "camhung.haiduong.localhost"
    assert assert_one_hop(client, f"http://{old_commune_host}:8000/tin-tuc/tin/", checked) == (
        article.full_url
    )
    assert assert_one_hop(
        client, f"http://{old_district_host}:8000/tin-tuc/tin-huyen/", checked
    ) == (NewsPage.objects.get(pk=district_news.pk).full_url)


def test_commands_refuse_bad_input_with_a_message(hai_duong):
    with pytest.raises(CommandError, match="Không có cổng nào"):
        call_command("move_portal", "nowhere.localhost", "--to", "haiduong.localhost")
    with pytest.raises(CommandError, match="về dưới chính nó"):
        call_command(
            "move_portal", "camgiang.haiduong.localhost", "--to", host_of(hai_duong.commune)
        )
    with pytest.raises(CommandError, match="không phải đơn vị kế thừa"):
        call_command("apply_reform", "--province", "30", "--successor", "10894=10930", "--dry-run")
    with pytest.raises(CommandError, match="LOẠI=TÊN_MIỀN"):
        call_command("split_portal", host_of(hai_duong.commune), "--map", "news", "--dry-run")


# --- The admin screen --------------------------------------------------------------------------


def admin_client(user) -> Client:
    client = host_client("haiduong.localhost")
    client.force_login(user)
    return client


def test_admin_previews_then_applies_a_merge(merged_communes):
    source, target = merged_communes["source"], merged_communes["target"]
    client = admin_client(User.objects.create_superuser("root", "r@example.invalid", "pw"))
    screen = client.get("/admin/tai-cau-truc/")
    assert screen.status_code == 200
    # The settings a merge may keep are named in the admin's language, not by field name.
    assert "Đường dây nóng" in screen.content.decode()
    assert " hotline</label>" not in screen.content.decode()
    form = {"operation": "merge", "portals": host_of(source), "target": host_of(target)}
    preview = client.post("/admin/tai-cau-truc/", {**form, "preview": "1"})
    assert preview.status_code == 200
    assert "sáp nhập cổng Xã Cẩm Hưng vào Xã Cẩm Hoàng" in preview.content.decode()
    assert PortalPage.objects.filter(pk=source.pk).exists()  # a preview changes nothing
    applied = client.post(
        "/admin/tai-cau-truc/",
        {**form, "confirm": "1", "fingerprint": preview.context["fingerprint"]},
    )
    assert applied.status_code == 302
    assert not PortalPage.objects.filter(pk=source.pk).exists()
    result = client.get(applied["Location"])  # the background task's result
    assert "cổng được sáp nhập 1" in result.content.decode()
    # A stale preview is previewed again, not applied.
    form["portals"] = host_of(commune(10900))
    stale = client.post("/admin/tai-cau-truc/", {**form, "confirm": "1", "fingerprint": "0" * 64})
    assert stale.status_code == 200 and PortalPage.objects.filter(unit_code=10900).exists()


def test_admin_screen_is_for_provincial_admins_and_refuses_bad_input(hai_duong):
    editor = User.objects.create_user("xa.kd", password="pw")
    editor.groups.add(hai_duong.commune.moderators_group)
    refused = admin_client(editor).get("/admin/tai-cau-truc/")
    assert refused.status_code == 302 and refused["Location"] == "/admin/"  # Wagtail's refusal
    chief = User.objects.create_user("tinh.kd", password="pw")
    chief.groups.add(hai_duong.province.moderators_group)
    client = admin_client(chief)
    assert client.get("/admin/tai-cau-truc/").status_code == 200
    for data in (
        {"operation": "merge", "portals": "nowhere.localhost", "target": "haiduong.localhost"},
        {"operation": "move", "portals": "", "target": ""},
        {"operation": "split", "portals": host_of(hai_duong.commune), "mapping": "news"},
        {"operation": "reform", "province": "99"},
        {"operation": "bogus"},
    ):
        assert client.post("/admin/tai-cau-truc/", {**data, "preview": "1"}).status_code == 400


def test_admin_result_page_answers_from_a_process_other_than_the_one_that_ran_it(tmp_path):
    """With the immediate task backend (the default) the operation runs in the request that
    applies it; the result page that follows may be served by another gunicorn worker, here a
    restarted server, which has nothing of the first one's memory."""
    with live_server(tmp_path) as server:
        server.manage(
            "provision_portal", "--name", "Huyện Cẩm Giàng", "--code", "295",
            "--parent-host", "haiduong.localhost",
        )  # fmt: skip
        server.start()
        session = HttpSession(server.port)
        session.sign_in()
        form = {
            "operation": "retire",
            "portals": "camgiang.haiduong.localhost",
            "target": "haiduong.localhost",
            "mode": "redirect",
        }
        status, preview = session.request("POST", "/admin/tai-cau-truc/", {**form, "preview": "1"})
        assert status == 200, preview[:500]
        fingerprint = re.search(r'name="fingerprint" value="(\w+)"', preview).group(1)
        status, _ = session.request(
            "POST", "/admin/tai-cau-truc/", {**form, "confirm": "1", "fingerprint": fingerprint}
        )
        assert status == 302
        result_path = session.location
        server.stop()
        server.start()
        status, result = session.request("GET", result_path)
        assert status == 200
        assert "cổng ngừng hoạt động 1" in result


# --- The 2025 reform ---------------------------------------------------------------------------


def old_tree_urls(province: PortalPage) -> list[str]:
    """Every public URL of a portal tree: homes (Vietnamese and English), sections, pages, the
    feeds of homes and sections, each host's sitemap."""
    urls = []
    for page in Page.objects.live().filter(path__startswith=province.path).specific():
        url = page.full_url
        urls.append(url)
        if isinstance(page, PortalPage):
            urls += [url + "rss/", url + "atom/", url + "sitemap.xml", url + "en/"]
        elif isinstance(page, SectionPage) and page.depth == page.owner_portal.depth + 1:
            urls += [url + "rss/", url + "atom/"]
    return urls


def test_reform_replay_redirects_every_old_url_in_one_hop(merged_communes):
    province = PortalPage.objects.get(level_id="province", unit_code=30)
    publish_item(commune(10903), "Tin Ngọc Liên", kind="news", slug="nha-van-hoa")
    district = PortalPage.objects.get(level_id="district", unit_code=295)
    district_item = publish_item(district, "Tin huyện", kind="news", slug="tin-huyen")
    split_item = publish_item(commune(10933), "Tin Cẩm Điền", kind="news", slug="tin-cam-dien")
    old_urls = old_tree_urls(province)
    before = content_count()
    rows, provinces = read_reform_data(
        UNITS / "vn-units-2025-conversion.json", UNITS / "vn-units-2level-2025.json"
    )

    plan = plan_reform(30, rows, provinces, successors={10933: 10930})
    dry = "\n".join(plan.lines())
    counts = apply(plan)

    assert counts == plan.counts()
    # No row of the reference index (“where is this used?”) names a page that is gone.
    page_type = ContentType.objects.get_for_model(Page)
    page_ids = {str(pk) for pk in Page.objects.values_list("pk", flat=True)}
    for row in ReferenceIndex.objects.filter(base_content_type=page_type).values("object_id"):
        assert row["object_id"] in page_ids, row
    for row in ReferenceIndex.objects.filter(to_content_type=page_type).values("to_object_id"):
        assert row["to_object_id"] in page_ids, row
    assert counts["portals_created"] == 65  # Hải Phòng and the 64 communes Hải Dương's became
    assert counts["portals_merged"] == 220 and counts["hosts_retired"] == 220
    assert "tạo cổng Xã Cẩm Giàng (commune, mã 10903)" in dry
    assert content_count() == before
    new_province = PortalPage.objects.get(level_id="province", unit_code=31, depth=2)
    assert new_province.unit_name == "Thành phố Hải Phòng"
    assert not PortalPage.objects.filter(level_id="district").exists()
    assert PortalPage.objects.child_of(new_province).filter(level_id="commune").count() == 64
    assert not PortalPage.objects.filter(path__startswith=province.path).exists()
    cam_giang = PortalPage.objects.get(level_id="commune", unit_code=10903)
    assert cam_giang.unit_name == "Xã Cẩm Giàng" and cam_giang.get_parent().pk == new_province.pk
    assert NewsPage.objects.get(pk=merged_communes["article"].pk).owner_portal_id == cam_giang.pk
    assert NewsPage.objects.get(pk=district_item.pk).owner_portal_id == new_province.pk
    # A commune split between two new ones went where the admin said.
    assert NewsPage.objects.get(pk=split_item.pk).owner_portal.unit_code == 10930
    # The crawl: every old URL answers 301 to a URL that answers 200. None is a chain.
    client, checked = Client(), {}
    for url in old_urls:
        assert_one_hop(client, url, checked)
    assert len(old_urls) > 2500
    # The article by path through its old district's and province's hosts, retired too.
    article_url = NewsPage.objects.get(pk=merged_communes["article"].pk).full_url
    for url in (
        f"http://{DISTRICT_HOST}:8000/camhung/tin-tuc/nha-van-hoa/",
        f"http://{PROVINCE_HOST}:8000/camgiang/camhung/tin-tuc/nha-van-hoa/",
    ):
        assert assert_one_hop(client, url, checked) == article_url


def test_a_commune_missing_from_the_conversion_table_needs_a_successor(hai_duong):
    """Real data: 29 communes of the 2024 list (two in Thanh Hóa) are not in the 2025 table,
    merged before the reform. The plan names each and asks where it goes; any new commune of
    the province may take it over."""
    rows, provinces = read_reform_data(
        UNITS / "vn-units-2025-conversion.json", UNITS / "vn-units-2level-2025.json"
    )
    rows = [row for row in rows if int(row["old_commune"]) != 10894]
    with pytest.raises(RestructuringError) as error:
        plan_reform(30, rows, provinces)
    assert "Xã Cẩm Hưng (10894)" in str(error.value) and "10894=" in str(error.value)
    with pytest.raises(RestructuringError):
        plan_reform(30, rows, provinces, successors={10894: 99999})  # not of the province

    plan = plan_reform(30, rows, provinces, successors={10894: 10903})
    merges = {
        step.source.unit_code: step.target.spec.unit_code
        for step in plan.steps
        if isinstance(step, Merge) and step.target.spec is not None
    }
    assert merges[10894] == 10903
