"""Per-portal settings resolve along the portal chain (sites.portal_settings)."""

import base64
import hashlib
import re

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError

from sites.models import PortalPage
from sites.portal_settings import resolve_settings
from sites.portal_tree import portal_chain_for
from tests.conftest import COMMUNE_HOST, DISTRICT_HOST, host_client


def _fresh_chain(portal):
    return portal_chain_for(PortalPage.objects.get(pk=portal.pk))


def _set(portal, **values):
    PortalPage.objects.filter(pk=portal.pk).update(**values)


def test_own_value_wins(hai_duong):
    _set(hai_duong.province, footer_text="Tỉnh")
    _set(hai_duong.commune, footer_text="Xã")
    settings = resolve_settings(_fresh_chain(hai_duong.commune))
    assert settings.footer_text == "Xã"
    assert settings.source_of("footer_text").pk == hai_duong.commune.pk


def test_blank_value_comes_from_the_parent(hai_duong):
    _set(hai_duong.province, footer_text="Tỉnh")
    _set(hai_duong.district, footer_text="Huyện")
    settings = resolve_settings(_fresh_chain(hai_duong.commune))
    assert settings.footer_text == "Huyện"
    assert settings.source_of("footer_text").pk == hai_duong.district.pk


def test_blank_value_comes_from_the_grandparent(hai_duong):
    _set(hai_duong.province, footer_text="Tỉnh")
    settings = resolve_settings(_fresh_chain(hai_duong.commune))
    assert settings.footer_text == "Tỉnh"
    assert settings.source_of("footer_text").pk == hai_duong.province.pk


def test_nobody_sets_it_gives_the_default(hai_duong):
    settings = resolve_settings(_fresh_chain(hai_duong.commune))
    assert settings.footer_text == ""
    assert settings.source_of("footer_text") is None
    assert settings.display_name == "Cổng thông tin điện tử xã Cẩm Hưng"
    assert settings.theme == "default"
    assert settings.primary_colour == "#1d3f6e"  # the default theme's colour
    assert settings.logo is None


def test_theme_colours_are_the_default_below_the_portal_settings(hai_duong):
    _set(hai_duong.province, theme="haiduong")
    settings = resolve_settings(_fresh_chain(hai_duong.commune))
    assert settings.primary_colour == "#a4161a"
    assert settings.resolved("primary_colour").theme == "haiduong"
    _set(hai_duong.district, primary_colour="#0b3d2e")
    assert resolve_settings(_fresh_chain(hai_duong.commune)).primary_colour == "#0b3d2e"


def test_contact_details_come_together_from_one_portal(hai_duong):
    _set(hai_duong.district, contact_address="Thị trấn Lai Cách", contact_phone="0220 1")
    _set(hai_duong.commune, contact_phone="0220 2")
    settings = resolve_settings(_fresh_chain(hai_duong.commune))
    assert settings.contact_phone == "0220 2"
    assert settings.contact_address == ""  # never the district's address next to the commune's
    _set(hai_duong.commune, contact_phone="")
    settings = resolve_settings(_fresh_chain(hai_duong.commune))
    assert (settings.contact_address, settings.contact_phone) == ("Thị trấn Lai Cách", "0220 1")


def test_resolving_every_setting_costs_no_query(hai_duong, django_assert_num_queries):
    from wagtail.images import get_image_model

    image = get_image_model().objects.create(title="Logo", file="logo.png", width=1, height=1)
    _set(hai_duong.province, logo=image, footer_text="Tỉnh", contact_phone="1")
    commune = PortalPage.objects.get(pk=hai_duong.commune.pk)
    with django_assert_num_queries(1):  # the chain, with the logo and banner joined
        chain = portal_chain_for(commune)
    with django_assert_num_queries(0):
        settings = resolve_settings(chain)
        for name in (
            "display_name",
            "logo",
            "banner",
            "primary_colour",
            "accent_colour",
            "contact_address",
            "contact_phone",
            "contact_email",
            "hotline",
            "footer_text",
            "facebook_url",
            "youtube_url",
            "zalo_url",
            "languages",
            "theme",
        ):
            settings.resolved(name)
        assert settings.logo.title == "Logo"


def test_a_change_at_the_province_shows_on_every_portal_below_on_the_next_request(hai_duong):
    for host in (COMMUNE_HOST, DISTRICT_HOST):
        assert "Ghi rõ nguồn" not in host_client(host).get("/").text
    hai_duong.province.footer_text = "Ghi rõ nguồn khi phát hành lại thông tin."
    hai_duong.province.save_revision().publish()
    for host in (COMMUNE_HOST, DISTRICT_HOST):
        assert "Ghi rõ nguồn khi phát hành lại thông tin." in host_client(host).get("/").text


def test_portal_colours_are_allowed_by_the_content_security_policy(hai_duong):
    client = host_client(COMMUNE_HOST)
    assert "<style" not in client.get("/").text  # default look: no inline style at all
    hai_duong.province.primary_colour = "#8a1538"
    hai_duong.province.save_revision().publish()
    response = client.get("/")
    css = re.search(r"<style>(.*?)</style>", response.text).group(1)
    assert "--brand:#8a1538" in css
    digest = base64.b64encode(hashlib.sha256(css.encode()).digest()).decode()
    assert f"'sha256-{digest}'" in response["Content-Security-Policy"]
    assert "unsafe-inline" not in response["Content-Security-Policy"]


def test_primary_colour_must_keep_the_header_readable(hai_duong):
    hai_duong.commune.primary_colour = "#f2c94c"  # white on gold: 1.6:1
    with pytest.raises(ValidationError) as error:
        hai_duong.commune.full_clean()
    assert "primary_colour" in error.value.message_dict


def test_settings_tab_shows_what_a_blank_field_inherits_and_from_where(hai_duong):
    _set(hai_duong.province, footer_text="Chân trang của tỉnh")
    _set(hai_duong.district, contact_phone="0220 3 786 000")
    user = get_user_model().objects.create_superuser("quantri", "q@example.org", "x")
    client = host_client("haiduong.localhost")
    client.force_login(user)
    response = client.get(f"/admin/pages/{hai_duong.commune.pk}/edit/")
    assert response.status_code == 200
    text = response.text
    assert "Portal settings" in text or "Cài đặt cổng" in text
    footer = re.search(r'data-setting="footer_text">(.*?)</span>', text, re.S).group(1)
    assert "Chân trang của tỉnh" in footer and hai_duong.province.title in footer
    phone = re.search(r'data-setting="contact_phone">(.*?)</span>', text, re.S).group(1)
    assert "0220 3 786 000" in phone and hai_duong.district.title in phone
