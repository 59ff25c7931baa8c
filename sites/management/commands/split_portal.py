"""`manage.py split_portal PORTAL --map KIND=HOST --map '#ID=HOST' …`."""

from sites.management.commands._restructuring import RestructuringCommand
from sites.restructuring import find_portal, plan_split, split_mapping


class Command(RestructuringCommand):
    help = (
        "Move a portal's content to other portals by an explicit mapping: a section kind "
        "(news, announcements, …) or a page id (#123) to the host of the receiving portal."
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("portal", help="Host of the portal whose content is split.")
        parser.add_argument(
            "--map", action="append", required=True, metavar="KIND=HOST", dest="mapping"
        )

    def plan(self, *, portal, mapping, **options):
        return plan_split(find_portal(portal), split_mapping(mapping))
