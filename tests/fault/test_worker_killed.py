"""A gunicorn worker killed (SIGKILL) in the middle of a publish leaves the database consistent,
and the next request shows the old state: the publish is one transaction that never committed
(cms/admin_transactions.py).

A real gunicorn serves a database of its own (tests/live_server.py); the test signs in, posts
"Publish" on a news item and kills the worker while it is inside the publish, after the page row
was written (tests/fault/gunicorn_fault.py). Restructuring adds its own case to FAULT_CASES.
"""

from __future__ import annotations

import http.client
import os
import signal
import threading
import time
from pathlib import Path

import pytest

from tests.fuzz.harness import main_form_fields
from tests.live_server import NEWS_TITLE, HttpSession, live_server

NEW_TITLE = "Tỉnh Hải Dương điều chỉnh kế hoạch năm 2026"

STATE = """
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


def publish(session, objects, title):
    page_id = objects["page"]
    status, text = session.request("GET", f"/admin/pages/{page_id}/edit/")
    assert status == 200, text[:500]
    form: dict[str, list[str]] = {}
    for name, value in main_form_fields(text):
        form.setdefault(name, []).append(value)
    for name in form:
        if name in {"title", "title_vi"}:
            form[name] = [title]
    form["action-publish"] = ["action-publish"]
    return session.request("POST", f"/admin/pages/{page_id}/edit/", form)


FAULT_CASES = [publish]


@pytest.mark.parametrize("action", FAULT_CASES, ids=lambda case: case.__name__)
def test_worker_killed_inside_the_transaction_leaves_the_old_state(tmp_path, action):
    marker = tmp_path / "inside-publish.pid"
    with live_server(tmp_path, PORTALS_FAULT_MARKER=str(marker)) as server:
        page_id = server.objects["page"]
        before = server.shell_json(STATE.replace("PAGE_ID", str(page_id)))
        assert before["title"] == NEWS_TITLE and before["live"]
        server.start("--config", str(Path(__file__).with_name("gunicorn_fault.py")))
        session = HttpSession(server.port)
        session.sign_in()

        outcome: dict = {}

        def act():
            try:
                outcome["response"] = action(session, server.objects, NEW_TITLE)
            except (OSError, http.client.HTTPException) as error:
                outcome["error"] = error

        worker = threading.Thread(target=act)
        worker.start()
        deadline = time.monotonic() + 60
        while not marker.exists() or not marker.read_text():
            assert time.monotonic() < deadline, f"the publish never started: {outcome}"
            assert worker.is_alive(), f"the publish finished without stalling: {outcome}"
            time.sleep(0.1)
        os.kill(int(marker.read_text()), signal.SIGKILL)
        worker.join(timeout=60)
        assert "error" in outcome, outcome  # the editor's request died with the worker

        # gunicorn starts a new worker; the next request shows the old state, whole.
        server.wait_until_up()
        status, text = session.request("GET", "/tin-tuc/ke-hoach-2026/")
        assert status == 200
        assert NEWS_TITLE in text and NEW_TITLE not in text
        server.stop()
        after = server.shell_json(STATE.replace("PAGE_ID", str(page_id)))
    assert after == before, (before, after)
    assert after["tree_problems"] == [0, 0, 0, 0, 0]
