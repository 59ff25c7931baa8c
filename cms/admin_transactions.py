"""Every change an editor makes through the admin is one transaction: all of it or none of it.

Wagtail's publish saves the page, the revision's approval, the log entries and runs the
`page_published` handlers (sharing, caches) as separate statements with no enclosing
transaction. A worker killed half way (a deploy, the out-of-memory killer, a timeout) would
leave, say, a page live without its log entry. Django's ATOMIC_REQUESTS would wrap every request,
reads included, which on SQLite (BEGIN IMMEDIATE, see DATABASES in settings) would serialise the
public pages behind one lock; so only the admin's writing requests are wrapped here. A request
that ends in a server error or a 400 (malformed input, cms/malformed_form_data.py) is rolled
back too, not only one that raises.
"""

from django.db import transaction

from cms.urls import ADMIN_PATH_PREFIX

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class AtomicAdminWritesMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in WRITE_METHODS or not request.path_info.startswith(
            ADMIN_PATH_PREFIX
        ):
            return self.get_response(request)
        with transaction.atomic():
            response = self.get_response(request)
            if response.status_code >= 500 or response.status_code == 400:
                transaction.set_rollback(True)
        return response
