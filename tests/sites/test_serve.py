"""The public page view (sites/serve.py) answers exactly as Wagtail's own: routable sub-pages,
missing and unpublished pages, view restrictions on a page or any page above it."""

import pytest
from wagtail.models import PageViewRestriction, Site

from cms.models import NewsPage, SectionPage
from tests.conftest import host_client


@pytest.fixture
def commune(hai_duong):
    section = SectionPage.objects.get(
        owner_portal=hai_duong.commune, kind="news", depth=hai_duong.commune.depth + 1
    )
    article = NewsPage(title="Lịch tiếp công dân", slug="lich-tiep-cong-dan", summary="Tóm tắt")
    section.add_child(instance=article)
    article.save_revision().publish()
    client = host_client(Site.objects.get(root_page=hai_duong.commune).hostname)
    return client, section, article


def test_a_sections_feed_and_an_article_are_found(commune):
    client, _, _ = commune
    feed = client.get("/tin-tuc/rss/")
    assert feed.status_code == 200
    assert "Lịch tiếp công dân" in feed.text
    assert "Lịch tiếp công dân" in client.get("/tin-tuc/lich-tiep-cong-dan/").text


def test_missing_paths_are_404(commune):
    client, _, _ = commune
    assert client.get("/tin-tuc/khong-co-bai-nay/").status_code == 404
    assert client.get("/tin-tuc/lich-tiep-cong-dan/thua/").status_code == 404
    assert client.get("/khong-co-muc-nay/").status_code == 404


def test_an_unpublished_article_is_404(commune):
    client, _, article = commune
    article.unpublish()
    assert client.get("/tin-tuc/lich-tiep-cong-dan/").status_code == 404


def test_a_password_on_the_section_protects_the_article_below_it(commune):
    client, section, _ = commune
    PageViewRestriction.objects.create(
        page=section, restriction_type=PageViewRestriction.PASSWORD, password="mat-khau"
    )
    response = client.get("/tin-tuc/lich-tiep-cong-dan/")
    assert response.status_code == 200
    assert "Tóm tắt" not in response.text
    assert 'name="password"' in response.text


def test_a_login_restriction_on_the_article_sends_to_sign_in(commune):
    client, _, article = commune
    PageViewRestriction.objects.create(page=article, restriction_type=PageViewRestriction.LOGIN)
    response = client.get("/tin-tuc/lich-tiep-cong-dan/")
    assert response.status_code == 302
    assert "login" in response["Location"]
