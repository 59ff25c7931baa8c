"""`manage.py import_units FILE`: build or update the portal tree from a units file."""

import time

from django.core.management.base import BaseCommand, CommandError

from sites.unit_import import import_units, read_units


class Command(BaseCommand):
    help = (
        "Build or update portals from a file of administrative units (one province or the whole "
        "country, 3-level or 2-level). Re-running it changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="e.g. fixtures/units/hai-duong-3level-2024.json")
        parser.add_argument(
            "--province", type=int, action="append", help="Only the province(s) with this code."
        )

    def handle(self, *args, path, province=None, **options):
        try:
            provinces = read_units(path)
        except (OSError, ValueError, KeyError) as error:
            raise CommandError(f"Cannot read units from {path}: {error}") from error
        if province:
            provinces = [p for p in provinces if p.code in set(province)]
            if not provinces:
                raise CommandError(f"No province with code {province} in {path}.")
        started = time.monotonic()
        summary = import_units(provinces, progress=self.stdout.write)
        self.stdout.write(self.style.SUCCESS(f"{summary} in {time.monotonic() - started:.1f} s."))
