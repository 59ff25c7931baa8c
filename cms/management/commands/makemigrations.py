"""`makemigrations` that files translated columns of Wagtail's page table under `cms`.

See `cms.page_translation_columns` for why.
"""

from django.core.management.commands.makemigrations import Command as DjangoMakemigrationsCommand

from cms.page_translation_columns import PageTranslationAutodetector


class Command(DjangoMakemigrationsCommand):
    autodetector = PageTranslationAutodetector
