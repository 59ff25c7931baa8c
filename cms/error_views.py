"""The 404 and 500 pages, in the theme and with the navigation of the portal they happen on.

The 404 page loads the portal of the request's host like any page. The 500 page must not need
the database (it may be what failed): it uses the portal only if the request had already loaded
it, and the theme chain known so far, else the default theme.
"""

from __future__ import annotations

import logging

from django.http import HttpResponseNotFound, HttpResponseServerError
from django.template import loader

logger = logging.getLogger(__name__)


def page_not_found(request, exception=None):
    from cms.models.base_page import portal_context
    from sites.themes import _site_portal_chain, use_portal_chain

    chain = _site_portal_chain(request)
    portal = chain[-1] if chain else None
    use_portal_chain(chain)
    context = {"request_path": request.path, **portal_context(portal, chain, request)}
    template = loader.get_template("404.html")
    return HttpResponseNotFound(template.render(context, request))


def server_error(request):
    from sites.themes import current_portal_chain

    chain = current_portal_chain() or []
    context = {"portal_name": chain[-1].title if chain else ""}
    try:
        template = loader.get_template("500.html")
        body = template.render(context)
    except Exception:  # noqa: BLE001 - the error page itself must never fail
        logger.exception("The 500 page could not be rendered")
        body = "<!DOCTYPE html><title>Server error</title><h1>Server error</h1>"
    return HttpResponseServerError(body)
