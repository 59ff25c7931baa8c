"""Admin screens of the sharing engine (cms.sharing): what receivers do with inherited items, what
authors see of their reach, and the proposals going up the tree.

Who may act is Wagtail's own page permissions at the portal's home page: a receiving portal's
editors (they can edit its home) hide, pin and adapt; its moderators (they can publish there)
accept proposals; an item's editors see its reach.
"""

from __future__ import annotations

import datetime

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from wagtail.admin.views.pages.revisions import RevisionsCompareView
from wagtail.models import Page

from cms import sharing
from cms.models import Proposal, ShareablePage
from sites import permissions
from sites.models import PortalPage


def portals_of(user) -> list[PortalPage]:
    """The portals the user works on (sites.permissions)."""
    return list(permissions.portals_of(user))


def _portal_for_editing(request, portal_id) -> PortalPage:
    portal = get_object_or_404(PortalPage, pk=portal_id)
    if not portal.permissions_for_user(request.user).can_edit():
        raise PermissionDenied
    return portal


def _page_for_editing(request, page_id) -> ShareablePage:
    page = get_object_or_404(ShareablePage, pk=page_id)
    if not page.permissions_for_user(request.user).can_edit():
        raise PermissionDenied
    return page


def _render(request, template, title, context):
    return TemplateResponse(
        request,
        f"cms/admin/sharing/{template}",
        {"page_title": title, "header_title": title, "header_icon": "resubmit", **context},
    )


# --- Receiving editors: inherited items -------------------------------------------------------


def inherited_items_index(request):
    """Send the editor to the inherited items of their portal (or let them pick one)."""
    portals = portals_of(request.user)
    if len(portals) == 1:
        return redirect("cms_sharing:inherited", portals[0].pk)
    return _render(
        request, "choose_portal.html", _("Items shared with your portal"), {"portals": portals}
    )


def inherited_items(request, portal_id):
    portal = _portal_for_editing(request, portal_id)
    items = sharing.items_shown_on(portal, include_own=False, include_replaced=True)
    adaptations = {
        page.adapted_from_id: page
        for page in ShareablePage.objects.filter(
            owner_portal=portal, adapted_from__in=[item.pk for item in items]
        ).select_related("adapted_from")
    }
    rows = [(item, adaptations.get(item.pk)) for item in items[:200]]
    return _render(
        request,
        "inherited_items.html",
        _("Shared with %(portal)s") % {"portal": portal},
        {"portal": portal, "rows": rows},
    )


@require_POST
def inherited_item_action(request, portal_id, item_id, action):
    portal = _portal_for_editing(request, portal_id)
    item = get_object_or_404(ShareablePage, pk=item_id)
    actions = {
        "hide": sharing.hide,
        "unhide": sharing.unhide,
        "pin": sharing.pin,
        "unpin": sharing.unpin,
        "adapt": sharing.adapt,
    }
    if action not in actions:
        raise Http404
    try:
        result = actions[action](item, portal, request.user)
    except sharing.SharingError as error:
        messages.error(request, str(error))
        return redirect("cms_sharing:inherited", portal.pk)
    done = {
        "hide": _("“%(title)s” is hidden on %(portal)s."),
        "unhide": _("“%(title)s” shows again on %(portal)s."),
        "pin": _("“%(title)s” is pinned on %(portal)s."),
        "unpin": _("“%(title)s” is no longer pinned on %(portal)s."),
        "adapt": _("A local version of “%(title)s” was created as a draft. Edit it, then publish."),
    }
    messages.success(request, done[action] % {"title": item.title, "portal": portal})
    if action == "adapt":
        return redirect("wagtailadmin_pages:edit", result.pk)
    return redirect("cms_sharing:inherited", portal.pk)


class AdaptationDiffView(RevisionsCompareView):
    """What changed at the source since a local version was adapted from it."""

    def setup(self, request, page_id, *args, **kwargs):
        adapted = get_object_or_404(ShareablePage, pk=page_id)
        self.adapted = adapted
        if adapted.adapted_from_id is None or adapted.adapted_from_revision_id is None:
            raise Http404
        super().setup(request, adapted.adapted_from_id, adapted.adapted_from_revision_id, "live")

    def get_object(self, queryset=None):
        if not self.adapted.permissions_for_user(self.request.user).can_edit():
            raise PermissionDenied
        source = self.adapted.adapted_from
        if source is None:
            raise Http404
        return source.specific

    def get_page_subtitle(self):
        return _("Source of “%(title)s”") % {"title": self.adapted.title}

    def get_edit_url(self):
        return reverse("wagtailadmin_pages:edit", args=(self.adapted.pk,))

    def get_history_url(self):
        return None


# --- Authors: reach ----------------------------------------------------------------------------


def reach(request, page_id):
    item = _page_for_editing(request, page_id)
    report = sharing.reach_of(item)
    receivers = list(report.receivers.only("id", "title", "level", "path", "depth")[:500])
    return _render(
        request,
        "reach.html",
        _("Reach of “%(title)s”") % {"title": item.title},
        {"item": item, "report": report, "receivers": receivers},
    )


class PeriodForm(forms.Form):
    start = forms.DateField(
        label=gettext_lazy("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label=gettext_lazy("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


def overview(request):
    """Items pushed down by the user's portals in a period, with their reach."""
    today = timezone.localdate()
    form = PeriodForm(request.GET or None)
    start, end = today - datetime.timedelta(days=90), today
    if form.is_valid():
        start = form.cleaned_data["start"] or start
        end = form.cleaned_data["end"] or end
    rows = sharing.items_pushed_down(portals_of(request.user), start, end)
    return _render(
        request,
        "overview.html",
        _("Items shared down the tree"),
        {"form": form, "rows": rows, "start": start, "end": end},
    )


# --- Proposals going up ------------------------------------------------------------------------


class ProposalForm(forms.Form):
    to_portal = forms.ModelChoiceField(label=gettext_lazy("Propose to"), queryset=None)
    note = forms.CharField(
        label=gettext_lazy("Note for the moderators"), required=False, widget=forms.Textarea
    )

    def __init__(self, *args, ancestors, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_portal"].queryset = PortalPage.objects.filter(
            pk__in=[p.pk for p in ancestors]
        ).order_by("-depth")
        if ancestors:
            self.fields["to_portal"].initial = ancestors[-1].pk


def propose(request, page_id):
    item = _page_for_editing(request, page_id)
    owner = item.owner_portal
    ancestors = [p for p in owner.portal_chain if p.pk != owner.pk] if owner else []
    if not ancestors:
        messages.error(request, _("This portal has no portal above it."))
        return redirect("wagtailadmin_explore", item.get_parent().pk)
    form = ProposalForm(request.POST or None, ancestors=ancestors)
    if request.method == "POST" and form.is_valid():
        try:
            sharing.propose(
                item, form.cleaned_data["to_portal"], request.user, form.cleaned_data["note"]
            )
        except sharing.SharingError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                _("“%(title)s” was proposed to %(portal)s.")
                % {"title": item.title, "portal": form.cleaned_data["to_portal"]},
            )
            return redirect("wagtailadmin_explore", item.get_parent().pk)
    return _render(
        request,
        "propose.html",
        _("Propose “%(title)s” to the level above") % {"title": item.title},
        {"item": item, "form": form},
    )


def proposals_inbox(request):
    """Pending proposals to the portals the user moderates, and recent decisions."""
    moderated = [
        portal
        for portal in portals_of(request.user)
        if portal.permissions_for_user(request.user).can_publish()
    ]
    below_or_at = Q(pk__in=[])
    for portal in moderated:
        below_or_at |= Q(to_portal__path__startswith=portal.path)
    proposals = (
        Proposal.objects.filter(below_or_at)
        .select_related("page", "from_portal", "to_portal", "proposed_by", "decided_by")
        .order_by("status", "-proposed_at")
    )
    return _render(
        request,
        "proposals.html",
        _("Stories proposed from below"),
        {
            "pending": [p for p in proposals if p.status == Proposal.Status.PENDING],
            "decided": [p for p in proposals if p.status != Proposal.Status.PENDING][:50],
        },
    )


@require_POST
def decide_proposal(request, proposal_id, decision):
    proposal = get_object_or_404(Proposal.objects.select_related("to_portal"), pk=proposal_id)
    if decision not in {"accept", "decline"}:
        raise Http404
    if not proposal.to_portal.permissions_for_user(request.user).can_publish():
        raise PermissionDenied
    try:
        sharing.decide(
            proposal,
            request.user,
            accept=decision == "accept",
            note=request.POST.get("note", "")[:2000],
        )
    except sharing.SharingError as error:
        messages.error(request, str(error))
    else:
        message = (
            _("“%(title)s” now shows on %(portal)s.")
            if decision == "accept"
            else _("The proposal of “%(title)s” to %(portal)s was declined.")
        )
        messages.success(
            request, message % {"title": proposal.page.title, "portal": proposal.to_portal}
        )
    return redirect("cms_sharing:proposals")


def page_is_shareable(page: Page) -> bool:
    return isinstance(page.specific_deferred, ShareablePage)
