"""Translated fields of the portal hierarchy (django-modeltranslation)."""

from modeltranslation.translator import TranslationOptions, register

from sites.models import Level, PortalPage, SectionBlueprint


@register(Level)
class LevelTranslation(TranslationOptions):
    fields = ("name",)


@register(SectionBlueprint)
class SectionBlueprintTranslation(TranslationOptions):
    fields = ("title",)


@register(PortalPage)
class PortalPageTranslation(TranslationOptions):
    fields = ("display_name", "contact_address", "footer_text")
