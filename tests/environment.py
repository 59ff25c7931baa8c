"""Loaded by pytest before Django (`-p tests.environment` in pyproject.toml): the test settings.

Tests run with the development settings (DEBUG on, local-memory cache) unless the environment says
otherwise; CI sets DATABASE_URL (PostgreSQL) and REDIS_URL for its second run.
"""

import os

os.environ.setdefault("DJANGO_DEBUG", "1")
os.environ.setdefault("PORTALS_BASE_DOMAIN", "localhost")
