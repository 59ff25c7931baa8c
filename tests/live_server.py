"""A real gunicorn serving a database of its own, for the tests that need a real server: the
fault test (a worker is killed mid-request) and the browser checks (Chromium over HTTP).

The database is outside the test transaction: a scratch PostgreSQL database when the suite runs
on PostgreSQL, a temporary SQLite file otherwise. By default (SETUP) it holds the province of Hải
Dương with its sections, one published news item, one image, one document and an admin account;
DEMO_SETUP loads the demo instead (its 220 portals, news on the three the README shows).

`production=True` serves with production settings (debug off: hashed and compressed static files,
the themed error pages), over plain HTTP on 127.0.0.1, media served by the app.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import secrets
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

import psycopg
import pytest
from django.conf import settings
from django.db import connection

NEWS_TITLE = "Tỉnh Hải Dương triển khai kế hoạch năm 2026"
ADMIN_USER = "quantri"
ADMIN_PASSWORD = "Mật-khẩu-kiểm-thử-2026"
PROVINCE_HOST = "haiduong.localhost"

# The province with its news item, image, document and admin account; SETUP prints their ids.
# A test that needs more portals adds its own lines and prints its own ids.
PROVINCE_SETUP = f"""
import io, json
from django.core.management import call_command
from sites.reference_data import load_reference_data
load_reference_data()
call_command("provision_portal", name="Tỉnh Hải Dương", code=30)
from django.contrib.auth import get_user_model
from django.core.files.images import ImageFile
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image as PILImage
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from cms.models import NewsPage, SectionPage
from sites.models import PortalPage
province = PortalPage.objects.get(unit_code=30)
news = SectionPage.objects.get(owner_portal=province, kind="news", depth=province.depth + 1)
page = news.add_child(instance=NewsPage(title={NEWS_TITLE!r}, slug="ke-hoach-2026",
                                        summary="Kế hoạch phát triển kinh tế – xã hội."))
page.save_revision().publish()
picture = io.BytesIO()
PILImage.new("RGB", (320, 200), (0, 110, 120)).save(picture, "PNG")
image = get_image_model().objects.create(title="Trụ sở UBND tỉnh",
    file=ImageFile(picture, name="tru-so.png"), collection=province.collection)
document = get_document_model().objects.create(title="Kế hoạch 2026",
    file=SimpleUploadedFile("ke-hoach-2026.pdf", b"%PDF-1.4\\n%%EOF\\n"),
    collection=province.collection)
get_user_model().objects.create_superuser({ADMIN_USER!r}, "q@haiduong.gov.vn", {ADMIN_PASSWORD!r})
"""
SETUP = (
    PROVINCE_SETUP
    + """print(json.dumps({"page": page.pk, "section": news.pk, "image": image.pk,
                  "document": document.pk}))
"""
)


# The demo of `make run`, news only on the showcase portals (cms.demo_loader.load_demo). Prints
# the addresses the citizen page checks visit, per portal: home, news listing, an article, the
# legal documents, one of them and a search.
DEMO_SETUP = """
import json
from cms.demo_loader import load_demo, showcase_portals
from cms.models import AnnouncementPage, LegalDocumentPage, NewsPage, SectionPage
from sites.models import PortalPage
load_demo(say=lambda message: None, showcase_only=True)
province = PortalPage.objects.get(level_id="province", unit_code=30)
pages = {}
for portal in showcase_portals(province):
    def section(kind):
        return SectionPage.objects.get(owner_portal=portal, kind=kind, depth=portal.depth + 1)
    article = NewsPage.objects.live().filter(owner_portal=portal).order_by("-date", "pk").first()
    document = LegalDocumentPage.objects.live().filter(owner_portal=portal).order_by("pk").first()
    announcement = (
        AnnouncementPage.objects.live().filter(owner_portal=portal).order_by("pk").first()
        or section("announcements")
    )
    pages[portal.level_id] = {
        "host": portal.get_site().hostname,
        "home": "/",
        "news": section("news").url_path[len(portal.url_path) - 1 :],
        "article": article.url_path[len(portal.url_path) - 1 :],
        "documents": section("documents").url_path[len(portal.url_path) - 1 :],
        "document": document.url_path[len(portal.url_path) - 1 :],
        "search": "/tim-kiem/?q=chuyen+doi+so",
        "announcement": announcement.url_path[len(portal.url_path) - 1 :],
        "contact": section("contact").url_path[len(portal.url_path) - 1 :],
    }
print(json.dumps(pages))
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def scratch_database_url(tmp_path: Path, copy_of: str | None = None):
    """A database of its own, empty or a copy of the one at the URL `copy_of`."""
    if connection.vendor == "postgresql":
        db = connection.settings_dict
        name = f"hardening_live_{secrets.token_hex(4)}"
        params = {"host": db["HOST"] or "localhost", "port": db["PORT"] or 5432}
        if db["USER"]:
            params["user"] = db["USER"]
        if db["PASSWORD"]:
            params["password"] = db["PASSWORD"]
        with psycopg.connect(dbname="postgres", autocommit=True, **params) as admin:
            if copy_of:
                # A template must have no session open: the source's gunicorn keeps idle ones
                # (CONN_MAX_AGE), closed here; its health checks reconnect on the next request.
                source = copy_of.rsplit("/", 1)[1]
                admin.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                    " WHERE datname = %s AND pid <> pg_backend_pid()",
                    [source],
                )
                admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{source}"')
            else:
                admin.execute(f'CREATE DATABASE "{name}"')
        auth = f"{db['USER']}:{db['PASSWORD']}@" if db["PASSWORD"] else f"{db['USER']}@"
        try:
            yield f"postgres://{auth}{params['host']}:{params['port']}/{name}"
        finally:
            with psycopg.connect(dbname="postgres", autocommit=True, **params) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    else:
        path = tmp_path / "live.sqlite3"
        if copy_of:
            # SQLite's backup API: a consistent copy even while the source is being read.
            with (
                contextlib.closing(sqlite3.connect(copy_of.removeprefix("sqlite:///"))) as source,
                contextlib.closing(sqlite3.connect(path)) as copy,
            ):
                source.backup(copy)
        yield f"sqlite:///{path}"


@dataclass
class LiveServer:
    env: dict
    port: int
    objects: dict = field(default_factory=dict)
    process: subprocess.Popen | None = None

    def manage(self, *args) -> str:
        result = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=settings.BASE_DIR,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=900,
        )
        assert result.returncode == 0, result.stdout + result.stderr
        return result.stdout

    def shell_json(self, code: str, *args) -> dict:
        out = (
            self.manage("shell", "-c", code, "--", *args)
            if args
            else self.manage("shell", "-c", code)
        )
        return json.loads(out.strip().splitlines()[-1])

    def url(self, path: str = "/", host: str = PROVINCE_HOST) -> str:
        return f"http://{host}:{self.port}{path}"

    def start(self, *gunicorn_args: str) -> None:
        self.process = subprocess.Popen(  # noqa: S603 - our own gunicorn, fixed arguments
            [
                str(Path(sys.executable).with_name("gunicorn")),
                "cms.wsgi:application",
                "--bind",
                f"127.0.0.1:{self.port}",
                *gunicorn_args,
            ],
            cwd=settings.BASE_DIR,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self.wait_until_up()

    def wait_until_up(self, timeout: float = 90) -> None:
        deadline = time.monotonic() + timeout
        while True:
            try:
                status, _ = HttpSession(self.port).request("GET", "/admin/account/login/")
                if status == 200:
                    return
            except OSError:
                pass
            assert time.monotonic() < deadline, "gunicorn did not answer"
            time.sleep(0.3)

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


PRODUCTION_ENV = {
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": "live-server-only-not-secret",
    "DJANGO_SECURE_SSL_REDIRECT": "0",
    "DJANGO_HSTS_SECONDS": "0",
    "PORTALS_SERVE_MEDIA": "1",
    "DJANGO_LOG_LEVEL": "ERROR",
}


@contextmanager
def live_server(tmp_path: Path, setup: str = SETUP, production: bool = False, **extra_env):
    """A prepared database and the environment to serve it; `start()` launches gunicorn."""
    port = free_port()
    with scratch_database_url(tmp_path) as database_url:
        env = {
            **os.environ,
            "DJANGO_DEBUG": "1",
            "DATABASE_URL": database_url,
            "PORTALS_BASE_DOMAIN": "localhost",
            "PORTALS_PORT": str(port),
            "MEDIA_ROOT": str(tmp_path / "media"),
            **(PRODUCTION_ENV | {"STATIC_ROOT": str(tmp_path / "static")} if production else {}),
            **extra_env,
        }
        env.pop("REDIS_URL", None)
        server = LiveServer(env=env, port=port)
        server.manage("migrate", "--verbosity", "0")
        if production:
            server.manage("collectstatic", "--noinput", "--verbosity", "0")
        server.objects = server.shell_json(setup)
        try:
            yield server
        finally:
            server.stop()


@contextmanager
def demo_server(folder: Path | None = None):
    """The demo (DEMO_SETUP) served by gunicorn with production settings: the citizen page
    checks, `make lighthouse` and `make screenshots`. A temporary folder unless one is given."""
    with contextlib.ExitStack() as stack:
        if folder is None:
            folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="portals-demo-")))
        server = stack.enter_context(live_server(folder, setup=DEMO_SETUP, production=True))
        server.start("--workers", "2")
        yield server


@contextmanager
def copy_of(source: LiveServer, tmp_path: Path):
    """A server of its own on a copy of `source`'s database and media, for a test that changes
    what it serves: the demo is loaded once per session (`demo_site`), each such test writes on
    its own copy. `start()` launches gunicorn."""
    port = free_port()
    with scratch_database_url(tmp_path, copy_of=source.env["DATABASE_URL"]) as database_url:
        shutil.copytree(source.env["MEDIA_ROOT"], tmp_path / "media")
        # The sites were created for the source's port: they answer on the copy's (plain SQL,
        # quicker than starting Django for it).
        if database_url.startswith("sqlite:///"):
            with contextlib.closing(sqlite3.connect(database_url[len("sqlite:///") :])) as db:
                db.execute("UPDATE wagtailcore_site SET port = ?", [port])
                db.commit()
        else:
            with psycopg.connect(database_url, autocommit=True) as db:
                db.execute("UPDATE wagtailcore_site SET port = %s", [port])
        env = {
            **source.env,
            "DATABASE_URL": database_url,
            "PORTALS_PORT": str(port),
            "MEDIA_ROOT": str(tmp_path / "media"),
        }
        server = LiveServer(env=env, port=port, objects=source.objects)
        try:
            yield server
        finally:
            server.stop()


class HttpSession:
    """Just enough of a browser for HTTP-level tests: cookies, a Host header, CSRF tokens."""

    def __init__(self, port: int, host: str = PROVINCE_HOST):
        self.port, self.host, self.cookies = port, host, SimpleCookie()
        self.location: str | None = None

    def request(self, method, path, form=None, timeout=60):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        headers = {"Host": f"{self.host}:{self.port}"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v.value}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            form = {**form, "csrfmiddlewaretoken": self.cookies["csrftoken"].value}
            body = urlencode(form, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        text = response.read().decode("utf-8", "replace")
        for header in response.headers.get_all("Set-Cookie") or []:
            self.cookies.load(header)
        self.location = response.headers.get("Location")  # where the last redirect pointed
        conn.close()
        return response.status, text

    def sign_in(self) -> None:
        status, _ = self.request("GET", "/admin/account/login/")
        assert status == 200
        status, text = self.request(
            "POST",
            "/admin/account/login/",
            {
                "login_view-current_step": "auth",
                "auth-username": ADMIN_USER,
                "auth-password": ADMIN_PASSWORD,
            },
        )
        assert status == 302, text[:500]


CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = Path(settings.BASE_DIR) / "reports" / "browser"
# A test that needs Chromium: reported as skipped, never as passed, when it is missing.
needs_browser = pytest.mark.skipif(
    not CHROMIUM.exists(), reason=f"no browser: {CHROMIUM} is missing, browser checks NOT run"
)
# The marks of a module of browser tests (`-m "not browser"` leaves them out).
BROWSER_TESTS = [pytest.mark.browser, needs_browser]


def screenshot_taker(prefix: str, folder: Path = SCREENSHOTS):
    """`shot(page, step)` for a browser test: a picture of what the browser shows now, saved as
    `<folder>/<prefix><step>.png` (CI keeps reports/ as artifacts)."""

    def shot(page, step: str) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(folder / f"{prefix}{step}.png"))

    return shot


@contextmanager
def chromium():
    """The system Chromium driven by Playwright (`.ci/run` installs it when missing)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
        try:
            yield browser
        finally:
            browser.close()


def sign_in(page, server: LiveServer, username: str, password: str) -> None:
    """Sign in to the admin in the browser, as a person does, from the sign-in page."""
    page.goto(server.url("/admin/account/login/"))
    page.fill("input[name='auth-username']", username)
    page.fill("input[name='auth-password']", password)
    page.click("button[type=submit].btn-primary")
