"""Restructuring portals: move, merge, split, retire, remove a level, and the 2025 reform.

Administrative units change (on 1 July 2025 Vietnam removed the district level and merged
communes). Each operation here is two steps:

* `plan_*()` reads the tree and returns a `Plan`: every portal created, moved, merged or retired,
  every page moved (with its new slug when its old one is taken), every user who joins a group,
  every redirect and retired host. Nothing is written; `Plan.lines()` is the dry run.
* `apply(plan)` carries the plan out in ONE transaction: it completes, or changes nothing. It
  returns the counts of what it did, which are the plan's counts (tests hold them equal).

What a merge of portal S into portal T does:

* S's sections' pages move into T's section of the same kind with Wagtail's `Page.move()`, so
  revisions, drafts, dates, authors, moderation tasks and log entries stay with them; a slug
  already taken in T gets a number (`-2`), in the page and its revisions. A section of S with no
  match in T moves whole under T's home; an emptied section with text of its own is kept as a
  sub-section of T's section; an empty one is removed, as is S's home page;
* S's editors and moderators join T's groups; T's approvers (sites.permissions.approving_groups)
  join the approval task of S's workflow, so moderation started before the merge can be finished;
* S's images and documents go to T's collection; chosen settings fields are kept on T;
* sharing follows: chosen audiences, hidden/pinned choices and proposals naming S name T;
* every URL of S redirects: S's hostname is retired (sites.retired_hosts) with one redirect per
  old page to the page's new place (the page itself, T's section, or T's home).

Redirects point to pages, never to URLs, and anything that pointed to a page that is removed is
re-pointed to its replacement first: an old URL is always one hop from its new place, however
many restructurings follow.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.contrib.redirects.models import Redirect
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.log_actions import log
from wagtail.models import (
    Collection,
    GroupApprovalTask,
    GroupPagePermission,
    Page,
    ReferenceIndex,
    Revision,
    Site,
    WorkflowPage,
)
from wagtail.signal_handlers import disable_reference_index_auto_update

from cms import page_cache
from cms.models import AudienceTarget, InheritedItemChoice, Proposal, SectionPage
from sites.hosts import nfc, portal_slug
from sites.models import PortalPage, RetiredHost, SectionBlueprint
from sites.permissions import approving_groups_of, sync_approving_groups
from sites.portal_settings import PortalSettingsFields
from sites.provisioning import PortalSpec, provision_portals, rename_groups
from sites.routing import invalidate_site_roots

Say = Callable[[str], None]

# The per-portal settings an admin may keep from a merged portal: every field of the portal
# settings (sites.portal_settings), so a setting added there can be kept too.
SETTINGS_FIELDS = tuple(field.name for field in PortalSettingsFields._meta.fields)


class RestructuringError(Exception):
    """The operation cannot be planned (the message says why)."""


# --- Where content goes ------------------------------------------------------------------------


@dataclass(eq=False)
class Target:
    """A portal receiving content: an existing portal or one the plan creates (`spec`)."""

    portal: PortalPage | None = None
    spec: PortalSpec | None = None
    # kind -> slug of the portal's top-level sections
    sections: dict[str, str] = field(default_factory=dict)
    # slugs taken under the home ("") and under each top-level section (its kind)
    taken: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    host: str = ""

    @property
    def name(self) -> str:
        return self.portal.unit_name if self.portal is not None else self.spec.unit_name

    @property
    def page(self) -> PortalPage:
        return self.portal if self.portal is not None else self.spec.portal

    def section_page(self, kind: str) -> Page:
        return Page.objects.get(
            path__startswith=self.page.path, depth=self.page.depth + 1, slug=self.sections[kind]
        )

    def free_slug(self, under: str, slug: str) -> str:
        taken = self.taken[under]
        new, number = slug, 1
        while new in taken:
            number += 1
            new = f"{slug}-{number}"
        taken.add(new)
        return new


def live_site(portal: Page) -> Site | None:
    return Site.objects.filter(root_page_id=portal.pk, retirement__isnull=True).first()


class Targets:
    """One `Target` per receiving portal for a whole plan, so slugs stay unique across sources."""

    def __init__(self):
        self._by_key: dict[object, Target] = {}

    def existing(self, portal: PortalPage) -> Target:
        target = self._by_key.get(portal.pk)
        if target is None:
            target = Target(portal=portal)
            site = live_site(portal)
            target.host = site.hostname if site else ""
            sections = list(
                SectionPage.objects.child_of(portal)
                .order_by("path")
                .values_list("kind", "slug", "path")
            )
            kind_of_path = {}
            for kind, slug, path in sections:
                if kind not in target.sections:
                    target.sections[kind] = slug
                    kind_of_path[path] = kind
            target.taken[""] = set(portal.get_children().values_list("slug", flat=True))
            for path, slug in Page.objects.filter(
                path__startswith=portal.path, depth=portal.depth + 2
            ).values_list("path", "slug"):
                kind = kind_of_path.get(path[: -Page.steplen])
                if kind is not None:
                    target.taken[kind].add(slug)
            self._by_key[portal.pk] = target
        return target

    def new(self, spec: PortalSpec) -> Target:
        target = self._by_key.get(id(spec))
        if target is None:
            target = Target(spec=spec)
            for blueprint in SectionBlueprint.objects.filter(level_id=spec.level).order_by(
                "sort_order"
            ):
                target.sections.setdefault(blueprint.kind, blueprint.slug)
                target.taken[""].add(blueprint.slug)
            self._by_key[id(spec)] = target
        return target


# --- The plan ----------------------------------------------------------------------------------


@dataclass
class PageMove:
    page_id: int
    title: str
    old_url_path: str
    target: Target
    under: str  # "" = under the target's home, else the kind of the target's section
    slug: str
    new_slug: str

    @classmethod
    def of(cls, page: Page, target: Target, under: str, slug: str | None = None) -> PageMove:
        """`page` moving under `target` (its home, or its section of kind `under`), with the
        first free slug there from `slug` (default: the page's own)."""
        new_slug = target.free_slug(under, slug or page.slug)
        return cls(page.pk, page.title, page.url_path, target, under, page.slug, new_slug)


@dataclass
class PlannedRedirect:
    hostname: str
    old_path: str
    # the page itself (it survives), or the target's section of a kind, or its home ("")
    page_id: int | None = None
    target: Target | None = None
    kind: str = ""

    def describe_target(self) -> str:
        if self.page_id is not None:
            return _("page #%(id)s") % {"id": self.page_id}
        return self.target.name + (f" › {self.kind}" if self.kind else "")


@dataclass
class Merge:
    source: PortalPage
    target: Target
    site: Site | None
    moves: list[PageMove] = field(default_factory=list)
    # sections left empty: (page id, kind, keep as a sub-section of the target's section?)
    emptied_sections: list[tuple[int, str, bool]] = field(default_factory=list)
    redirects: list[PlannedRedirect] = field(default_factory=list)
    users: list[tuple[int, str, str]] = field(default_factory=list)  # id, username, role
    settings: dict[str, object] = field(default_factory=dict)
    images: int = 0
    documents: int = 0
    sharing: int = 0


@dataclass
class PortalMove:
    portal: PortalPage
    parent: Target
    new_slug: str
    hosts: list[tuple[int, str, str]] = field(default_factory=list)  # portal id, old, new


@dataclass
class Retirement:
    portal: PortalPage
    successor: Target
    mode: str  # "archive" or "redirect"
    site: Site | None = None
    redirects: list[PlannedRedirect] = field(default_factory=list)
    pages: int = 0


@dataclass
class Plan:
    operation: str
    description: str
    new_portals: list[PortalSpec] = field(default_factory=list)
    steps: list[PortalMove | Merge | Retirement] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        counts = Counter(
            portals_created=len(self.new_portals),
            portals_moved=0,
            portals_merged=0,
            portals_retired=0,
            pages_moved=0,
            pages_renamed=0,
            sections_removed=0,
            redirects=0,
            hosts_retired=0,
            users_joined=0,
        )
        for step in self.steps:
            if isinstance(step, PortalMove):
                counts["portals_moved"] += 1
                counts["hosts_retired"] += len(step.hosts)
            elif isinstance(step, Merge):
                counts["portals_merged"] += not isinstance(step, _PartialMerge)
                counts["pages_moved"] += len(step.moves)
                counts["pages_renamed"] += sum(m.slug != m.new_slug for m in step.moves)
                counts["sections_removed"] += sum(
                    not keep for _p, _k, keep in step.emptied_sections
                )
                counts["redirects"] += len(step.redirects)
                counts["hosts_retired"] += step.site is not None
                counts["users_joined"] += len(step.users)
            else:
                counts["portals_retired"] += 1
                counts["redirects"] += len(step.redirects)
                counts["hosts_retired"] += step.mode == "redirect" and step.site is not None
        return dict(counts)

    def lines(self, detail: bool = True) -> list[str]:
        """What will happen, one line each, in the active language (the dry run)."""
        out = [f"{OPERATION_NAMES[self.operation]}: {self.description}"]
        for spec in self.new_portals:
            out.append(
                "  "
                + _("create portal %(name)s (%(level)s, code %(code)s)")
                % {"name": spec.unit_name, "level": spec.level, "code": spec.unit_code}
            )
        for step in self.steps:
            if isinstance(step, PortalMove):
                out.append(
                    "  "
                    + _("move portal %(portal)s under %(parent)s")
                    % {"portal": step.portal.unit_name, "parent": step.parent.name}
                    + _renamed(step.portal.slug, step.new_slug)
                )
                out += [
                    "    " + _("host %(old)s → %(new)s") % {"old": old, "new": new}
                    for _pk, old, new in step.hosts
                ]
            elif isinstance(step, Merge):
                verb = (
                    _("move pages of %(source)s to %(target)s")
                    if isinstance(step, _PartialMerge)
                    else _("merge portal %(source)s into %(target)s")
                )
                out.append(
                    "  " + verb % {"source": step.source.unit_name, "target": step.target.name}
                )
                if step.site is not None:
                    out.append(
                        "    "
                        + _("retire host %(host)s → %(target)s")
                        % {"host": step.site.hostname, "target": step.target.name}
                    )
                if detail:
                    out += self._merge_details(step)
                else:
                    out.append(
                        "    "
                        + _("%(pages)s pages, %(users)s users, %(redirects)s redirects")
                        % {
                            "pages": len(step.moves),
                            "users": len(step.users),
                            "redirects": len(step.redirects),
                        }
                    )
                if step.images or step.documents:
                    out.append(
                        "    "
                        + _("%(images)s images, %(documents)s documents to the target")
                        % {"images": step.images, "documents": step.documents}
                    )
                if step.sharing:
                    out.append(
                        "    " + _("%(count)s sharing records follow") % {"count": step.sharing}
                    )
            else:
                out.append(
                    "  "
                    + _("retire portal %(portal)s (%(mode)s) → %(successor)s")
                    % {
                        "portal": step.portal.unit_name,
                        "mode": RETIREMENT_MODES[step.mode],
                        "successor": step.successor.name,
                    }
                )
                if detail:
                    out += [_redirect_line(r) for r in step.redirects]
        out.append(
            "  "
            + _("total: %(counts)s")
            % {"counts": ", ".join(f"{COUNT_NAMES[k]} {v}" for k, v in self.counts().items())}
        )
        return out

    @staticmethod
    def _merge_details(step: Merge) -> list[str]:
        out = []
        for move in step.moves:
            where = f" › {move.under}" if move.under else ""
            out.append(
                "    "
                + _("move page “%(title)s” (%(path)s) to %(target)s")
                % {
                    "title": move.title,
                    "path": move.old_url_path,
                    "target": move.target.name + where,
                }
                + _renamed(move.slug, move.new_slug)
            )
        for _pk, kind, keep in step.emptied_sections:
            verb = (
                _("keep as a sub-section: %(kind)s")
                if keep
                else _("remove empty section: %(kind)s")
            )
            out.append("    " + verb % {"kind": kind})
        for _pk, username, role in step.users:
            out.append(
                "    "
                + _("user %(user)s joins %(target)s (%(role)s)")
                % {"user": username, "target": step.target.name, "role": ROLE_NAMES[role]}
            )
        for name, value in step.settings.items():
            out.append(
                "    " + _("keep setting %(name)s = %(value)s") % {"name": name, "value": value}
            )
        out += [_redirect_line(r) for r in step.redirects]
        return out

    def redirect_keys(self) -> set[str]:
        """`host/old-path` of every redirect the plan creates."""
        return {
            r.hostname + r.old_path
            for step in self.steps
            if not isinstance(step, PortalMove)
            for r in step.redirects
        }


OPERATION_NAMES = {
    "move": gettext_lazy("Move"),
    "merge": gettext_lazy("Merge"),
    "split": gettext_lazy("Split"),
    "retire": gettext_lazy("Retire"),
    "remove-level": gettext_lazy("Remove a level"),
    "reform": gettext_lazy("2025 reform"),
}
RETIREMENT_MODES = {"archive": gettext_lazy("archive"), "redirect": gettext_lazy("redirect")}
ROLE_NAMES = {"editors": gettext_lazy("editors"), "moderators": gettext_lazy("moderators")}
COUNT_NAMES = {
    "portals_created": gettext_lazy("portals created"),
    "portals_moved": gettext_lazy("portals moved"),
    "portals_merged": gettext_lazy("portals merged"),
    "portals_retired": gettext_lazy("portals retired"),
    "pages_moved": gettext_lazy("pages moved"),
    "pages_renamed": gettext_lazy("pages renamed"),
    "sections_removed": gettext_lazy("sections removed"),
    "redirects": gettext_lazy("redirects"),
    "hosts_retired": gettext_lazy("hosts retired"),
    "users_joined": gettext_lazy("users joining groups"),
}


def counts_text(counts: dict[str, int]) -> str:
    return ", ".join(f"{COUNT_NAMES[key]} {value}" for key, value in counts.items())


def _renamed(old_slug: str, new_slug: str) -> str:
    return (" " + _("as “%(slug)s”") % {"slug": new_slug}) if old_slug != new_slug else ""


def _redirect_line(redirect: PlannedRedirect) -> str:
    return "    " + _("redirect %(old)s → %(new)s") % {
        "old": redirect.hostname + redirect.old_path,
        "new": redirect.describe_target(),
    }


# --- Planning ------------------------------------------------------------------------------------


def _relative_path(page_url_path: str, portal_url_path: str) -> str:
    return Redirect.normalise_path(page_url_path[len(portal_url_path) - 1 :])


def _portal_pages(portal: PortalPage):
    """The pages of a portal's own subtree, without the portals below it and their pages."""
    pages = Page.objects.filter(path__startswith=portal.path, depth__gt=portal.depth).order_by(
        "path"
    )
    below = list(
        PortalPage.objects.filter(path__startswith=portal.path, depth__gt=portal.depth)
        .values_list("path", flat=True)
        .order_by("path")
    )
    if not below:
        return list(pages)
    return [page for page in pages if not any(page.path.startswith(p) for p in below)]


def _has_text(section: SectionPage) -> bool:
    return bool((section.intro or "").strip() or len(section.body))


def plan_merge_into(
    plan: Plan,
    targets: Targets,
    source: PortalPage,
    target: Target,
    *,
    keep_settings: Iterable[str] = (),
    child_portals: str = "move",
) -> Merge:
    """Add the merge of `source` into `target` to `plan`."""
    if target.portal is not None and (
        target.portal.pk == source.pk or target.portal.path.startswith(source.path)
    ):
        raise RestructuringError(
            _("%(source)s cannot be merged into itself or a portal below it.") % {"source": source}
        )
    merge = Merge(source=source, target=target, site=live_site(source))
    children = list(PortalPage.objects.child_of(source).order_by("path"))
    if children and child_portals == "move":
        for child in children:
            plan.steps.append(plan_move_into(targets, child, target))
    pages = _portal_pages(source)
    by_path = {page.path: page for page in pages}
    sections = {
        s.pk: s
        for s in SectionPage.objects.filter(
            pk__in=[p.pk for p in pages if p.depth == source.depth + 1]
        )
    }
    replacement: dict[int, tuple[Target, str]] = {}  # removed page -> (target, kind)
    steplen = Page.steplen
    for page in pages:
        if page.depth == source.depth + 1:
            section = sections.get(page.pk)
            kind = section.kind if section is not None else ""
            if section is not None and kind in target.sections:
                keep = _has_text(section)
                merge.emptied_sections.append((page.pk, kind, keep))
                if keep:
                    merge.moves.append(
                        PageMove.of(page, target, kind, f"{page.slug}-{source.slug}")
                    )
                else:
                    replacement[page.pk] = (target, kind)
            else:
                merge.moves.append(PageMove.of(page, target, ""))
        elif page.depth == source.depth + 2:
            parent = by_path[page.path[:-steplen]]
            section = sections.get(parent.pk)
            if section is not None and section.kind in target.sections:
                merge.moves.append(PageMove.of(page, target, section.kind))
    if merge.site is not None:
        merge.redirects.append(PlannedRedirect(merge.site.hostname, "/", target=target))
        for page in pages:
            old_path = _relative_path(page.url_path, source.url_path)
            if page.pk in replacement:
                to_target, kind = replacement[page.pk]
                merge.redirects.append(
                    PlannedRedirect(merge.site.hostname, old_path, target=to_target, kind=kind)
                )
            else:
                merge.redirects.append(
                    PlannedRedirect(merge.site.hostname, old_path, page_id=page.pk)
                )
    User = get_user_model()
    for role, group_id in (
        ("editors", source.editors_group_id),
        ("moderators", source.moderators_group_id),
    ):
        if group_id:
            merge.users += [
                (pk, username, role)
                for pk, username in User.objects.filter(groups=group_id)
                .order_by("username")
                .values_list("pk", "username")
            ]
    for name in keep_settings:
        if name not in SETTINGS_FIELDS:
            raise RestructuringError(_("Unknown setting: %(name)s.") % {"name": name})
        value = getattr(source, f"{name}_id" if name in ("logo", "banner") else name)
        if value:
            merge.settings[name] = value
    if source.collection_id:
        merge.images = get_image_model().objects.filter(collection_id=source.collection_id).count()
        merge.documents = (
            get_document_model().objects.filter(collection_id=source.collection_id).count()
        )
    merge.sharing = (
        AudienceTarget.objects.filter(portal=source).count()
        + InheritedItemChoice.objects.filter(portal=source).count()
        + Proposal.objects.filter(from_portal=source).count()
        + Proposal.objects.filter(to_portal=source).count()
    )
    plan.steps.append(merge)
    return merge


def plan_move_into(targets: Targets, portal: PortalPage, parent: Target) -> PortalMove:
    slug = portal.slug
    if slug in parent.taken[""]:
        slug = f"{portal_slug(portal.unit_name)}-{portal.unit_code}"
    new_slug = parent.free_slug("", slug)
    move = PortalMove(portal=portal, parent=parent, new_slug=new_slug)
    site = live_site(portal)
    if site is not None:
        old_host = site.hostname
        new_host = f"{new_slug}.{parent.host}" if parent.host else old_host
        for pk, hostname in Site.objects.filter(
            root_page__path__startswith=portal.path, retirement__isnull=True
        ).values_list("root_page_id", "hostname"):
            if hostname == old_host or hostname.endswith("." + old_host):
                new = hostname[: len(hostname) - len(old_host)] + new_host
                if new != hostname:
                    move.hosts.append((pk, hostname, new))
    return move


def plan_move(portal: PortalPage, new_parent: PortalPage) -> Plan:
    if new_parent.path.startswith(portal.path):
        raise RestructuringError(
            _("%(portal)s cannot move under itself or a portal below it.") % {"portal": portal}
        )
    plan = Plan("move", f"{portal.unit_name} → {new_parent.unit_name}")
    plan.steps.append(plan_move_into(Targets(), portal, Targets().existing(new_parent)))
    return plan


def plan_merge(
    sources: list[PortalPage],
    target: PortalPage | PortalSpec,
    *,
    keep_settings: Iterable[str] = (),
) -> Plan:
    """Merge `sources` into an existing portal, or into a new one (a `PortalSpec`)."""
    if not sources:
        raise RestructuringError(_("Nothing to merge."))
    names = ", ".join(s.unit_name for s in sources)
    targets = Targets()
    if isinstance(target, PortalSpec):
        plan = Plan("merge", f"{names} → {target.unit_name}")
        plan.new_portals.append(target)
        receiving = targets.new(target)
        parent_site = live_site(target.parent) if isinstance(target.parent, PortalPage) else None
        receiving.host = f"{target.slug}.{parent_site.hostname}" if parent_site else ""
    else:
        plan = Plan("merge", f"{names} → {target.unit_name}")
        receiving = targets.existing(target)
    for source in sources:
        plan_merge_into(plan, targets, source, receiving, keep_settings=keep_settings)
    return plan


def plan_retire(portal: PortalPage, successor: PortalPage, mode: str = "redirect") -> Plan:
    """Retire a portal: a read-only archive on its host with a banner pointing to `successor`
    ("archive"), or its pages unpublished and every URL redirected to `successor` ("redirect")."""
    if mode not in ("archive", "redirect"):
        raise RestructuringError(_("The mode is “archive” or “redirect”."))
    if successor.path.startswith(portal.path):
        raise RestructuringError(
            _("%(successor)s is inside %(portal)s.") % {"successor": successor, "portal": portal}
        )
    if PortalPage.objects.child_of(portal).exists():
        raise RestructuringError(
            _("%(portal)s still has portals below it: move or merge them first.")
            % {"portal": portal}
        )
    plan = Plan("retire", f"{portal.unit_name} → {successor.unit_name}")
    target = Targets().existing(successor)
    retirement = Retirement(portal=portal, successor=target, mode=mode, site=live_site(portal))
    pages = _portal_pages(portal)
    retirement.pages = len(pages) + 1
    if mode == "redirect" and retirement.site is not None:
        hostname = retirement.site.hostname
        retirement.redirects.append(PlannedRedirect(hostname, "/", target=target))
        sections = dict(
            SectionPage.objects.filter(pk__in=[p.pk for p in pages]).values_list("pk", "kind")
        )
        for page in pages:
            top = next(
                (p for p in pages if page.path.startswith(p.path) and p.depth == portal.depth + 1),
                None,
            )
            kind = sections.get(top.pk, "") if top is not None else ""
            retirement.redirects.append(
                PlannedRedirect(
                    hostname,
                    _relative_path(page.url_path, portal.url_path),
                    target=target,
                    kind=kind if kind in target.sections else "",
                )
            )
    plan.steps.append(retirement)
    return plan


def split_mapping(
    parts: Iterable[str], find: Callable[[str], PortalPage] | None = None
) -> dict[str, PortalPage]:
    """The mapping of `plan_split` from its written form, one `KIND=HOST` or `#ID=HOST` per part
    (the admin screen's lines, `split_portal --map`); `find` names a portal by its host
    (default `find_portal`)."""
    find = find or find_portal
    mapping = {}
    for part in parts:
        if not part.strip():
            continue
        key, _sep, host = part.partition("=")
        if not key.strip() or not host.strip():
            raise RestructuringError(
                _("Write each part as KIND=HOST or #ID=HOST: %(line)s") % {"line": part}
            )
        mapping[key.strip()] = find(host)
    if not mapping:
        raise RestructuringError(_("Say where each part goes."))
    return mapping


def plan_split(portal: PortalPage, mapping: dict[str, PortalPage]) -> Plan:
    """Move a portal's content to other portals by an explicit mapping: keys are section kinds
    (every page of that section) or page ids (`"#123"`); values the receiving portals. The portal
    stays (merge or retire what is left afterwards); its old URLs of moved pages redirect."""
    targets = Targets()
    plan = Plan(
        "split",
        f"{portal.unit_name} → " + ", ".join(sorted({p.unit_name for p in mapping.values()})),
    )
    pages = _portal_pages(portal)
    by_id = {page.pk: page for page in pages}
    sections = {
        s.pk: s.kind
        for s in SectionPage.objects.filter(
            pk__in=[p.pk for p in pages if p.depth == portal.depth + 1]
        )
    }
    kind_of_path = {page.path: sections[page.pk] for page in pages if page.pk in sections}
    site = live_site(portal)
    merges: dict[int, Merge] = {}
    for key, receiving_portal in mapping.items():
        target = targets.existing(receiving_portal)
        merge = merges.get(receiving_portal.pk)
        if merge is None:
            merge = merges[receiving_portal.pk] = Merge(source=portal, target=target, site=None)
        if key.startswith("#"):
            page = by_id.get(int(key[1:])) if key[1:].isdigit() else None
            if page is None or page.depth < portal.depth + 2:
                raise RestructuringError(
                    _("Page %(key)s is not an item of %(portal)s.") % {"key": key, "portal": portal}
                )
            chosen = [page]
        else:
            if key not in sections.values():
                raise RestructuringError(
                    _("%(portal)s has no section “%(key)s”.") % {"portal": portal, "key": key}
                )
            chosen = [
                page
                for page in pages
                if page.depth == portal.depth + 2
                and kind_of_path.get(page.path[: -Page.steplen]) == key
            ]
        for page in chosen:
            kind = kind_of_path.get(page.path[: (portal.depth + 1) * Page.steplen], "")
            under = kind if kind in target.sections else ""
            merge.moves.append(PageMove.of(page, target, under))
            if site is not None:
                for moved in pages:
                    if moved.path.startswith(page.path):
                        merge.redirects.append(
                            PlannedRedirect(
                                site.hostname,
                                _relative_path(moved.url_path, portal.url_path),
                                page_id=moved.pk,
                            )
                        )
    for merge in merges.values():
        # Not a whole merge: no user, setting or host moves with it (counted as pages only).
        plan.steps.append(_PartialMerge(**vars(merge)))
    return plan


@dataclass
class _PartialMerge(Merge):
    """Pages of a portal moved to another one that stays (a split): the source stays too."""


def plan_remove_level(province: PortalPage, *, districts: str = "merge") -> Plan:
    """Turn a 3-level province into a 2-level one: every commune moves under the province (new
    hostnames, old ones redirect), then each district portal is merged into the province
    ("merge") or retired as an archive pointing to it ("archive")."""
    if districts not in ("merge", "archive"):
        raise RestructuringError(_("Districts are merged or archived."))
    targets = Targets()
    plan = Plan("remove-level", province.unit_name)
    receiving = targets.existing(province)
    for district in PortalPage.objects.child_of(province).order_by("path"):
        for commune in PortalPage.objects.child_of(district).order_by("path"):
            plan.steps.append(plan_move_into(targets, commune, receiving))
        if districts == "merge":
            plan_merge_into(plan, targets, district, receiving, child_portals="skip")
        else:
            plan.steps.append(
                Retirement(
                    portal=district, successor=receiving, mode="archive", site=live_site(district)
                )
            )
    return plan


# --- The 2025 reform ---------------------------------------------------------------------------


def read_reform_data(conversion: str | Path, units_2level: str | Path):
    rows = json.loads(Path(conversion).read_text(encoding="utf-8"))
    provinces = json.loads(Path(units_2level).read_text(encoding="utf-8"))
    return rows, {int(p["code"]): p for p in provinces}


def plan_reform(
    province_code: int,
    rows: list[dict],
    new_provinces: dict[int, dict],
    *,
    successors: dict[int, int] | None = None,
) -> Plan:
    """Replay the 2025 reform for one 3-level province of the demo: its place in the 2-level tree.

    `rows` are the conversion table's rows (old commune → new communes; `partly` marks a commune
    split between several new ones, whose content goes to the first one listed unless
    `successors` names another of them), `new_provinces` the 2-level units by code.
    """
    from sites.hosts import unique_sibling_slugs

    successors = successors or {}
    old_province = PortalPage.objects.filter(
        level_id="province", unit_code=province_code, depth=2
    ).first()
    if old_province is None:
        raise RestructuringError(
            _("No 3-level province portal with code %(province_code)s.")
            % {"province_code": province_code}
        )
    rows = [r for r in rows if int(r["old_province"]) == province_code]
    if not rows:
        raise RestructuringError(
            _("The conversion table has no row for province %(province_code)s.")
            % {"province_code": province_code}
        )
    if not PortalPage.objects.filter(
        path__startswith=old_province.path, level_id="district"
    ).exists():
        raise RestructuringError(
            _("%(old_province)s has no district level left.") % {"old_province": old_province}
        )
    new_codes = {int(r["new_province"]) for r in rows}
    if len(new_codes) != 1:
        raise RestructuringError(_("The province's communes went to several provinces."))
    new_province_code = new_codes.pop()
    new_unit = new_provinces.get(new_province_code)
    if new_unit is None:
        raise RestructuringError(
            _("Province %(new_province_code)s is not in the 2-level list.")
            % {"new_province_code": new_province_code}
        )
    names = {int(c["code"]): nfc(c["name"]) for c in new_unit.get("communes", [])}
    by_old = {int(r["old_commune"]): r for r in rows}
    for old, new in successors.items():
        row = by_old.get(old)
        # A commune the table lacks (merged before the reform) may go to any new commune of
        # the province; a listed one only to a commune the table gives it.
        allowed = names if row is None else [int(c) for c in row["new_communes"]]
        if new not in allowed:
            raise RestructuringError(
                _("Commune %(new)s is not a successor of commune %(old)s.")
                % {"new": new, "old": old}
            )

    targets = Targets()
    plan = Plan(
        "reform",
        f"{old_province.unit_name} → {nfc(new_unit['name'])}",
    )
    # The new province: the existing one, the old one itself, or a new portal.
    if new_province_code == province_code:
        province = targets.existing(old_province)
    else:
        existing = PortalPage.objects.filter(
            level_id="province", unit_code=new_province_code, depth=2
        ).first()
        if existing is not None:
            province = targets.existing(existing)
        else:
            root = Page.get_first_root_node()
            taken = set(root.get_children().values_list("slug", flat=True))
            slug = unique_sibling_slugs([(new_province_code, new_unit["name"])], taken)[
                new_province_code
            ]
            spec = PortalSpec(
                level="province",
                unit_code=new_province_code,
                unit_name=nfc(new_unit["name"]),
                slug=slug,
            )
            plan.new_portals.append(spec)
            province = targets.new(spec)
            province.host = portal_hostname_for(spec)
    # The new communes that receive old ones.
    wanted = sorted(
        {int(c) for r in rows for c in r["new_communes"]}
        | {new for old, new in successors.items() if old not in by_old}
    )
    existing_communes = {}
    if province.portal is not None:
        existing_communes = {
            p.unit_code: p
            for p in PortalPage.objects.child_of(province.portal).filter(level_id="commune")
        }
    missing = [code for code in wanted if code not in existing_communes]
    unknown = [code for code in missing if code not in names]
    if unknown:
        raise RestructuringError(
            _("Communes not in the 2-level list: %(unknown)s.") % {"unknown": unknown}
        )
    slugs = unique_sibling_slugs([(code, names[code]) for code in missing], province.taken[""])
    communes: dict[int, Target] = {}
    for code in wanted:
        if code in existing_communes:
            communes[code] = targets.existing(existing_communes[code])
            continue
        spec = PortalSpec(
            level="commune",
            unit_code=code,
            unit_name=names[code],
            slug=slugs[code],
            parent=province.portal if province.portal is not None else province.spec,
        )
        province.taken[""].add(spec.slug)
        plan.new_portals.append(spec)
        communes[code] = targets.new(spec)
        communes[code].host = f"{spec.slug}.{province.host}"
    # Old communes into their successor, districts and the old province into the new province.
    districts = list(PortalPage.objects.child_of(old_province).order_by("path"))
    for district in districts:
        for commune in PortalPage.objects.child_of(district).order_by("path"):
            row = by_old.get(commune.unit_code)
            if row is None and commune.unit_code not in successors:
                raise RestructuringError(
                    _(
                        "%(commune)s (%(unit_code)s) is not in the conversion table: name the new "
                        "commune that takes it over as a successor (%(unit_code)s=NEW)."
                    )
                    % {"commune": commune, "unit_code": commune.unit_code}
                )
            code = successors.get(commune.unit_code) or int(row["new_communes"][0])
            plan_merge_into(plan, targets, commune, communes[code])
        plan_merge_into(plan, targets, district, province, child_portals="skip")
    if province.portal is None or province.portal.pk != old_province.pk:
        plan_merge_into(plan, targets, old_province, province, child_portals="skip")
    return plan


def portal_hostname_for(spec: PortalSpec) -> str:
    from sites.hosts import portal_hostname

    return portal_hostname([spec.slug])


# --- Applying ------------------------------------------------------------------------------------


def apply(plan: Plan, progress: Say | None = None, user=None) -> dict[str, int]:
    """Carry out `plan` in one transaction; return the counts of what was done."""
    say = progress or (lambda message: None)
    done: Counter = Counter()
    # Merged portals' home pages (with their emptied sections) are removed together at the end:
    # one pass over the tree instead of one per portal. Path and page count of each.
    removals: dict[int, tuple[str, int]] = {}
    try:
        with transaction.atomic():
            if plan.new_portals:
                provision_portals(plan.new_portals)
                done["portals_created"] += len(plan.new_portals)
                say(f"{len(plan.new_portals)} portals created")
            total = len(plan.steps)
            for number, step in enumerate(plan.steps, start=1):
                if isinstance(step, PortalMove):
                    _apply_portal_move(step, done)
                    label = f"moved {step.portal.unit_name}"
                elif isinstance(step, _PartialMerge):
                    _apply_page_moves(step, done)
                    _apply_redirects(step.redirects, {}, done)
                    label = f"moved {len(step.moves)} pages of {step.source.unit_name}"
                elif isinstance(step, Merge):
                    _apply_merge(step, done, removals)
                    label = f"merged {step.source.unit_name} into {step.target.name}"
                else:
                    _apply_retirement(step, done)
                    label = f"retired {step.portal.unit_name}"
                say(f"[{number}/{total}] {label}")
            if removals:
                _remove_trees([path for path, _size in removals.values()])
                say(f"{len(removals)} merged portals' home pages removed")
            transaction.on_commit(invalidate_site_roots)
            page_cache.everything_changed()
    finally:
        # The routing index may have been reloaded from rows of a transaction that rolled back.
        invalidate_site_roots()
    return {key: done.get(key, 0) for key in plan.counts()}


def _remove_trees(paths: list[str]) -> None:
    """Removes the pages at `paths` with everything still below them (merged portals' homes and
    emptied sections), in one delete. Two of Wagtail's per-page delete handlers are done here in
    a few statements for all of them, instead of several queries per page (a third of a
    province's reform): unpublishing (in memory, for its signal; the page cache is cleared as a
    whole after a restructuring) and removing the page's rows of the reference index."""
    tops = [path for path in paths if not any(path.startswith(p) and path != p for p in paths)]
    under = Q()
    for path in tops:
        under |= Q(path__startswith=path)
    pages = Page.objects.filter(under)
    ids = [str(pk) for pk in pages.values_list("pk", flat=True)]
    page_type = ContentType.objects.get_for_model(Page)
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        ReferenceIndex.objects.filter(
            Q(base_content_type=page_type, object_id__in=chunk)
            | Q(to_content_type=page_type, to_object_id__in=chunk)
        ).delete()
    pages.filter(live=True).update(live=False, live_revision=None)
    with disable_reference_index_auto_update():
        Page.objects.filter(path__in=tops).delete()


def _rename(page_id: int, slug: str) -> None:
    """A new slug for a page, in the page and in its revisions (a draft published later must
    not bring the old, now taken, slug back)."""
    Page.objects.filter(pk=page_id).update(slug=slug)
    for revision in Revision.objects.page_revisions().filter(object_id=str(page_id)):
        if revision.content.get("slug") != slug:
            revision.content["slug"] = slug
            revision.save(update_fields=["content"])


def _move_page(page_id: int, parent: Page, new_slug: str, done: Counter) -> None:
    page = Page.objects.get(pk=page_id)
    if page.slug != new_slug:
        _rename(page_id, new_slug)
        page = Page.objects.get(pk=page_id)
        done["pages_renamed"] += 1
    page.move(parent, pos="last-child")


def _apply_page_moves(merge: Merge, done: Counter) -> None:
    parents: dict[str, Page] = {}
    for move in merge.moves:
        parent = parents.get(move.under)
        if parent is None:
            target = move.target
            parent = target.section_page(move.under) if move.under else target.page
            parents[move.under] = parent
        _move_page(move.page_id, parent, move.new_slug, done)
        done["pages_moved"] += 1


def _resolve(redirect: PlannedRedirect, cache: dict) -> Page:
    if redirect.page_id is not None:
        return Page.objects.get(pk=redirect.page_id)
    key = (id(redirect.target), redirect.kind)
    page = cache.get(key)
    if page is None:
        target = redirect.target
        page = target.section_page(redirect.kind) if redirect.kind else target.page
        cache[key] = page
    return page


def _apply_redirects(redirects: list[PlannedRedirect], cache: dict, done: Counter) -> None:
    sites = {}
    for planned in redirects:
        site = sites.get(planned.hostname)
        if site is None:
            site = sites[planned.hostname] = Site.objects.get(hostname=planned.hostname)
        Redirect.objects.update_or_create(
            site=site,
            old_path=planned.old_path,
            defaults={
                "redirect_page": _resolve(planned, cache),
                "redirect_link": "",
                "redirect_page_route_path": "",
                "is_permanent": True,
                # Not "automatically created": Wagtail's own redirect creation on page moves
                # deletes such rows (all of them when a move changes no URL it knows of).
                "automatically_created": False,
            },
        )
        done["redirects"] += 1


def _repoint(old: Page | int, new: Page) -> None:
    """Before a page is removed: whatever pointed at it (redirects, retired hosts) points at its
    replacement, so old URLs stay one hop from a page that exists."""
    old_id = old if isinstance(old, int) else old.pk
    Redirect.objects.filter(redirect_page_id=old_id).update(redirect_page=new)
    Site.objects.filter(root_page_id=old_id, retirement__isnull=False).update(root_page=new)


def _retire_site(
    site: Site, successor: Page, reason: str, name: str, old_url_path: str, done: Counter
) -> None:
    Site.objects.filter(pk=site.pk).update(root_page=successor, is_default_site=False)
    RetiredHost.objects.update_or_create(
        site=site,
        defaults={
            "reason": reason,
            "former_name": name,
            "retired_at": timezone.now(),
            "old_url_path": old_url_path,
        },
    )
    done["hosts_retired"] += 1


def _follow_sharing(source: PortalPage, target: PortalPage) -> None:
    """Audiences, receivers' choices and proposals that named `source` name `target`."""
    for chosen in AudienceTarget.objects.filter(portal=source):
        if AudienceTarget.objects.filter(page_id=chosen.page_id, portal=target).exists():
            chosen.delete()
        else:
            AudienceTarget.objects.filter(pk=chosen.pk).update(portal=target)
    for choice in InheritedItemChoice.objects.filter(portal=source):
        if InheritedItemChoice.objects.filter(page_id=choice.page_id, portal=target).exists():
            choice.delete()
        else:
            InheritedItemChoice.objects.filter(pk=choice.pk).update(portal=target)
    Proposal.objects.filter(from_portal=source).update(from_portal=target)
    for proposal in Proposal.objects.filter(to_portal=source):
        if proposal.page.owner_portal_id == target.pk:
            proposal.delete()  # the story now belongs to the portal it was proposed to
        else:
            Proposal.objects.filter(pk=proposal.pk).update(to_portal=target)


def _apply_merge(merge: Merge, done: Counter, removals: dict[int, tuple[str, int]]) -> None:
    source = PortalPage.objects.get(pk=merge.source.pk)
    target = PortalPage.objects.get(pk=merge.target.page.pk)
    _apply_page_moves(merge, done)
    # Emptied sections: kept as sub-sections already moved, the others removed.
    sections_by_kind: dict[str, Page] = {}
    for page_id, kind, keep in merge.emptied_sections:
        if keep:
            continue
        section = sections_by_kind.get(kind) or merge.target.section_page(kind)
        sections_by_kind[kind] = section
        if Page.objects.filter(pk=page_id).exists():
            _repoint(page_id, section)
    # Hosts and redirects (created before the removal below, re-pointed with it).
    if merge.site is not None:
        _retire_site(
            merge.site, target, RetiredHost.Reason.MERGED, source.unit_name, source.url_path, done
        )
    _apply_redirects(merge.redirects, {}, done)
    # Users, moderation, media, settings, sharing.
    User = get_user_model()
    roles = {"editors": target.editors_group_id, "moderators": target.moderators_group_id}
    for user_id, _username, role in merge.users:
        if roles.get(role):
            User.groups.through.objects.get_or_create(user_id=user_id, group_id=roles[role])
            done["users_joined"] += 1
    workflows = WorkflowPage.objects.filter(page=source).values_list("workflow_id", flat=True)
    target_approvers = approving_groups_of([target])[target.pk]
    for task in GroupApprovalTask.objects.filter(workflow_tasks__workflow_id__in=workflows):
        task.groups.add(*target_approvers)
    if source.collection_id and target.collection_id:
        get_image_model().objects.filter(collection_id=source.collection_id).update(
            collection_id=target.collection_id
        )
        get_document_model().objects.filter(collection_id=source.collection_id).update(
            collection_id=target.collection_id
        )
        target_collection = Collection.objects.get(pk=target.collection_id)
        for child in Collection.objects.get(pk=source.collection_id).get_children():
            Collection.objects.get(pk=child.pk).move(target_collection, pos="sorted-child")
    if merge.settings:
        for name, value in merge.settings.items():
            attribute = f"{name}_id" if name in ("logo", "banner") else name
            if not getattr(target, attribute):
                setattr(target, attribute, value)
        target.save_revision(log_action=True).publish()
    _follow_sharing(source, target)
    # Anything still pointing at the source's home points at the target's; then it goes.
    _repoint(source.pk, target)
    groups = [g for g in (source.editors_group_id, source.moderators_group_id) if g]
    collection_id = source.collection_id
    # Page permissions on the source's home go with it; its workflow stays for tasks in progress.
    below = list(
        PortalPage.objects.filter(path__startswith=source.path, depth__gt=source.depth).values_list(
            "pk", flat=True
        )
    )
    if any(pk not in removals for pk in below):
        raise RestructuringError(_("%(source)s still has portals below it.") % {"source": source})
    GroupPagePermission.objects.filter(page=source).delete()
    size = Page.objects.filter(path__startswith=source.path).count()
    size -= sum(removals[pk][1] for pk in below if removals[pk][0].startswith(source.path))
    removals[source.pk] = (source.path, size)
    done["sections_removed"] += size - 1
    log(target, "portals.merge", data={"portal": source.unit_name, "code": source.unit_code})
    Group.objects.filter(pk__in=groups).delete()
    if collection_id:
        Collection.objects.filter(pk=collection_id).first().delete()
    done["portals_merged"] += 1


def _apply_portal_move(move: PortalMove, done: Counter) -> None:
    portal = PortalPage.objects.get(pk=move.portal.pk)
    parent = move.parent.page
    if portal.slug != move.new_slug:
        _rename(portal.pk, move.new_slug)
        portal = PortalPage.objects.get(pk=portal.pk)
    # Where each portal of the subtree was (its old host keeps it, for old URLs by path).
    old_url_paths = dict(
        Page.objects.filter(pk__in=[pk for pk, _old, _new in move.hosts]).values_list(
            "pk", "url_path"
        )
    )
    Page.objects.get(pk=portal.pk).move(parent, pos="last-child")
    for portal_id, old_host, new_host in move.hosts:
        site = Site.objects.get(root_page_id=portal_id, retirement__isnull=True)
        # A host this portal (or another) had before and now takes back is live again.
        Site.objects.filter(hostname=new_host, retirement__isnull=False).delete()
        Site.objects.filter(pk=site.pk).update(hostname=new_host)
        old = Site.objects.create(
            hostname=old_host, port=site.port, root_page_id=portal_id, site_name=site.site_name
        )
        _retire_site(
            old,
            Page.objects.get(pk=portal_id),
            RetiredHost.Reason.MOVED,
            site.site_name,
            old_url_paths[portal_id],
            done,
        )
    portal = PortalPage.objects.get(pk=portal.pk)
    sync_approving_groups(portal)
    parent_portal = PortalPage.objects.get(pk=parent.pk)
    rename_groups(portal, parent_portal)
    if portal.collection_id and parent_portal.collection_id:
        Collection.objects.get(pk=portal.collection_id).move(
            Collection.objects.get(pk=parent_portal.collection_id), pos="sorted-child"
        )
    done["portals_moved"] += 1


def _apply_retirement(retirement: Retirement, done: Counter) -> None:
    portal = PortalPage.objects.get(pk=retirement.portal.pk)
    successor = retirement.successor.page
    # Read-only: the portal's own editors and moderators lose their rights on it.
    GroupPagePermission.objects.filter(
        page=portal, group_id__in=[portal.editors_group_id, portal.moderators_group_id]
    ).delete()
    if retirement.mode == "archive":
        PortalPage.objects.filter(pk=portal.pk).update(
            archived_successor=successor, archived_at=timezone.now()
        )
    else:
        for page in Page.objects.filter(path__startswith=portal.path, live=True).order_by("-depth"):
            page.specific.unpublish(log_action="wagtail.unpublish")
        if retirement.site is not None:
            _retire_site(
                retirement.site,
                successor,
                RetiredHost.Reason.RETIRED,
                portal.unit_name,
                portal.url_path,
                done,
            )
        _apply_redirects(retirement.redirects, {}, done)
    done["portals_retired"] += 1


def find_portal(reference: str) -> PortalPage:
    """A portal by its (live) hostname, or by `level:code` when that names exactly one portal."""
    reference = reference.strip().lower()
    if "\x00" in reference or len(reference) > 255:
        raise RestructuringError(
            _("No portal is served on %(reference)s.") % {"reference": reference}
        )
    if "." in reference:
        host, _sep, port = reference.partition(":")
        reference = host if port.isdigit() or not port else reference
        portal = PortalPage.objects.filter(
            sites_rooted_here__hostname=reference, sites_rooted_here__retirement__isnull=True
        ).first()
        if portal is None:
            raise RestructuringError(
                _("No portal is served on %(reference)s.") % {"reference": reference}
            )
        return portal
    level, _sep, code = reference.partition(":")
    if not code.isdigit() or len(code) > 9:
        raise RestructuringError(
            _("Name a portal by its host or as level:code, not %(reference)s.")
            % {"reference": reference}
        )
    found = list(PortalPage.objects.filter(level_id=level, unit_code=int(code))[:2])
    count = len(found)
    if count != 1:
        raise RestructuringError(
            _("%(reference)s names %(count)s portals; use the portal's host instead.")
            % {"reference": reference, "count": count}
        )
    return found[0]
