"""What the search index stores for a page: every language's text, as written and folded.

Wagtail's search (its database backend: SQLite FTS5 here, PostgreSQL full-text search in
production; or its OpenSearch/Elasticsearch backend, README “Search”) indexes the fields a model
lists in `search_fields`. Two things it does not do for Vietnamese, done here at the field:

* **diacritics**: PostgreSQL's parser keeps “Cẩm” and “cam” apart, and no engine folds “đ”; each
  field stores its text and its folded form (`cms.vietnamese_text.searchable_text`), and the
  citizen's query is folded the same way (`cms.search`), so “cam hung” finds “Cẩm Hưng” and “uy
  ban” finds both “Ủy ban” and “Uỷ ban” on every backend;
* **languages**: a translated field (django-modeltranslation) would be indexed in whichever
  language happened to be active when the page was saved; these fields index every language's
  column (`title_vi`, `title_en`, …), so an English query finds an item that has an English
  translation, whatever the editor's language.

The same classes serve the admin's page search, which therefore matches typed diacritics too.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from modeltranslation.translator import NotRegistered, translator
from modeltranslation.utils import build_localized_fieldname
from wagtail.search import index

from cms.vietnamese_text import searchable_text


def _text_of(obj, attname: str) -> str:
    """The plain text of one column of `obj` (StreamField and rich text reduced to their text)."""
    value = getattr(obj, attname, None)
    if value is None:
        return ""
    try:
        field = obj._meta.get_field(attname)
    except FieldDoesNotExist:
        field = None
    if field is not None and hasattr(field, "get_searchable_content"):
        parts = field.get_searchable_content(value)
        return " ".join(str(part) for part in parts if part)
    return str(value)


def _columns(obj, field_name: str) -> list[str]:
    """The column of `field_name` in each install language, or the field itself when it is not
    translated."""
    try:
        translated = field_name in translator.get_options_for_model(type(obj)).all_fields
    except NotRegistered:
        translated = False
    if not translated:
        return [field_name]
    return [build_localized_fieldname(field_name, code) for code, _name in settings.LANGUAGES]


class MultilingualValue:
    """Mixed into Wagtail's index fields: the value is every language's text, written and folded."""

    def get_value(self, obj):
        texts = []
        for attname in _columns(obj, self.field_name):
            text = _text_of(obj, attname).strip()
            if text and text not in texts:
                texts.append(text)
        return searchable_text("\n".join(texts))


class MultilingualSearchField(MultilingualValue, index.SearchField):
    pass


class MultilingualAutocompleteField(MultilingualValue, index.AutocompleteField):
    pass


def with_multilingual_title(search_fields: list) -> list:
    """Wagtail's page search fields plus the title in every language, folded too.

    Wagtail's own title fields stay (its system check wants them); the index stores their text
    once more, which changes nothing a citizen sees."""
    return [
        *search_fields,
        MultilingualSearchField("title", boost=2),
        MultilingualAutocompleteField("title"),
    ]
