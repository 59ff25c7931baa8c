from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalsConfig(AppConfig):
    # The label "sites" belongs to django.contrib.sites.
    name = "sites"
    label = "portals"
    verbose_name = _("Portals")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from sites import signal_handlers

        signal_handlers.register()
