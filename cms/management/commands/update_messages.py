"""`manage.py update_messages` (`make translations`): bring every .po file in locale/ up to date.

Django's makemessages for each install language but English (our msgids are English), with the
project's options: locations by file only (no line numbers, so unrelated edits do not churn the
files), no fuzzy guesses (a new string is empty until someone translates it, which
tests/test_message_catalogues.py reports for Vietnamese) and no obsolete entries. Then translate
the new entries and commit the .po files; `make messages` compiles them.
"""

from django.conf import settings
from django.core.management.commands.makemessages import Command as MakeMessagesCommand
from django.utils.translation import to_locale

IGNORE_PATTERNS = [".venv", "tests", "bench", "media", "static_collected", "node_modules", "build"]


def catalogue_locales() -> list[str]:
    return [to_locale(code) for code, _name in settings.LANGUAGES if code != "en"]


class Command(MakeMessagesCommand):
    help = "Update locale/<lang>/LC_MESSAGES/django.po from the code and templates."
    msgmerge_options = [*MakeMessagesCommand.msgmerge_options, "--no-fuzzy-matching"]

    def handle(self, *args, **options):
        options.update(
            locale=catalogue_locales(),
            ignore_patterns=IGNORE_PATTERNS,
            add_location="file",
            no_obsolete=True,
        )
        return super().handle(*args, **options)
