"""Build the stock reference: one site, a home, the same sections as a commune portal and the
same article (15 links in its body). Prints the article's path."""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.stock.settings")

import django  # noqa: E402

django.setup()

from wagtail.models import Page, Site  # noqa: E402

from bench.stock.stockref.models import ArticlePage, SectionPage  # noqa: E402

SECTIONS = [
    ("gioi-thieu", "Giới thiệu"),
    ("tin-tuc", "Tin tức – Sự kiện"),
    ("thong-bao", "Thông báo"),
    ("van-ban", "Văn bản"),
    ("thu-tuc-hanh-chinh", "Thủ tục hành chính"),
    ("ke-hoach", "Chiến lược, quy hoạch, kế hoạch"),
    ("ngan-sach", "Ngân sách"),
    ("hoi-dap", "Hỏi đáp – Góp ý"),
    ("lien-he", "Liên hệ"),
]

root = Page.get_first_root_node()
Site.objects.all().delete()
for page in root.get_children():
    page.delete()
home = root.add_child(instance=Page(title="Xã Cẩm Hưng", slug="home"))
Site.objects.create(hostname="stock.localhost", port=80, root_page=home, is_default_site=True)
sections = [
    home.add_child(instance=SectionPage(title=title, slug=slug, show_in_menus=True))
    for slug, title in SECTIONS
]
news = sections[1]
others = [
    news.add_child(instance=ArticlePage(title=f"Tin số {number}", slug=f"tin-{number}"))
    for number in range(6)
]
targets = (sections + others)[:15]
links = "".join(f'<li><a linktype="page" id="{t.pk}">{t.title}</a></li>' for t in targets)
article = news.add_child(
    instance=ArticlePage(
        title="Bài viết đo hiệu năng",
        slug="bai-viet-do-chuan",
        summary="<p>Tóm tắt</p>",
        body=f"<p>Bài viết đo hiệu năng, có liên kết tới:</p><ul>{links}</ul>",
    )
)
print(article.url_path[len(home.url_path) - 1 :])
