"""`make loadtest`: a bounded load test of the Hải Dương portals while the province publishes.

A scratch database (SQLite file, or a database on the PostgreSQL server of BENCH_DATABASE_URL)
gets the 220 Hải Dương portals; gunicorn with production settings serves it on 127.0.0.1
(2 workers; the shared Redis cache of BENCH_REDIS_URL, default db 15 of 127.0.0.1). `wrk` reads
the home, news and announcements pages of the province, districts and communes for LOADTEST_SECONDS
(default 30) while a publisher process publishes an announcement for every portal of the province
each PUBLISH_EVERY seconds (default 2). It reports throughput, p50/p99 latency and errors (which
must be 0), then checks that every portal shows the last announcement on the next request.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from http.client import HTTPConnection
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from run import (  # noqa: E402
    PG_SERVER,
    PORT_IN_URLS,
    PYTHON,
    ROOT,
    Gunicorn,
    Scratch,
    _ms,
    production_env,
    remove_cache_keys,
    say,
)

SECONDS = int(os.environ.get("LOADTEST_SECONDS", "30"))
PUBLISH_EVERY = float(os.environ.get("PUBLISH_EVERY", "2"))

SETUP = """
from sites.unit_import import import_units, read_units
from sites.models import PortalPage
from wagtail.models import Site
import_units(read_units("fixtures/units/hai-duong-3level-2024.json"))
for site in Site.objects.filter(root_page__depth__lte=4).order_by("root_page__path")[:40]:
    print("HOST", site.hostname)
"""

PUBLISHER = """
import time, sys
from cms.models import AnnouncementPage, Audience, SectionPage
from sites.models import PortalPage
province = PortalPage.objects.get(level_id="province", unit_code=30)
section = SectionPage.objects.get(owner_portal=province, kind="announcements", depth=3)
number = 0
deadline = time.monotonic() + {seconds}
while time.monotonic() < deadline:
    number += 1
    page = AnnouncementPage(title=f"Thông báo tải thử số {{number}}", slug=f"tai-thu-{{number}}",
                            audience=Audience.SUBTREE)
    section.add_child(instance=page)
    page.save_revision().publish()
    section.refresh_from_db()
    print(number, flush=True)
    time.sleep({every})
"""

LUA = """
paths = {{{paths}}}
counter = 0
request = function()
  counter = counter + 1
  local p = paths[(counter % #paths) + 1]
  return wrk.format("GET", p[2], {{["Host"] = p[1]}})
end
"""


def get(port: int, host: str, path: str) -> tuple[int, str]:
    connection = HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("GET", path, headers={"Host": host})
    response = connection.getresponse()
    body = response.read().decode()
    connection.close()
    return response.status, body


def main() -> None:
    scratch = Scratch()
    try:
        url = scratch.create("loadtest")
        env = production_env(url, scratch.folder / "static", 3600)
        env.update(DJANGO_DEBUG="1")  # the same shared cache as the servers, for the publisher
        say("== scratch database: migrate and import Hải Dương (220 portals)")
        subprocess.run(
            [PYTHON, "manage.py", "migrate", "--verbosity", "0"], env=env, cwd=ROOT, check=True
        )
        setup = subprocess.run(
            [PYTHON, "manage.py", "shell", "-c", SETUP],
            env=env,
            cwd=ROOT,
            check=True,
            capture_output=True,
            text=True,
        )
        hosts = [line.split()[1] for line in setup.stdout.splitlines() if line.startswith("HOST")]
        static_root = scratch.folder / "static"
        production = production_env(url, static_root, 3600)
        subprocess.run(
            [PYTHON, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
            env=production,
            cwd=ROOT,
            check=True,
        )
        targets = [
            (f"{host}:{PORT_IN_URLS}", path)
            for host in hosts
            for path in ("/", "/tin-tuc/", "/thong-bao/")
        ]
        script = scratch.folder / "paths.lua"
        script.write_text(
            LUA.format(paths=", ".join(f'{{"{host}", "{path}"}}' for host, path in targets)),
            encoding="utf-8",
        )
        server = Gunicorn(production)
        try:
            server.wait(*targets[0])
            for host, path in targets:
                get(server.port, host, path)
            say(
                f"== {SECONDS} s of load on {len(targets)} pages of {len(hosts)} portals, "
                f"publishing every {PUBLISH_EVERY} s"
            )
            publisher = subprocess.Popen(
                [
                    PYTHON,
                    "manage.py",
                    "shell",
                    "-c",
                    PUBLISHER.format(seconds=SECONDS - 2, every=PUBLISH_EVERY),
                ],
                env=env,
                cwd=ROOT,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            load = subprocess.run(
                [
                    "wrk",
                    "-t2",
                    "-c16",
                    f"-d{SECONDS}s",
                    "--latency",
                    "--timeout",
                    "10s",
                    "-s",
                    str(script),
                    f"http://127.0.0.1:{server.port}/",
                ],
                capture_output=True,
                text=True,
                timeout=SECONDS + 120,
                check=True,
            )
            out, errors = publisher.communicate(timeout=120)
            if publisher.returncode:
                raise SystemExit("publisher failed: " + errors[-3000:])
            published = int(out.split()[-1]) if out.split() else 0
            time.sleep(0.1)
            stale = []
            for host in hosts:
                status, body = get(server.port, f"{host}:{PORT_IN_URLS}", "/thong-bao/")
                if status != 200 or f"Thông báo tải thử số {published}<" not in body:
                    stale.append(host)
        finally:
            server.stop()
        print(load.stdout)

        rps = float(re.search(r"Requests/sec:\s+([\d.]+)", load.stdout).group(1))
        p50 = _ms(re.search(r"50%\s+([\d.]+\w+)", load.stdout).group(1))
        p99 = _ms(re.search(r"99%\s+([\d.]+\w+)", load.stdout).group(1))
        non_2xx = sum(int(n) for n in re.findall(r"Non-2xx or 3xx responses: (\d+)", load.stdout))
        socket_errors = re.search(r"Socket errors: (.*)", load.stdout)
        if socket_errors and not any(int(n) for n in re.findall(r"\d+", socket_errors.group(1))):
            socket_errors = None
        database = "PostgreSQL" if PG_SERVER else "SQLite"
        print(f"Load test on {database}: {SECONDS} s, {published} publishes at the province")
        print(f"  throughput   {rps:,.1f} req/s")
        print(f"  latency      p50 {p50:.1f} ms, p99 {p99:.1f} ms")
        socket_text = socket_errors.group(1) if socket_errors else "none"
        print(f"  errors       {non_2xx} non-2xx, socket errors: {socket_text}")
        print(f"  stale portals after the last publish: {len(stale)} of {len(hosts)}")
        if non_2xx or socket_errors or stale:
            raise SystemExit(1)
    finally:
        scratch.remove()
        remove_cache_keys()


if __name__ == "__main__":
    main()
