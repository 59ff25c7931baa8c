"""`manage.py check_restore --dump FILE [--media FILE]`: prove a backup can be restored."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from cms.backups import restore_and_check


class Command(BaseCommand):
    help = (
        "Restore a PostgreSQL dump (pg_dump --format=custom) into a scratch database and the "
        "media archive into a scratch folder, check what came back, then drop both."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dump", required=True, type=Path, help="pg_dump custom-format file")
        parser.add_argument("--media", type=Path, help="tar archive of MEDIA_ROOT")
        parser.add_argument(
            "--compare-live",
            action="store_true",
            help="fail when the restored counts differ from the live database's",
        )
        parser.add_argument(
            "--keep", action="store_true", help="keep the scratch database for inspection"
        )

    def handle(self, *args, dump, media, compare_live, keep, **options):
        for path in filter(None, (dump, media)):
            if not path.is_file():
                raise CommandError(_("No such file: %(path)s") % {"path": path})
        try:
            report, database = restore_and_check(dump, media, compare_live=compare_live, keep=keep)
        except RuntimeError as error:
            raise CommandError(str(error)) from error
        for name, count in report.counts.items():
            live = report.live_counts.get(name)
            suffix = f" (live: {live})" if live is not None else ""
            self.stdout.write(f"{name}: {count}{suffix}")
        if media:
            self.stdout.write(f"media files checked: {report.media_files_checked}")
        if keep:
            self.stdout.write(f"scratch database kept: {database}")
        if not report.ok:
            for problem in report.problems:
                self.stderr.write(f"PROBLEM: {problem}")
            raise CommandError(_("The backup did not restore cleanly."))
        self.stdout.write(self.style.SUCCESS(_("The backup restores cleanly.")))
