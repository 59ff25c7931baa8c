"""Every page has one canonical URL, on the site of its owner portal."""

from django.test import RequestFactory
from wagtail.models import Site

from tests.conftest import PROVINCE_HOST


def test_page_url_is_built_on_its_owner_portal_site_whatever_the_request_site(hai_duong):
    news = hai_duong.section(hai_duong.commune, "news")
    request = RequestFactory().get("/", HTTP_HOST=f"{PROVINCE_HOST}:8000")
    assert Site.find_for_request(request).root_page_id == hai_duong.province.pk
    assert news.get_url(request) == "http://camhung.camgiang.haiduong.localhost:8000/tin-tuc/"
    assert news.full_url == "http://camhung.camgiang.haiduong.localhost:8000/tin-tuc/"


def test_page_url_is_local_on_its_own_site(hai_duong):
    news = hai_duong.section(hai_duong.commune, "news")
    request = RequestFactory().get("/", HTTP_HOST="camhung.camgiang.haiduong.localhost:8000")
    assert news.get_url(request) == "/tin-tuc/"


def test_portal_home_url_is_the_root_of_its_host(hai_duong):
    assert hai_duong.district.full_url == "http://camgiang.haiduong.localhost:8000/"
    assert hai_duong.province.full_url == "http://haiduong.localhost:8000/"


def test_canonical_link_on_a_page_points_to_its_own_host(hai_duong, commune_client):
    response = commune_client.get("/tin-tuc/")
    assert (
        '<link rel="canonical" href="http://camhung.camgiang.haiduong.localhost:8000/tin-tuc/">'
        in response.text
    )


def test_renamed_site_host_is_used_on_next_url_build(hai_duong):
    site = Site.objects.get(root_page=hai_duong.commune)
    site.hostname = "camhung.example.localhost"
    site.save()
    assert hai_duong.commune.full_url == "http://camhung.example.localhost:8000/"
