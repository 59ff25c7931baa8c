"""`manage.py merge_portals SOURCE… --into TARGET`: merge portals into one."""

from sites.management.commands._restructuring import RestructuringCommand
from sites.restructuring import SETTINGS_FIELDS, find_portal, plan_merge


class Command(RestructuringCommand):
    help = (
        "Merge portals into an existing one: content into its matching sections, editors into "
        "its groups, every old URL and host redirected."
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("sources", nargs="+", help="Hosts of the merged portals.")
        parser.add_argument("--into", required=True, help="Host of the receiving portal.")
        parser.add_argument(
            "--keep-setting",
            action="append",
            default=[],
            choices=SETTINGS_FIELDS,
            help="A setting of the merged portal kept on the receiving one when it has none. "
            "Repeatable; the others are dropped.",
        )

    def plan(self, *, sources, into, keep_setting, **options):
        return plan_merge(
            [find_portal(source) for source in sources],
            find_portal(into),
            keep_settings=keep_setting,
        )
