"""The admin screen of restructuring (sites.restructuring): choose an operation, see exactly what
it will do, confirm.

Only superusers and provincial admins (who may publish at a province's home page) see it, and a
provincial admin only restructures portals of their own province. The preview is the operation's
dry run; the confirmation carries a fingerprint of it, so a tree that changed in between is
previewed again instead of changed blindly.
"""

from __future__ import annotations

import hashlib

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_tasks import TaskResultStatus
from django_tasks.exceptions import TaskResultDoesNotExist
from wagtail.models import GroupPagePermission

from sites import restructuring
from sites.models import PortalPage
from sites.portal_settings import PortalSettingsFields
from sites.restructuring import SETTINGS_FIELDS, Plan, RestructuringError
from sites.restructuring_tasks import restructure_portals

OPERATIONS = [
    ("move", gettext_lazy("Move a portal under another parent")),
    ("merge", gettext_lazy("Merge portals into one")),
    ("split", gettext_lazy("Split a portal's content between portals")),
    ("retire", gettext_lazy("Retire a portal")),
    ("remove_level", gettext_lazy("Remove the district level of a province")),
    ("reform", gettext_lazy("Replay the 2025 reform for a province")),
]


def administered_provinces(user) -> list[PortalPage] | None:
    """The provinces a user administers (None: all of them, a superuser)."""
    if user.is_superuser:
        return None
    page_ids = GroupPagePermission.objects.filter(
        group__user=user, permission__codename="publish_page", page__depth=2
    ).values("page_id")
    return list(PortalPage.objects.filter(pk__in=page_ids))


def may_restructure(user) -> bool:
    provinces = administered_provinces(user)
    return provinces is None or bool(provinces)


class RestructuringForm(forms.Form):
    operation = forms.ChoiceField(label=gettext_lazy("Operation"), choices=OPERATIONS)
    portals = forms.CharField(
        label=gettext_lazy("Portals"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy(
            "Hosts of the portals concerned, one per line (several only for a merge)."
        ),
    )
    target = forms.CharField(
        label=gettext_lazy("Target portal"),
        required=False,
        help_text=gettext_lazy(
            "Host of the new parent (move), of the receiving portal (merge) or of the "
            "successor (retire)."
        ),
    )
    mode = forms.ChoiceField(
        label=gettext_lazy("Retired portal"),
        choices=[
            ("redirect", gettext_lazy("Redirect every address to the successor")),
            ("archive", gettext_lazy("Keep as a read-only archive with a banner")),
        ],
        required=False,
    )
    mapping = forms.CharField(
        label=gettext_lazy("Split mapping"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy(
            "One line per part: a section kind (news, announcements, …) or a page id (#123), "
            "“=”, the host of the receiving portal."
        ),
    )
    keep_settings = forms.MultipleChoiceField(
        label=gettext_lazy("Settings kept from merged portals"),
        # Named as the portal settings screen names them, in the admin's language.
        choices=[
            (field.name, capfirst(field.verbose_name))
            for field in PortalSettingsFields._meta.fields
            if field.name in SETTINGS_FIELDS
        ],
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    province = forms.IntegerField(
        label=gettext_lazy("Province code"), required=False, min_value=1, max_value=999
    )
    successors = forms.CharField(
        label=gettext_lazy("Successors of split communes"),
        required=False,
        help_text=gettext_lazy(
            "OLD=NEW codes separated by spaces; by default a split commune's content goes to "
            "the first new commune in the table. A commune the table lacks needs one: any new "
            "commune of the province."
        ),
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def _portal(self, host: str) -> PortalPage:
        try:
            portal = restructuring.find_portal(host)
        except RestructuringError as error:
            raise forms.ValidationError(str(error)) from error
        self._check_province(portal)
        return portal

    def _check_province(self, portal: PortalPage) -> None:
        provinces = administered_provinces(self.user)
        if provinces is not None and not any(portal.path.startswith(p.path) for p in provinces):
            raise forms.ValidationError(
                _("%(portal)s is not in a province you administer.") % {"portal": portal}
            )

    def build_plan(self) -> Plan:
        """The operation's plan, or a ValidationError saying what is wrong with the input."""
        data = self.cleaned_data
        operation = data["operation"]
        hosts = data["portals"].split()
        needs_target = operation in ("move", "merge", "retire")
        if operation != "reform" and not hosts:
            raise forms.ValidationError(_("Name the portal (its host)."))
        if needs_target and not data["target"].strip():
            raise forms.ValidationError(_("Name the target portal (its host)."))
        if operation not in ("merge",) and len(hosts) > 1:
            raise forms.ValidationError(_("This operation takes one portal."))
        try:
            if operation == "move":
                return restructuring.plan_move(self._portal(hosts[0]), self._portal(data["target"]))
            if operation == "merge":
                return restructuring.plan_merge(
                    [self._portal(host) for host in hosts],
                    self._portal(data["target"]),
                    keep_settings=data["keep_settings"],
                )
            if operation == "retire":
                return restructuring.plan_retire(
                    self._portal(hosts[0]), self._portal(data["target"]), data["mode"] or "redirect"
                )
            if operation == "split":
                mapping = restructuring.split_mapping(data["mapping"].splitlines(), self._portal)
                return restructuring.plan_split(self._portal(hosts[0]), mapping)
            if operation == "remove_level":
                province = self._portal(hosts[0])
                if province.depth != 2:
                    raise forms.ValidationError(_("Name a province's portal."))
                return restructuring.plan_remove_level(province)
            return self._reform_plan()
        except RestructuringError as error:
            raise forms.ValidationError(str(error)) from error

    def _reform_plan(self) -> Plan:
        from sites.management.commands.apply_reform import UNITS

        data = self.cleaned_data
        if not data["province"]:
            raise forms.ValidationError(_("Give the old province's code."))
        province = PortalPage.objects.filter(
            level_id="province", unit_code=data["province"], depth=2
        ).first()
        if province is None:
            raise forms.ValidationError(_("No province portal has this code."))
        self._check_province(province)
        chosen = {}
        for item in data["successors"].split():
            old, _sep, new = item.partition("=")
            if not (old.isdigit() and new.isdigit()):
                raise forms.ValidationError(_("Write successors as OLD=NEW codes."))
            chosen[int(old)] = int(new)
        rows, provinces = restructuring.read_reform_data(
            UNITS / "vn-units-2025-conversion.json", UNITS / "vn-units-2level-2025.json"
        )
        return restructuring.plan_reform(data["province"], rows, provinces, successors=chosen)


def plan_fingerprint(plan: Plan) -> str:
    return hashlib.sha256("\n".join(plan.lines()).encode()).hexdigest()


def restructure(request):
    if not may_restructure(request.user):
        raise PermissionDenied
    title = _("Restructure portals")
    context = {"page_title": title, "header_title": title, "header_icon": "resubmit"}
    if request.method != "POST":
        context["form"] = RestructuringForm(user=request.user)
        return TemplateResponse(request, "portals/admin/restructure.html", context)
    form = RestructuringForm(request.POST, user=request.user)
    context["form"] = form
    plan = None
    if form.is_valid():
        try:
            plan = form.build_plan()
        except forms.ValidationError as error:
            form.add_error(None, error)
    if plan is None:
        return TemplateResponse(request, "portals/admin/restructure.html", context, status=400)
    fingerprint = plan_fingerprint(plan)
    if request.POST.get("confirm") and request.POST.get("fingerprint") == fingerprint:
        data = {key: values for key, values in request.POST.lists() if key in form.fields}
        result = restructure_portals.enqueue(data, request.user.pk, fingerprint)
        if result.is_finished:
            # The immediate backend ran it in this request and keeps no result: the user's
            # session carries it to the result page, whichever worker process serves that.
            request.session[_session_key(result.id)] = _outcome(result)
        return redirect("portals_restructure_result", result.id)
    if request.POST.get("confirm"):
        messages.warning(request, _("The portals changed since the preview: check it again."))
    context.update(plan=plan, lines=plan.lines(), fingerprint=fingerprint)
    return TemplateResponse(request, "portals/admin/restructure.html", context)


def restructure_result(request, result_id):
    """What became of an operation started from the screen above: a task of Django's tasks API,
    read from its backend, or from the session when the immediate backend ran it at once."""
    if not may_restructure(request.user):
        raise PermissionDenied
    outcome = request.session.get(_session_key(result_id))
    if outcome is None:
        try:
            outcome = _outcome(restructure_portals.get_result(result_id))
        except (TaskResultDoesNotExist, NotImplementedError, ValueError) as error:
            raise Http404 from error
    title = _("Restructure portals")
    context = {"page_title": title, "header_title": title, "header_icon": "resubmit"}
    if "counts" in outcome:
        context["done"] = restructuring.counts_text(outcome["counts"])
        context["description"] = outcome["description"]
    elif "failed" in outcome:
        context["failed"] = outcome["failed"]
    else:
        context["waiting"] = True
    return TemplateResponse(request, "portals/admin/restructure_result.html", context)


def _session_key(result_id: str) -> str:
    return f"portals-restructure-{result_id}"


def _outcome(result) -> dict:
    """A task result as plain data (it may be kept in the session)."""
    if result.status == TaskResultStatus.SUCCESSFUL:
        value = result.return_value
        return {"counts": value["counts"], "description": value["description"]}
    if result.status == TaskResultStatus.FAILED:
        message = result.errors[-1].traceback.strip().splitlines()[-1] if result.errors else ""
        return {"failed": message.split(": ", 1)[-1]}
    return {}
