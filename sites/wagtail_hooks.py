"""Wagtail hooks of the portal hierarchy: canonical hosts, portals born in the page editor, and
(in sites.permissions) editors fenced into their portals."""

from django.http import HttpResponsePermanentRedirect
from django.urls import reverse
from django.utils.translation import gettext_lazy
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.models import Site
from wagtail.snippets.models import register_snippet

from sites import (  # noqa: F401  (registers their hooks)
    control_room,
    permissions,
)
from sites.models import SectionBlueprint
from sites.routing import site_roots

# Blueprints are data a province corrects without a release (superusers only: they are shared by
# every portal of the install). Levels stay out of the snippets: a snippet model becomes a chooser
# in every form that refers to it, and levels are referred to by code, not by id.
register_snippet(SectionBlueprint)


@hooks.register("before_serve_page")
def redirect_to_canonical_site(page, request, serve_args, serve_kwargs):
    """A page reached by path through another portal's host answers 301 to its own URL.

    `haiduong.localhost:8000/camgiang/camhung/` → `camhung.camgiang.haiduong.localhost:8000/`
    (in path mode the other way round), keeping whatever sub-path and query string followed.
    """
    site = Site.find_for_request(request)
    canonical = site_roots.root_for_url_path(page.url_path, request)
    if site is None or canonical is None or canonical.site_id == site.pk:
        return None
    current = site_roots.root_for_site_id(site.pk, request)
    root_path = current.root_path if current else site.root_page.url_path
    relative = page.url_path[len(root_path) :]
    match = request.resolver_match
    requested = match.args[0] if match and match.args else relative
    rest = requested[len(relative) :] if requested.startswith(relative) else ""
    target = canonical.root_url + reverse(
        "wagtail_serve", args=(page.url_path[len(canonical.root_path) :] + rest,)
    )
    if request.META.get("QUERY_STRING"):
        target += "?" + request.META["QUERY_STRING"]
    return HttpResponsePermanentRedirect(target)


# After Wagtail's own registration (order 0), which it replaces.
@hooks.register("register_rich_text_features", order=100)
def page_links_from_url_paths(features):
    from sites.rich_text_links import PortalPageLinkHandler

    features.register_link_type(PortalPageLinkHandler)


@hooks.register("after_create_page")
def provision_portal_created_in_editor(request, page):
    """A portal home page created in the page editor gets its site, groups, collection, workflow
    and sections, exactly as an imported one (sites.provisioning)."""
    from sites.models import PortalPage
    from sites.provisioning import PortalSpec, provision_portals

    page = page.specific
    if (
        not isinstance(page, PortalPage)
        or Site.objects.filter(root_page=page, retirement__isnull=True).exists()
    ):
        return
    parent = page.get_parent().specific
    provision_portals(
        [
            PortalSpec(
                level=page.level_id,
                unit_code=page.unit_code,
                unit_name=page.unit_name,
                slug=page.slug,
                parent=parent if isinstance(parent, PortalPage) else None,
                home=page,
            )
        ]
    )


@hooks.register("register_admin_urls")
def register_restructuring_url():
    from django.urls import path

    from sites.restructuring_views import restructure, restructure_result

    return [
        path("tai-cau-truc/", restructure, name="portals_restructure"),
        path(
            "tai-cau-truc/ket-qua/<str:result_id>/",
            restructure_result,
            name="portals_restructure_result",
        ),
    ]


class RestructuringMenuItem(MenuItem):
    def is_shown(self, request):
        from sites.restructuring_views import may_restructure

        return may_restructure(request.user)


@hooks.register("register_admin_menu_item")
def register_restructuring_menu_item():
    return RestructuringMenuItem(
        gettext_lazy("Restructure portals"),
        reverse("portals_restructure"),
        icon_name="resubmit",
        order=9000,
    )
