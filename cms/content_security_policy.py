"""Which Content-Security-Policy a response gets: the strict public one or the admin's.

django-csp's middleware sends CONTENT_SECURITY_POLICY (settings) on every response. Wagtail 8's
admin still renders small inline <script> initialisers and inline styles, so every URL under the
admin prefix (including the preview of a page, which renders the public template inside the
editor) gets PORTALS_ADMIN_CSP instead. A view can still adjust either with django-csp's
decorators.
"""

from csp.middleware import CSPMiddleware
from django.conf import settings

from cms.urls import ADMIN_PATH_PREFIX


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only=report_only)
        if (
            not report_only
            and parts.config is None
            and request.path_info.startswith(ADMIN_PATH_PREFIX)
        ):
            parts.config = settings.PORTALS_ADMIN_CSP
        return parts
