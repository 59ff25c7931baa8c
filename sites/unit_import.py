"""Build or update the portal tree from the national list of administrative units.

The files in fixtures/units/ (copied from the General Statistics Office list, see its README) hold
one province or the whole country, in three levels (province → district → commune) or in two
(province → commune, since July 2025). Depth is data: a unit's level is where it sits in the file.

Each province is imported in one transaction. Units already present (same level and official
code, inside the same province) are updated in place (their name), never duplicated, so re-running
an import changes nothing. New units are provisioned in bulk by `sites.provisioning`, except
those whose host a restructuring retired (an older units file imported again after a merge): they
are reported and left out, so that their old addresses keep redirecting. After a bulk import the
database's statistics are refreshed (cms.planner_statistics).
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from wagtail.models import Page, Site

from cms.planner_statistics import refresh_planner_statistics
from sites.hosts import english_unit_name, nfc, strip_unit_type, unique_sibling_slugs
from sites.models import PortalPage
from sites.provisioning import PortalSpec, assign_hostnames, provision_portals
from sites.reference_data import load_reference_data


@dataclass
class Unit:
    level: str
    code: int
    name: str
    children: list[Unit] = field(default_factory=list)

    def walk(self) -> Iterator[Unit]:
        yield self
        for child in self.children:
            yield from child.walk()


@dataclass
class ImportSummary:
    created: int = 0
    renamed: int = 0
    unchanged: int = 0
    provinces: list[str] = field(default_factory=list)
    # Units not created because their host was retired by a restructuring: "name (code): host".
    skipped: list[str] = field(default_factory=list)

    def __str__(self):
        text = (
            f"{len(self.provinces)} province(s): {self.created} portal(s) created, "
            f"{self.renamed} renamed, {self.unchanged} unchanged"
        )
        if self.skipped:
            text += f", {len(self.skipped)} not created (their host was retired)"
        return text


def read_units(path: str | Path) -> list[Unit]:
    """Provinces (with their units) from a units file of one province or of the whole country."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    provinces = data if isinstance(data, list) else [data]
    return [_province(item) for item in provinces]


def _province(item: dict) -> Unit:
    province = Unit("province", int(item["code"]), nfc(item["name"]))
    if "districts" in item:
        for district_item in item["districts"]:
            district = Unit("district", int(district_item["code"]), nfc(district_item["name"]))
            district.children = [
                Unit("commune", int(c["code"]), nfc(c["name"]))
                for c in district_item.get("communes", [])
            ]
            province.children.append(district)
    else:
        province.children = [
            Unit("commune", int(c["code"]), nfc(c["name"])) for c in item.get("communes", [])
        ]
    return province


def import_units(
    provinces: list[Unit], progress: Callable[[str], None] | None = None
) -> ImportSummary:
    say = progress or (lambda message: None)
    load_reference_data()
    summary = ImportSummary()
    for number, province in enumerate(provinces, start=1):
        with transaction.atomic():
            created, renamed, unchanged, skipped = _import_province(province)
        summary.created += created
        summary.renamed += renamed
        summary.unchanged += unchanged
        summary.skipped += skipped
        summary.provinces.append(province.name)
        say(
            f"[{number}/{len(provinces)}] {province.name}: {created} created, "
            f"{renamed} renamed, {unchanged} unchanged"
        )
        if skipped:
            say(
                f"  {len(skipped)} unit(s) not created: their host (or their parent's) was "
                "retired by a restructuring (merged, moved or retired) and still redirects the "
                "old addresses. First: " + "; ".join(skipped[:5])
            )
    if summary.created >= BULK_IMPORT:
        say("Refreshing the database's statistics (ANALYZE)")
        refresh_planner_statistics()
    return summary


# An import of this many portals or more grows the page tables by an order of magnitude or more.
BULK_IMPORT = 100


def _import_province(province: Unit) -> tuple[int, int, int]:
    existing_province = PortalPage.objects.filter(
        level_id="province", unit_code=province.code, depth=2
    ).first()
    existing: dict[tuple[str, int], PortalPage] = {}
    child_slugs: dict[str, set[str]] = defaultdict(set)
    if existing_province is not None:
        existing = {
            (portal.level_id, portal.unit_code): portal
            for portal in PortalPage.objects.filter(path__startswith=existing_province.path)
        }
        for path, slug in Page.objects.filter(path__startswith=existing_province.path).values_list(
            "path", "slug"
        ):
            child_slugs[path[: -Page.steplen]].add(slug)
    root = Page.get_first_root_node()
    child_slugs[root.path] = set(root.get_children().values_list("slug", flat=True))

    specs: list[PortalSpec] = []
    renamed = unchanged = 0

    def visit(unit: Unit, parent: PortalPage | PortalSpec | None, slug: str) -> None:
        nonlocal renamed, unchanged
        portal = existing.get((unit.level, unit.code))
        if portal is not None:
            if _rename(portal, unit.name):
                renamed += 1
            else:
                unchanged += 1
            node: PortalPage | PortalSpec = portal
        else:
            node = PortalSpec(
                level=unit.level,
                unit_code=unit.code,
                unit_name=unit.name,
                slug=slug,
                parent=parent,
            )
            specs.append(node)
        if unit.children:
            taken = child_slugs[node.path] if isinstance(node, PortalPage) else set()
            new_children = [
                (child.code, child.name)
                for child in unit.children
                if (child.level, child.code) not in existing
            ]
            slugs = unique_sibling_slugs(new_children, taken)
            for child in unit.children:
                visit(child, node, slugs.get(child.code, ""))

    province_slug = unique_sibling_slugs([(province.code, province.name)], child_slugs[root.path])[
        province.code
    ]
    visit(province, None, province_slug)
    specs, skipped = _without_retired_hosts(specs)
    provision_portals(specs)
    return len(specs), renamed, unchanged, skipped


def _without_retired_hosts(specs: list[PortalSpec]) -> tuple[list[PortalSpec], list[str]]:
    """The specs whose host is free, and "name (code): host" of those whose host a restructuring
    retired. Such a host still redirects the unit's old addresses to its successor: re-creating
    the unit (an older units file imported again) would break them, so it is left out, with the
    units below it."""
    assign_hostnames(specs)
    retired = set(
        Site.objects.filter(
            hostname__in=[spec.hostname for spec in specs], retirement__isnull=False
        ).values_list("hostname", flat=True)
    )
    kept, left_out, skipped = [], set(), []
    for spec in specs:  # parents come before their children
        if spec.hostname in retired or id(spec.parent) in left_out:
            skipped.append(f"{spec.unit_name} ({spec.unit_code}): {spec.hostname}")
            left_out.add(id(spec))
        else:
            kept.append(spec)
    return kept, skipped


def _rename(portal: PortalPage, name: str) -> bool:
    """Follow a unit's new official name; its slug and host stay, so no URL changes."""
    if portal.unit_name == name:
        return False
    type_word, _rest = strip_unit_type(name)
    PortalPage.objects.filter(pk=portal.pk).update(
        unit_name=name,
        unit_type=type_word,
        title=name,
        title_vi=name,
        draft_title=name,
        title_en=english_unit_name(name),
    )
    Site.objects.filter(root_page_id=portal.pk, retirement__isnull=True).update(site_name=name)
    return True
