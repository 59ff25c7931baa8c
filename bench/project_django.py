"""The project's Django for a bench script run as `python bench/<script>.py` (bench/ is then on
sys.path, the project's root is not)."""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def setup_django(*, scratch_sqlite: bool = False) -> None:
    """`cms.settings` (the database of DATABASE_URL); with `scratch_sqlite`, for the demo served
    by tests/live_server.py: always a scratch SQLite database, development defaults."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings")
    if scratch_sqlite:
        os.environ.setdefault("DJANGO_DEBUG", "1")
        os.environ.pop("DATABASE_URL", None)
    import django

    django.setup()
