"""`manage.py retire_portal PORTAL --successor OTHER [--mode archive|redirect]`."""

from sites.management.commands._restructuring import RestructuringCommand
from sites.restructuring import find_portal, plan_retire


class Command(RestructuringCommand):
    help = (
        "Retire a portal: a read-only archive on its host with a banner pointing to its "
        "successor, or its pages unpublished and every URL redirected to the successor."
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("portal", help="Host of the retired portal.")
        parser.add_argument("--successor", required=True, help="Host of the successor portal.")
        parser.add_argument("--mode", choices=("archive", "redirect"), default="redirect")

    def plan(self, *, portal, successor, mode, **options):
        return plan_retire(find_portal(portal), find_portal(successor), mode)
