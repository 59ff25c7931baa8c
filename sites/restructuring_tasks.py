"""Restructuring as a background task (Django's tasks API, which Wagtail already uses).

The admin screen (sites.restructuring_views) enqueues `restructure_portals` with the form's data
and the fingerprint of the plan the admin saw. The task plans again and applies only if the plan
is still the one previewed. With the immediate backend (development, tests) it runs at once;
in production (`TASKS_BACKEND=database`) `manage.py db_worker` runs it, and the admin screen
shows its result.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.http import QueryDict
from django.utils.translation import gettext as _
from django_tasks import task

from sites.restructuring import RestructuringError, apply


class PlanChanged(RestructuringError):
    pass


@task()
def restructure_portals(data: dict[str, list[str]], user_id: int, fingerprint: str) -> dict:
    from sites.restructuring_views import RestructuringForm, plan_fingerprint

    user = get_user_model().objects.get(pk=user_id)
    query = QueryDict(mutable=True)
    for key, values in data.items():
        query.setlist(key, values)
    form = RestructuringForm(query, user=user)
    if not form.is_valid():
        raise RestructuringError(form.errors.as_text())
    plan = form.build_plan()
    if plan_fingerprint(plan) != fingerprint:
        raise PlanChanged(_("The portals changed since the preview: check it again."))
    return {"description": plan.description, "counts": apply(plan, user=user)}
