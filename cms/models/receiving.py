"""What receiving portals decide about the items shared with them, and stories proposed upwards.

* `InheritedItemChoice`: a receiving portal hid an optional inherited item, or pinned one to the top
  of its home page. One row per (portal, item) that someone acted on; none for the thousands of
  portals that just show it.
* `Proposal`: a local editor proposed a story of their portal to a portal above; the ancestor's
  moderators accept or decline it.

Every change is also written to Wagtail's log of the item (cms.sharing), so hiding and proposing
appear in the item's history.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class InheritedItemChoice(models.Model):
    portal = models.ForeignKey(
        "portals.PortalPage", on_delete=models.CASCADE, related_name="inherited_item_choices"
    )
    page = models.ForeignKey(
        "cms.ShareablePage", on_delete=models.CASCADE, related_name="receiver_choices"
    )
    hidden = models.BooleanField(_("hidden"), default=False)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    hidden_at = models.DateTimeField(null=True, blank=True)
    pinned = models.BooleanField(_("pinned"), default=False)
    pinned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    pinned_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("choice about an inherited item")
        verbose_name_plural = _("choices about inherited items")
        constraints = [
            models.UniqueConstraint(fields=["portal", "page"], name="one_choice_per_portal_item")
        ]
        indexes = [models.Index(fields=["page", "portal", "hidden"])]

    def __str__(self):
        return f"{self.portal} / {self.page}"


class Proposal(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")

    page = models.ForeignKey(
        "cms.ShareablePage", on_delete=models.CASCADE, related_name="proposals"
    )
    from_portal = models.ForeignKey(
        "portals.PortalPage", on_delete=models.CASCADE, related_name="proposals_made"
    )
    to_portal = models.ForeignKey(
        "portals.PortalPage", on_delete=models.CASCADE, related_name="proposals_received"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    note = models.TextField(_("note"), blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    proposed_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(_("reason"), blank=True)

    class Meta:
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        constraints = [
            models.UniqueConstraint(
                fields=["page", "to_portal"],
                condition=models.Q(status="pending"),
                name="one_pending_proposal_per_target",
            )
        ]
        indexes = [models.Index(fields=["to_portal", "status", "page"])]

    def __str__(self):
        return f"{self.page} → {self.to_portal} ({self.get_status_display()})"
