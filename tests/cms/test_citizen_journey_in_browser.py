"""A citizen's journey through the demo in a real browser, as a person does it: from the
province's portal to a district's and on to a commune's by the links on the pages, switch to
English and back, search without diacritics, and subscribe to the commune's news feed.

Screenshots of each step go to reports/browser/journey-citizen-*.png (kept by CI as artifacts).
Needs Chromium at /usr/bin/chromium; without it the test is reported as skipped, never as passed.
"""

from __future__ import annotations

import re

import feedparser

from tests.live_server import BROWSER_TESTS, chromium, screenshot_taker

pytestmark = BROWSER_TESTS


shot = screenshot_taker("journey-citizen-")


def test_citizen_reads_province_district_commune_switches_language_searches_and_subscribes(
    demo_site,
):
    server = demo_site
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 390, "height": 844})  # a phone
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))

        page.goto(server.url("/", host=server.objects["province"]["host"]))
        expect_heading(page, "Hải Dương")
        shot(page, "1-province")

        page.get_by_role("link", name="Huyện Cẩm Giàng", exact=True).first.click()
        page.wait_for_url(re.compile(r"^http://camgiang\.haiduong\.localhost:\d+/$"))
        expect_heading(page, "Cẩm Giàng")
        shot(page, "2-district")

        page.get_by_role("link", name="Xã Cẩm Hưng", exact=True).first.click()
        page.wait_for_url(re.compile(r"^http://camhung\.camgiang\.haiduong\.localhost:\d+/$"))
        expect_heading(page, "Cẩm Hưng")
        shot(page, "3-commune")

        page.get_by_role("link", name="English", exact=True).first.click()
        page.wait_for_url(re.compile(r"/en/$"))
        assert page.locator("html").get_attribute("lang") == "en"
        shot(page, "4-commune-in-english")
        page.get_by_role("link", name="Tiếng Việt", exact=True).first.click()
        page.wait_for_url(re.compile(r"haiduong\.localhost:\d+/$"))
        assert page.locator("html").get_attribute("lang") == "vi"

        # Typed the way people type on a phone: no diacritics.
        search = page.get_by_role("search").locator("input[name=q]").first
        search.fill("chuyen doi so")
        search.press("Enter")
        page.wait_for_url(re.compile(r"/tim-kiem/\?"))
        results = page.locator("main").inner_text()
        assert re.search("chuyển đổi số", results, re.IGNORECASE), results[:500]
        shot(page, "5-search-without-diacritics")

        # The feed a reader subscribes to, as the page announces it (fetched by the page itself:
        # the browser resolves *.localhost, a feed reader would resolve the real host).
        href = page.locator('link[rel=alternate][type="application/rss+xml"]').first.get_attribute(
            "href"
        )
        status, content_type, body = page.evaluate(
            """async (href) => {
                const response = await fetch(href);
                return [response.status, response.headers.get("content-type"),
                        await response.text()];
            }""",
            href,
        )
        assert status == 200
        assert content_type.startswith("application/rss+xml")
        parsed = feedparser.parse(body)
        assert not parsed.bozo
        assert parsed.entries, "the commune's feed lists its news and what it inherits"
        assert errors == []


def expect_heading(page, name: str) -> None:
    heading = page.locator("h1, .portal-name").first
    heading.wait_for()
    assert name in page.locator("header").first.inner_text() + heading.inner_text()
