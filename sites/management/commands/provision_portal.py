"""`manage.py provision_portal`: create one portal with its site, groups, collection, workflow
and sections."""

from django.core.management.base import BaseCommand, CommandError
from wagtail.models import Page

from sites.hosts import nfc, unique_sibling_slugs
from sites.models import Level, PortalPage
from sites.provisioning import PortalSpec, provision_portals


class Command(BaseCommand):
    help = "Create a portal for an administrative unit under an existing portal (or at the top)."

    def add_arguments(self, parser):
        parser.add_argument("--name", required=True, help="Official name, e.g. “Xã Cẩm Hưng”.")
        parser.add_argument("--code", required=True, type=int, help="Official unit code.")
        parser.add_argument(
            "--parent-host", help="Host of the parent portal, e.g. camgiang.haiduong.localhost."
        )
        parser.add_argument(
            "--level", help="province, district or commune (default: the level below the parent)."
        )
        parser.add_argument("--slug", help="Host label (default: derived from the name).")

    def handle(self, *args, name, code, parent_host=None, level=None, slug=None, **options):
        parent = None
        if parent_host:
            parent = PortalPage.objects.filter(
                sites_rooted_here__hostname=parent_host,
                sites_rooted_here__retirement__isnull=True,
            ).first()
            if parent is None:
                raise CommandError(f"No portal is served on {parent_host}.")
        if level is None:
            if parent is None:
                level = "province"
            else:
                below = Level.objects.filter(rank__gt=parent.level.rank).order_by("rank").first()
                if below is None:
                    raise CommandError(f"No level below {parent.level.code}.")
                level = below.code
        if not Level.objects.filter(code=level).exists():
            raise CommandError(f"Unknown level {level!r}.")
        name = nfc(name).strip()
        siblings = parent.get_children() if parent else Page.get_first_root_node().get_children()
        taken = set(siblings.values_list("slug", flat=True))
        if slug and slug in taken:
            raise CommandError(f"The slug {slug!r} is already used next to this portal.")
        slug = slug or unique_sibling_slugs([(code, name)], taken)[code]
        [spec] = provision_portals(
            [PortalSpec(level=level, unit_code=code, unit_name=name, slug=slug, parent=parent)]
        )
        portal = spec.portal
        site = portal.sites_rooted_here.get()
        self.stdout.write(self.style.SUCCESS(f"Created {name} at {site.root_url}/"))
