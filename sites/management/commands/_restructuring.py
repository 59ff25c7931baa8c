"""What every restructuring command shares: print the plan, then apply it unless --dry-run."""

from django.core.management.base import BaseCommand, CommandError

from sites.restructuring import Plan, RestructuringError, apply


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
            self.stdout.write("Dry run: nothing changed.")
            return
        try:
            done = apply(plan, progress=self.stdout.write)
        except RestructuringError as error:
            raise CommandError(f"{error} Nothing changed.") from error
        self.stdout.write(
            self.style.SUCCESS("Done: " + ", ".join(f"{k} {v}" for k, v in done.items()))
        )
