"""Reference data every install needs: levels and section blueprints (fixtures/*.json).

Loading creates what is missing and leaves existing rows alone, so corrections an admin made in
the admin (blueprint titles, which sections are mandatory) survive every later load.
"""

import json

from django.conf import settings
from django.db import transaction
from wagtail.models import Page, Site

from sites.models import Level, SectionBlueprint

FIXTURES = settings.BASE_DIR / "fixtures"


def _read(name: str):
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


@transaction.atomic
def load_reference_data() -> None:
    for level in _read("levels.json"):
        Level.objects.get_or_create(
            code=level["code"],
            defaults={
                "rank": level["rank"],
                "name": level["name"]["vi"],
                "name_vi": level["name"]["vi"],
                "name_en": level["name"]["en"],
                "unit_types": level["unit_types"],
            },
        )
    for blueprint in _read("blueprints.json"):
        SectionBlueprint.objects.get_or_create(
            level_id=blueprint["level"],
            kind=blueprint["kind"],
            defaults={
                "slug": blueprint["slug"],
                "title": blueprint["title"]["vi"],
                "title_vi": blueprint["title"]["vi"],
                "title_en": blueprint["title"]["en"],
                "mandatory": blueprint["mandatory"],
                "show_in_menus": blueprint["show_in_menus"],
                "sort_order": blueprint["sort_order"],
            },
        )
    remove_wagtail_welcome_page()


def remove_wagtail_welcome_page() -> None:
    """Wagtail's first migration makes a “Welcome” page and a default site: portals replace them."""
    welcome = Page.objects.filter(
        depth=2, slug="home", content_type__app_label="wagtailcore", content_type__model="page"
    ).first()
    if welcome is not None:
        Site.objects.filter(root_page=welcome).delete()
        welcome.delete()
