"""The admin and the public pages work in a real browser under the Content-Security-Policy:
sign in, the page editor, the image chooser, a rich-text block, the preview panel, autosave,
"Save draft", the public page. Any CSP violation or script error fails the test. Screenshots of
each step go to reports/browser/.

Needs Chromium at /usr/bin/chromium (`.ci/run` installs it); without it the test is reported as
skipped, with that reason, never as passed.
"""

from __future__ import annotations

import re

from tests.live_server import (
    ADMIN_PASSWORD,
    ADMIN_USER,
    BROWSER_TESTS,
    NEWS_TITLE,
    chromium,
    live_server,
    screenshot_taker,
)

pytestmark = BROWSER_TESTS

TYPED = "Nội dung kế hoạch được gõ trong trình soạn thảo."


def watch(page, problems: list[str]) -> None:
    def on_console(message):
        if "Content Security Policy" in message.text:
            problems.append(f"CSP violation: {message.text}")
        elif message.type == "error" and not message.text.startswith("Failed to load resource"):
            problems.append(f"console {message.type}: {message.text}")

    def on_response(response):
        # The browser's own request for /favicon.ico is not the admin's or the page's doing.
        if response.status >= 400 and not response.url.endswith("/favicon.ico"):
            problems.append(f"HTTP {response.status}: {response.url}")

    page.on("console", on_console)
    page.on("response", on_response)
    page.on("pageerror", lambda error: problems.append(f"script error: {error}"))


shot = screenshot_taker("admin-csp-")


def test_editor_journey_works_under_the_content_security_policy(tmp_path):
    problems: list[str] = []
    with live_server(tmp_path) as server, chromium() as browser:
        server.start("--workers", "2")
        page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
        watch(page, problems)

        response = page.goto(server.url("/admin/account/login/"))
        assert "script-src 'self' 'unsafe-inline'" in response.headers["content-security-policy"]
        page.fill("input[name='auth-username']", ADMIN_USER)
        page.fill("input[name='auth-password']", ADMIN_PASSWORD)
        shot(page, "1-sign-in")
        page.click("button[type=submit].btn-primary")
        page.wait_for_url(server.url("/admin/"))
        shot(page, "2-dashboard")

        page.goto(server.url(f"/admin/pages/{server.objects['page']}/edit/"))
        page.wait_for_load_state("networkidle")
        shot(page, "3-editor")

        page.get_by_role("button", name=re.compile("Choose an image|Chọn")).first.click()
        modal = page.locator(".modal-content")
        modal.get_by_role("link", name="Trụ sở UBND tỉnh").first.wait_for()
        shot(page, "4-image-chooser")
        modal.get_by_role("link", name="Trụ sở UBND tỉnh").first.click()
        modal.wait_for(state="detached")

        page.get_by_role("button", name=re.compile("Insert a block|Chèn")).first.click()
        page.get_by_role("option", name=re.compile("^(Paragraph|Đoạn văn)$")).click()
        page.locator(".DraftEditor-root [contenteditable=true]").first.click()
        page.keyboard.type(TYPED)
        # Autosave sends the text as a draft revision (Wagtail 8, every change, debounced).
        page.wait_for_function(
            "() => document.querySelector('[data-w-autosave-state-value]')"
            "?.getAttribute('data-w-autosave-state-value') === 'saved'",
            timeout=30000,
        )

        page.get_by_role("button", name=re.compile("Toggle preview|xem trước", re.I)).click()
        preview = page.frame_locator("iframe").first
        preview.locator("h1").first.wait_for()
        assert NEWS_TITLE in preview.locator("h1").first.inner_text()
        preview.get_by_text(TYPED).first.wait_for()  # the preview shows the draft's text
        shot(page, "5-preview-and-autosave")

        page.get_by_role("button", name=re.compile("Save draft|Lưu nháp")).click()
        page.locator(".messages .success").first.wait_for()
        shot(page, "6-saved")

        public = page.context.new_page()
        watch(public, problems)
        response = public.goto(server.url("/tin-tuc/ke-hoach-2026/"))
        assert response.status == 200
        # django-csp writes the directives in no fixed order: compare the directive itself.
        policy = {
            directive.split()[0]: directive.strip()
            for directive in response.headers["content-security-policy"].split(";")
            if directive.strip()
        }
        assert policy["script-src"] == "script-src 'self'"
        assert NEWS_TITLE in public.locator("h1").first.inner_text()
        shot(public, "7-public-page")
    assert problems == []
