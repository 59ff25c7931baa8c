"""Two app servers sharing one database and one Redis: a publish made anywhere is seen by both on
their very next request, although both had the page in the cache (README, "Performance and
scaling"). Real processes: two gunicorn servers on free ports of 127.0.0.1, a scratch SQLite file,
a Redis database of its own key prefix."""

import os
import socket
import subprocess
import sys
import time
import uuid
from http.client import HTTPConnection
from pathlib import Path

import pytest
from django.conf import settings

from cms.page_cache import HIT_HEADER

REDIS_URL = os.environ.get("PAGE_CACHE_TEST_REDIS_URL", "redis://127.0.0.1:6379/13")
COMMUNE_HOST = "dongtao.khoaichau.hungyen.localhost:8000"  # real units of Hưng Yên

SETUP = """
from sites.unit_import import Unit, import_units
import_units([Unit("province", 33, "Tỉnh Hưng Yên", [
    Unit("district", 330, "Huyện Khoái Châu", [Unit("commune", 12208, "Xã Đông Tảo")]),
])])
"""

PUBLISH = """
from cms.models import AnnouncementPage, Audience, SectionPage
from sites.models import PortalPage
province = PortalPage.objects.get(level_id="province", unit_code=33)
section = SectionPage.objects.get(owner_portal=province, kind="announcements", depth=3)
page = AnnouncementPage(title="Thông báo của tỉnh gửi mọi xã", slug="thong-bao-moi-xa",
                        audience=Audience.SUBTREE)
section.add_child(instance=page)
page.save_revision().publish()
"""


def _redis_available() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1):
            return True
    except OSError:
        return False


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(port: int, path: str):
    connection = HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("GET", path, headers={"Host": COMMUNE_HOST})
    response = connection.getresponse()
    body = response.read().decode()
    connection.close()
    return response.status, response.getheader(HIT_HEADER), body


def _wait_until_up(port: int, process) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError("gunicorn exited: " + process.stderr.read().decode()[-2000:])
        try:
            _get(port, "/")
            return
        except OSError:
            time.sleep(0.3)
    raise AssertionError("gunicorn did not start")


@pytest.mark.skipif(not _redis_available(), reason="needs the Redis server on 127.0.0.1:6379")
def test_a_publish_is_seen_by_every_app_server_on_the_next_request(tmp_path: Path):
    env = {
        **os.environ,
        "DJANGO_DEBUG": "1",
        "PORTALS_BASE_DOMAIN": "localhost",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "REDIS_URL": REDIS_URL,
        "CACHE_KEY_PREFIX": f"test-{uuid.uuid4().hex}",
    }
    manage = [sys.executable, str(settings.BASE_DIR / "manage.py")]
    run = {"env": env, "cwd": settings.BASE_DIR, "check": True, "capture_output": True}
    subprocess.run([*manage, "migrate", "--verbosity", "0"], **run, timeout=300)
    subprocess.run([*manage, "shell", "-c", SETUP], **run, timeout=120)

    ports = [_free_port(), _free_port()]
    servers = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "cms.wsgi",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "1",
            ],
            env=env,
            cwd=settings.BASE_DIR,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        for port in ports
    ]
    try:
        for port, server in zip(ports, servers, strict=True):
            _wait_until_up(port, server)
        for port in ports:
            _get(port, "/thong-bao/")
            status, cache_state, body = _get(port, "/thong-bao/")
            assert (status, cache_state) == (200, "hit")
            assert "Thông báo của tỉnh gửi mọi xã" not in body

        subprocess.run([*manage, "shell", "-c", PUBLISH], **run, timeout=120)

        # The first server renders the page afresh and stores it; the second is then served the
        # fresh page from the shared cache.
        for port, expected_state in zip(ports, ("miss", "hit"), strict=True):
            status, cache_state, body = _get(port, "/thong-bao/")
            assert (status, cache_state) == (200, expected_state)
            assert "Thông báo của tỉnh gửi mọi xã" in body
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            server.wait(timeout=30)
