"""`make lighthouse`: Lighthouse mobile scores of citizen pages (README, "The citizen's portal").

Serves the demo (news on the province, Cẩm Giàng and Cẩm Hưng) with production settings from
gunicorn on 127.0.0.1 (a scratch SQLite database, removed at the end; tests/live_server.py),
then runs the npm package `lighthouse` (node_modules/, `npm ci`) with the system Chromium on the
home page, news listing, an article and the legal documents of each of the three portals, and
prints performance, accessibility, best practices and SEO per page and the lowest of each, with
the page's total transfer size ("KB", Lighthouse's total-byte-weight). Reports
go to reports/lighthouse/ (JSON, one per page). A report, not a test: scores depend on the
machine's load (performance especially).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from project_django import ROOT, setup_django

setup_django(scratch_sqlite=True)

from tests.live_server import CHROMIUM, demo_server  # noqa: E402

LIGHTHOUSE = ROOT / "node_modules" / ".bin" / "lighthouse"
REPORTS = ROOT / "reports" / "lighthouse"
PAGES = ("home", "news", "article", "documents")
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")


def lighthouse(url: str, report: Path, attempts: int = 3) -> dict[str, int]:
    # Lighthouse now and then fails to record a trace (NO_NAVSTART) on a busy machine: try again.
    for attempt in range(1, attempts + 1):
        run = subprocess.run(
            [
                str(LIGHTHOUSE),
                url,
                "--quiet",
                "--output=json",
                f"--output-path={report}",
                f"--only-categories={','.join(CATEGORIES)}",
                "--chrome-flags=--headless=new --no-sandbox --disable-gpu",
            ],
            env={**os.environ, "CHROME_PATH": str(CHROMIUM)},
            timeout=300,
        )
        if run.returncode == 0:
            break
        if attempt == attempts:
            raise SystemExit(f"lighthouse failed {attempts} times on {url}")
    data = json.loads(report.read_text(encoding="utf-8"))
    failing = [
        audit["id"]
        for audit in data["audits"].values()
        if audit.get("score") is not None
        and audit["score"] < 1
        and audit.get("scoreDisplayMode") in ("binary", "numeric", "metricSavings")
    ]
    if failing:
        print(f"    below 1: {', '.join(sorted(failing))}", file=sys.stderr)
    scores = {name: round(data["categories"][name]["score"] * 100) for name in CATEGORIES}
    return scores | {"KB": round(data["audits"]["total-byte-weight"]["numericValue"] / 1024)}


def main() -> None:
    if not LIGHTHOUSE.exists():
        raise SystemExit("lighthouse is not installed: run `npm ci` (make lighthouse does)")
    REPORTS.mkdir(parents=True, exist_ok=True)
    scores: dict[str, dict[str, int]] = {}
    with demo_server() as server:
        for portal, pages in server.objects.items():
            for page in PAGES:
                url = server.url(pages[page], host=pages["host"])
                print(f"{portal} {page}: {url}", file=sys.stderr, flush=True)
                scores[f"{portal} {page}"] = lighthouse(url, REPORTS / f"{portal}-{page}.json")
    columns = (*CATEGORIES, "KB")
    summary = "lowest score, heaviest page"
    width = max(len(name) for name in [*scores, summary])
    print(f"{'page':<{width}}  " + "  ".join(f"{name:>14}" for name in columns))
    for name, row in scores.items():
        print(f"{name:<{width}}  " + "  ".join(f"{row[c]:>14}" for c in columns))
    lowest = {c: min(row[c] for row in scores.values()) for c in CATEGORIES}
    heaviest = max(row["KB"] for row in scores.values())
    print(
        f"{summary:<{width}}  "
        + "  ".join(f"{lowest[c]:>14}" for c in CATEGORIES)
        + f"  {heaviest:>14}"
    )


if __name__ == "__main__":
    main()
