"""Reform replay time (run by bench/run.py with DATABASE_URL set on a migrated scratch database).

Usage: python bench/reform.py haiduong | biggest
Imports the province's 3-level tree with a few news items per commune, then times the plan and
the run of the 2025 reform (sites.restructuring). Prints one JSON object on its last line.
"""

from __future__ import annotations

import json
import sys
import tempfile
import time

from project_django import ROOT, setup_django

setup_django()

UNITS = ROOT / "fixtures" / "units"
NEWS_PER_PORTAL = 3


def biggest_province() -> dict:
    """The 3-level province with the most communes in the national list."""
    provinces = json.loads((UNITS / "vn-units-3level-2024.json").read_text(encoding="utf-8"))
    return max(
        provinces, key=lambda p: sum(len(d.get("communes", [])) for d in p.get("districts", []))
    )


def unlisted_successors(province, rows: list[dict]) -> dict[int, int]:
    """For the communes the conversion table lacks (merged before the reform: two in Thanh Hóa),
    the new commune of the nearest commune of their district that it lists. A stand-in for the
    administrator's choice, which the reform asks for (`--successor OLD=NEW`)."""
    by_old = {int(row["old_commune"]): row for row in rows}
    chosen = {}
    for district in province.children:
        listed = [c.code for c in district.children if c.code in by_old]
        for position, commune in enumerate(district.children):
            if commune.code in by_old or not listed:
                continue
            nearest = min(
                listed,
                key=lambda code: abs([c.code for c in district.children].index(code) - position),
            )
            chosen[commune.code] = int(by_old[nearest]["new_communes"][0])
    return chosen


def main(which: str) -> dict:
    from cms.models import NewsPage, SectionPage
    from sites.restructuring import apply, plan_reform, read_reform_data
    from sites.unit_import import import_units, read_units

    if which == "haiduong":
        units = read_units(UNITS / "hai-duong-3level-2024.json")
    else:
        with tempfile.NamedTemporaryFile("w", suffix=".json", encoding="utf-8") as file:
            json.dump(biggest_province(), file, ensure_ascii=False)
            file.flush()
            units = read_units(file.name)
    import_units(units)
    code = units[0].code
    for section in SectionPage.objects.filter(kind="news", depth__gt=2).iterator():
        for number in range(NEWS_PER_PORTAL):
            page = NewsPage(title=f"Tin {number}", slug=f"tin-{number}", summary="Tin")
            section.add_child(instance=page)
            page.save_revision().publish()
    rows, provinces = read_reform_data(
        UNITS / "vn-units-2025-conversion.json", UNITS / "vn-units-2level-2025.json"
    )
    started = time.perf_counter()
    plan = plan_reform(code, rows, provinces, successors=unlisted_successors(units[0], rows))
    planned = time.perf_counter() - started
    started = time.perf_counter()
    counts = apply(plan)
    applied = time.perf_counter() - started
    return {
        "province": units[0].name,
        "portals": sum(1 for _unit in units[0].walk()),
        "plan_seconds": planned,
        "apply_seconds": applied,
        **counts,
    }


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1])))
