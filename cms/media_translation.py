"""Images' titles and alt text, and documents' titles, in every install language, in the admin.

Wagtail's image and document forms are model forms over `admin_form_fields`; django-modeltranslation
makes `title` and `description` read and write the *active* language's column, so an editor using
the admin in English would otherwise write the English title into an image that has no Vietnamese
one. These base forms (settings WAGTAILIMAGES_IMAGE_FORM_BASE and WAGTAILDOCS_DOCUMENT_FORM_BASE,
Wagtail's documented extension points) make the form's own `title`/`description` the Vietnamese
text, whatever the admin's language, and add one optional field per other language beside it.
"""

from __future__ import annotations

from django.utils import translation
from django.utils.text import format_lazy
from modeltranslation.translator import NotRegistered, translator
from modeltranslation.utils import build_localized_fieldname

from cms.languages import DEFAULT_LANGUAGE, install_languages, language_name
from cms.uploads import VerifiedDocumentForm, VerifiedImageForm


class TranslatedMediaFormMixin:
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        try:
            translated = translator.get_options_for_model(self._meta.model).all_fields
        except NotRegistered:
            return
        fields = {}
        for name, field in self.fields.items():
            fields[name] = field
            if name not in translated:
                continue
            model_field = self._meta.model._meta.get_field(name)
            field.label = format_lazy(
                "{} ({})", model_field.verbose_name.capitalize(), language_name(DEFAULT_LANGUAGE)
            )
            if self.instance.pk:
                field.initial = getattr(
                    self.instance, build_localized_fieldname(name, DEFAULT_LANGUAGE)
                )
                self.initial[name] = field.initial
            for language in install_languages():
                if language == DEFAULT_LANGUAGE:
                    continue
                localized = build_localized_fieldname(name, language)
                extra = self._meta.model._meta.get_field(localized).formfield(required=False)
                extra.label = format_lazy(
                    "{} ({})", model_field.verbose_name.capitalize(), language_name(language)
                )
                extra.help_text = ""
                extra.initial = getattr(self.instance, localized) if self.instance.pk else None
                fields[localized] = extra
        self.fields = fields
        self._translated_extra = [name for name in fields if name not in self._meta.fields]

    def _post_clean(self):
        # The form's own title/description are the Vietnamese text, whatever the admin's language.
        with translation.override(DEFAULT_LANGUAGE):
            super()._post_clean()
        for name in getattr(self, "_translated_extra", []):
            if name in self.cleaned_data:
                setattr(self.instance, name, self.cleaned_data[name] or None)


class TranslatedImageForm(TranslatedMediaFormMixin, VerifiedImageForm):
    pass


class TranslatedDocumentForm(TranslatedMediaFormMixin, VerifiedDocumentForm):
    pass
