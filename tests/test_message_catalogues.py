"""The admin and the portals speak Vietnamese: the .po files are up to date with the code.

If this fails after you added or changed a string: run `make translations`, translate the new
entries of locale/vi/LC_MESSAGES/django.po (and of the other languages where citizens see them),
and commit the .po files. `make messages` (run by `make test` and `make run`) compiles them.
"""

import os
import shutil

import polib
import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings

from cms.management.commands.update_messages import catalogue_locales

LOCALE = settings.BASE_DIR / "locale"


def _msgids(path):
    return {
        (entry.msgctxt, entry.msgid, entry.msgid_plural or None)
        for entry in polib.pofile(str(path))
        if not entry.obsolete
    }


@pytest.fixture(scope="module")
def regenerated(tmp_path_factory):
    """The catalogues as `make translations` would write them now, in a copy of the sources
    (makemessages always writes into the `locale/` folder beside the files it scans)."""
    copy = tmp_path_factory.mktemp("sources")
    shutil.copytree(
        settings.BASE_DIR,
        copy,
        dirs_exist_ok=True,
        ignore=shutil.ignore_patterns(
            ".*", "media", "fixtures", "static_collected", "node_modules", "db.sqlite3*", "*.mo"
        ),
    )
    cwd = os.getcwd()
    os.chdir(copy)
    try:
        with override_settings(LOCALE_PATHS=[copy / "locale"]):
            call_command("update_messages", verbosity=0)
    finally:
        os.chdir(cwd)
    return copy / "locale"


@pytest.mark.parametrize("locale", catalogue_locales())
def test_po_file_has_exactly_the_strings_of_the_code(regenerated, locale):
    committed = LOCALE / locale / "LC_MESSAGES" / "django.po"
    assert committed.exists(), f"locale/{locale} is missing: run `make translations`"
    fresh = regenerated / locale / "LC_MESSAGES" / "django.po"
    missing = _msgids(fresh) - _msgids(committed)
    stale = _msgids(committed) - _msgids(fresh)
    assert not missing, f"strings not in locale/{locale} (run `make translations`): {missing}"
    assert not stale, f"strings no longer in the code (run `make translations`): {stale}"


def test_every_string_is_translated_into_vietnamese():
    catalogue = polib.pofile(str(LOCALE / "vi" / "LC_MESSAGES" / "django.po"))
    untranslated = [e.msgid for e in catalogue.untranslated_entries()]
    fuzzy = [e.msgid for e in catalogue.fuzzy_entries()]
    assert not untranslated, f"translate into Vietnamese in locale/vi: {untranslated}"
    assert not fuzzy, f"check the fuzzy translations in locale/vi: {fuzzy}"


# BRIEF.md, "Words citizens see".
CITIZEN_WORDS = {
    "Home": "Trang chủ",
    "News and events": "Tin tức – Sự kiện",
    "Announcements": "Thông báo",
}


def test_citizens_see_the_briefs_vietnamese_words(hai_duong, province_client):
    html = province_client.get("/").content.decode()
    for vietnamese in CITIZEN_WORDS.values():
        assert vietnamese in html
    assert "Trang Chủ" not in html  # Django's own capitalisation
    english = province_client.get("/en/").content.decode()
    for word in CITIZEN_WORDS:
        assert word in english
