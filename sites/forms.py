"""The page editor's form for portal home pages: a new portal's host must be free."""

from django.utils.translation import gettext as _
from wagtail.admin.forms import WagtailAdminPageForm


class PortalPageForm(WagtailAdminPageForm):
    def clean(self):
        cleaned_data = super().clean()
        slug = cleaned_data.get("slug")
        if self.instance.pk is None and slug and self.parent_page is not None:
            host = self._new_host(slug)
            message = self._host_taken(host)
            if message:
                self.add_error("slug", message)
        return cleaned_data

    def _new_host(self, slug: str) -> str:
        """The host provisioning will give the portal (sites.provisioning.assign_hostnames)."""
        from sites.models import PortalPage
        from sites.provisioning import PortalSpec, assign_hostnames

        parent = self.parent_page.specific
        spec = PortalSpec(
            level="",
            unit_code=0,
            unit_name="",
            slug=slug,
            parent=parent if isinstance(parent, PortalPage) else None,
        )
        assign_hostnames([spec])
        return spec.hostname

    @staticmethod
    def _host_taken(host: str) -> str:
        from wagtail.models import Site

        site = Site.objects.filter(hostname=host).select_related("retirement").first()
        if site is None:
            return ""
        if hasattr(site, "retirement"):
            return _(
                "The address %(host)s belonged to a portal that was merged, moved or retired, and "
                "still redirects its old pages. Choose another slug."
            ) % {"host": host}
        return _("The address %(host)s is already a portal's. Choose another slug.") % {
            "host": host
        }
