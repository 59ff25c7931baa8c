"""The OpenAPI 3 description of the portal API (cms.api), served at `/api/v2/openapi.json`, and the
short human-readable page at `/api/`.

Written here rather than generated: Wagtail API v2's views are not introspectable by DRF's schema
generators (their fields depend on the query). `tests/cms/test_api.py` validates the schema and
runs schemathesis against it, so the description and the code cannot drift apart silently.
"""

from __future__ import annotations

from django.conf import settings
from django.http import JsonResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _

from cms.models import DocumentType

API_PREFIX = "/api/v2/"

ITEM_ENDPOINTS = {
    "news": _("News articles the portal shows (its own and inherited ones)."),
    "announcements": _("Announcements the portal shows (its own and inherited ones)."),
    "legal-documents": _("Legal and directive documents the portal shows."),
    "sections": _("The portal's sections and the sub-sections it shows."),
}
FILE_ENDPOINTS = {
    "images": _("Images of the portal and of the portals above it, with renditions."),
    "documents": _("Documents (files) of the portal and of the portals above it."),
}
DIRECTORY_ENDPOINT = {
    "portals": _("Every portal at and below this one: level, code, parent, host.")
}


def _param(name, schema, description, where="query", required=False):
    return {
        "name": name,
        "in": where,
        "required": required,
        "schema": schema,
        "description": description,
    }


def _common_parameters():
    languages = [code for code, _name in settings.LANGUAGES]
    return [
        _param(
            "lang",
            {"type": "string", "enum": languages},
            "Language of the texts (one the portal offers); missing texts fall back to Vietnamese.",
        ),
        _param(
            "fields",
            {"type": "string"},
            "Comma-separated fields to add (`*` for all, `-name` to leave one out).",
        ),
    ]


def _paging_parameters():
    return [
        _param("limit", {"type": "integer", "minimum": 0, "maximum": 20}, "Items per page."),
        _param(
            "offset",
            {"type": "integer", "minimum": 0},
            "Items to skip; past the last item is a 400.",
        ),
    ]


def _item_parameters():
    return [
        _param("date_from", {"type": "string", "format": "date"}, "Items dated on or after."),
        _param("date_to", {"type": "string", "format": "date"}, "Items dated on or before."),
        _param("section", {"type": "string"}, "Kind of section (news, announcements, …)."),
        _param(
            "search",
            {"type": "string", "maxLength": 200},
            "Words to search for; diacritics optional.",
        ),
        _param("order", {"type": "string", "enum": ["-date", "date"]}, "Newest or oldest first."),
    ]


ERROR = {
    "type": "object",
    "required": ["message"],
    "properties": {"message": {"type": "string"}},
}
ANY_OBJECT = {"type": "object", "additionalProperties": True}


def _listing_response(item_schema):
    return {
        "type": "object",
        "required": ["meta", "items"],
        "properties": {
            "meta": {
                "type": "object",
                "properties": {"total_count": {"type": "integer", "minimum": 0}},
            },
            "items": {"type": "array", "items": item_schema},
        },
    }


def _responses(schema):
    json = "application/json"
    return {
        "200": {"description": "OK", "content": {json: {"schema": schema}}},
        "304": {"description": "Not modified (If-None-Match matched the ETag)."},
        "400": {"description": "Bad request", "content": {json: {"schema": ERROR}}},
        "404": {"description": "Not found", "content": {json: {"schema": ERROR}}},
        "429": {"description": "Too many requests", "content": {json: {"schema": ERROR}}},
    }


ITEM = {
    "type": "object",
    "required": ["id", "title"],
    "properties": {
        "id": {"type": "integer"},
        "title": {"type": "string"},
        "date": {"type": "string", "format": "date"},
        "summary": {"type": "string"},
        "audience": {"type": "string", "enum": ["own", "subtree", "level", "chosen"]},
        "mandatory": {"type": "boolean"},
        "owner": {"type": ["object", "null"]},
        "on_this_portal": {
            "type": "object",
            "properties": {"inherited": {"type": "boolean"}, "url": {"type": "string"}},
        },
        "image": {"type": ["object", "null"]},
    },
    "additionalProperties": True,
}
PORTAL = {
    "type": "object",
    "required": ["id", "name", "level", "unit_code", "parent", "host", "languages"],
    "properties": {
        "id": {"type": "integer"},
        "name": {"type": "string"},
        "title": {"type": "string"},
        "level": {"type": "string"},
        "unit_code": {"type": "integer"},
        "parent": {"type": ["integer", "null"]},
        "host": {"type": ["string", "null"]},
        "url": {"type": ["string", "null"]},
        "languages": {"type": "array", "items": {"type": "string"}},
    },
}


def _endpoint(name, summary, listing_parameters, item_schema, tag):
    id_parameter = _param("id", {"type": "integer", "minimum": 1}, "Id.", "path", True)
    return {
        f"{API_PREFIX}{name}/": {
            "get": {
                "operationId": f"list_{name.replace('-', '_')}",
                "summary": str(summary),
                "tags": [tag],
                "parameters": listing_parameters,
                "responses": _responses(_listing_response(item_schema)),
            }
        },
        f"{API_PREFIX}{name}/{{id}}/": {
            "get": {
                "operationId": f"get_{name.replace('-', '_')}",
                "summary": str(summary),
                "tags": [tag],
                "parameters": [id_parameter, *_common_parameters()],
                "responses": _responses(item_schema),
            }
        },
    }


def openapi_schema() -> dict:
    paths: dict = {}
    common, paging = _common_parameters(), _paging_parameters()
    for name, summary in ITEM_ENDPOINTS.items():
        parameters = [*common, *paging, *_item_parameters()]
        if name == "legal-documents":
            parameters.append(
                _param(
                    "document_type",
                    {"type": "string", "enum": list(DocumentType.values)},
                    "Type of document.",
                )
            )
        paths.update(_endpoint(name, summary, parameters, ITEM, "content"))
    for name, summary in FILE_ENDPOINTS.items():
        paths.update(_endpoint(name, summary, [*common, *paging], ANY_OBJECT, "files"))
    directory = [
        *common,
        *paging,
        _param("level", {"type": "string"}, "Only portals of this level (province, …)."),
        _param("parent", {"type": "integer", "minimum": 1}, "Only portals directly below it."),
    ]
    for name, summary in DIRECTORY_ENDPOINT.items():
        paths.update(_endpoint(name, summary, directory, PORTAL, "portals"))
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "Portal content API",
            "version": "2",
            "description": (
                "Read-only JSON API of a government portal, on the portal's own host. "
                "Content is what the portal shows, inherited items included."
            ),
            "license": {"name": "CC BY 4.0", "url": "https://creativecommons.org/licenses/by/4.0/"},
        },
        "servers": [{"url": "/"}],
        "paths": paths,
    }


def _nullable_for_openapi_30(node):
    """OpenAPI 3.0 spells “or null” as `nullable: true`, not a type list."""
    if isinstance(node, dict):
        kind = node.get("type")
        if isinstance(kind, list):
            others = [k for k in kind if k != "null"]
            node = {**node, "type": others[0], "nullable": True}
        return {key: _nullable_for_openapi_30(value) for key, value in node.items()}
    if isinstance(node, list):
        return [_nullable_for_openapi_30(value) for value in node]
    return node


def openapi_view(request):
    response = JsonResponse(_nullable_for_openapi_30(openapi_schema()))
    response["Access-Control-Allow-Origin"] = "*"
    return response


def api_docs_view(request):
    """The human-readable API page of the portal of the host."""
    host = request.get_host()
    endpoints = [
        (f"{API_PREFIX}{name}/", summary)
        for group in (ITEM_ENDPOINTS, FILE_ENDPOINTS, DIRECTORY_ENDPOINT)
        for name, summary in group.items()
    ]
    return TemplateResponse(
        request,
        "cms/api_docs.html",
        {"host": host, "endpoints": endpoints, "schema_url": f"{API_PREFIX}openapi.json"},
    )
