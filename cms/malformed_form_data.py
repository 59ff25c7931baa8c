"""Form data that cannot even be read gets 400 Bad Request, not a server error.

Found by tests/fuzz, all in Wagtail 8 itself:

* Django's widgets and Wagtail's blocks read submitted data in `value_from_datadict`. Some trust
  the browser to send what their JavaScript builds: Wagtail's StreamField reads
  `int(data["body-count"])`, Draftail reads its JSON without checking its shape, so a post
  without that key, or with "abc" or `1` in it, raises KeyError, ValueError or AttributeError.
* A form re-shown with its errors renders each chooser (image, page, document) from the
  submitted value: Wagtail's `BaseChooser.get_instance` looks "abc" up as a primary key and
  raises ValueError.
* A listing filter (django-filter's model choice) looks a 30-digit owner id up in the
  database, which raises OverflowError on SQLite and DataError on PostgreSQL.
* Wagtail's generic edit views redirect to a posted `next` with `redirect()`, which takes
  "inf" for a URL pattern name and raises NoReverseMatch. `next` is kept only when it is a
  local path.

* A formset re-shown with its errors renders as many forms as its `TOTAL_FORMS` says (Django caps
  it at 2,000), each with its own query for its choices: a group post claiming 2,000 collection
  permissions without sending them took gigabytes to answer. Every form a browser sends posts at
  least one field (Wagtail's inline panels their hidden id, order and delete fields; the group
  permission rows their page or collection), so a count far above the rows sent is refused.

Such a request is malformed input, and the answer to malformed input is a 4xx. Only exceptions
raised inside those reading points are mapped; any other error stays a server error, to be fixed.
"""

import logging
import re

from django.core.exceptions import BadRequest
from django.core.handlers.exception import response_for_exception
from django.db import DataError

from cms.urls import ADMIN_PATH_PREFIX

logger = logging.getLogger(__name__)

# (module prefix, function name) of the frames that read submitted values.
READING_POINTS = (
    ("", "value_from_datadict"),
    ("wagtail.admin.widgets", "get_instance"),
    ("django.forms", "to_python"),
    ("django.forms", "_check_values"),
)
# OverflowError (SQLite) and DataError (PostgreSQL): an id too large for the database's integer.
MAPPED_EXCEPTIONS = (
    KeyError,
    ValueError,
    TypeError,
    IndexError,
    AttributeError,
    OverflowError,
    DataError,
)


def raised_while_reading_form_data(exception: BaseException) -> bool:
    traceback = exception.__traceback__
    while traceback is not None:
        frame = traceback.tb_frame
        module = frame.f_globals.get("__name__", "")
        for prefix, function in READING_POINTS:
            if frame.f_code.co_name == function and module.startswith(prefix):
                return True
        traceback = traceback.tb_next
    return False


# Forms a formset may claim beyond the rows posted (an extra row a widget sends nothing for).
FORMSET_SLACK = 20
FORM_INDEX = re.compile(r"-(\d+)-")


def overstated_formset(data) -> str | None:
    """The prefix of a formset whose TOTAL_FORMS claims far more forms than the post has rows."""
    rows: dict[str, set[str]] = {}
    for key in data:  # "prefix-3-field", nested ones "prefix-3-inner-0-field" too
        for match in FORM_INDEX.finditer(key):
            rows.setdefault(key[: match.start() + 1], set()).add(match.group(1))
    for key in data:
        if not key.endswith("-TOTAL_FORMS"):
            continue
        prefix = key[: -len("TOTAL_FORMS")]
        try:
            total = int(data[key])
        except ValueError:
            continue  # Django's formset answers with a form error
        if total > len(rows.get(prefix, ())) + FORMSET_SLACK:
            return prefix
    return None


def is_local_path(url: str) -> bool:
    return url.startswith("/") and not url.startswith(("//", "/\\"))


class MalformedFormDataMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not request.path_info.startswith(ADMIN_PATH_PREFIX):
            return None
        if request.method == "POST" and overstated_formset(request.POST):
            logger.warning("Formset count above the rows posted to %s", request.path)
            return response_for_exception(request, BadRequest("Malformed form data."))
        for name in ("GET", "POST") if request.method == "POST" else ("GET",):
            data = getattr(request, name)
            if "next" in data and not is_local_path(data.get("next", "")):
                data = data.copy()
                del data["next"]
                setattr(request, name, data)
        return None

    def process_exception(self, request, exception):
        if not isinstance(exception, MAPPED_EXCEPTIONS):
            return None
        if not raised_while_reading_form_data(exception):
            return None
        logger.warning(
            "Malformed form data sent to %s: %r", request.path, exception, exc_info=exception
        )
        return response_for_exception(request, BadRequest("Malformed form data."))
