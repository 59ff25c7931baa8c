"""`migrate` with the same autodetector as `makemigrations` (Django requires them to match)."""

from django.core.management.commands.migrate import Command as DjangoMigrateCommand

from cms.page_translation_columns import PageTranslationAutodetector


class Command(DjangoMigrateCommand):
    autodetector = PageTranslationAutodetector
