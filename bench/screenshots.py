"""`make screenshots`: the README's pictures of the province, a district and a commune portal, on a
phone (360 px) and a desktop (1280 px), written to docs/screenshots/ as small PNGs.

Serves the demo (news on the three portals shown) with production settings from gunicorn on
127.0.0.1 (a scratch SQLite database, removed at the end; tests/live_server.py) and photographs
the top of each home page in the system Chromium. Colours are reduced to a 128-colour palette
(Pillow) so that the six files stay small in the repository. The language switcher names
Chinese and Korean in their own scripts: install a CJK font first (apt-get install
fonts-noto-cjk) or they show as boxes.
"""

from __future__ import annotations

import io
from pathlib import Path

from project_django import ROOT, setup_django

setup_django(scratch_sqlite=True)

from PIL import Image  # noqa: E402

from tests.live_server import chromium, demo_server  # noqa: E402

OUTPUT = ROOT / "docs" / "screenshots"
VIEWPORTS = {"phone": (360, 740), "desktop": (1280, 860)}


def small_png(png: bytes, target: Path) -> int:
    picture = Image.open(io.BytesIO(png)).convert("RGB")
    picture.quantize(colors=128, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE).save(
        target, optimize=True
    )
    return target.stat().st_size


def main() -> None:
    OUTPUT.mkdir(parents=True, exist_ok=True)
    with demo_server() as server, chromium() as browser:
        for device, (width, height) in VIEWPORTS.items():
            context = browser.new_context(
                viewport={"width": width, "height": height},
                device_scale_factor=1,
                is_mobile=device == "phone",
                has_touch=device == "phone",
            )
            page = context.new_page()
            for portal, pages in server.objects.items():
                page.goto(server.url("/", host=pages["host"]), wait_until="networkidle")
                target = OUTPUT / f"{portal}-{device}.png"
                size = small_png(page.screenshot(), target)
                print(f"{target.relative_to(ROOT)}: {size // 1024} KB")
            context.close()


if __name__ == "__main__":
    main()
