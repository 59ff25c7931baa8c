"""When each language of a page last changed, so editors see translations older than the
Vietnamese text (cms.translation_status records and reads these rows)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class TranslationChange(models.Model):
    """The time of the last revision of `page` that changed its text in `language`."""

    page = models.ForeignKey(
        "wagtailcore.Page", on_delete=models.CASCADE, related_name="translation_changes"
    )
    language = models.CharField(_("language"), max_length=15)
    changed_at = models.DateTimeField(_("changed at"))

    class Meta:
        verbose_name = _("translation change")
        verbose_name_plural = _("translation changes")
        constraints = [
            models.UniqueConstraint(fields=["page", "language"], name="unique_translation_change")
        ]

    def __str__(self):
        return f"{self.page_id} {self.language} {self.changed_at:%Y-%m-%d %H:%M}"
