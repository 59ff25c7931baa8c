"""`manage.py apply_reform --province 30`: replay the 2025 two-level reform on a province."""

from django.conf import settings
from django.core.management.base import CommandError

from sites.management.commands._restructuring import RestructuringCommand
from sites.restructuring import plan_reform, read_reform_data

UNITS = settings.BASE_DIR / "fixtures" / "units"


class Command(RestructuringCommand):
    help = (
        "Turn a 3-level province into its place in the 2-level tree of July 2025: new commune "
        "portals, old communes merged into them, districts and the old province merged into the "
        "new province, every old URL redirected."
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--province", type=int, required=True, help="Old province code.")
        parser.add_argument(
            "--conversion",
            default=str(UNITS / "vn-units-2025-conversion.json"),
            help="Conversion table (old commune → new communes).",
        )
        parser.add_argument(
            "--units",
            default=str(UNITS / "vn-units-2level-2025.json"),
            help="The 2-level list of units (names and codes).",
        )
        parser.add_argument(
            "--successor",
            action="append",
            default=[],
            metavar="OLD=NEW",
            help="For a commune split between several new ones: which one gets its content "
            "(default: the first in the table); for a commune the table lacks (merged before "
            "the reform): the new commune of the province that takes it over. Repeatable.",
        )

    def plan(self, *, province, conversion, units, successor, **options):
        chosen = {}
        for item in successor:
            old, _sep, new = item.partition("=")
            if not (old.isdigit() and new.isdigit()):
                raise CommandError(f"--successor takes OLD=NEW codes, not {item!r}.")
            chosen[int(old)] = int(new)
        try:
            rows, provinces = read_reform_data(conversion, units)
        except (OSError, ValueError) as error:
            raise CommandError(str(error)) from error
        return plan_reform(province, rows, provinces, successors=chosen)
