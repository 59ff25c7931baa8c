"""The “Portal settings” tab of a portal's page editor.

Each setting is a field of the portal's home page (sites.portal_settings). Next to every field the
tab says what the portal shows when the field is left blank and which portal (or theme, or
default) that value comes from, so a commune editor sees that the blank “Logo” shows the
province's logo before deciding to override it.
"""

from __future__ import annotations

from django import forms
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin.panels import FieldPanel, HelpPanel, MultiFieldPanel

from cms.languages import LanguagesPanel
from sites.portal_settings import FIELD_GROUP, PortalSettings
from sites.themes import available_themes


def _display(value) -> str:
    if value is None or value == "":
        return _("(nothing)")
    if isinstance(value, str):
        return value
    return str(getattr(value, "title", value))  # an image


def inherited_settings(instance) -> PortalSettings | None:
    """Settings the portal would show with all its own fields blank: its ancestors' (and the
    theme and default values)."""
    from sites.portal_tree import portal_chain_for

    if instance is None or not getattr(instance, "path", None):
        return None
    chain = portal_chain_for(instance)
    if not chain:
        return None
    ancestors = [portal for portal in chain if portal.pk != instance.pk]
    return PortalSettings([*ancestors, _BlankPortal(instance)])


class _BlankPortal:
    """The edited portal with every setting blank, to ask what it would inherit."""

    def __init__(self, portal):
        self._portal = portal

    def __getattr__(self, name):
        if name in FIELD_GROUP:
            return ""
        if name in ("logo_id", "banner_id"):
            return None
        return getattr(self._portal, name)


def inherited_note(instance, field_name: str):
    settings = inherited_settings(instance)
    if settings is None:
        return ""
    resolved = settings.resolved(field_name)
    if field_name in ("logo", "banner"):
        own_value = getattr(instance, f"{field_name}_id", None)
    else:
        own_value = getattr(instance, field_name, "")
    if resolved.source is not None:
        origin = _("from %(portal)s") % {"portal": resolved.source.title}
    elif resolved.theme:
        origin = _("from the theme “%(theme)s”") % {"theme": resolved.theme}
    else:
        origin = _("default")
    label = _("If left blank") if own_value else _("Inherited (blank here)")
    return format_html(
        (
            '<span class="portal-setting-inherited" data-setting="{}">'
            "{}: <strong>{}</strong> — {}</span>"
        ),
        field_name,
        label,
        _display(resolved.value),
        origin,
    )


class InheritedSettingPanel(FieldPanel):
    """A setting's field with the value it inherits and where from."""

    class BoundPanel(FieldPanel.BoundPanel):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            if self.bound_field is None:
                return
            note = inherited_note(self.instance, self.field_name)
            if note:
                self.help_text = (
                    format_html("{}<br>{}", self.help_text, note) if self.help_text else note
                )


def _theme_choices():
    return [("", gettext_lazy("— as the portal above —"))] + [
        (name, name) for name in available_themes()
    ]


def portal_settings_panels():
    def field(name, **kwargs):
        return InheritedSettingPanel(name, **kwargs)

    return [
        HelpPanel(
            content=format_html(
                "<p>{}</p>",
                gettext_lazy(
                    "Every setting left blank shows the value of the nearest portal above that "
                    "sets it, and changes with it. The contact details and the social links are "
                    "taken together from one portal."
                ),
            ),
        ),
        MultiFieldPanel(
            [field("display_name"), field("logo"), field("banner")],
            heading=gettext_lazy("Name and images"),
        ),
        MultiFieldPanel(
            [
                field("theme", widget=forms.Select(choices=_theme_choices())),
                field("primary_colour"),
                field("accent_colour"),
            ],
            heading=gettext_lazy("Look"),
        ),
        MultiFieldPanel(
            [
                field("contact_address"),
                field("contact_phone"),
                field("contact_email"),
                field("hotline"),
            ],
            heading=gettext_lazy("Contact"),
        ),
        MultiFieldPanel(
            [field("footer_text"), field("facebook_url"), field("youtube_url"), field("zalo_url")],
            heading=gettext_lazy("Footer and social links"),
        ),
        # The install's languages as checkboxes; nothing ticked inherits (cms.languages).
        MultiFieldPanel([LanguagesPanel("languages")], heading=gettext_lazy("Languages offered")),
    ]


def theme_errors(theme: str) -> str | None:
    if theme and theme not in available_themes():
        return _("There is no theme “%(theme)s”. Choose one of: %(themes)s.") % {
            "theme": theme,
            "themes": ", ".join(available_themes()),
        }
    return None
