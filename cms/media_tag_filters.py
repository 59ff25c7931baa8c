"""The image and document choosers filtered by a tag *and* a search term.

Wagtail 8's choosers filter by `tags__name` and then search, but its Image and Document models
index their tags' names for searching only, not for filtering, so the search backend refuses the
query (FilterFieldError: a 500 on `/admin/images/chooser/?q=a&tag=b`). Declaring the tag name as
a filter field too, once at start-up, is what the error message asks for.
"""

from __future__ import annotations

from wagtail.search import index


def allow_filtering_by_tag_name() -> None:
    from wagtail.documents import get_document_model
    from wagtail.images import get_image_model

    for model in (get_image_model(), get_document_model()):
        for field in model.search_fields:
            if isinstance(field, index.RelatedFields) and field.field_name == "tags":
                names = [f.field_name for f in field.fields if isinstance(f, index.FilterField)]
                if "name" not in names:
                    field.fields.append(index.FilterField("name"))
