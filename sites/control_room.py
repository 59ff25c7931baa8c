"""The provincial control room: every portal of the province in one admin screen.

For a provincial administrator (or a superuser): the portals as a tree with their activity (news
published this month, last publication, items waiting for moderation), **compliance** with
Decree 42/2022/NĐ-CP (a mandatory section missing or empty, a portal quiet for more than N days),
the reach of items pushed down the tree (cms.sharing.reach_of) and the users of each portal's
groups. Each table downloads as CSV.

Every figure comes from one aggregate query over the whole scope (grouped by portal), never a query
per portal, so the screen costs the same handful of queries for 220 portals as for 10,800.
"""

from __future__ import annotations

import csv
import datetime
from dataclasses import dataclass, field

from django import forms
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.db.models import Count, F, Max
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.models import WorkflowState

from cms import sharing
from cms.models import NewsPage, SectionPage, ShareablePage
from sites.models import PortalPage, SectionBlueprint
from sites.permissions import is_fenced, within

DEFAULT_QUIET_DAYS = 30


def can_open_control_room(user) -> bool:
    """Superusers and the administrators of a top-level (province) portal."""
    if not user.is_authenticated:
        return False
    return (
        not is_fenced(user) or PortalPage.objects.filter(admins_group__user=user, depth=2).exists()
    )


def provinces_of(user) -> list[PortalPage]:
    if not is_fenced(user):
        return list(PortalPage.objects.filter(depth=2).order_by("path"))
    return list(
        PortalPage.objects.filter(admins_group__user=user, depth=2).distinct().order_by("path")
    )


@dataclass
class PortalRow:
    portal: PortalPage
    news_this_month: int = 0
    last_published: datetime.datetime | None = None
    pending_moderation: int = 0
    missing_sections: list[str] = field(default_factory=list)
    empty_sections: list[str] = field(default_factory=list)
    editors: int = 0
    moderators: int = 0
    administrators: int = 0
    quiet: bool = False

    @property
    def indent(self) -> int:
        return self.portal.depth - 2

    @property
    def compliant(self) -> bool:
        return not (self.missing_sections or self.empty_sections or self.quiet)


def portal_rows(provinces: list[PortalPage], quiet_days: int, today=None) -> list[PortalRow]:
    """One row per portal under `provinces`, in tree order, from a fixed number of queries."""
    today = today or timezone.localdate()
    scope = within([province.path for province in provinces])
    portals = list(
        PortalPage.objects.filter(scope)
        .order_by("path")
        .only(
            "pk",
            "path",
            "depth",
            "title",
            "unit_name",
            "level_id",
            "editors_group_id",
            "moderators_group_id",
            "admins_group_id",
        )
    )
    rows = {portal.pk: PortalRow(portal) for portal in portals}
    owned = ShareablePage.objects.filter(within([p.path for p in provinces], "owner_portal__path"))
    items = owned.not_type(SectionPage)

    month_start = timezone.make_aware(datetime.datetime(today.year, today.month, 1))
    news = NewsPage.objects.filter(
        within([p.path for p in provinces], "owner_portal__path"),
        live=True,
        first_published_at__gte=month_start,
    )
    for portal_id, count in news.values_list("owner_portal").annotate(n=Count("pk")).order_by():
        rows[portal_id].news_this_month = count
    published = items.filter(last_published_at__isnull=False).values_list("owner_portal")
    for portal_id, last in published.annotate(last=Max("last_published_at")).order_by():
        rows[portal_id].last_published = last
    pending = items.filter(_workflow_states__status=WorkflowState.STATUS_IN_PROGRESS)
    for portal_id, count in pending.values_list("owner_portal").annotate(n=Count("pk")).order_by():
        rows[portal_id].pending_moderation = count

    # Compliance with Decree 42: each mandatory section of the portal's level must exist, be live
    # and hold something (a live item, or an introduction of its own).
    mandatory: dict[str, dict[str, str]] = {}
    for blueprint in SectionBlueprint.objects.filter(mandatory=True).order_by("sort_order"):
        mandatory.setdefault(blueprint.level_id, {})[blueprint.kind] = blueprint.title
    sections = (
        SectionPage.objects.filter(
            within([p.path for p in provinces], "owner_portal__path"),
            depth=F("owner_portal__depth") + 1,
            live=True,
        )
        .filter(intro__gt="")  # the Vietnamese introduction (NULL or "" when empty)
        .values_list("owner_portal", "kind")
    )
    with_intro = set(sections)
    existing = set(
        SectionPage.objects.filter(
            within([p.path for p in provinces], "owner_portal__path"),
            depth=F("owner_portal__depth") + 1,
            live=True,
        ).values_list("owner_portal", "kind")
    )
    filled = set(
        items.filter(live=True).values_list("owner_portal", "section_kind").distinct().order_by()
    )
    quiet_before = timezone.now() - datetime.timedelta(days=quiet_days)
    for row in rows.values():
        for kind, title in mandatory.get(row.portal.level_id, {}).items():
            key = (row.portal.pk, kind)
            if key not in existing:
                row.missing_sections.append(title)
            elif key not in filled and key not in with_intro:
                row.empty_sections.append(title)
        row.quiet = row.last_published is None or row.last_published < quiet_before

    # Users of each portal's groups.
    group_ids = {
        group_id
        for portal in portals
        for group_id in (
            portal.editors_group_id,
            portal.moderators_group_id,
            portal.admins_group_id,
        )
        if group_id
    }
    members = dict(
        Group.objects.filter(pk__in=group_ids)
        .annotate(n=Count("user"))
        .values_list("pk", "n")
        .order_by()
    )
    for row in rows.values():
        row.editors = members.get(row.portal.editors_group_id, 0)
        row.moderators = members.get(row.portal.moderators_group_id, 0)
        row.administrators = members.get(row.portal.admins_group_id, 0)
    return [rows[portal.pk] for portal in portals]


class ControlRoomForm(forms.Form):
    quiet_days = forms.IntegerField(
        label=gettext_lazy("Quiet for more than (days)"),
        min_value=1,
        max_value=3650,
        required=False,
        initial=DEFAULT_QUIET_DAYS,
    )
    start = forms.DateField(
        label=gettext_lazy("Pushed from"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    end = forms.DateField(
        label=gettext_lazy("Pushed until"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )


def _date(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value).date()
    return value.strftime("%d/%m/%Y")


def _tables(rows, pushed):
    """Each table as (heading row, data rows): what the screen shows and the CSV holds."""
    return {
        "portals": (
            [_("Portal"), _("Level"), _("News this month"), _("Last published")]
            + [_("Waiting for moderation")],
            [
                [
                    row.portal.unit_name,
                    row.portal.level_id,
                    row.news_this_month,
                    _date(row.last_published),
                    row.pending_moderation,
                ]
                for row in rows
            ],
        ),
        "compliance": (
            [_("Portal"), _("Missing sections"), _("Empty sections"), _("Last published")],
            [
                [
                    row.portal.unit_name,
                    "; ".join(row.missing_sections),
                    "; ".join(row.empty_sections),
                    _date(row.last_published) or _("never"),
                ]
                for row in rows
                if not row.compliant
            ],
        ),
        "reach": (
            [_("Item"), _("Portal"), _("Date"), _("Shown on"), _("Hidden by"), _("Adapted by")],
            [
                [
                    item.title,
                    str(item.owner_portal),
                    _date(item.date),
                    reach.count,
                    len(reach.hidden),
                    len(reach.adaptations),
                ]
                for item, reach in pushed
            ],
        ),
        "users": (
            [_("Portal"), _("Editors"), _("Moderators"), _("Administrators")],
            [
                [row.portal.unit_name, row.editors, row.moderators, row.administrators]
                for row in rows
            ],
        ),
    }


def control_room(request):
    if not can_open_control_room(request.user):
        raise PermissionDenied
    form = ControlRoomForm(request.GET or None)
    today = timezone.localdate()
    quiet_days, start, end = DEFAULT_QUIET_DAYS, today - datetime.timedelta(days=30), today
    if form.is_bound and not form.is_valid():
        return TemplateResponse(
            request, "portals/control_room.html", {"form": form, **_page_titles()}, status=400
        )
    if form.is_bound:
        quiet_days = form.cleaned_data["quiet_days"] or quiet_days
        start = form.cleaned_data["start"] or start
        end = form.cleaned_data["end"] or end
    provinces = provinces_of(request.user)
    rows = portal_rows(provinces, quiet_days, today)
    pushed = sharing.items_pushed_down(provinces, start, end)
    tables = _tables(rows, pushed)
    export = request.GET.get("export")
    if export:
        if export not in tables:
            return HttpResponse(status=400)
        return _csv(f"{export}-{today.isoformat()}.csv", *tables[export])
    query = request.GET.copy()
    export_urls = {}
    for name in tables:
        query["export"] = name
        export_urls[name] = "?" + query.urlencode()
    return TemplateResponse(
        request,
        "portals/control_room.html",
        {
            **_page_titles(),
            "form": form,
            "rows": rows,
            "non_compliant": [row for row in rows if not row.compliant],
            "pushed": pushed,
            "quiet_days": quiet_days,
            "export_urls": export_urls,
            "start": start,
            "end": end,
        },
    )


def _page_titles():
    title = _("Control room")
    return {"page_title": title, "header_title": title, "header_icon": "site"}


def _csv(filename, headings, data) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")  # so that spreadsheet programs read the Vietnamese as UTF-8
    writer = csv.writer(response)
    writer.writerow(headings)
    writer.writerows(data)
    return response


@hooks.register("register_admin_urls")
def register_control_room_url():
    return [path("dieu-hanh/", control_room, name="portals_control_room")]


class ControlRoomMenuItem(MenuItem):
    def is_shown(self, request):
        return can_open_control_room(request.user)


@hooks.register("register_admin_menu_item")
def register_control_room_menu_item():
    return ControlRoomMenuItem(
        gettext_lazy("Control room"), reverse("portals_control_room"), icon_name="site", order=150
    )
