"""Instructions per request, counted by valgrind's callgrind: a figure the machine's load does
not move, beside the req/s of `wrk`, which on a shared 2-core machine moves by a third from one
round to the next.

`count()` (called by bench/run.py) runs this file under `valgrind --tool=callgrind
--instr-atstart=no` with the environment of a server: the WSGI application answers `WARM`
requests uninstrumented (imports, connections, compiled templates), then the script switches
counting on (`callgrind_control -i on`) and answers `repeat` more. Counted: the Python process
alone (its share of the database's work included for SQLite, which runs inside it; not the
kernel's, not Redis's or PostgreSQL's).

Usage (by `count`): python bench/instructions.py HOST PATH REPEAT
"""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WARM = 20


def available() -> bool:
    return bool(shutil.which("valgrind") and shutil.which("callgrind_control"))


def count(env: dict, host: str, path: str, repeat: int = 30) -> float:
    """Instructions per request of `path` on `host`, served by the WSGI application of `env`'s
    DJANGO_SETTINGS_MODULE."""
    with tempfile.TemporaryDirectory() as folder:
        result = subprocess.run(
            [
                "valgrind",
                "--tool=callgrind",
                "--instr-atstart=no",
                f"--callgrind-out-file={folder}/callgrind.out",
                sys.executable,
                str(Path(__file__).resolve()),
                host,
                path,
                str(repeat),
            ],
            env={**env, "PYTHONPATH": str(ROOT)},
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=1200,
        )
    collected = re.search(r"Collected : (\d+)", result.stderr)
    if result.returncode or collected is None:
        raise SystemExit(f"callgrind of {host}{path} failed:\n{result.stderr[-3000:]}")
    return int(collected.group(1)) / repeat


def _serve(host: str, path: str, repeat: int) -> None:
    from django.core.wsgi import get_wsgi_application

    application = get_wsgi_application()

    def request() -> None:
        environ = {
            "REQUEST_METHOD": "GET",
            "PATH_INFO": path,
            "QUERY_STRING": "",
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "8000",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "HTTP_HOST": host,
            "REMOTE_ADDR": "127.0.0.1",
            "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(b""),
            "wsgi.errors": sys.stderr,
        }
        status = []
        response = application(environ, lambda code, headers, exc_info=None: status.append(code))
        b"".join(response)
        response.close()
        if not status[0].startswith("200"):
            raise SystemExit(f"{host}{path} answered {status[0]}")

    for _ in range(WARM):
        request()
    subprocess.run(
        ["callgrind_control", "-i", "on", str(os.getpid())], check=True, capture_output=True
    )
    for _ in range(repeat):
        request()


if __name__ == "__main__":
    _serve(sys.argv[1], sys.argv[2], int(sys.argv[3]))
