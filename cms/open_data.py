"""Open data: each portal's datasets as CSV and JSON, at `/du-lieu-mo/` (routes of the portal page).

On the province's portal the datasets cover the whole province: the directory of its portals
(the same rows as the API's `portals/`, cms.api.Directory), the index of news and the index of
legal documents published by the province and every portal below it (cms.search.items_in_scope,
the “whole area” scope of search). A district's or a commune's portal offers the same for its
own area.

Datasets are built from the database on every request, so they are always current: a publish
anywhere in the province shows in the next download. They are not kept by the page cache (a
commune's publish does not change the province's cache version); each one is a few queries
whatever the number of portals, streamed row by row.
"""

from __future__ import annotations

import csv
import json

from django.http import Http404, StreamingHttpResponse
from django.template.response import TemplateResponse
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext_lazy as _

from cms.languages import portal_languages
from cms.models import LegalDocumentPage, NewsPage

LICENCE_NAME = "CC BY 4.0"
LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/"
BATCH = 200


def _portal_rows(portal, request):
    from cms.api import Directory
    from sites.models import PortalPage

    portals = list(PortalPage.objects.live().filter(path__startswith=portal.path).order_by("path"))
    directory = Directory(portals)
    for each in portals:
        yield {
            "id": each.pk,
            "name": each.unit_name,
            "level": each.level_id,
            "unit_code": each.unit_code,
            "parent_id": directory.parent_of.get(each.pk),
            "host": directory.host_of.get(each.pk),
            "url": each.get_url(request),
            "languages": " ".join(portal_languages(directory.chain_of(each))),
        }


def _items(portal, model):
    from cms.search import items_in_scope

    scope = items_in_scope(portal, below=True)
    return (
        model.objects.filter(pk__in=scope.values("pk"))
        .select_related("owner_portal")
        .order_by("-date", "-pk")
    )


def _news_rows(portal, request):
    for item in _items(portal, NewsPage).iterator(chunk_size=BATCH):
        yield {
            "id": item.pk,
            "title": item.title,
            "date": item.date.isoformat(),
            "publisher": item.owner_portal.unit_name if item.owner_portal else "",
            "publisher_unit_code": item.owner_portal.unit_code if item.owner_portal else "",
            "summary": item.summary,
            "url": item.full_url,
        }


def _legal_document_rows(portal, request):
    items = _items(portal, LegalDocumentPage).select_related("document")
    for item in items.iterator(chunk_size=BATCH):
        yield {
            "id": item.pk,
            "number": item.number,
            "title": item.title,
            "document_type": item.document_type,
            "issuing_body": item.issuing_body,
            "signer": item.signer,
            "issued_on": item.issued_on.isoformat(),
            "effective_on": item.effective_on.isoformat() if item.effective_on else "",
            "publisher": item.owner_portal.unit_name if item.owner_portal else "",
            "url": item.full_url,
            "file_url": request.build_absolute_uri(item.document.url) if item.document else "",
        }


DATASETS = {
    "don-vi": (
        _("Portals"),
        _("Every portal of the area: level, official code, parent, address, languages."),
        ["id", "name", "level", "unit_code", "parent_id", "host", "url", "languages"],
        _portal_rows,
    ),
    "tin-tuc": (
        _("News index"),
        _("News published by the portals of the area: title, date, publisher, address."),
        ["id", "title", "date", "publisher", "publisher_unit_code", "summary", "url"],
        _news_rows,
    ),
    "van-ban": (
        _("Legal documents index"),
        _("Legal documents published in the area: number, type, issuer, dates, file."),
        [
            "id",
            "number",
            "title",
            "document_type",
            "issuing_body",
            "signer",
            "issued_on",
            "effective_on",
            "publisher",
            "url",
            "file_url",
        ],
        _legal_document_rows,
    ),
}


class _Echo:
    def write(self, value):
        return value


def _csv_stream(columns, rows):
    writer = csv.DictWriter(_Echo(), fieldnames=columns)
    yield "\ufeff"  # a byte-order mark, so spreadsheet programs read the Vietnamese as UTF-8
    yield writer.writeheader()
    for row in rows:
        yield writer.writerow(row)


def _json_stream(meta, rows):
    head = json.dumps(meta, ensure_ascii=False)[:-1]
    yield head + ', "items": ['
    for index, row in enumerate(rows):
        yield ("," if index else "") + json.dumps(row, ensure_ascii=False)
    yield "]}"


def _not_for_shared_caches(response):
    # Current on every request: the portals below publish without touching this portal's
    # page-cache version, so no shared cache may keep a copy.
    patch_cache_control(response, private=True, no_cache=True)
    return response


def open_data_page(request, portal, context):
    context.update(
        {
            "datasets": [(slug, name, about) for slug, (name, about, _c, _r) in DATASETS.items()],
            "licence_name": LICENCE_NAME,
            "licence_url": LICENCE_URL,
        }
    )
    response = TemplateResponse(request, "pages/open_data.html", context)
    return _not_for_shared_caches(response)


def dataset_download(request, portal, dataset, extension):
    if dataset not in DATASETS or extension not in ("csv", "json"):
        raise Http404
    name, about, columns, rows_of = DATASETS[dataset]
    rows = rows_of(portal, request)
    filename = f"{portal.slug}-{dataset}.{extension}"
    if extension == "csv":
        response = StreamingHttpResponse(
            _csv_stream(columns, rows), content_type="text/csv; charset=utf-8"
        )
    else:
        meta = {
            "dataset": str(name),
            "description": str(about),
            "portal": portal.unit_name,
            "licence": {"name": LICENCE_NAME, "url": LICENCE_URL},
            "columns": columns,
        }
        response = StreamingHttpResponse(
            _json_stream(meta, rows), content_type="application/json; charset=utf-8"
        )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Access-Control-Allow-Origin"] = "*"
    return _not_for_shared_caches(response)
