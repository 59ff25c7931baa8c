"""URL configuration: the admin, documents and every portal's pages (with a language prefix)."""

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path, re_path
from django.views.generic import RedirectView
from two_factor.urls import urlpatterns as two_factor_urls
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls
from wagtail.urls import serve_pattern

from cms import sitemaps
from cms.api import api_router
from cms.api_schema import api_docs_view, openapi_view
from sites import permissions
from sites.serve import serve as serve_page

# The admin's URL prefix; the admin's CSP and the second factor apply below it.
ADMIN_PATH_PREFIX = "/admin/"

urlpatterns = [
    # Sign-in goes through django-two-factor-auth (password, then the code for users who set up
    # a second factor); Wagtail's own login URL sends there (README, "Security and operations").
    path(
        "admin/login/",
        RedirectView.as_view(pattern_name="two_factor:login", query_string=True),
        name="admin_login_redirect",
    ),
    # Before the packages' own URLs: the same addresses, fenced to the user's portals.
    path(ADMIN_PATH_PREFIX.lstrip("/"), include(permissions.admin_urlpatterns())),
    path(ADMIN_PATH_PREFIX.lstrip("/"), include(two_factor_urls)),
    path(ADMIN_PATH_PREFIX.lstrip("/"), include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    # Per host: each portal's own sitemap and robots.txt (cms/sitemaps.py).
    path("sitemap.xml", sitemaps.sitemap, name="sitemap"),
    path("robots.txt", sitemaps.robots_txt, name="robots_txt"),
    # Per host: the portal's read-only JSON API (cms/api.py), its OpenAPI schema and its page.
    path("api/v2/openapi.json", openapi_view, name="api_openapi"),
    path("api/v2/", api_router.urls),
    path("api/", api_docs_view, name="api_docs"),
]

# Themed error pages with the portal's navigation (cms/error_views.py).
handler404 = "cms.error_views.page_not_found"
handler500 = "cms.error_views.server_error"

if settings.PORTALS_SERVE_MEDIA:
    from django.views.static import serve

    urlpatterns += [
        re_path(
            r"^" + settings.MEDIA_URL.lstrip("/") + r"(?P<path>.*)$",
            serve,
            {"document_root": settings.MEDIA_ROOT},
        )
    ]

urlpatterns += i18n_patterns(
    # Wagtail's page view with a route found in constant queries (sites/serve.py); the same
    # pattern and name as Wagtail's own, which stays below for its other URLs.
    re_path(serve_pattern, serve_page, name="wagtail_serve"),
    path("", include(wagtail_urls)),
    prefix_default_language=False,
)
