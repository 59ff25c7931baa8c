"""Per-portal settings: what a portal shows of itself (name, logo, colours, contact, footer, social
links, languages, theme).

They are fields of the portal's home page rather than Wagtail site settings: editing them is then
fenced by the same page permissions as the portal's content (a commune editor can never open
another portal's settings), they go through moderation and revisions like any page change, and
resolving them for a request needs no query beyond the portal chain that every page loads anyway.
Every field is blank by default, meaning “as the portal above”.
"""

from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from cms.languages import LanguageCodesField

colour_validator = RegexValidator(
    r"^#[0-9a-fA-F]{6}$", _("Enter a colour as #RRGGBB, for example #a4161a.")
)

INHERIT_HELP = _("Leave blank to use the value of the portal above.")


class PortalSettingsFields(models.Model):
    display_name = models.CharField(
        _("name shown"),
        max_length=200,
        blank=True,
        help_text=_("Shown in the header, e.g. “Cổng thông tin điện tử tỉnh Hải Dương”."),
    )
    logo = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("logo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=INHERIT_HELP,
    )
    banner = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("banner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=INHERIT_HELP,
    )
    primary_colour = models.CharField(
        _("primary colour"),
        max_length=7,
        blank=True,
        validators=[colour_validator],
        help_text=INHERIT_HELP,
    )
    accent_colour = models.CharField(
        _("accent colour"),
        max_length=7,
        blank=True,
        validators=[colour_validator],
        help_text=INHERIT_HELP,
    )
    contact_address = models.CharField(_("address"), max_length=300, blank=True)
    contact_phone = models.CharField(_("phone"), max_length=50, blank=True)
    contact_email = models.EmailField(_("email"), blank=True)
    hotline = models.CharField(_("hotline"), max_length=50, blank=True)
    footer_text = models.TextField(_("footer text"), blank=True, help_text=INHERIT_HELP)
    facebook_url = models.URLField(_("Facebook page"), blank=True)
    youtube_url = models.URLField(_("YouTube channel"), blank=True)
    zalo_url = models.URLField(_("Zalo official account"), blank=True)
    # Edited as checkboxes of the install's languages; resolved by cms.languages.
    languages = LanguageCodesField(
        _("languages offered"),
        max_length=100,
        blank=True,
        help_text=_(
            "The languages this portal offers. Leave every box empty to offer those of "
            "the portal above."
        ),
    )
    theme = models.CharField(_("theme"), max_length=50, blank=True, help_text=INHERIT_HELP)

    class Meta:
        abstract = True


# --- Resolution: what a portal shows -------------------------------------------------------------
#
# A blank field means "as the portal above". `resolve_settings(chain)` reads the portal chain the
# page has already loaded (sites.portal_tree.portal_chain_for, one query with the logo and banner
# joined), so resolving every field for a request costs no query at all. Fields that only make
# sense together resolve as one group: a commune that fills in only its phone number must not show
# it next to the district's address, so the whole contact block comes from the nearest portal that
# fills in any of it (the same for the social links).

SETTING_GROUPS: dict[str, tuple[str, ...]] = {
    "display_name": ("display_name",),
    "logo": ("logo",),
    "banner": ("banner",),
    "primary_colour": ("primary_colour",),
    "accent_colour": ("accent_colour",),
    "contact": ("contact_address", "contact_phone", "contact_email", "hotline"),
    "footer_text": ("footer_text",),
    "social": ("facebook_url", "youtube_url", "zalo_url"),
    "languages": ("languages",),
    "theme": ("theme",),
}
FIELD_GROUP = {name: group for group, names in SETTING_GROUPS.items() for name in names}
THEME_COLOURS = {"primary_colour": "primary", "accent_colour": "accent"}


def _is_set(portal, name: str) -> bool:
    if name in ("logo", "banner"):
        return getattr(portal, f"{name}_id", None) is not None
    value = getattr(portal, name, "")
    return bool(value.strip() if isinstance(value, str) else value)


class Resolved:
    """One resolved setting: its value and where it comes from.

    `source` is the portal that set it (None when it is a default); `theme` names the theme whose
    theme.json gave a default colour.
    """

    __slots__ = ("name", "value", "source", "theme")

    def __init__(self, name, value, source=None, theme=None):
        self.name, self.value, self.source, self.theme = name, value, source, theme

    def __repr__(self):
        return f"Resolved({self.name}={self.value!r}, source={self.source}, theme={self.theme})"


class PortalSettings:
    """Every setting of one portal, resolved along its chain (top first, the portal last).

    Attribute access gives the value (`settings.contact_phone`), `resolved(name)` the value with
    its source. Nothing here queries the database.
    """

    def __init__(self, chain):
        self.chain = list(chain or [])
        self.portal = self.chain[-1] if self.chain else None
        self._by_group: dict[str, PortalSettingsFields | None] = {}
        for group, names in SETTING_GROUPS.items():
            source = None
            for portal in reversed(self.chain):
                if any(_is_set(portal, name) for name in names):
                    source = portal
                    break
            self._by_group[group] = source

    def source_of(self, name: str):
        """The portal whose value `name` shows, or None for a default."""
        return self._by_group[FIELD_GROUP[name]]

    def resolved(self, name: str) -> Resolved:
        source = self.source_of(name)
        if source is not None:
            return Resolved(name, getattr(source, name), source)
        value, theme = self._default(name)
        return Resolved(name, value, None, theme)

    def _default(self, name: str):
        from sites.themes import DEFAULT_THEME, theme_chain, theme_colours

        if name in THEME_COLOURS:
            chain = theme_chain(self.chain)
            value, theme = theme_colours(chain).get(THEME_COLOURS[name], ("", None))
            return value, theme
        if name == "display_name":
            return default_display_name(self.portal), None
        if name == "theme":
            return DEFAULT_THEME, None
        if name in ("logo", "banner"):
            return None, None
        return "", None

    def __getattr__(self, name):
        if name in FIELD_GROUP:
            return self.resolved(name).value
        raise AttributeError(name)

    @property
    def has_contact(self) -> bool:
        return self._by_group["contact"] is not None

    @property
    def has_social(self) -> bool:
        return self._by_group["social"] is not None

    def colour_css(self) -> str:
        """The colours that differ from the stylesheet's own (the default theme's), as CSS
        custom properties for a small <style> in base.html; "" when there are none, so a portal
        in the default look has no inline style at all."""
        from sites.themes import DEFAULT_THEME, theme_colours

        defaults = theme_colours((DEFAULT_THEME,))
        declarations = []
        for name, prop in (("primary_colour", "--brand"), ("accent_colour", "--accent")):
            value = (self.resolved(name).value or "").lower()
            default = defaults.get(THEME_COLOURS[name], ("", None))[0].lower()
            if value and value != default and colour_validator.regex.match(value):
                declarations.append(f"{prop}:{value}")
        return ":root{" + ";".join(declarations) + "}" if declarations else ""


def default_display_name(portal) -> str:
    """“Cổng thông tin điện tử xã Cẩm Hưng” (“Cẩm Hưng Commune electronic information portal”)."""
    from django.utils.translation import get_language

    from sites.hosts import english_unit_name, strip_unit_type

    if portal is None:
        return str(_("Electronic information portal"))
    if (get_language() or "vi").startswith("vi"):
        type_word, rest = strip_unit_type(portal.unit_name)
        return f"Cổng thông tin điện tử {type_word.lower()} {rest}".replace("  ", " ").strip()
    return _("%(name)s electronic information portal") % {
        "name": english_unit_name(portal.unit_name)
    }


def resolve_settings(chain) -> PortalSettings:
    return PortalSettings(chain)


def _luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_with_white(colour: str) -> float:
    """WCAG contrast ratio of white text on `colour` (#RRGGBB)."""
    return 1.05 / (_luminance(colour) + 0.05)


def primary_colour_error(colour: str):
    """The header shows white text on the primary colour: it must reach WCAG AA (4.5:1)."""
    if colour and colour_validator.regex.match(colour) and contrast_with_white(colour) < 4.5:
        return _(
            "White text on %(colour)s has a contrast of %(ratio).1f:1; choose a darker colour "
            "(at least 4.5:1) so that the header stays readable."
        ) % {"colour": colour, "ratio": contrast_with_white(colour)}
    return None
