"""Wagtail hooks of the language feature (imported by cms.wagtail_hooks).

Citizens: `/en/…` on a portal that does not offer English is a 404. Editors: each page listing
row says which translations need work; server-side slug folding for every admin form.
"""

from wagtail import hooks

from cms import translation_status
from cms.languages import reject_language_not_offered
from cms.vietnamese_text import register_slug_form_field

register_slug_form_field()

hooks.register("before_serve_page", reject_language_not_offered)
hooks.register("register_page_listing_buttons", translation_status.listing_buttons)
hooks.register("construct_explorer_page_queryset", translation_status.annotate_explorer_pages)
