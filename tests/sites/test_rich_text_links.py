"""Page links inside rich text go to each page's canonical URL on its own portal's host, read
with one query whatever the types of the linked pages (sites/rich_text_links.py)."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import Site
from wagtail.rich_text import expand_db_html

from cms.models import NewsPage
from tests.conftest import host_client


def _link(page) -> str:
    return f'<a linktype="page" id="{page.pk}">{page.title}</a>'


def test_links_go_to_each_pages_own_portal(hai_duong):
    province_news = hai_duong.section(hai_duong.province, "news")
    district_documents = hai_duong.section(hai_duong.district, "documents")
    html = expand_db_html(f"<p>{_link(province_news)} {_link(district_documents)}</p>")
    assert 'href="http://haiduong.localhost:8000/tin-tuc/"' in html
    assert 'href="http://camgiang.haiduong.localhost:8000/van-ban/"' in html


def test_a_link_to_a_deleted_page_keeps_its_text_without_a_target(hai_duong):
    html = expand_db_html('<p><a linktype="page" id="999999">Đã xoá</a></p>')
    assert "<a>Đã xoá</a>" in html


def test_links_to_pages_of_many_types_cost_one_query(hai_duong):
    targets = [
        hai_duong.province,
        hai_duong.section(hai_duong.province, "news"),
        hai_duong.section(hai_duong.district, "documents"),
        hai_duong.section(hai_duong.commune, "announcements"),
    ]
    html = "".join(_link(page) for page in targets)
    expand_db_html(html)  # loads the site index (sites.routing) once per process
    with CaptureQueriesContext(connection) as queries:
        expand_db_html(html)
    assert len(queries) == 1


def test_an_article_links_to_another_portal_by_its_canonical_url(hai_duong):
    section = hai_duong.section(hai_duong.commune, "news")
    body = [("paragraph", f"<p>Xem {_link(hai_duong.section(hai_duong.province, 'news'))}</p>")]
    article = NewsPage(title="Bài có liên kết", slug="bai-co-lien-ket", body=body)
    section.add_child(instance=article)
    article.save_revision().publish()
    client = host_client(Site.objects.get(root_page=hai_duong.commune).hostname)
    assert (
        'href="http://haiduong.localhost:8000/tin-tuc/"'
        in client.get("/tin-tuc/bai-co-lien-ket/").text
    )
