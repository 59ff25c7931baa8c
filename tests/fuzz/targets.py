"""The one list of what the fuzz suite attacks. A new feature adds its URLs here.

* `PUBLIC_TARGETS`: URLs a citizen requests (GET), fuzzed in their path, host and query string.
* `ADMIN_FORMS`: admin forms; the suite loads each form as the signed-in user sees it, then
  posts it with fields replaced, dropped or added, and checks that no input gives a 5xx and that
  a rejected post changes nothing.
* `ADMIN_LISTINGS`: admin URLs fuzzed in their query string (filters, ordering, pagination).

A target's path may name objects of the demo tree in braces: `{news}` is the id of a news item
of Cẩm Hưng commune, `{section}` its news section, `{image}`, `{document}`, `{collection}`,
`{group}`, `{site}`, `{user}` (see tests/fuzz/conftest.py, `fuzz_objects`).
"""

from __future__ import annotations

from dataclasses import dataclass

from tests.conftest import COMMUNE_HOST, DISTRICT_HOST, PROVINCE_HOST


@dataclass(frozen=True)
class Target:
    name: str
    path: str
    host: str = COMMUNE_HOST


PUBLIC_TARGETS = [
    Target("province home", "/", PROVINCE_HOST),
    Target("district home", "/", DISTRICT_HOST),
    Target("commune home", "/"),
    Target("commune home in English", "/en/"),
    Target("news section", "/tin-tuc/"),
    Target("news section in English", "/en/tin-tuc/"),
    Target("news item", "{news_url}"),
    Target("announcements section", "/thong-bao/", PROVINCE_HOST),
    Target("commune by path through its district", "/camhung/", DISTRICT_HOST),
    Target("document download", "{document_url}"),
    Target("search", "/tim-kiem/"),
    Target("search in English", "/en/tim-kiem/"),
    Target("search the district and below", "/tim-kiem/?scope=below", DISTRICT_HOST),
    Target("search suggestions", "/tim-kiem/goi-y/"),
    Target("open data", "/du-lieu-mo/", PROVINCE_HOST),
    Target("open data download", "/du-lieu-mo/tin-tuc/csv/"),
    Target("API news", "/api/v2/news/"),
    Target("API portal directory", "/api/v2/portals/", PROVINCE_HOST),
    Target("API page", "/api/"),
]

ADMIN_FORMS = [
    Target("edit a news item", "/admin/pages/{news}/edit/"),
    Target("create a news item", "/admin/pages/add/cms/newspage/{section}/"),
    Target("edit a section", "/admin/pages/{section}/edit/"),
    Target("edit an image", "/admin/images/{image}/"),
    Target("edit a document", "/admin/documents/edit/{document}/"),
    Target("add a collection", "/admin/collections/add/"),
    Target("add a user", "/admin/users/new/"),
    Target("edit a group", "/admin/groups/edit/{group}/"),
    Target("add a site", "/admin/sites/new/"),
    Target("add a redirect", "/admin/redirects/add/"),
    Target("restructure portals", "/admin/tai-cau-truc/"),
]

ADMIN_LISTINGS = [
    Target("page explorer", "/admin/pages/{section}/"),
    Target("page search", "/admin/pages/search/"),
    Target("images", "/admin/images/"),
    Target("documents", "/admin/documents/"),
    Target("users", "/admin/users/"),
    Target("image chooser", "/admin/images/chooser/"),
    Target("page chooser", "/admin/choose-page/"),
    Target("document chooser", "/admin/documents/chooser/"),
    Target("history report", "/admin/reports/site-history/"),
]
