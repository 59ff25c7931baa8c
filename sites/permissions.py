"""Editors fenced in: which part of the portal tree a user works on, and the Wagtail extension
points that keep every admin listing, chooser, filter and user form inside it.

Wagtail's own permission model does most of the work: provisioning (sites.provisioning) grants each
portal's editors', moderators' and administrators' groups their page permissions *at the portal's
home page* (so they cascade to the portals below) and their image and document permissions on the
portal's collection (nested like the portals). What Wagtail leaves open across sites, and this
module closes:

* the page chooser lists every page of every portal (hook `construct_page_chooser_queryset`, and
  browsing a page outside the user's portals opens their own portal instead);
* the filters of the explorer, the reports and the users area list every site, user, group and
  collection (`FencedFilterSetMixin`, on a page viewset for `Page` and on the report views);
* several views check nothing on a GET (moving a page, cancelling its workflow, its revisions,
  the task chooser): `AdminFenceMiddleware` answers 404 for any admin URL naming a page or a task
  outside the user's portals; the admin API lists every image and document (fenced endpoints);
* the users area lists and edits every user, and lets anyone with `change_user` make a superuser
  (a user viewset and permission policy limited to the users of the administrator's portals,
  whose groups they can only set to groups of those portals);
* after signing in, an editor lands on their portal in the explorer (`PortalLoginView`).

The overriding URLs (same addresses as Wagtail's) are `admin_urlpatterns()`, included by
cms/urls.py before Wagtail's own; the audit log's portal is sites.audit_log.

A user's **reach** is the set of tree paths of the pages where one of their groups holds a page
permission: a handful of prefixes, read in one query, so every check is a `path__startswith` filter
whose cost does not grow with the number of portals. Superusers are never fenced.
"""

from __future__ import annotations

from functools import reduce
from operator import or_

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import FieldDoesNotExist, PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, re_path, reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from rest_framework.authentication import SessionAuthentication
from two_factor.views import LoginView
from wagtail import hooks
from wagtail.admin.auth import require_admin_access
from wagtail.admin.mail import GroupApprovalTaskStateSubmissionEmailNotifier
from wagtail.admin.views import chooser
from wagtail.admin.views.generic import CopyView
from wagtail.admin.views.generic.usage import UsageView
from wagtail.admin.views.pages.listing import GenericPageFilterSet
from wagtail.admin.views.pages.search import SearchView
from wagtail.admin.viewsets.pages import PageViewSet
from wagtail.models import (
    Collection,
    GroupApprovalTask,
    GroupPagePermission,
    Page,
    Site,
    Task,
    TaskState,
    Workflow,
    WorkflowTask,
)
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permission_policies.pages import PagePermissionPolicy
from wagtail.permissions import policy_registry
from wagtail.signals import task_submitted
from wagtail.users.forms import UserCreationForm, UserEditForm
from wagtail.users.views import users as user_views
from wagtail.utils.urlpatterns import decorate_urlpatterns

from sites.models import PortalPage
from sites.portal_tree import ancestor_paths, subtree_q

# --- Reach: the part of the tree a user works on -------------------------------------------------


def is_fenced(user) -> bool:
    """Everyone but superusers works inside their portals."""
    return not user.is_superuser


def _topmost(paths) -> tuple[str, ...]:
    """The paths that are not below another one of the set (a district's reach covers its
    communes' grants)."""
    result: list[str] = []
    for tree_path in sorted(set(paths)):
        if not any(tree_path.startswith(top) for top in result):
            result.append(tree_path)
    return tuple(result)


def reach_paths(user) -> tuple[str, ...]:
    """Tree paths of the pages where the user's groups hold a page permission (one query, kept on
    the user object for the request)."""
    if not getattr(user, "is_authenticated", False):
        return ()
    cached = getattr(user, "_portal_reach_paths", None)
    if cached is None:
        cached = _topmost(
            GroupPagePermission.objects.filter(group__user=user).values_list(
                "page__path", flat=True
            )
        )
        user._portal_reach_paths = cached
    return cached


def within(paths, field: str = "path") -> Q:
    """Rows whose tree path (`field`) is at or below one of `paths`; nothing when there is none."""
    if not paths:
        return Q(pk__in=[])
    return reduce(or_, (Q(**{f"{field}__startswith": path}) for path in paths))


def pages_within_reach(user, pages: QuerySet | None = None) -> QuerySet:
    pages = Page.objects.all() if pages is None else pages
    if not is_fenced(user):
        return pages
    return pages.filter(within(reach_paths(user)))


def is_within_reach(user, page: Page) -> bool:
    return not is_fenced(user) or any(page.path.startswith(p) for p in reach_paths(user))


def portals_of(user) -> QuerySet[PortalPage]:
    """The portals a user works on: those at the top of their reach (the top portals for
    superusers), in tree order."""
    if not is_fenced(user):
        return PortalPage.objects.filter(depth=2).order_by("path")
    return PortalPage.objects.filter(path__in=reach_paths(user)).order_by("path")


def portal_of_page(page: Page) -> PortalPage | None:
    """The portal a page belongs to: its nearest portal home (itself for a portal), one query."""
    prefixes = [page.path[:end] for end in range(Page.steplen, len(page.path) + 1, Page.steplen)]
    return PortalPage.objects.filter(path__in=prefixes).order_by("-depth").first()


# --- Administrators: the users of their portals --------------------------------------------------


def _portal_groups(paths) -> QuerySet[Group]:
    """Editors', moderators' and administrators' groups of the portals at or below `paths`."""
    portals = PortalPage.objects.filter(within(paths))
    return Group.objects.filter(
        Q(pk__in=portals.values("editors_group"))
        | Q(pk__in=portals.values("moderators_group"))
        | Q(pk__in=portals.values("admins_group"))
    )


def administered_paths(user) -> tuple[str, ...]:
    """Paths of the portals whose administrators' group the user belongs to."""
    return _topmost(
        PortalPage.objects.filter(admins_group__user=user).values_list("path", flat=True)
    )


def groups_grantable_by(user) -> QuerySet[Group]:
    """Groups an administrator may give: those of their portals and the portals below, never a
    group of a portal above or beside theirs (so never more than their own rights)."""
    if not is_fenced(user):
        return Group.objects.all()
    return _portal_groups(administered_paths(user))


def users_managed_by(user) -> QuerySet:
    """Users an administrator may see and change: not superusers, members of at least one group of
    their portals and of no group outside them (a province editor who also helps a commune stays
    out of the commune administrator's hands)."""
    User = get_user_model()
    if not is_fenced(user):
        return User.objects.all()
    grantable = groups_grantable_by(user)
    return (
        User.objects.filter(is_superuser=False, groups__in=grantable)
        .exclude(groups__in=Group.objects.exclude(pk__in=grantable.values("pk")))
        .distinct()
    )


# --- Choices in filters -------------------------------------------------------------------------


def users_visible_to(user) -> QuerySet:
    """Users a fenced user may see named (in filters, reports): themselves and the members of the
    groups of their portals and the portals below."""
    User = get_user_model()
    if not is_fenced(user):
        return User.objects.all()
    return User.objects.filter(
        Q(pk=user.pk) | Q(groups__in=_portal_groups(reach_paths(user)))
    ).distinct()


def _collections_within_reach(user) -> QuerySet[Collection]:
    paths = PortalPage.objects.filter(path__in=reach_paths(user)).values_list(
        "collection__path", flat=True
    )
    return Collection.objects.filter(within([path for path in paths if path]))


def fence_queryset(queryset: QuerySet, user) -> QuerySet:
    """`queryset` limited to what `user` may see, by its model; other models unchanged."""
    if not is_fenced(user):
        return queryset
    model = queryset.model
    paths = reach_paths(user)
    if issubclass(model, get_user_model()):
        # The people of the user's portals, whatever Wagtail's own choice was ("everyone who owns
        # or edited a page"): that one reads every page or log entry of the install.
        return users_visible_to(user).order_by(*queryset.query.order_by)
    if issubclass(model, Group):
        return queryset.filter(pk__in=_portal_groups(paths).values("pk"))
    if issubclass(model, Site):
        return queryset.filter(within(paths, "root_page__path"))
    if issubclass(model, Page):
        return queryset.filter(within(paths))
    if issubclass(model, Collection):
        return queryset.filter(pk__in=_collections_within_reach(user).values("pk"))
    if issubclass(model, Workflow):
        return queryset.filter(workflow_pages__page__in=Page.objects.filter(within(paths)))
    if issubclass(model, Task):
        return queryset.filter(
            workflow_tasks__workflow__workflow_pages__page__in=Page.objects.filter(within(paths))
        )
    return queryset


def _fenced_choices(original, user):
    def queryset(request):
        choices = original(request) if callable(original) else original
        return fence_queryset(choices, user)

    return queryset


class FencedFilterSetMixin:
    """Every choice of objects a filter offers (sites, users, groups, pages, collections,
    workflows, tasks) limited to the user's portals: stock Wagtail lists every site (10,800
    checkboxes on each explorer page of a commune editor) and every user who ever edited."""

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        user = getattr(request, "user", None)
        if user is not None and is_fenced(user):
            for choice_filter in self.filters.values():
                original = getattr(choice_filter, "queryset", None)
                if original is not None:
                    choice_filter.queryset = _fenced_choices(original, user)
                # Set this way by the history reports' "user" filter.
                extra_choices = choice_filter.extra.get("queryset")
                if isinstance(extra_choices, QuerySet):
                    choice_filter.extra["queryset"] = fence_queryset(extra_choices, user)


def fenced_filterset(filterset_class):
    if filterset_class is None or issubclass(filterset_class, FencedFilterSetMixin):
        return filterset_class
    return type(f"Fenced{filterset_class.__name__}", (FencedFilterSetMixin, filterset_class), {})


def fenced_view(view_class):
    """A Wagtail listing view whose filters offer only the user's portals' objects."""
    return type(
        f"Fenced{view_class.__name__}",
        (view_class,),
        {"filterset_class": fenced_filterset(view_class.filterset_class)},
    )


# --- The explorer --------------------------------------------------------------------------------


class SearchPagePermissionPolicy(PagePermissionPolicy):
    """Wagtail's page permissions, but the pages a search may find are those of the user's
    portals only: Wagtail's "explorable" pages include every page above them (the province's,
    the district's), which it offers for navigating down but which a search must not list."""

    def explorable_instances(self, user):
        if not is_fenced(user) or not user.is_active:
            return super().explorable_instances(user)
        return pages_within_reach(user)


class PortalPageSearchView(SearchView):
    """The admin's page search (/admin/pages/search/, the header's search), fenced."""

    permission_policy = SearchPagePermissionPolicy()


class PortalPageViewSet(PageViewSet):
    """The page views of every page type, with the explorer's filters and the page search
    fenced."""

    model = Page
    filterset_class = fenced_filterset(GenericPageFilterSet)
    search_view_class = PortalPageSearchView


@hooks.register("register_admin_viewset", order=100)
def register_portal_page_viewset():
    # Registered after Wagtail's own base page viewset, so it replaces it for every page type.
    return PortalPageViewSet()


@hooks.register("construct_explorer_page_queryset")
def explorer_within_reach(parent_page, pages, request):
    """Searching the whole tree from the explorer finds only the user's pages (Wagtail also lists
    the pages above them, which it shows to let the user navigate down)."""
    return pages_within_reach(request.user, pages)


# --- The page chooser ----------------------------------------------------------------------------


@hooks.register("construct_page_chooser_queryset")
def page_chooser_within_reach(pages, request):
    return pages_within_reach(request.user, pages)


def page_chooser_browse(request, parent_page_id=None):
    """Wagtail's page chooser, opened at the user's portal when asked for a page outside it (the
    root, a sibling portal, the province)."""
    user = request.user
    if is_fenced(user):
        parent = Page.objects.filter(pk=parent_page_id).only("path").first()
        if parent is None or not is_within_reach(user, parent):
            paths = reach_paths(user)
            if not paths:
                return redirect("wagtailadmin_home")
            top = Page.objects.only("pk").get(path=paths[0])
            target = reverse("wagtailadmin_choose_page_child", args=(top.pk,))
            query = request.GET.urlencode()
            return redirect(f"{target}?{query}" if query else target)
    return chooser.BrowseView.as_view()(request, parent_page_id=parent_page_id)


# --- The users area ------------------------------------------------------------------------------


class _FencedGroupsForm:
    """Group choices limited to the groups the signed-in administrator may give; only superusers
    make superusers."""

    def __init__(self, *args, granting_user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if granting_user is not None and is_fenced(granting_user):
            self.fields.pop("is_superuser", None)
            if "groups" in self.fields:
                self.fields["groups"].queryset = groups_grantable_by(granting_user).order_by("name")


class PortalUserCreationForm(_FencedGroupsForm, UserCreationForm):
    pass


class PortalUserEditForm(_FencedGroupsForm, UserEditForm):
    pass


class _GrantingUserMixin:
    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["granting_user"] = self.request.user
        return kwargs


class _ManagedUserMixin:
    """A user outside the administrator's portals is not found (404), whatever the URL."""

    def get_object(self, *args, **kwargs):
        user = super().get_object(*args, **kwargs)
        if not users_managed_by(self.request.user).filter(pk=user.pk).exists():
            raise Http404
        return user


class PortalUserPermissionPolicy(ModelPermissionPolicy):
    """Wagtail's model permissions on users (`add_user`, `change_user`, …), for the users of the
    administrator's portals only."""

    def user_has_any_permission_for_instance(self, user, actions, instance):
        return super().user_has_any_permission_for_instance(user, actions, instance) and (
            not is_fenced(user) or users_managed_by(user).filter(pk=instance.pk).exists()
        )

    def instances_user_has_any_permission_for(self, user, actions):
        instances = super().instances_user_has_any_permission_for(user, actions)
        if is_fenced(user):
            instances = instances.filter(pk__in=users_managed_by(user).values("pk"))
        return instances


class PortalUserIndexView(user_views.IndexView):
    def get_base_queryset(self):
        users = super().get_base_queryset()
        if is_fenced(self.request.user):
            users = users.filter(pk__in=users_managed_by(self.request.user).values("pk"))
        return users


class PortalUserCreateView(_GrantingUserMixin, user_views.CreateView):
    pass


class PortalUserEditView(_GrantingUserMixin, _ManagedUserMixin, user_views.EditView):
    pass


class PortalUserDeleteView(_ManagedUserMixin, user_views.DeleteView):
    pass


class PortalUserHistoryView(_ManagedUserMixin, user_views.HistoryView):
    pass


class PortalUserUsageView(_ManagedUserMixin, UsageView):
    pass


class PortalUserCopyView(_GrantingUserMixin, _ManagedUserMixin, CopyView):
    pass


class PortalUserViewSet(user_views.UserViewSet):
    """Wagtail's users area, fenced to the administrator's portals (see `users_managed_by`).
    Plugged in by `sites.apps.PortalUsersConfig`, Wagtail's documented way to replace it."""

    filterset_class = fenced_filterset(user_views.UserFilterSet)
    index_view_class = PortalUserIndexView
    add_view_class = PortalUserCreateView
    edit_view_class = PortalUserEditView
    delete_view_class = PortalUserDeleteView
    history_view_class = PortalUserHistoryView
    usage_view_class = PortalUserUsageView
    copy_view_class = PortalUserCopyView

    def get_form_class(self, for_update=False):
        return PortalUserEditForm if for_update else PortalUserCreationForm


# --- Moderation: who approves a portal's submissions --------------------------------------------


def approving_groups(portal_groups: list[tuple[int | None, int | None]]) -> list[int]:
    """The groups whose members approve or reject a portal's submissions, given the
    (moderators' group, administrators' group) of each portal of its chain: the moderators and
    administrators of the portal and of every portal above it, never of a portal beside it.
    Provisioning gives them to the portal's `GroupApprovalTask`, so Wagtail's own workflow
    checks (actions, editing during moderation, "awaiting your review") follow the tree as page
    permissions do; at most two groups per level, whatever the number of portals."""
    return [group for pair in portal_groups for group in pair if group]


def approving_groups_of(portals) -> dict[int, list[int]]:
    """`approving_groups` of each existing portal (one query for all of them)."""
    prefixes = {prefix for portal in portals for prefix in ancestor_paths(portal.path)}
    pairs = {
        path: (moderators, admins)
        for path, moderators, admins in PortalPage.objects.filter(path__in=prefixes).values_list(
            "path", "moderators_group_id", "admins_group_id"
        )
    }
    return {
        portal.pk: approving_groups(
            [pairs[prefix] for prefix in ancestor_paths(portal.path) if prefix in pairs]
        )
        for portal in portals
    }


def sync_approving_groups(portal: PortalPage) -> None:
    """After `portal` moved in the tree: the approval tasks of its portals and of those below it
    are approved by their new chain (a district's moderators no longer approve a commune that
    left the district). Only the portals' role groups are replaced; any other group an
    administrator gave a task stays."""
    portals = list(PortalPage.objects.filter(subtree_q(portal)).only("pk", "path"))
    wanted = approving_groups_of(portals)
    tasks = list(
        WorkflowTask.objects.filter(
            workflow__workflow_pages__page__in=list(wanted),
            task__in=GroupApprovalTask.objects.all(),
        ).values_list("task_id", "workflow__workflow_pages__page_id")
    )
    through = GroupApprovalTask.groups.through
    through.objects.filter(
        Q(group__in=PortalPage.objects.values("moderators_group"))
        | Q(group__in=PortalPage.objects.values("admins_group")),
        groupapprovaltask__in=[task for task, _page in tasks],
    ).delete()
    through.objects.bulk_create(
        {
            (task, group): through(groupapprovaltask_id=task, group_id=group)
            for task, page in tasks
            for group in wanted[page]
        }.values()
    )


class PortalModeratorsNotifier(GroupApprovalTaskStateSubmissionEmailNotifier):
    """A submission is emailed to the moderators of the page's own portal (or, when it has none
    yet, of the nearest portal above that has): those above may approve it too, but a province's
    moderators are not emailed every commune's submissions. Superusers as Wagtail does."""

    def get_recipient_users(self, task_state, **kwargs):
        recipients = super().get_recipient_users(task_state, **kwargs)
        page = task_state.workflow_state.content_object
        if not isinstance(page, Page):
            return recipients
        nearest = (
            PortalPage.objects.filter(
                path__in=ancestor_paths(page.path),
                moderators_group__in=task_state.task.specific.groups.all(),
                moderators_group__user__is_active=True,
            )
            .order_by("-depth")
            .values_list("moderators_group_id", flat=True)
            .first()
        )
        if nearest is None:
            return recipients
        return recipients.filter(Q(is_superuser=True) | Q(groups=nearest)).distinct()


def register_moderation_notifier() -> None:
    """In place of Wagtail's group approval notifier (same `dispatch_uid`, whichever app's
    `ready()` runs first)."""
    uid = "group_approval_task_submitted_email_notification"
    task_submitted.disconnect(sender=TaskState, dispatch_uid=uid)
    task_submitted.connect(
        PortalModeratorsNotifier(), sender=TaskState, dispatch_uid=uid, weak=False
    )


# --- Landing after sign-in -----------------------------------------------------------------------


def landing_url(user) -> str:
    """Where a user lands after signing in: their portal in the explorer (the dashboard for
    superusers and for users of several portals)."""
    if is_fenced(user):
        paths = reach_paths(user)
        if len(paths) == 1:
            page = Page.objects.only("pk").filter(path=paths[0]).first()
            if page is not None:
                return reverse("wagtailadmin_explore", args=(page.pk,))
    return reverse("wagtailadmin_home")


class PortalLoginView(LoginView):
    """The two-step sign-in (cms.admin_login), landing on the user's portal unless the user was
    on their way to another admin page."""

    def get_prefix(self, request, *args, **kwargs):
        return "login_view"  # the form's field names, as under two_factor's own view

    def get_success_url(self):
        url = self.get_redirect_url()
        if url in ("", reverse("wagtailadmin_home")):
            return landing_url(self.request.user)
        return url


# --- A package view without a permission check ----------------------------------------------------


@require_POST
def copy_translation_content(request, page_id):
    """wagtail-modeltranslation's "copy content to another language" (the editor's StreamField
    button) checks no permission and answers a GET or malformed post with a 500: only those who
    can edit the page may call it, and bad input is a 400."""
    from wagtail_modeltranslation.wagtail_hooks import (
        return_translation_target_field_rendered_html,
    )

    page = get_object_or_404(Page, pk=page_id)
    if not page.permissions_for_user(request.user).can_edit():
        raise PermissionDenied
    try:
        return return_translation_target_field_rendered_html(request, page_id)
    except (ValueError, TypeError, LookupError, AttributeError, NameError, FieldDoesNotExist):
        return HttpResponseBadRequest()


# --- Objects named in admin URLs -----------------------------------------------------------------

# URL parameters that name a page, and views that answer a page outside the user's reach
# themselves (the explorer sends the user to their portal; so does the chooser below).
PAGE_PARAMETERS = ("page_id", "page_pk", "page_to_move_id", "parent_page_id", "destination_id")
REDIRECTING_VIEWS = {"wagtailadmin_explore", "wagtailadmin_explore_results", ""}


class AdminFenceMiddleware:
    """An admin URL naming a page or a moderation task outside the user's portals answers 404,
    before any view runs: several of Wagtail's views (moving a page, cancelling its workflow, a
    page's revisions, a task chosen in the chooser) check nothing of their own on a GET."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = getattr(request, "user", None)
        if (
            not view_kwargs
            or user is None
            or not user.is_authenticated
            or not is_fenced(user)
            or not request.path.startswith("/admin/")
        ):
            return None
        name = request.resolver_match.url_name or ""
        paths = reach_paths(user)
        for parameter in PAGE_PARAMETERS:
            if parameter in view_kwargs and name not in REDIRECTING_VIEWS:
                page_path = Page.objects.filter(pk=view_kwargs[parameter]).values_list(
                    "path", flat=True
                )
                if not any(p.startswith(top) for p in page_path for top in paths):
                    raise Http404
        if "task_id" in view_kwargs:
            tasks = fence_queryset(Task.objects.filter(pk=view_kwargs["task_id"]), user)
            if not tasks.exists():
                raise Http404
        return None


# --- The admin API of images and documents -------------------------------------------------------


def _fenced_media_endpoint(endpoint):
    class FencedEndpoint(endpoint):
        # The admin's session (the project's REST settings authenticate nobody, for the public
        # API; the admin API is for signed-in admin users).
        authentication_classes = [SessionAuthentication]

        def get_queryset(self):
            media = super().get_queryset()
            user = self.request.user
            if not is_fenced(user):
                return media
            policy = policy_registry.get_by_type(media.model)
            allowed = policy.instances_user_has_any_permission_for(user, ["choose", "change"])
            return media.filter(pk__in=allowed.values("pk"))

    FencedEndpoint.__name__ = f"Fenced{endpoint.__name__}"
    return FencedEndpoint


@hooks.register("construct_admin_api", order=100)
def fence_admin_api(router):
    from wagtail.documents.api.admin.views import DocumentsAdminAPIViewSet
    from wagtail.images.api.admin.views import ImagesAdminAPIViewSet

    router.register_endpoint("images", _fenced_media_endpoint(ImagesAdminAPIViewSet))
    router.register_endpoint("documents", _fenced_media_endpoint(DocumentsAdminAPIViewSet))


# --- URLs answered before Wagtail's own (cms/urls.py) --------------------------------------------


class _SuperusersOnly:
    def dispatch(self, request, *args, **kwargs):
        if is_fenced(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


# Reports about the whole install (the latest page edited of each type, anywhere).
WHOLE_INSTALL_REPORTS = {"page_types_usage", "page_types_usage_results"}


def _fenced_listings():
    """Wagtail's reports and the forms listing, their filters fenced (`fenced_view`)."""
    from wagtail.admin.urls import reports
    from wagtail.contrib.forms import urls as forms

    patterns = []
    for prefix, module in (("reports/", reports), ("forms/", forms)):
        for pattern in module.urlpatterns:
            view_class = getattr(pattern.callback, "view_class", None)
            if view_class is None or not hasattr(view_class, "filterset_class"):
                continue
            fenced = fenced_view(view_class)
            if pattern.name in WHOLE_INSTALL_REPORTS:
                fenced = type(fenced.__name__, (_SuperusersOnly, fenced), {})
            view = fenced.as_view(**pattern.callback.view_initkwargs)
            patterns.append(path(f"{prefix}{pattern.pattern}", view))
    return patterns


@hooks.register("construct_reports_menu")
def hide_whole_install_reports(request, menu_items):
    if is_fenced(request.user):
        hidden = reverse("wagtailadmin_reports:page_types_usage")
        menu_items[:] = [item for item in menu_items if item.url != hidden]


def admin_urlpatterns():
    """The same addresses as Wagtail's and its packages', fenced: sign-in lands on the editor's
    portal, the page chooser opens there, reports filter by the user's portals."""
    fenced = [
        path("choose-page/", page_chooser_browse),
        path("choose-page/<int:parent_page_id>/", page_chooser_browse),
        re_path(
            r"^pages/(?P<page_id>\d+)/edit/copy_translation_content/$", copy_translation_content
        ),
        *_fenced_listings(),
    ]
    # As Wagtail does for its own admin URLs: signed-in admin users only, never cached.
    fenced = decorate_urlpatterns(fenced, require_admin_access)
    fenced = decorate_urlpatterns(fenced, never_cache)
    return [path("account/login/", PortalLoginView.as_view(), name="portal_login"), *fenced]
