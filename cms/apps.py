from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CmsConfig(AppConfig):
    name = "cms"
    label = "cms"
    verbose_name = _("Content")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from cms import library_speedups, page_cache, signal_handlers

        library_speedups.install()

        signal_handlers.register()

        from django.db.models.signals import post_save
        from wagtail.models import Revision

        from cms.translation_status import record_translation_changes

        post_save.connect(
            record_translation_changes, sender=Revision, dispatch_uid="cms-translation-changes"
        )

        page_cache.register()

        from cms.media_tag_filters import allow_filtering_by_tag_name

        allow_filtering_by_tag_name()
