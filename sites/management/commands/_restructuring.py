"""What every restructuring command shares: print the plan, then apply it unless --dry-run."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from sites.restructuring import Plan, RestructuringError, apply, counts_text


class RestructuringCommand(BaseCommand):
    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Print what would happen; change nothing."
        )
        parser.add_argument(
            "--summary",
            action="store_true",
            help="One line per portal instead of one per page, redirect and user.",
        )

    def plan(self, **options) -> Plan:
        raise NotImplementedError

    def handle(self, *args, dry_run=False, summary=False, **options):
        try:
            plan = self.plan(**options)
        except RestructuringError as error:
            raise CommandError(str(error)) from error
        for line in plan.lines(detail=not summary):
            self.stdout.write(line)
        if dry_run:
            self.stdout.write(_("Dry run: nothing changed."))
            return
        try:
            done = apply(plan, progress=self.stdout.write)
        except RestructuringError as error:
            raise CommandError(_("%(error)s Nothing changed.") % {"error": error}) from error
        self.stdout.write(
            self.style.SUCCESS(_("Done: %(counts)s.") % {"counts": counts_text(done)})
        )
