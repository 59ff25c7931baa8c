"""A commune editor's first steps in a real browser: sign in (landing on their commune), write a
news item, submit it for moderation; the commune's moderator approves it; it is live on the
commune's site. Screenshots of each step go to reports/browser/.

Needs Chromium at /usr/bin/chromium; without it the test is reported as skipped, never as passed.
"""

from __future__ import annotations

import re

from tests.live_server import (
    BROWSER_TESTS,
    chromium,
    live_server,
    screenshot_taker,
    sign_in,
)

pytestmark = BROWSER_TESTS

PASSWORD = "Mật-khẩu-biên-tập-2026"
COMMUNE_HOST = "camhung.camgiang.haiduong.localhost"
TITLE = "Xã Cẩm Hưng ra quân làm sạch đường làng"

USERS = f"""
import json
from django.contrib.auth import get_user_model
from cms.models import SectionPage
from sites.models import PortalPage
commune = PortalPage.objects.get(unit_code=10894)
User = get_user_model()
for username, group in (("camhung.bientap", commune.editors_group),
                        ("camhung.kiemduyet", commune.moderators_group)):
    user = User.objects.create_user(username, email=username + "@example.invalid",
                                    password={PASSWORD!r}, first_name=username)
    user.groups.add(group)
news = SectionPage.objects.get(owner_portal=commune, kind="news", depth=commune.depth + 1)
print(json.dumps({{"commune": commune.pk, "news": news.pk}}))
"""


shot = screenshot_taker("editor-")


def test_commune_editor_writes_and_submits_and_the_moderator_approves(tmp_path):
    with live_server(tmp_path) as server, chromium() as browser:
        server.manage(
            "provision_portal",
            "--name",
            "Huyện Cẩm Giàng",
            "--code",
            "295",
            "--parent-host",
            "haiduong.localhost",
        )
        server.manage(
            "provision_portal",
            "--name",
            "Xã Cẩm Hưng",
            "--code",
            "10894",
            "--parent-host",
            "camgiang.haiduong.localhost",
        )
        ids = server.shell_json(USERS)
        server.start("--workers", "2")

        editor = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
        sign_in(editor, server, "camhung.bientap", PASSWORD)
        editor.wait_for_url(server.url(f"/admin/pages/{ids['commune']}/"))
        assert "Xã Cẩm Hưng" in editor.locator("h1, .w-header__title").first.inner_text()
        shot(editor, "1-lands-on-commune")

        editor.goto(server.url(f"/admin/pages/add/cms/newspage/{ids['news']}/"))
        editor.fill("input[name='title_vi']", TITLE)
        editor.fill("textarea[name='summary_vi'], input[name='summary_vi']", "Toàn xã ra quân.")
        shot(editor, "2-writes")
        editor.locator(
            "footer .dropdown-toggle, footer [data-w-dropdown-target='toggle']"
        ).first.click()
        editor.locator("button[name='action-submit']").click()
        editor.locator(".messages .success").first.wait_for()
        shot(editor, "3-submitted")

        moderator = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
        sign_in(moderator, server, "camhung.kiemduyet", PASSWORD)
        moderator.wait_for_url(server.url(f"/admin/pages/{ids['commune']}/"))
        moderator.goto(server.url("/admin/"))
        moderator.get_by_role("link", name=TITLE).first.click()
        moderator.wait_for_url(re.compile(r"/admin/pages/\d+/edit/"))
        page_id = int(re.search(r"/pages/(\d+)/edit/", moderator.url).group(1))
        shot(moderator, "4-moderator-opens")
        moderator.locator(
            "footer .dropdown-toggle, footer [data-w-dropdown-target='toggle']"
        ).first.click()
        moderator.locator("button[data-workflow-action-name='approve']").first.click()
        moderator.locator(".messages .success").first.wait_for()
        shot(moderator, "5-approved")

        state = server.shell_json(
            "import json; from wagtail.models import Page; "
            f"p = Page.objects.get(pk={page_id}); print(json.dumps({{'live': p.live}}))"
        )
        assert state["live"] is True
        public = browser.new_context().new_page()
        response = public.goto(server.url("/tin-tuc/", host=COMMUNE_HOST))
        assert response.status == 200
        public.get_by_text(TITLE).first.wait_for()
        shot(public, "6-live-on-commune")
