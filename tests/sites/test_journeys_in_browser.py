"""The province's and the commune's journeys in a real browser, on the demo with its accounts
(README, "Demo accounts"):

1. the provincial administrator publishes an announcement on the province's portal, mandatory for
   every portal below, sees its reach (the real number of portals) in the admin, and a citizen of
   Cẩm Hưng reads it on the commune's portal;
2. Cẩm Hưng's editor hides an optional item the province pushed down: it goes from Cẩm Hưng's
   portal and stays on its sibling Cẩm Văn's;
3. the provincial administrator merges Cẩm Hưng into Cẩm Hoàng from the restructuring screen:
   preview, apply, the background task runs (a `db_worker`, as in production) while the result
   page waits for it, then an old Cẩm Hưng address answers 301 to a page of Cẩm Hoàng that
   answers 200.

Each works on its own copy of the session's demo database (`copy_of`), so none sees another's
changes. Screenshots of each step go to reports/journeys/ (kept by CI as artifacts).
Needs Chromium at /usr/bin/chromium; without it the tests are reported as skipped, never as passed.
"""

from __future__ import annotations

import re

from django.conf import settings

from cms.demo_loader import DEMO_PASSWORD
from tests.live_server import BROWSER_TESTS, chromium, copy_of, screenshot_taker, sign_in

pytestmark = BROWSER_TESTS

CAM_HUNG = "camhung.camgiang.haiduong.localhost"
CAM_HOANG = "camhoang.camgiang.haiduong.localhost"
CAM_VAN = "camvan.camgiang.haiduong.localhost"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


shot = screenshot_taker("", settings.BASE_DIR / "reports" / "journeys")


def admin_page(browser, server, username: str):
    """A browser tab of `username`, signed in; the admin lands on the user's portal."""
    page = browser.new_context(viewport=DESKTOP).new_page()
    sign_in(page, server, username, DEMO_PASSWORD)
    page.wait_for_url(re.compile(r"/admin/pages/\d+/$"))
    return page


def citizen_page(browser):
    return browser.new_context(viewport=PHONE).new_page()


def open_footer_actions(page) -> None:
    page.locator("footer .dropdown-toggle, footer [data-w-dropdown-target='toggle']").first.click()


def listed_titles(page, server, host: str, path: str = "/thong-bao/") -> str:
    response = page.goto(server.url(path, host=host))
    assert response.status == 200
    return page.locator("main").inner_text()


# --- 1. A mandatory announcement from the province ---------------------------------------------

ANNOUNCEMENT = "Thông báo lịch tiếp nhận hồ sơ trực tuyến dịp cuối năm 2026"


def test_province_admin_publishes_a_mandatory_announcement_that_reaches_every_portal_below(
    demo_site, tmp_path
):
    below = 219  # every portal under the province: Hải Dương's 12 districts and 207 communes
    with copy_of(demo_site, tmp_path) as server, chromium() as browser:
        server.start("--workers", "2")
        admin = admin_page(browser, server, "tinh.quantri")
        assert "Tỉnh Hải Dương" in admin.locator("h1").first.inner_text()
        # The province's announcements section, as the explorer lists it.
        section = admin.get_by_role("link", name="Thông báo", exact=True).first
        section_id = re.search(r"/pages/(\d+)/", section.get_attribute("href")).group(1)
        admin.goto(server.url(f"/admin/pages/add/cms/announcementpage/{section_id}/"))
        admin.fill("input[name='title_vi']", ANNOUNCEMENT)
        admin.fill("textarea[name='summary_vi']", "Bộ phận một cửa các cấp nhận hồ sơ cả thứ Bảy.")
        admin.get_by_role("tab", name="Chia sẻ").click()
        admin.select_option("select[name='audience']", "subtree")
        admin.check("input[name='mandatory']")
        shot(admin, "province-1-announcement-mandatory-for-all-below")
        open_footer_actions(admin)
        admin.locator("button[name='action-publish']").click()
        admin.locator(".messages .success").first.wait_for()
        shot(admin, "province-2-published")

        # Its reach, in the sharing overview and on the item's own reach page.
        admin.goto(server.url("/admin/chia-se/tong-quan/"))
        row = admin.locator("table.listing tr", has_text=ANNOUNCEMENT)
        assert row.locator("td").nth(4).inner_text().strip() == str(below)
        shot(admin, "province-3-shared-down-the-tree")
        row.get_by_role("link", name=ANNOUNCEMENT).click()
        admin.wait_for_url(re.compile(r"/admin/chia-se/pham-vi/\d+/$"))
        assert f"Hiển thị trên {below} cổng cấp dưới" in admin.locator("main h2").first.inner_text()
        assert admin.locator(".reach-receivers li").count() == below
        shot(admin, "province-4-reach")
        # And in the province's control room.
        admin.goto(server.url("/admin/dieu-hanh/"))
        row = admin.locator("#reach tr", has_text=ANNOUNCEMENT)
        assert row.locator("td").nth(3).inner_text().strip() == str(below)
        row.scroll_into_view_if_needed()
        shot(admin, "province-5-control-room-reach")

        citizen = citizen_page(browser)
        assert ANNOUNCEMENT in listed_titles(citizen, server, CAM_HUNG)
        citizen.get_by_role("link", name=ANNOUNCEMENT).first.click()
        citizen.wait_for_url(re.compile(r"/thong-bao/chia-se/\d+/"))
        assert ANNOUNCEMENT in citizen.locator("h1").first.inner_text()
        source = citizen.locator(".source").first.inner_text()
        assert "Nguồn:" in source and "Hải Dương" in source
        shot(citizen, "province-6-citizen-of-cam-hung-reads-it")


# --- 2. A commune hides an optional item -------------------------------------------------------

OPTIONAL = "Kế hoạch phòng, chống thiên tai và tìm kiếm cứu nạn năm 2026 khu vực huyện Cẩm Giàng"


def test_commune_editor_hides_an_optional_item_that_a_sibling_commune_still_shows(
    demo_site, tmp_path
):
    with copy_of(demo_site, tmp_path) as server, chromium() as browser:
        server.start("--workers", "2")
        citizen = citizen_page(browser)
        assert OPTIONAL in listed_titles(citizen, server, CAM_HUNG, "/")
        assert OPTIONAL in listed_titles(citizen, server, CAM_HUNG)
        shot(citizen, "hide-1-cam-hung-before")

        editor = admin_page(browser, server, "camhung.bientap")
        editor.goto(server.url("/admin/chia-se/"))  # Sharing → Shared with my portal
        editor.wait_for_url(re.compile(r"/admin/chia-se/cong/\d+/$"))
        row = editor.locator("table.listing tr", has_text=OPTIONAL)
        assert "Không bắt buộc" in row.inner_text()
        shot(editor, "hide-2-shared-with-cam-hung")
        row.get_by_role("button", name="Ẩn").click()
        editor.locator(".messages .success").first.wait_for()
        row = editor.locator("table.listing tr", has_text=OPTIONAL)
        assert "Đã ẩn" in row.inner_text()
        shot(editor, "hide-3-hidden")

        assert OPTIONAL not in listed_titles(citizen, server, CAM_HUNG)
        assert OPTIONAL not in listed_titles(citizen, server, CAM_HUNG, "/")
        shot(citizen, "hide-4-gone-from-cam-hung")
        assert OPTIONAL in listed_titles(citizen, server, CAM_VAN)
        shot(citizen, "hide-5-still-on-cam-van")


# --- 3. Two communes merged ---------------------------------------------------------------------


def test_province_admin_merges_two_communes_and_the_old_addresses_redirect(demo_site, tmp_path):
    # Production's way: the task waits in the database for a worker (`manage.py db_worker`).
    with copy_of(demo_site, tmp_path) as server, chromium() as browser:
        server.env["TASKS_BACKEND"] = "database"
        server.start("--workers", "2")
        citizen = citizen_page(browser)
        old_article = server.url(server.objects["commune"]["article"], host=CAM_HUNG)
        assert citizen.goto(old_article).status == 200  # a Cẩm Hưng article, before the merge
        title = citizen.locator("h1").first.inner_text()

        admin = admin_page(browser, server, "tinh.quantri")
        admin.goto(server.url("/admin/tai-cau-truc/"))
        admin.select_option("select[name='operation']", "merge")
        admin.fill("textarea[name='portals']", CAM_HUNG)
        admin.fill("input[name='target']", CAM_HOANG)
        admin.locator("button[name='preview']").click()
        plan = admin.locator("pre.restructuring-plan")
        assert "sáp nhập cổng Xã Cẩm Hưng vào Xã Cẩm Hoàng" in plan.inner_text()
        plan.scroll_into_view_if_needed()
        shot(admin, "merge-1-preview")
        admin.locator("button[name='confirm']").click()
        admin.wait_for_url(re.compile(r"/admin/tai-cau-truc/ket-qua/[^/]+/$"))
        assert "đang chờ" in admin.locator("main").inner_text()
        shot(admin, "merge-2-waiting-for-the-worker")

        server.manage("db_worker", "--batch", "--no-startup-delay")  # runs what waits, then ends
        # The result page reloads itself until the task has a result.
        done = admin.locator(".help-info", has_text="Đã xong")
        done.wait_for(timeout=30_000)
        assert "cổng được sáp nhập 1" in admin.locator("main").inner_text()
        shot(admin, "merge-3-done")

        response = citizen.goto(old_article)
        assert response.status == 200
        first = response.request.redirected_from
        assert first is not None and first.url == old_article
        assert first.response().status == 301
        assert first.redirected_from is None  # one hop
        assert re.match(rf"^http://{re.escape(CAM_HOANG)}:\d+/tin-tuc/", citizen.url)
        assert citizen.locator("h1").first.inner_text() == title
        shot(citizen, "merge-4-old-address-lands-on-cam-hoang")
        home = citizen.goto(server.url("/", host=CAM_HUNG))
        assert home.request.redirected_from.response().status == 301
        assert citizen.url == server.url("/", host=CAM_HOANG)
        assert "Cẩm Hoàng" in citizen.locator("header").first.inner_text()
        shot(citizen, "merge-5-old-home-lands-on-cam-hoang")
