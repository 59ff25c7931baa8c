from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from wagtail.users.apps import WagtailUsersAppConfig


class PortalsConfig(AppConfig):
    # The label "sites" belongs to django.contrib.sites.
    name = "sites"
    label = "portals"
    verbose_name = _("Portals")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from sites import signal_handlers
        from sites.portal_tree import register_tree_lookups

        register_tree_lookups()
        signal_handlers.register()


class PortalUsersConfig(WagtailUsersAppConfig):
    """Wagtail's users app with the users area fenced to an administrator's portals
    (sites.permissions.PortalUserViewSet)."""

    user_viewset = "sites.permissions.PortalUserViewSet"

    def ready(self):
        from django.contrib.auth import get_user_model
        from django.contrib.auth.models import Group
        from wagtail.permissions import register_permission_policy

        from sites.permissions import PortalUserPermissionPolicy

        User = get_user_model()
        register_permission_policy(User, PortalUserPermissionPolicy(User))
        register_permission_policy(Group)
