"""Keep derived state in step with the tree: site routing, owners of moved pages, the url_path
index, the portal of each audit log entry (sites.audit_log)."""

from django.apps import apps
from django.core.signals import request_finished, request_started
from django.db.models.signals import post_delete, post_migrate, post_save
from wagtail.models import Site
from wagtail.signals import page_slug_changed, post_page_move

from sites.routing import invalidate_site_roots, site_roots
from sites.url_path_index import ensure_url_path_index


def register() -> None:
    from sites import audit_log
    from sites.permissions import register_moderation_notifier

    audit_log.register()
    register_moderation_notifier()
    post_migrate.connect(
        ensure_url_path_index,
        sender=apps.get_app_config("wagtailcore"),
        dispatch_uid="portals-url-path-index",
    )
    post_save.connect(invalidate_site_roots, sender=Site, dispatch_uid="portals-site-saved")
    post_delete.connect(invalidate_site_roots, sender=Site, dispatch_uid="portals-site-deleted")
    page_slug_changed.connect(invalidate_site_roots, dispatch_uid="portals-slug-changed")
    post_page_move.connect(invalidate_site_roots, dispatch_uid="portals-page-moved")
    request_started.connect(site_roots.request_started, dispatch_uid="portals-site-roots-started")
    request_finished.connect(site_roots.request_finished, dispatch_uid="portals-site-roots-done")
