"""Importing administrative units: 3 levels, 2 levels, re-runs and renames."""

import json

import pytest
from django.core.management import call_command
from wagtail.models import Collection, Page, Site

from cms.models import SectionPage
from sites.models import PortalPage, SectionBlueprint
from sites.unit_import import import_units, read_units
from tests.conftest import HAI_DUONG_FILE, UNITS


def test_hai_duong_tree_has_every_unit_as_a_portal_with_its_own_site(hai_duong):
    portals = PortalPage.objects.filter(path__startswith=hai_duong.province.path)
    assert portals.filter(level_id="province").count() == 1
    assert portals.filter(level_id="district").count() == 12
    assert portals.filter(level_id="commune").count() == 207
    assert Site.objects.filter(root_page__in=portals).count() == 220
    assert hai_duong.commune.get_parent().specific == hai_duong.district
    assert hai_duong.district.get_parent().specific == hai_duong.province
    assert hai_duong.commune.title == "Xã Cẩm Hưng"
    assert Page.find_problems() == ([], [], [], [], [])
    assert Collection.find_problems() == ([], [], [], [], [])


def test_every_portal_has_the_blueprint_sections_of_its_level(hai_duong):
    for portal in (hai_duong.province, hai_duong.district, hai_duong.commune):
        expected = list(
            SectionBlueprint.objects.filter(level_id=portal.level_id)
            .order_by("sort_order")
            .values_list("slug", flat=True)
        )
        sections = SectionPage.objects.child_of(portal).order_by("path")
        assert list(sections.values_list("slug", flat=True)) == expected
        assert all(section.owner_portal_id == portal.pk for section in sections)
    about = hai_duong.section(hai_duong.commune, "about")
    assert (about.title_vi, about.title_en) == ("Giới thiệu", "About")


def test_rerunning_the_import_changes_nothing(hai_duong, capsys):
    before = (Page.objects.count(), Site.objects.count(), Collection.objects.count())
    call_command("import_units", str(HAI_DUONG_FILE))
    summary = import_units(read_units(HAI_DUONG_FILE))
    assert (summary.created, summary.renamed, summary.unchanged) == (0, 0, 220)
    assert (Page.objects.count(), Site.objects.count(), Collection.objects.count()) == before


def test_a_renamed_unit_keeps_its_host_and_takes_its_new_name(hai_duong, tmp_path):
    data = json.loads(HAI_DUONG_FILE.read_text(encoding="utf-8"))
    district = next(d for d in data["districts"] if d["code"] == 295)
    commune = next(c for c in district["communes"] if c["code"] == 10894)
    commune["name"] = "Xã Cẩm Hưng Mới"
    changed = tmp_path / "units.json"
    changed.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")

    summary = import_units(read_units(changed))

    assert (summary.created, summary.renamed) == (0, 1)
    renamed = PortalPage.objects.get(pk=hai_duong.commune.pk)
    assert renamed.title == "Xã Cẩm Hưng Mới"
    assert renamed.slug == "camhung"
    assert Site.objects.get(root_page=renamed).hostname == "camhung.camgiang.haiduong.localhost"


def test_a_new_unit_in_the_file_is_added_under_its_parent(hai_duong, tmp_path):
    data = json.loads(HAI_DUONG_FILE.read_text(encoding="utf-8"))
    district = next(d for d in data["districts"] if d["code"] == 295)
    district["communes"].append({"code": 99999, "name": "Xã Cẩm Hưng", "type": "xã"})
    changed = tmp_path / "units.json"
    changed.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")

    summary = import_units(read_units(changed))

    assert summary.created == 1
    twin = PortalPage.objects.get(level_id="commune", unit_code=99999)
    assert twin.get_parent().pk == hai_duong.district.pk
    # same name as an existing sibling: a distinct, stable slug and host
    assert twin.slug == "camhung-99999"
    assert Site.objects.get(root_page=twin).hostname == "camhung-99999.camgiang.haiduong.localhost"
    assert (
        SectionPage.objects.child_of(twin).count()
        == SectionBlueprint.objects.filter(level_id="commune").count()
    )
    assert Page.find_problems() == ([], [], [], [], [])


@pytest.mark.django_db
def test_two_level_import_puts_communes_directly_under_the_province():
    provinces = [p for p in read_units(UNITS / "vn-units-2level-2025.json") if p.code == 31]
    summary = import_units(provinces)

    province = PortalPage.objects.get(level_id="province", unit_code=31)
    assert province.title == "Thành phố Hải Phòng"
    communes = PortalPage.objects.child_of(province)
    assert summary.created == 1 + communes.count()
    assert communes.count() == len(provinces[0].children) > 100
    assert not PortalPage.objects.filter(path__startswith=province.path, level_id="district")
    assert {c.depth for c in communes} == {province.depth + 1}
    site = Site.objects.get(root_page=communes.get(unit_name="Phường Hải An"))
    assert site.hostname == "haian.haiphong.localhost"
    # re-running is a no-op here too
    again = import_units(provinces)
    assert (again.created, again.unchanged) == (0, summary.created)


def test_import_command_reports_progress_and_summary(hai_duong, capsys):
    call_command("import_units", str(HAI_DUONG_FILE))
    out = capsys.readouterr().out
    assert "Tỉnh Hải Dương: 0 created, 0 renamed, 220 unchanged" in out
    assert "220 unchanged" in out


def test_reimporting_after_a_merge_leaves_the_merged_unit_out_and_its_old_host_redirecting(
    hai_duong, capsys
):
    """An older units file imported again after a restructuring: the merged commune is not
    re-created on its old host, which keeps redirecting to the commune it was merged into."""
    from sites.restructuring import apply, plan_merge
    from tests.conftest import COMMUNE_HOST, host_client

    cam_hoang = PortalPage.objects.get(level_id="commune", unit_code=10897)
    apply(plan_merge([hai_duong.commune], cam_hoang))

    call_command("import_units", str(HAI_DUONG_FILE))

    out = capsys.readouterr().out
    assert "Tỉnh Hải Dương: 0 created, 0 renamed, 219 unchanged" in out
    assert "1 unit(s) not created" in out
    assert f"Xã Cẩm Hưng (10894): {COMMUNE_HOST}" in out
    assert not PortalPage.objects.filter(unit_code=10894).exists()
    response = host_client(COMMUNE_HOST).get("/tin-tuc/")
    assert response.status_code == 301
    assert response["Location"].startswith("http://camhoang.camgiang.haiduong.localhost:8000/")
    assert Page.find_problems() == ([], [], [], [], [])
