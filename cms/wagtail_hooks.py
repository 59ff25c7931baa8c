"""Wagtail hooks of the content app: the sharing engine's admin screens, buttons and history."""

from django.contrib import messages
from django.urls import include, path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail import hooks
from wagtail.admin.menu import MenuItem, SubmenuMenuItem
from wagtail.admin.ui.menus.pages import PageMenuItem
from wagtail.log_actions import LogFormatter

from cms import (
    language_hooks,  # noqa: F401  (registers the language feature's hooks)
    sharing_urls,
)
from cms.models import ShareablePage


@hooks.register("register_admin_urls")
def register_sharing_urls():
    return [path("chia-se/", include(sharing_urls, namespace="cms_sharing"))]


@hooks.register("register_admin_menu_item")
def register_sharing_menu():
    from wagtail.admin.menu import Menu

    submenu = Menu(
        items=[
            MenuItem(
                gettext_lazy("Shared with my portal"),
                reverse("cms_sharing:inherited_index"),
                icon_name="download",
                order=100,
            ),
            MenuItem(
                gettext_lazy("Proposals from below"),
                reverse("cms_sharing:proposals"),
                icon_name="upload",
                order=200,
            ),
            MenuItem(
                gettext_lazy("Shared down the tree"),
                reverse("cms_sharing:overview"),
                icon_name="resubmit",
                order=300,
            ),
        ]
    )
    return SubmenuMenuItem(gettext_lazy("Sharing"), submenu, icon_name="resubmit", order=250)


def _shareable(page):
    return isinstance(page.specific_deferred, ShareablePage)


def _sharing_buttons(page, user):
    if not _shareable(page) or not page.permissions_for_user(user).can_edit():
        return
    yield PageMenuItem(
        _("Reach"), reverse("cms_sharing:reach", args=(page.pk,)), "resubmit", 60, page=page
    )
    if page.live:
        yield PageMenuItem(
            _("Propose to the level above"),
            reverse("cms_sharing:propose", args=(page.pk,)),
            "upload",
            61,
            page=page,
        )


@hooks.register("register_page_listing_more_buttons")
def sharing_listing_buttons(page, user, next_url=None):
    yield from _sharing_buttons(page, user)


@hooks.register("register_page_header_buttons")
def sharing_header_buttons(page, user, view_name=None, next_url=None):
    yield from _sharing_buttons(page, user)


@hooks.register("before_edit_page")
def warn_when_source_changed(request, page):
    page = page.specific_deferred
    if (
        request.method == "GET"
        and isinstance(page, ShareablePage)
        and page.source_changed_since_adaptation
    ):
        messages.warning(
            request,
            format_html(
                '{} <a href="{}">{}</a>',
                _("The page this local version was adapted from has changed since."),
                reverse("cms_sharing:adaptation_diff", args=(page.pk,)),
                _("See what changed"),
            ),
        )


class _PortalActionFormatter(LogFormatter):
    template = ""

    def format_message(self, log_entry):
        return self.template % {"portal": log_entry.data.get("portal", "?")}


@hooks.register("register_log_actions")
def register_sharing_log_actions(actions):
    for action, label, template in (
        ("portals.hide", gettext_lazy("Hide on a portal"), gettext_lazy("Hidden on %(portal)s")),
        (
            "portals.unhide",
            gettext_lazy("Show again on a portal"),
            gettext_lazy("Shown again on %(portal)s"),
        ),
        ("portals.pin", gettext_lazy("Pin on a portal"), gettext_lazy("Pinned on %(portal)s")),
        (
            "portals.unpin",
            gettext_lazy("Unpin on a portal"),
            gettext_lazy("Unpinned on %(portal)s"),
        ),
        ("portals.adapt", gettext_lazy("Adapt locally"), gettext_lazy("Adapted by %(portal)s")),
        (
            "portals.propose",
            gettext_lazy("Propose upwards"),
            gettext_lazy("Proposed to %(portal)s"),
        ),
        (
            "portals.proposal_accept",
            gettext_lazy("Accept a proposal"),
            gettext_lazy("Accepted by %(portal)s"),
        ),
        (
            "portals.proposal_decline",
            gettext_lazy("Decline a proposal"),
            gettext_lazy("Declined by %(portal)s"),
        ),
        (
            "portals.merge",
            gettext_lazy("Merge a portal into this one"),
            gettext_lazy("%(portal)s merged into this portal"),
        ),
    ):
        formatter = type(
            "SharingLogFormatter", (_PortalActionFormatter,), {"label": label, "template": template}
        )
        actions.register_action(action)(formatter)


@hooks.register("register_account_menu_item")
def two_step_verification_menu_item(request):
    """The second factor (cms/admin_login.py) is turned on from the account page."""
    return {
        "url": reverse("two_factor:profile"),
        "label": gettext_lazy("Two-step verification"),
        "help_text": gettext_lazy(
            "Ask for a code from an authenticator app on your phone when you sign in."
        ),
    }
