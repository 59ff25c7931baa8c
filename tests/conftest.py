"""Shared fixtures: the real Hải Dương tree, imported once per test session.

Every test runs inside a transaction that is rolled back, so none depends on another's leftovers.
The cache is cleared before each test for the same reason.
"""

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client
from django.utils import translation

from sites.models import PortalPage

UNITS = settings.BASE_DIR / "fixtures" / "units"
HAI_DUONG_FILE = UNITS / "hai-duong-3level-2024.json"

PROVINCE_HOST = "haiduong.localhost"
DISTRICT_HOST = "camgiang.haiduong.localhost"
COMMUNE_HOST = "camhung.camgiang.haiduong.localhost"


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    from sites.unit_import import import_units, read_units

    with django_db_blocker.unblock():
        import_units(read_units(HAI_DUONG_FILE))


@pytest.fixture(autouse=True)
def clear_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def default_language():
    """Each test starts in Vietnamese: a request under `/en/` or `/ko/` leaves its language active
    in the thread, and `page.title = …` writes the active language's column."""
    with translation.override(settings.LANGUAGE_CODE):
        yield


class Portals:
    """The demo's province, one district (Cẩm Giàng) and one of its communes (Cẩm Hưng)."""

    def __init__(self):
        self.province = PortalPage.objects.get(level_id="province", unit_code=30)
        self.district = PortalPage.objects.get(level_id="district", unit_code=295)
        self.commune = PortalPage.objects.get(level_id="commune", unit_code=10894)

    def section(self, portal, kind):
        from cms.models import SectionPage

        return SectionPage.objects.get(owner_portal=portal, kind=kind, depth=portal.depth + 1)


@pytest.fixture
def hai_duong(db):
    return Portals()


def host_client(host: str, **kwargs) -> Client:
    """A test client whose requests go to `host` (port 8000, as in development)."""
    return Client(HTTP_HOST=f"{host}:8000", **kwargs)


@pytest.fixture
def province_client(db):
    return host_client(PROVINCE_HOST)


@pytest.fixture
def district_client(db):
    return host_client(DISTRICT_HOST)


@pytest.fixture
def commune_client(db):
    return host_client(COMMUNE_HOST)


@pytest.fixture(scope="session")
def demo_site(tmp_path_factory):
    """The demo served by gunicorn with production settings (tests/live_server.py), loaded once
    per test session for every browser check that only reads it."""
    from tests.live_server import demo_server

    with demo_server(tmp_path_factory.mktemp("demo-site")) as server:
        yield server
