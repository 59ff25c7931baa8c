"""Routing a request to its portal by host, and canonical hosts."""

import pytest
from django.test import override_settings

from sites.routing import invalidate_site_roots
from tests.conftest import COMMUNE_HOST, DISTRICT_HOST, PROVINCE_HOST, host_client


@pytest.mark.parametrize(
    ("host", "name"),
    [
        (PROVINCE_HOST, "Cổng thông tin điện tử tỉnh Hải Dương"),
        (DISTRICT_HOST, "Cổng thông tin điện tử huyện Cẩm Giàng"),
        (COMMUNE_HOST, "Cổng thông tin điện tử xã Cẩm Hưng"),
    ],
)
def test_each_level_is_served_on_its_own_host_with_its_own_name(hai_duong, host, name):
    response = host_client(host).get("/")
    assert response.status_code == 200
    assert f'<span class="brand__name">{name}</span>' in response.text
    assert "Tin tức – Sự kiện" in response.text


def test_home_lists_its_blueprint_sections_and_child_portals(hai_duong):
    response = host_client(DISTRICT_HOST).get("/")
    assert 'href="/thu-tuc-hanh-chinh/"' in response.text
    assert "Xã Cẩm Hưng" in response.text  # a commune of the district
    assert "http://camhung.camgiang.haiduong.localhost:8000/" in response.text


def test_unknown_host_gets_a_clear_404_page(hai_duong):
    response = host_client("khongco.haiduong.localhost").get("/")
    assert response.status_code == 404
    assert "Page not found" in response.text or "Không tìm thấy" in response.text


def test_bad_host_header_is_a_400_not_a_500(hai_duong):
    assert host_client("evil.example.com").get("/").status_code == 400
    assert host_client("bad host!").get("/").status_code == 400


def test_portal_by_path_under_its_parent_host_redirects_permanently_to_its_host(hai_duong):
    response = host_client(PROVINCE_HOST).get("/camgiang/camhung/tin-tuc/?page=2")
    assert response.status_code == 301
    assert response["Location"] == "http://camhung.camgiang.haiduong.localhost:8000/tin-tuc/?page=2"
    response = host_client(PROVINCE_HOST).get("/en/camgiang/camhung/")
    assert response.status_code == 301
    assert response["Location"] == "http://camhung.camgiang.haiduong.localhost:8000/en/"


def test_path_mode_makes_paths_under_the_province_host_canonical(hai_duong):
    with override_settings(PORTALS_URL_MODE="path"):
        invalidate_site_roots()
        response = host_client(PROVINCE_HOST).get("/camgiang/camhung/tin-tuc/")
        assert response.status_code == 200
        assert 'href="http://haiduong.localhost:8000/camgiang/camhung/tin-tuc/"' in response.text
        response = host_client(COMMUNE_HOST).get("/tin-tuc/")
        assert response.status_code == 301
        assert response["Location"] == "http://haiduong.localhost:8000/camgiang/camhung/tin-tuc/"
    invalidate_site_roots()


def test_unknown_path_on_a_portal_is_404(hai_duong, commune_client):
    assert commune_client.get("/khong-co-trang-nay/").status_code == 404
