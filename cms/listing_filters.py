"""Filters of the section listings citizens use: a date range on every listing, and on the legal
documents section the type, issuing body, number or title and issue dates.

Filters are Django forms read from the query string: a value that is not a date or not a type
gives the listing back with a message next to the field and status 400, never a server error.
"""

from __future__ import annotations

import datetime

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cms.models import DocumentType

# Dates citizens type or their browser sends: ISO (the date picker) or Vietnamese day/month/year.
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y"]
EARLIEST = datetime.date(1945, 9, 2)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)

    def format_value(self, value):
        """An ISO date or nothing: a date input holds no other value (the browser would drop it
        and the HTML would be invalid). A date typed as 15/01/2025 comes back as 2025-01-15;
        one that is not a date is left out, and the error next to the field says why."""
        if isinstance(value, str):
            for date_format in DATE_INPUT_FORMATS:
                try:
                    value = datetime.datetime.strptime(value.strip(), date_format).date()
                    break
                except ValueError:
                    continue
            else:
                return None
        return super().format_value(value)


class DateRangeFilter(forms.Form):
    date_from = forms.DateField(
        label=_("From"), required=False, input_formats=DATE_INPUT_FORMATS, widget=DateInput()
    )
    date_to = forms.DateField(
        label=_("To"), required=False, input_formats=DATE_INPUT_FORMATS, widget=DateInput()
    )
    date_field = "date"

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        for name in ("date_from", "date_to"):
            value = data.get(name)
            if value is not None and not (EARLIEST <= value <= datetime.date(9999, 1, 1)):
                self.add_error(name, _("Enter a date after 1945."))
        if start and end and start > end:
            raise forms.ValidationError(_("The start date must not be after the end date."))
        return data

    def apply(self, items):
        data = self.cleaned_data
        if data.get("date_from"):
            items = items.filter(**{f"{self.date_field}__gte": data["date_from"]})
        if data.get("date_to"):
            items = items.filter(**{f"{self.date_field}__lte": data["date_to"]})
        return items


class LegalDocumentFilter(DateRangeFilter):
    q = forms.CharField(
        label=_("Number or title"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    document_type = forms.ChoiceField(
        label=_("Type"), required=False, choices=[("", _("All types")), *DocumentType.choices]
    )
    issuing_body = forms.CharField(label=_("Issuing body"), required=False, max_length=100)
    field_order = ["q", "document_type", "issuing_body", "date_from", "date_to"]
    date_field = "legaldocumentpage__issued_on"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["date_from"].label = _("Issued from")
        self.fields["date_to"].label = _("Issued until")

    def apply(self, items):
        items = super().apply(items)
        data = self.cleaned_data
        if data.get("q"):
            items = items.filter(
                Q(title__icontains=data["q"]) | Q(legaldocumentpage__number__icontains=data["q"])
            )
        if data.get("document_type"):
            items = items.filter(legaldocumentpage__document_type=data["document_type"])
        if data.get("issuing_body"):
            items = items.filter(legaldocumentpage__issuing_body__icontains=data["issuing_body"])
        return items


FILTERS_BY_KIND = {"documents": LegalDocumentFilter, "drafts": LegalDocumentFilter}


def filter_for(kind: str, query) -> DateRangeFilter:
    """The bound filter form of a listing; unbound when the query carries none of its fields."""
    form_class = FILTERS_BY_KIND.get(kind, DateRangeFilter)
    if not any(query.get(name) for name in form_class.base_fields):
        return form_class()
    return form_class(query)
