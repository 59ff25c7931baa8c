"""How an announcement reaches a commune: the sharing engine, in one module.

A shareable page (news, announcement, legal document, sub-section) is **owned** by the nearest
portal above it and carries an **audience** (cms.models.ShareablePage): its own portal only; its
portal and every portal below; only the portals of one level below; or chosen portals, each with or
without the portals below it. Nothing is copied to receivers: there is one row per item, and the
question "what does portal P show?" is answered at read time by `items_shown_on(P)`, one query:

    own items of P
  + items owned by P's ancestors whose audience includes P   (ancestors = P's path prefixes)
  − optional items P hid                                     (InheritedItemChoice)
  − optional items P replaced by a local adaptation
  + local stories of P's descendants that P accepted         (Proposal)
  ordered with P's pinned items first, then newest first.

Its SQL does not depend on the number of portals or on the depth of the tree: the ancestors are the
few portals of P's chain, read once per request with the page (sites.portal_tree), and each part
above is its own indexed read, combined with UNION, so the database never reads the install's
other items. Listings, the home page, feeds, sitemaps, search and the API all start from it.

Receivers act on inherited items through the functions below (hide, pin, adapt); local editors
propose stories upwards (propose, accept, decline). Each action is a row here plus an entry in
Wagtail's log of the item, so it shows in the item's history.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from operator import attrgetter

from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from cms.models import Audience, AudienceTarget, InheritedItemChoice, Proposal, ShareablePage
from cms.signals import portal_listings_changed
from sites import compiled_queries
from sites.models import PortalPage
from sites.portal_tree import children_q, children_range, portal_chain_for

SHARED_ROUTE = "chia-se"  # …/<section>/chia-se/<id>/<slug>/ serves an inherited item on a receiver


class SharingError(Exception):
    """An action the user may not take (the message says why, in the user's language)."""


# --- Which items a portal shows --------------------------------------------------------------


def items_shown_on(
    portal: PortalPage,
    kinds: Iterable[str] | None = None,
    *,
    include_own: bool = True,
    include_replaced: bool = False,
    include_below: bool = False,
) -> QuerySet[ShareablePage]:
    """Live items portal `portal` shows, in the sections of `kinds` (all kinds when None).

    `include_replaced` keeps the optional items the portal hid or adapted (for its editors'
    list of inherited items); each item is annotated with `pinned_here`, `hidden_here` and
    `adapted_here`. `include_below` adds every item owned by the portals below `portal` (what
    its search covers with "this portal and every portal below it").
    """
    chain = portal_chain_for(portal)
    ancestor_ids = [p.pk for p in chain if p.pk != portal.pk]
    now = timezone.now()

    targeted = Exists(
        AudienceTarget.objects.filter(page_id=OuterRef("pk")).filter(
            Q(portal_id=portal.pk) | Q(portal_id__in=ancestor_ids, include_subtree=True)
        )
    )
    reaches_portal = (
        Q(audience=Audience.SUBTREE)
        | Q(audience=Audience.LEVEL, audience_level_id=portal.level_id)
        | (Q(audience=Audience.CHOSEN) & targeted)
    )
    hidden_here = Exists(
        InheritedItemChoice.objects.filter(page_id=OuterRef("pk"), portal_id=portal.pk, hidden=True)
    )
    adapted_here = Exists(
        ShareablePage.objects.filter(adapted_from_id=OuterRef("pk"), owner_portal_id=portal.pk)
    )
    # The items' keys as a UNION of three indexed reads (the ancestors' items that reach the
    # portal, the stories it accepted, its own items): one OR over them would leave the database
    # no index to start from, and it would read every item and section of the install.
    inherited = ShareablePage.objects.filter(owner_portal_id__in=ancestor_ids).filter(
        reaches_portal
    )
    if not include_replaced:
        inherited = inherited.exclude(Q(mandatory=False) & (hidden_here | adapted_here))
    accepted_here = ShareablePage.objects.filter(
        pk__in=Proposal.objects.filter(
            to_portal_id=portal.pk, status=Proposal.Status.ACCEPTED
        ).values("page_id")
    )
    parts = [inherited, accepted_here]
    if include_below:
        below = PortalPage.objects.filter(path__startswith=portal.path).values("pk")
        parts.append(ShareablePage.objects.filter(owner_portal_id__in=below))
    elif include_own:
        parts.append(ShareablePage.objects.filter(owner_portal_id=portal.pk))
    if kinds is not None:
        parts = [part.filter(section_kind__in=list(kinds)) for part in parts]
    first, *others = [part.order_by().values("pk") for part in parts]
    items = (
        ShareablePage.objects.live()
        .filter(pk__in=first.union(*others))
        .filter(Q(expire_at__isnull=True) | Q(expire_at__gt=now))
        .exclude(section_kind="")
    )
    return (
        items.annotate(
            pinned_here=Exists(
                InheritedItemChoice.objects.filter(
                    page_id=OuterRef("pk"), portal_id=portal.pk, pinned=True
                )
            ),
            hidden_here=hidden_here,
            adapted_here=adapted_here,
        )
        .select_related("owner_portal", "image")
        .order_by("-pinned_here", "-date", "-pk")
    )


def is_shown_on(item: ShareablePage, portal: PortalPage) -> bool:
    return items_shown_on(portal).filter(pk=item.pk).exists()


# --- Where an item opens on a portal ---------------------------------------------------------


_SECTION_NAV_FIELDS = (
    *("id", "path", "depth", "numchild", "url_path", "content_type", "live", "show_in_menus"),
    *("title", "kind", "owner_portal", "section_kind"),
)


def top_level_sections(portal: PortalPage, request=None) -> list[ShareablePage]:
    """A portal's live top-level sections in tree order: its navigation, and where its items
    open (one query, remembered for the request)."""
    from cms.models import SectionPage

    cache = getattr(request, "_portal_top_sections", None) if request is not None else None
    if cache is not None and portal.pk in cache:
        return cache[portal.pk]
    sections = sorted(
        compiled_queries.fetch(
            "top-level-sections",
            lambda: (
                SectionPage.objects.live()
                .filter(children_q(portal))
                # Read for the navigation and for URLs: the rest of the wide row (texts and SEO
                # fields in every language, stream fields) costs more to build than the query;
                # anything else is still read on use. Sorted here, as compiling an ORDER BY costs
                # more than sorting nine.
                .only(*_SECTION_NAV_FIELDS)
                .order_by()
            ),
            [portal.depth + 1, *children_range(portal)],
        ),
        key=attrgetter("path"),
    )
    if request is not None:
        if cache is None:
            cache = request._portal_top_sections = {}
        cache[portal.pk] = sections
    return sections


def sections_by_kind(portal: PortalPage, request=None) -> dict[str, ShareablePage]:
    """The top-level sections of a portal by kind."""
    sections: dict[str, ShareablePage] = {}
    for section in top_level_sections(portal, request):
        sections[section.kind] = section
    return sections


def url_on(item: ShareablePage, portal: PortalPage | None, request=None) -> str | None:
    """The URL a reader of `portal` follows to open `item`.

    Own items and stories proposed from below open at their canonical URL; items inherited from
    above open on the receiving portal's own host, inside its matching section.
    """
    if portal is None or item.owner_portal_id == portal.pk:
        return item.get_url(request)
    if not portal.path.startswith(_owner_path(item)):
        return item.get_url(request)  # an accepted proposal: canonical stays local
    section = sections_by_kind(portal, request).get(item.section_kind)
    if section is None:
        return item.get_url(request)
    base = section.get_url(request)
    return f"{base}{SHARED_ROUTE}/{item.pk}/{item.slug}/"


def _owner_path(item: ShareablePage) -> str:
    owner = item.owner_portal  # select_related by items_shown_on
    return owner.path if owner is not None else item.path


# --- Audience rules --------------------------------------------------------------------------


def audience_errors(
    page: ShareablePage,
    *,
    owner: PortalPage | None = None,
    targets: list[PortalPage] | None = None,
) -> dict[str, str]:
    """What is wrong with a page's audience: receivers must lie below the page's owner portal.

    The page editor passes the owner (from the parent page) and the chosen portals of its form;
    elsewhere they are read from the page.
    """
    errors: dict[str, str] = {}
    if page.audience == Audience.OWN:
        return errors
    if owner is None:
        owner = page.owner_portal
        if owner is None and page.path:
            chain = portal_chain_for(page)
            owner = chain[-1] if chain else None
    if owner is None:
        return errors
    if page.depth and page.depth == owner.depth + 1:
        errors["audience"] = _("A portal's own top-level sections cannot be shared.")
        return errors
    if page.audience == Audience.LEVEL:
        if not page.audience_level_id:
            errors["audience_level"] = _("Choose the level that should see it.")
        elif page.audience_level.rank <= owner.level.rank:
            errors["audience_level"] = _("Choose a level below your portal's.")
    if page.audience == Audience.CHOSEN:
        if targets is None:
            targets = [t.portal for t in page.audience_targets.all() if t.portal_id]
            if not targets:
                return errors  # checked by the page editor, which sees the chosen portals
        if not targets:
            errors["audience"] = _("Choose at least one portal.")
            return errors
        outside = [t for t in targets if not (t.path.startswith(owner.path) and t.pk != owner.pk)]
        if outside:
            errors["audience"] = _(
                "You can only address portals below your own. Not allowed: %(names)s."
            ) % {"names": ", ".join(str(p) for p in outside)}
    return errors


# --- Receiving portals: hide, pin, adapt -------------------------------------------------------


def _receiving_choice(item: ShareablePage, portal: PortalPage) -> InheritedItemChoice:
    choice, _created = InheritedItemChoice.objects.get_or_create(portal=portal, page=item)
    return choice


def _require_inherited(item: ShareablePage, portal: PortalPage) -> None:
    if item.owner_portal_id == portal.pk or not is_shown_on(item, portal):
        raise SharingError(_("This item is not inherited by this portal."))


@transaction.atomic
def hide(item: ShareablePage, portal: PortalPage, user) -> None:
    """Hide an optional inherited item on one receiving portal (reversible, recorded)."""
    if item.mandatory:
        raise SharingError(_("A mandatory item cannot be hidden."))
    _require_inherited(item, portal)
    choice = _receiving_choice(item, portal)
    choice.hidden, choice.hidden_by, choice.hidden_at = True, user, timezone.now()
    choice.save()
    log(item, "portals.hide", user=user, data={"portal_id": portal.pk, "portal": str(portal)})
    _receiving_portal_changed(portal)


@transaction.atomic
def unhide(item: ShareablePage, portal: PortalPage, user) -> None:
    InheritedItemChoice.objects.filter(portal=portal, page=item).update(
        hidden=False, hidden_by=user, hidden_at=timezone.now()
    )
    log(item, "portals.unhide", user=user, data={"portal_id": portal.pk, "portal": str(portal)})
    _receiving_portal_changed(portal)


@transaction.atomic
def pin(item: ShareablePage, portal: PortalPage, user) -> None:
    """Pin an inherited item to the top of a receiving portal's listings and home page."""
    _require_inherited(item, portal)
    choice = _receiving_choice(item, portal)
    choice.pinned, choice.pinned_by, choice.pinned_at = True, user, timezone.now()
    choice.save()
    log(item, "portals.pin", user=user, data={"portal_id": portal.pk, "portal": str(portal)})
    _receiving_portal_changed(portal)


@transaction.atomic
def unpin(item: ShareablePage, portal: PortalPage, user) -> None:
    InheritedItemChoice.objects.filter(portal=portal, page=item).update(
        pinned=False, pinned_by=user, pinned_at=timezone.now()
    )
    log(item, "portals.unpin", user=user, data={"portal_id": portal.pk, "portal": str(portal)})
    _receiving_portal_changed(portal)


@transaction.atomic
def adapt(item: ShareablePage, portal: PortalPage, user) -> ShareablePage:
    """Make a local, unpublished copy of an inherited item in the receiver's matching section.

    The copy remembers the source and the source revision it started from; once the copy is
    published it replaces an optional source on this portal (a mandatory one keeps showing).
    """
    _require_inherited(item, portal)
    section = sections_by_kind(portal).get(item.section_kind)
    if section is None:
        raise SharingError(_("This portal has no section to put a local version in."))
    item = ShareablePage.objects.get(pk=item.pk).specific  # the live revision as stored now
    slug = item.slug
    taken = set(section.get_children().values_list("slug", flat=True))
    number = 1
    while slug in taken:
        number += 1
        slug = f"{item.slug}-{number}"
    copy = item.copy(
        to=section,
        update_attrs={
            "slug": slug,
            "audience": Audience.OWN,
            "audience_level": None,
            "mandatory": False,
            "adapted_from": item,
            "adapted_from_revision_id": item.live_revision_id,
        },
        exclude_fields=["audience_targets", "receiver_choices", "proposals", "adaptations"],
        keep_live=False,
        user=user,
        copy_revisions=False,
        log_action="wagtail.copy",
    )
    log(item, "portals.adapt", user=user, data={"portal_id": portal.pk, "portal": str(portal)})
    return copy


# --- Local stories proposed upwards ----------------------------------------------------------


@transaction.atomic
def propose(item: ShareablePage, to_portal: PortalPage, user, note: str = "") -> Proposal:
    owner = item.owner_portal
    if owner is None or not owner.path.startswith(to_portal.path) or owner.pk == to_portal.pk:
        raise SharingError(_("A story can only be proposed to a portal above its own."))
    if not item.live:
        raise SharingError(_("Publish the story on your portal before proposing it."))
    if Proposal.objects.filter(
        page=item,
        to_portal=to_portal,
        status__in=[Proposal.Status.PENDING, Proposal.Status.ACCEPTED],
    ).exists():
        raise SharingError(_("This story has already been proposed to that portal."))
    proposal = Proposal.objects.create(
        page=item, from_portal=owner, to_portal=to_portal, proposed_by=user, note=note
    )
    log(
        item,
        "portals.propose",
        user=user,
        data={"portal_id": to_portal.pk, "portal": str(to_portal)},
    )
    return proposal


@transaction.atomic
def decide(proposal: Proposal, user, *, accept: bool, note: str = "") -> None:
    if proposal.status != Proposal.Status.PENDING:
        raise SharingError(_("This proposal has already been decided."))
    proposal.status = Proposal.Status.ACCEPTED if accept else Proposal.Status.DECLINED
    proposal.decided_by, proposal.decided_at = user, timezone.now()
    proposal.decision_note = note
    proposal.save()
    action = "portals.proposal_accept" if accept else "portals.proposal_decline"
    log(
        proposal.page,
        action,
        user=user,
        data={"portal_id": proposal.to_portal_id, "portal": str(proposal.to_portal)},
    )
    if accept:
        _receiving_portal_changed(proposal.to_portal)


# --- Reach of an item ------------------------------------------------------------------------


@dataclass
class Reach:
    item: ShareablePage
    receivers: QuerySet[PortalPage]
    hidden: list[InheritedItemChoice] = field(default_factory=list)
    adaptations: list[ShareablePage] = field(default_factory=list)
    pending_proposals: list[Proposal] = field(default_factory=list)
    accepted_proposals: list[Proposal] = field(default_factory=list)

    @property
    def count(self) -> int:
        return self.receivers.count()


def receivers_of(item: ShareablePage) -> QuerySet[PortalPage]:
    """Portals below the owner that the audience addresses (before hiding), as one queryset."""
    owner = item.owner_portal
    if owner is None or item.audience == Audience.OWN:
        return PortalPage.objects.none()
    below = PortalPage.objects.filter(path__startswith=owner.path, depth__gt=owner.depth)
    if item.audience == Audience.SUBTREE:
        return below
    if item.audience == Audience.LEVEL:
        return below.filter(level_id=item.audience_level_id)
    condition = Q(pk__in=[])
    for target in item.audience_targets.select_related("portal"):
        condition |= Q(pk=target.portal_id)
        if target.include_subtree:
            condition |= Q(path__startswith=target.portal.path)
    return below.filter(condition)


def reach_of(item: ShareablePage) -> Reach:
    """Which portals show an item, which hid it, which adapted it, which proposals are open."""
    addressed = receivers_of(item)
    hidden = list(
        InheritedItemChoice.objects.filter(page=item, hidden=True, portal__in=addressed)
        .select_related("portal", "hidden_by")
        .order_by("portal__path")
    )
    adaptations = list(
        ShareablePage.objects.filter(adapted_from=item).select_related("owner_portal")
    )
    receivers = addressed
    if not item.mandatory:
        replaced = [c.portal_id for c in hidden] + [
            a.owner_portal_id for a in adaptations if a.live
        ]
        receivers = addressed.exclude(pk__in=replaced)
    proposals = list(item.proposals.select_related("to_portal", "proposed_by"))
    return Reach(
        item=item,
        receivers=receivers.order_by("path"),
        hidden=hidden,
        adaptations=adaptations,
        pending_proposals=[p for p in proposals if p.status == Proposal.Status.PENDING],
        accepted_proposals=[p for p in proposals if p.status == Proposal.Status.ACCEPTED],
    )


def items_pushed_down(portals, start, end, limit: int = 100) -> list[tuple[ShareablePage, Reach]]:
    """Items that `portals` (or the portals below them) addressed to portals below, dated between
    `start` and `end`, newest first, each with its reach."""
    owned = Q(pk__in=[])
    for portal in portals:
        owned |= Q(owner_portal__path__startswith=portal.path)
    items = (
        ShareablePage.objects.filter(owned, date__range=(start, end))
        .exclude(audience=Audience.OWN)
        .select_related("owner_portal")
        .order_by("-date", "-pk")[:limit]
    )
    return [(item, reach_of(item)) for item in items]


def _receiving_portal_changed(portal: PortalPage) -> None:
    """A receiver's own choice changed what it shows: only that portal's pages are affected."""
    transaction.on_commit(lambda: portal_listings_changed.send(sender=PortalPage, portal=portal))
