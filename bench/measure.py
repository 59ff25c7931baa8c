"""In-process measurements of one scratch database (run by bench/run.py with DATABASE_URL set).

Usage: python bench/measure.py setup-1 | setup-220 | setup-country | article | measure | admin
Prints one JSON object on its last line.
"""

from __future__ import annotations

import json
import statistics
import sys
import time

from project_django import ROOT, setup_django

setup_django()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client, RequestFactory  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

UNITS = ROOT / "fixtures" / "units"
ARTICLE_SLUG = "bai-viet-do-chuan"
LINKS = 15


def median_ms(function, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def target_portal():
    """The commune Cẩm Hưng (or the lone province when the tree has one portal)."""
    from sites.models import PortalPage

    return PortalPage.objects.order_by("-depth").filter(unit_code__in=[10894, 30]).first()


def setup(size: str) -> dict:
    from sites.unit_import import Unit, import_units, read_units

    started = time.perf_counter()
    if size == "1":
        import_units([Unit("province", 30, "Tỉnh Hải Dương")])
    elif size == "220":
        import_units(read_units(UNITS / "hai-duong-3level-2024.json"))
    else:
        import_units(
            read_units(UNITS / "vn-units-3level-2024.json"),
            progress=lambda line: print(line, file=sys.stderr, flush=True),
        )
    return {"import_seconds": time.perf_counter() - started}


def article() -> dict:
    """A news article on the target portal whose body links to 15 pages (sections of its own
    portal and of the portals above), like a real article citing decisions and earlier news."""
    from wagtail.models import Page

    from cms.models import NewsPage, SectionPage

    portal = target_portal()
    section = SectionPage.objects.get(owner_portal=portal, kind="news", depth=portal.depth + 1)
    targets = list(
        Page.objects.filter(depth__gt=2, path__startswith=portal.path[:8])
        .exclude(pk=section.pk)
        .order_by("path")[:LINKS]
    )
    links = "".join(
        f'<li><a linktype="page" id="{target.pk}">{target.title}</a></li>' for target in targets
    )
    body = [
        {"type": "paragraph", "value": "<p>Bài viết đo hiệu năng, có liên kết tới:</p>"},
        {"type": "paragraph", "value": f"<ul>{links}</ul>"},
    ]
    page = NewsPage(title="Bài viết đo hiệu năng", slug=ARTICLE_SLUG, summary="Tóm tắt", body=body)
    section.add_child(instance=page)
    page.save_revision().publish()
    return {"links_in_body": len(targets), "url": page.full_url}


def measure() -> dict:
    from django.conf import settings
    from wagtail.models import Site

    from cms.models import NewsPage

    assert settings.PORTALS_PAGE_CACHE_SECONDS == 0, "measure uncached pages"
    portal = target_portal()
    page = NewsPage.objects.get(slug=ARTICLE_SLUG)
    host = Site.objects.get(root_page=portal).hostname
    client = Client(HTTP_HOST=f"{host}:{settings.PORTALS_PORT}")
    article_path = page.url_path[len(portal.url_path) - 1 :]
    result = {"portals": Site.objects.count()}
    for name, path in (("article", article_path), ("home", "/")):
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        with CaptureQueriesContext(connection) as queries:
            client.get(path)
        result[f"{name}_queries"] = len(queries)
        result[f"{name}_ms"] = median_ms(lambda path=path: client.get(path), 30)
    # A commune's listing with what the levels above share with it (cms.sharing).
    listing = "/thong-bao/"
    assert client.get(listing).status_code == 200
    with CaptureQueriesContext(connection) as queries:
        client.get(listing)
    result["listing_queries"] = len(queries)
    result["listing_ms"] = median_ms(lambda: client.get(listing), 30)
    # What a citizen's search, its suggestions and the sitemap read start from the same question
    # (what the portal shows, cms.sharing), over the whole install's items and search index.
    for name, path in CITIZEN_PAGES:
        assert client.get(path).status_code == 200, path
        with CaptureQueriesContext(connection) as queries:
            client.get(path)
        result[f"{name}_queries"] = len(queries)
        result[f"{name}_ms"] = median_ms(lambda path=path: client.get(path), 30)
    result["article_links"] = result_links = client.get(article_path).content.count(b"<a ")
    assert result_links
    # As in a template: many URLs built during one request (its site is looked up once).
    request = RequestFactory().get("/", HTTP_HOST=f"{host}:{settings.PORTALS_PORT}")
    page.get_url(request)

    def url_of_page():
        page.get_url(request)

    result["get_url_us"] = median_ms(url_of_page, 2000) * 1000

    result.update(admin_times(portal, host))
    result.update(publish_times(portal.portal_chain[0]))
    result["host"] = host
    result["article_path"] = article_path
    return result


CITIZEN_PAGES = (
    ("citizen_search", "/tim-kiem/?q=tin"),
    ("citizen_search_below", "/tim-kiem/?q=tin&scope=below"),
    ("suggestions", "/tim-kiem/goi-y/?q=cam"),
    ("sitemap", "/sitemap.xml"),
)

# A commune editor in the admin: the explorer of their portal, the choosers, the page searches.
ADMIN_VIEWS = (
    ("explorer", "/admin/pages/{portal}/"),
    ("chooser", "/admin/choose-page/{portal}/"),
    ("chooser_search", "/admin/choose-page/search/?q=tin"),
    ("page_search", "/admin/pages/search/?q=tin"),
    ("image_chooser", "/admin/images/chooser/"),
    ("document_chooser", "/admin/documents/chooser/"),
)


def admin_times(portal, host: str, repeat: int = 15) -> dict:
    """Median ms and SQL statements of each admin view for an editor of `portal`."""
    from django.conf import settings

    user, _ = get_user_model().objects.get_or_create(username="bench-editor")
    user.groups.add(portal.editors_group)
    editor = Client(HTTP_HOST=f"{host}:{settings.PORTALS_PORT}")
    editor.force_login(user)
    result = {}
    for name, template in ADMIN_VIEWS:
        url = template.format(portal=portal.pk)
        response = editor.get(url)
        assert response.status_code == 200, (url, response.status_code)
        with CaptureQueriesContext(connection) as queries:
            editor.get(url)
        result[f"{name}_queries"] = len(queries)
        result[f"{name}_ms"] = median_ms(lambda url=url: editor.get(url), repeat)
    return result


def publish_times(top, repeat: int = 7) -> dict:
    """Median time to publish an announcement of the top portal for itself only, and for every
    portal below it: sharing is by reference, so the audience's size should not matter."""
    from cms.models import AnnouncementPage, Audience, SectionPage

    section = SectionPage.objects.get(owner_portal=top, kind="announcements", depth=top.depth + 1)
    result = {}
    for audience in (Audience.OWN, Audience.SUBTREE):
        counter = iter(range(repeat))

        def publish(audience=audience, counter=counter):
            number = next(counter)
            page = AnnouncementPage(
                title=f"Thông báo đo {audience} {number}",
                slug=f"thong-bao-do-{audience}-{number}",
                summary="Thông báo đo hiệu năng",
                audience=audience,
            )
            section.add_child(instance=page)
            page.save_revision().publish()

        result[f"publish_{audience}_ms"] = median_ms(publish, repeat)
    return result


if __name__ == "__main__":
    command = sys.argv[1]
    if command.startswith("setup-"):
        output = setup(command.removeprefix("setup-"))
    elif command == "article":
        output = article()
    elif command == "admin":
        from wagtail.models import Site

        portal = target_portal()
        output = admin_times(portal, Site.objects.get(root_page=portal).hostname)
    else:
        output = measure()
    print(json.dumps(output))
