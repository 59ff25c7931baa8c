"""Themes: lookup along the portal's theme chain (sites.themes), with Django's cached loader."""

import pytest
from django.template import engines
from django.test import override_settings

from sites.models import PortalPage
from sites.portal_tree import portal_chain_for
from sites.themes import theme_chain, theme_static_path, use_portal_chain
from tests.conftest import COMMUNE_HOST, host_client


def _write(root, path, text):
    target = root / path
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")


@pytest.fixture
def themes(tmp_path):
    """Three themes on disk: default, a province theme and a district theme."""
    _write(tmp_path, "default/templates/probe/page.html", "{% include 'probe/part.html' %}")
    _write(tmp_path, "default/templates/probe/part.html", "default-part")
    _write(tmp_path, "default/templates/probe/only_default.html", "only-default")
    _write(tmp_path, "tinh/templates/probe/part.html", "province-part")
    _write(
        tmp_path,
        "tinh/templates/probe/wrapped.html",
        "{% extends 'probe/wrapped.html' %}{% block b %}province+{{ block.super }}{% endblock %}",
    )
    _write(tmp_path, "default/templates/probe/wrapped.html", "[{% block b %}default{% endblock %}]")
    _write(tmp_path, "huyen/templates/probe/other.html", "district-other")
    _write(tmp_path, "tinh/static/img/mark.svg", "<svg/>")
    _write(tmp_path, "default/static/css/portal.css", "")
    loader = engines["django"].engine.template_loaders[0]
    with override_settings(PORTALS_THEMES_DIR=tmp_path):
        loader.reset()
        yield tmp_path
    loader.reset()


def _render(name, chain):
    use_portal_chain(chain)
    return engines["django"].get_template(name).render({})


def _set_themes(hai_duong, province="", district="", commune=""):
    for portal, theme in (
        (hai_duong.province, province),
        (hai_duong.district, district),
        (hai_duong.commune, commune),
    ):
        PortalPage.objects.filter(pk=portal.pk).update(theme=theme)
    return portal_chain_for(PortalPage.objects.get(pk=hai_duong.commune.pk))


def test_chain_goes_from_the_portal_up_to_default_skipping_blanks(hai_duong, themes):
    chain = _set_themes(hai_duong, province="tinh", district="huyen")
    assert theme_chain(chain) == ("huyen", "tinh", "default")
    assert theme_chain(_set_themes(hai_duong, province="tinh")) == ("tinh", "default")
    assert theme_chain(_set_themes(hai_duong)) == ("default",)


def test_unknown_theme_name_is_skipped(hai_duong, themes):
    assert theme_chain(_set_themes(hai_duong, province="khong-co")) == ("default",)


def test_template_only_in_the_parents_theme_is_used_by_an_include(hai_duong, themes):
    chain = _set_themes(hai_duong, province="tinh", district="huyen")
    # probe/page.html exists only in default; the part it includes is found in the province's.
    assert _render("probe/page.html", chain) == "province-part"


def test_template_only_in_default_is_found_from_any_theme(hai_duong, themes):
    chain = _set_themes(hai_duong, province="tinh", district="huyen")
    assert _render("probe/only_default.html", chain) == "only-default"


def test_a_theme_extends_the_same_template_of_the_next_theme(hai_duong, themes):
    chain = _set_themes(hai_duong, province="tinh")
    assert _render("probe/wrapped.html", chain) == "[province+default]"


def test_cached_loader_keeps_chains_apart(hai_duong, themes):
    with_theme = _set_themes(hai_duong, province="tinh")
    assert _render("probe/page.html", with_theme) == "province-part"
    without = _set_themes(hai_duong)
    # Same process, same cached loader, same template name: the other chain's result.
    assert _render("probe/page.html", without) == "default-part"
    assert _render("probe/page.html", with_theme) == "province-part"


def test_static_file_comes_from_the_nearest_theme_that_has_it(hai_duong, themes):
    chain = theme_chain(_set_themes(hai_duong, province="tinh", district="huyen"))
    assert theme_static_path("img/mark.svg", chain) == "themes/tinh/img/mark.svg"
    assert theme_static_path("css/portal.css", chain) == "themes/default/css/portal.css"
    assert theme_static_path("img/none.svg", chain) is None


def test_commune_pages_use_the_province_theme_and_follow_a_change_at_once(hai_duong):
    client = host_client(COMMUNE_HOST)
    assert "site-header--emblem" not in client.get("/").text
    hai_duong.province.theme = "haiduong"
    hai_duong.province.save_revision().publish()
    page = client.get("/").text
    assert "site-header--emblem" in page  # the haiduong header
    assert "themes/haiduong/img/emblem.svg" in page
    assert "site-footer" in page  # the footer is still the default theme's
    assert "site-header--emblem" in client.get("/tin-tuc/").text


def test_theme_must_exist(hai_duong):
    from django.core.exceptions import ValidationError

    hai_duong.district.theme = "khong-co"
    with pytest.raises(ValidationError) as error:
        hai_duong.district.full_clean()
    assert "theme" in error.value.message_dict


def test_a_portal_can_go_back_to_the_default_theme_below_a_themed_province(hai_duong):
    # The demo's Cẩm Giàng: the province uses haiduong, the district chooses default.
    _set_themes(hai_duong, province="haiduong", district="default")
    for host, themed in ((COMMUNE_HOST, False), ("haiduong.localhost", True)):
        page = host_client(host).get("/").text
        assert ("site-header--emblem" in page) is themed, host
