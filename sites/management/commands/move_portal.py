"""`manage.py move_portal PORTAL --to PARENT`: move a portal (and its subtree) under another."""

from sites.management.commands._restructuring import RestructuringCommand
from sites.restructuring import find_portal, plan_move


class Command(RestructuringCommand):
    help = "Move a portal and the portals below it under another parent; old hosts redirect."

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("portal", help="Host of the portal (or level:code).")
        parser.add_argument("--to", required=True, help="Host of the new parent portal.")

    def plan(self, *, portal, to, **options):
        return plan_move(find_portal(portal), find_portal(to))
