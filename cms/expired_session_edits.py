"""An editor whose session expired while writing loses nothing.

What Wagtail 8 does by itself (tests/cms/test_expired_session_edits.py pins it down):

* while the page editor is open it autosaves every change as a revision (WAGTAIL_AUTOSAVE_INTERVAL)
  and pings the server every 10 seconds; with SESSION_SAVE_EVERY_REQUEST (settings) each ping
  renews the session, so a session does not expire under an editor who has the editor open;
* once the session *has* expired (the laptop slept past SESSION_COOKIE_AGE, the editor signed out
  in another tab), autosave fails and the indicator says so, and "Save draft" or "Publish" is
  answered with a redirect to the sign-in page: the form's content is dropped. What was typed
  since the last autosave is lost.

This middleware closes that gap. A page edit or create form posted without a session (the CSRF
check has passed: the post comes from the editor's own browser) is kept in the new anonymous
session, and the editor is sent to sign in. Signing in keeps the session's data (Django cycles
the key). Back on the same editor URL, the kept form is posted again, as the signed-in user and
through Wagtail's own view with every permission check, as "Save draft" only: a publish or a
workflow action is never replayed unseen. The editor sees their text, saved as a draft revision,
and a message saying so; an invalid form comes back with its errors and the text in it.
"""

from __future__ import annotations

import copy
import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.db import transaction
from django.http import JsonResponse, QueryDict
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext as _

SESSION_KEY = "portals_kept_edit"
KEPT_VIEWS = {"wagtailadmin_pages:edit", "wagtailadmin_pages:add"}
# Form posts larger than this are not kept in the session (a page form is a few kilobytes).
MAX_KEPT_BYTES = 2 * 1024 * 1024
# Buttons other than "Save draft": never replayed without the editor seeing the page first.
DROPPED_PREFIXES = ("action-", "workflow-action-")


class KeepEditAcrossSignInMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        # Runs after CsrfViewMiddleware.process_view: a post that reaches here passed the check.
        match = request.resolver_match
        if match is None or match.view_name not in KEPT_VIEWS:
            return None
        if request.method == "POST" and not request.user.is_authenticated:
            return self._keep(request)
        if request.method == "GET" and request.user.is_authenticated:
            kept = request.session.get(SESSION_KEY)
            if kept and kept.get("path") == request.path:
                del request.session[SESSION_KEY]
                if time.time() - kept.get("time", 0) <= settings.SESSION_COOKIE_AGE:
                    return self._replay(request, kept["data"], view_func, view_args, view_kwargs)
        return None

    def _keep(self, request):
        data = request.POST.urlencode()
        if len(data) <= MAX_KEPT_BYTES:
            request.session[SESSION_KEY] = {"path": request.path, "time": time.time(), "data": data}
            message = _(
                "Your session has expired. Sign in again: the changes you were saving are kept "
                "and will be saved as a draft."
            )
        else:
            message = _("Your session has expired. Sign in again.")
        if not request.accepts("text/html"):  # Wagtail's autosave
            return JsonResponse(
                {"success": False, "error_code": "session_expired", "error_message": message},
                status=401,
            )
        messages.warning(request, message)
        return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)

    def _replay(self, request, data: str, view_func, view_args, view_kwargs):
        form = QueryDict(data, mutable=True)
        for name in list(form):
            if name.startswith(DROPPED_PREFIXES):
                del form[name]
        replay = copy.copy(request)
        replay.method = "POST"
        replay.META = {**request.META, "REQUEST_METHOD": "POST"}
        replay._post, replay._files = form, MultiValueDict()
        with transaction.atomic():
            response = view_func(replay, *view_args, **view_kwargs)
            if response.status_code >= 500:
                transaction.set_rollback(True)
        if response.status_code in (301, 302):
            messages.success(
                request,
                _(
                    "Your session had expired while you were editing. The changes you were "
                    "saving have been saved as a draft: check them, then publish or submit."
                ),
            )
        return response
