"""A gunicorn worker killed (SIGKILL) in the middle of a publish or of a restructuring leaves the
database consistent, and the next request shows the old state: each is one transaction that never
committed (cms/admin_transactions.py, sites.restructuring.apply).

A real gunicorn serves a database of its own (tests/live_server.py); the test signs in, starts the
change from the admin and kills the worker while it is inside the transaction: after the page row
was written (publish) or after the first page was moved (restructuring), where
tests/fault/gunicorn_fault.py makes the worker stall.
"""

from __future__ import annotations

import http.client
import os
import re
import signal
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.fuzz.harness import main_form_fields
from tests.live_server import NEWS_TITLE, PROVINCE_SETUP, SETUP, HttpSession, live_server

NEW_TITLE = "Tỉnh Hải Dương điều chỉnh kế hoạch năm 2026"

PUBLISH_STATE = """
import json
from wagtail.models import Page, PageLogEntry, Revision
page = Page.objects.get(pk=PAGE_ID).specific
print(json.dumps({
    "title": page.title,
    "live": page.live,
    "live_revision": page.live_revision_id,
    "latest_revision": page.latest_revision_id,
    "revisions": Revision.page_revisions.filter(object_id=str(page.pk)).count(),
    "publish_log": PageLogEntry.objects.filter(page=page, action="wagtail.publish").count(),
    "tree_problems": [len(p) for p in Page.find_problems()],
}))
"""


def publish(session, objects):
    page_id = objects["page"]
    status, text = session.request("GET", f"/admin/pages/{page_id}/edit/")
    assert status == 200, text[:500]
    form: dict[str, list[str]] = {}
    for name, value in main_form_fields(text):
        form.setdefault(name, []).append(value)
    for name in form:
        if name in {"title", "title_vi"}:
            form[name] = [NEW_TITLE]
    form["action-publish"] = ["action-publish"]
    return session.request("POST", f"/admin/pages/{page_id}/edit/", form)


def publish_not_seen(server, session):
    status, text = session.request("GET", "/tin-tuc/ke-hoach-2026/")
    assert status == 200
    assert NEWS_TITLE in text and NEW_TITLE not in text


# Two real communes of Cẩm Giàng; Cẩm Hưng, with a published article, is merged into Cẩm Hoàng.
COMMUNE_NEWS = "Xã Cẩm Hưng tổ chức ngày hội đại đoàn kết"
RESTRUCTURE_SETUP = (
    PROVINCE_SETUP
    + f"""
for name, code, parent in [("Huyện Cẩm Giàng", 295, "haiduong.localhost"),
                           ("Xã Cẩm Hưng", 10894, "camgiang.haiduong.localhost"),
                           ("Xã Cẩm Hoàng", 10897, "camgiang.haiduong.localhost")]:
    call_command("provision_portal", name=name, code=code, parent_host=parent)
cam_hung = PortalPage.objects.get(unit_code=10894)
news = SectionPage.objects.get(owner_portal=cam_hung, kind="news", depth=cam_hung.depth + 1)
article = news.add_child(instance=NewsPage(title={COMMUNE_NEWS!r}, slug="ngay-hoi"))
article.save_revision().publish()
print(json.dumps({{"page": article.pk, "portal": cam_hung.pk}}))
"""
)
SOURCE_HOST = "camhung.camgiang.haiduong.localhost"
TARGET_HOST = "camhoang.camgiang.haiduong.localhost"

RESTRUCTURE_STATE = """
import json
from wagtail.contrib.redirects.models import Redirect
from wagtail.models import Page, Site
page = Page.objects.get(pk=PAGE_ID)
print(json.dumps({
    "article_path": page.url_path,
    "article_live": page.live,
    "portal_exists": Page.objects.filter(pk=PORTAL_ID).exists(),
    "sites": sorted(Site.objects.values_list("hostname", flat=True)),
    "pages": Page.objects.count(),
    "redirects": Redirect.objects.count(),
    "tree_problems": [len(p) for p in Page.find_problems()],
}))
"""


def restructure(session, objects):
    form = {"operation": "merge", "portals": SOURCE_HOST, "target": TARGET_HOST}
    status, text = session.request("POST", "/admin/tai-cau-truc/", form)
    assert status == 200, text[:500]
    fingerprint = re.search(r'name="fingerprint" value="([0-9a-f]+)"', text).group(1)
    return session.request(
        "POST", "/admin/tai-cau-truc/", {**form, "confirm": "1", "fingerprint": fingerprint}
    )


def restructure_not_seen(server, session):
    commune = HttpSession(server.port, host=SOURCE_HOST)
    status, text = commune.request("GET", "/tin-tuc/ngay-hoi/")
    assert status == 200, "the merged commune's article must still be where it was"
    assert COMMUNE_NEWS in text


@dataclass
class FaultCase:
    name: str
    setup: str
    state: str
    act: Callable
    old_state_seen: Callable

    def state_script(self, objects) -> str:
        return self.state.replace("PAGE_ID", str(objects["page"])).replace(
            "PORTAL_ID", str(objects.get("portal"))
        )


FAULT_CASES = [
    FaultCase("publish", SETUP, PUBLISH_STATE, publish, publish_not_seen),
    FaultCase(
        "restructure", RESTRUCTURE_SETUP, RESTRUCTURE_STATE, restructure, restructure_not_seen
    ),
]


@pytest.mark.parametrize("case", FAULT_CASES, ids=lambda case: case.name)
def test_worker_killed_inside_the_transaction_leaves_the_old_state(tmp_path, case):
    marker = tmp_path / "inside-transaction.pid"
    with live_server(tmp_path, setup=case.setup, PORTALS_FAULT_MARKER=str(marker)) as server:
        before = server.shell_json(case.state_script(server.objects))
        server.start("--config", str(Path(__file__).with_name("gunicorn_fault.py")))
        session = HttpSession(server.port)
        session.sign_in()

        outcome: dict = {}

        def act():
            try:
                outcome["response"] = case.act(session, server.objects)
            except (OSError, http.client.HTTPException) as error:
                outcome["error"] = error

        worker = threading.Thread(target=act)
        worker.start()
        deadline = time.monotonic() + 60
        while not marker.exists() or not marker.read_text():
            assert time.monotonic() < deadline, f"the change never started: {outcome}"
            assert worker.is_alive(), f"the change finished without stalling: {outcome}"
            time.sleep(0.1)
        os.kill(int(marker.read_text()), signal.SIGKILL)
        worker.join(timeout=60)
        assert "error" in outcome, outcome  # the editor's request died with the worker

        # gunicorn starts a new worker; the next request shows the old state, whole.
        server.wait_until_up()
        case.old_state_seen(server, session)
        server.stop()
        after = server.shell_json(case.state_script(server.objects))
    assert after == before, (before, after)
    assert after["tree_problems"] == [0, 0, 0, 0, 0]
