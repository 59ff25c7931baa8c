"""The read-only JSON API of every portal, on the portal's own host: `/api/v2/…` (Wagtail API v2).

Endpoints (cms/urls.py mounts the router; `cms/api_schema.py` describes them in OpenAPI):

    news/ announcements/ legal-documents/ sections/   what the portal shows
    images/ documents/                                 files of the portal and the portals above
    portals/                                           the directory: this portal and those below

What a portal shows is cms.sharing.items_shown_on (own items, inherited ones with their owner and
audience, minus hidden ones), one subquery whatever the number of portals. Every listing takes
`lang` (an enabled language of the portal; texts fall back to Vietnamese like the pages),
`limit`/`offset`, and the item endpoints `date_from`, `date_to`, `section` (a section kind),
`search` (folded like citizen search), `order`. Anything else, a value of the wrong type or an
offset past the last item is a 400 with `{"message": …}`. Responses carry an ETag (a matching
If-None-Match gets 304), Last-Modified where known, Cache-Control, Content-Language. Anonymous
clients are throttled per address through the shared cache (Django REST framework's throttling;
`PORTALS_API_RATE`, default 300 requests a minute).
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404
from django.utils import translation
from django.utils.cache import patch_cache_control
from django.utils.http import http_date, parse_etags
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from wagtail.api import APIField
from wagtail.api.v2.pagination import WagtailPagination
from wagtail.api.v2.router import WagtailAPIRouter
from wagtail.api.v2.utils import BadRequestError
from wagtail.api.v2.views import BaseAPIViewSet, PagesAPIViewSet
from wagtail.documents.api.v2.views import DocumentsAPIViewSet
from wagtail.images.api.fields import ImageRenditionField
from wagtail.images.api.v2.views import ImagesAPIViewSet
from wagtail.models import Site

from cms.languages import portal_languages
from cms.models import AnnouncementPage, LegalDocumentPage, NewsPage, SectionPage, ShareablePage
from cms.page_cache import content_etag
from cms.sharing import items_shown_on, url_on
from cms.vietnamese_text import search_words
from sites.models import PortalPage

DATE_FORMAT = "%Y-%m-%d"


class PortalRateThrottle(AnonRateThrottle):
    """Anonymous clients per address, counted in Django's cache (shared by every app server)."""

    def get_rate(self):
        return getattr(settings, "PORTALS_API_RATE", "300/min")


class StrictPagination(WagtailPagination):
    """Wagtail's limit/offset pagination; an offset past the last item is a 400."""

    def paginate_queryset(self, queryset, request, view=None):
        page = super().paginate_queryset(queryset, request, view)
        offset = int(request.GET.get("offset", 0))
        if offset and offset >= self.total_count:
            raise BadRequestError(
                f"offset {offset} is past the last item (total_count is {self.total_count})"
            )
        return page


def _parse_date(request, name):
    value = request.GET.get(name)
    if value is None:
        return None
    try:
        date = datetime.datetime.strptime(value, DATE_FORMAT).date()
    except ValueError as error:
        raise BadRequestError(f"{name} must be a date as YYYY-MM-DD") from error
    if date.year < 1945:
        raise BadRequestError(f"{name} must be after 1945")
    return date


def _positive_id(value, name):
    try:
        number = int(value)
    except (TypeError, ValueError) as error:
        raise BadRequestError(f"{name} must be a positive integer") from error
    if not 0 < number < 2**31:
        raise BadRequestError(f"{name} must be a positive integer")
    return number


def _get_or_404(queryset, pk):
    try:
        number = int(pk)
    except (TypeError, ValueError) as error:
        raise Http404("not found") from error
    instance = queryset.filter(pk=number).first() if 0 < number < 2**31 else None
    if instance is None:
        raise Http404("not found")
    return instance


class PortalAPIMixin:
    """What every endpoint of a portal shares: the portal of the host, `lang`, strict query
    parameters, 400 for bad input, throttling and HTTP caching headers."""

    pagination_class = StrictPagination
    throttle_classes = [PortalRateThrottle]
    # Only what is documented (cms/api_schema.py); Wagtail's field filters are not offered.
    known_query_parameters = frozenset(["limit", "offset", "fields", "lang"])

    # -- the portal and its language --

    @property
    def portal(self) -> PortalPage:
        if not hasattr(self, "_portal"):
            site = Site.find_for_request(self.request)
            portal = (
                PortalPage.objects.filter(pk=site.root_page_id).select_related("level").first()
                if site is not None
                else None
            )
            if portal is None:
                raise Http404("no portal on this host")
            self._portal = portal
        return self._portal

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if any("\x00" in key or "\x00" in "".join(values) for key, values in request.GET.lists()):
            # PostgreSQL cannot store or compare text holding NUL: refuse it before any query.
            raise BadRequestError("query parameters must not contain NUL characters")
        offered = portal_languages(self.portal.portal_chain)
        language = request.GET.get("lang", settings.LANGUAGE_CODE)
        if language not in offered:
            raise BadRequestError(
                f"lang must be one of the languages this portal offers: {', '.join(offered)}"
            )
        translation.activate(language)
        self.language = language

    def check_query_parameters(self, queryset):
        unknown = set(self.request.GET.keys()) - set(self.known_query_parameters)
        if unknown:
            raise BadRequestError(
                "query parameter is not an operation or a recognised field: "
                + ", ".join(sorted(unknown))
            )

    def handle_exception(self, exc):
        if isinstance(exc, ValidationError):
            exc = BadRequestError("; ".join(exc.messages))
        response = super().handle_exception(exc)
        if response is not None and isinstance(response.data, dict) and "detail" in response.data:
            response.data = {"message": str(response.data["detail"])}  # one error shape
        return response

    # -- HTTP caching --

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        language = getattr(self, "language", None)
        translation.activate(settings.LANGUAGE_CODE)
        if response.status_code != 200:
            return response
        response["Content-Language"] = language or settings.LANGUAGE_CODE
        response.render()
        etag = response["ETag"] = content_etag(response.content)
        last_modified = getattr(self, "last_modified", None)
        if last_modified is not None:
            response["Last-Modified"] = http_date(last_modified.timestamp())
        patch_cache_control(
            response, public=True, max_age=0, s_maxage=getattr(settings, "PORTALS_CDN_MAX_AGE", 0)
        )
        if etag in parse_etags(request.META.get("HTTP_IF_NONE_MATCH", "")):
            response.status_code = 304
            response.content = b""
        return response

    def note_last_modified(self, objects, attribute):
        stamps = [getattr(obj, attribute, None) for obj in objects]
        stamps = [stamp for stamp in stamps if stamp is not None]
        if stamps:
            self.last_modified = max(stamps)

    def listing_view(self, request):
        queryset = self.get_queryset()
        self.check_query_parameters(queryset)
        queryset = self.filter_queryset(queryset)
        page = self.paginate_queryset(queryset)
        page = list(page)
        self.note_last_modified(page, self.last_modified_attribute)
        serializer = self.get_serializer(page, many=True)
        return self.get_paginated_response(serializer.data)

    def detail_view(self, request, pk):
        unknown = set(request.GET.keys()) - {"fields", "lang"}
        if unknown:
            raise BadRequestError(
                "query parameter is not recognised here: {}".format(", ".join(sorted(unknown)))
            )
        instance = self.get_object()
        self.note_last_modified([instance], self.last_modified_attribute)
        return Response(self.get_serializer(instance).data)

    last_modified_attribute = "last_published_at"


# --- Items: news, announcements, legal documents, sections -----------------------------------


class OwnerField(serializers.Field):
    """The portal that published an item."""

    def to_representation(self, owner):
        if owner is None:
            return None
        return {"id": owner.pk, "name": owner.unit_name, "unit_code": owner.unit_code}


class ItemOnPortalField(serializers.Field):
    """Whether the item is inherited on the requesting portal, and its URL there."""

    def to_representation(self, item):
        view = self.context["view"]
        portal = view.portal
        return {
            "inherited": item.owner_portal_id != portal.pk,
            "url": url_on(item, portal, self.context["request"]),
        }


ITEM_FIELDS = [
    APIField("date"),
    APIField("summary"),
    APIField("owner", serializer=OwnerField(source="owner_portal")),
    APIField("audience"),
    APIField("mandatory"),
    APIField("on_this_portal", serializer=ItemOnPortalField(source="*")),
    APIField("section_kind"),
    APIField("last_published_at"),
    APIField("image", serializer=ImageRenditionField("fill-640x360")),
]


class PortalItemsViewSet(PortalAPIMixin, PagesAPIViewSet):
    """Items the portal shows, of one page type."""

    filter_backends = []
    known_query_parameters = PortalAPIMixin.known_query_parameters.union(
        ["date_from", "date_to", "section", "search", "order"]
    )
    body_fields = ["id", "title", *ITEM_FIELDS]
    listing_default_fields = [
        "id",
        "type",
        "detail_url",
        "html_url",
        "title",
        "date",
        "summary",
        "owner",
        "audience",
        "mandatory",
        "on_this_portal",
        "image",
    ]
    detail_only_fields: list[str] = []

    meta_fields = ["type", "detail_url", "html_url", "slug", "first_published_at"]

    @classmethod
    def get_detail_default_fields(cls, model):
        return BaseAPIViewSet.get_detail_default_fields.__func__(cls, model)

    @classmethod
    def get_listing_default_fields(cls, model):
        return cls.listing_default_fields[:]

    def get_base_queryset(self):
        return items_shown_on(self.portal)

    def scoped_items(self):
        """The endpoint's items on this portal, filtered by the query's dates and section."""
        scope = self.get_base_queryset()
        request = self.request
        date_from, date_to = _parse_date(request, "date_from"), _parse_date(request, "date_to")
        if date_from:
            scope = scope.filter(date__gte=date_from)
        if date_to:
            scope = scope.filter(date__lte=date_to)
        section = request.GET.get("section")
        if section is not None:
            scope = scope.filter(section_kind=section)
        if request.GET.get("order", "-date") not in ("-date", "date"):
            raise BadRequestError("order must be -date or date")
        items = self.model.objects.filter(pk__in=scope.values("pk")).select_related(
            "owner_portal", "image"
        )
        return self.filter_items(items)

    def filter_items(self, items):
        return items

    def get_queryset(self):
        request = self.request
        items = self.scoped_items()
        order = request.GET.get("order", "-date")
        if "search" in request.GET:
            words = search_words(request.GET["search"])
            if not words:
                return items.none()
            return items.search(" ".join(words), operator="and", order_by_relevance=True)
        return items.order_by(order, "-pk" if order == "-date" else "pk")

    def get_object(self):
        return _get_or_404(self.scoped_items(), self.kwargs.get("pk"))


class NewsViewSet(PortalItemsViewSet):
    name = "news"
    model = NewsPage
    body_fields = [*PortalItemsViewSet.body_fields, "body", "attachments"]
    detail_only_fields = ["body", "attachments"]


class AnnouncementsViewSet(PortalItemsViewSet):
    name = "announcements"
    model = AnnouncementPage
    body_fields = [*PortalItemsViewSet.body_fields, "valid_until", "body", "attachments"]
    detail_only_fields = ["body", "attachments"]


class DocumentFileField(serializers.Field):
    def to_representation(self, document):
        if document is None:
            return None
        return {"id": document.pk, "title": document.title, "url": document.url}


class LegalDocumentsViewSet(PortalItemsViewSet):
    name = "legal-documents"
    model = LegalDocumentPage
    known_query_parameters = PortalItemsViewSet.known_query_parameters.union(["document_type"])
    body_fields = [
        *PortalItemsViewSet.body_fields,
        "number",
        "document_type",
        "issuing_body",
        "signer",
        "issued_on",
        "effective_on",
        APIField("file", serializer=DocumentFileField(source="document")),
    ]
    listing_default_fields = [
        *PortalItemsViewSet.listing_default_fields,
        "number",
        "document_type",
        "issuing_body",
        "issued_on",
        "file",
    ]

    def filter_items(self, items):
        from cms.models import DocumentType

        document_type = self.request.GET.get("document_type")
        if document_type is None:
            return items
        if document_type not in DocumentType.values:
            raise BadRequestError("document_type must be one of: " + ", ".join(DocumentType.values))
        return items.filter(document_type=document_type)


class SectionsViewSet(PortalItemsViewSet):
    """The portal's own top-level sections and the sub-sections it shows."""

    name = "sections"
    model = SectionPage
    body_fields = ["id", "title", APIField("kind"), APIField("intro"), *ITEM_FIELDS]
    listing_default_fields = ["id", "type", "detail_url", "html_url", "title", "kind"]

    def get_base_queryset(self):
        own_sections = SectionPage.objects.live().child_of(self.portal)
        return ShareablePage.objects.filter(
            Q(pk__in=items_shown_on(self.portal).values("pk")) | Q(pk__in=own_sections.values("pk"))
        )


# --- Images and documents of the portal and the portals above -----------------------------------


class CollectionScopedMixin(PortalAPIMixin):
    last_modified_attribute = "created_at"

    def get_queryset(self):
        collections = [p.collection_id for p in self.portal.portal_chain if p.collection_id]
        return self.model.objects.filter(collection_id__in=collections).order_by("id")

    def get_object(self):
        return _get_or_404(self.get_queryset(), self.kwargs.get("pk"))


class PortalImagesViewSet(CollectionScopedMixin, ImagesAPIViewSet):
    filter_backends = []
    body_fields = [
        *ImagesAPIViewSet.body_fields,
        "description",
        APIField("thumbnail", serializer=ImageRenditionField("fill-320x180", source="*")),
        APIField("large", serializer=ImageRenditionField("max-1280x1280", source="*")),
    ]
    listing_default_fields = [
        *ImagesAPIViewSet.listing_default_fields,
        "width",
        "height",
        "thumbnail",
    ]


class PortalDocumentsViewSet(CollectionScopedMixin, DocumentsAPIViewSet):
    filter_backends = []


# --- The portal directory ---------------------------------------------------------------------


class PortalDirectorySerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    name = serializers.CharField(source="unit_name")
    title = serializers.CharField()
    level = serializers.CharField(source="level_id")
    unit_code = serializers.IntegerField()
    parent = serializers.SerializerMethodField()
    host = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()
    languages = serializers.SerializerMethodField()

    def get_parent(self, portal):
        return self.context["directory"].parent_of.get(portal.pk)

    def get_host(self, portal):
        return self.context["directory"].host_of.get(portal.pk)

    def get_url(self, portal):
        return portal.get_url(self.context["request"])

    def get_languages(self, portal):
        return list(portal_languages(self.context["directory"].chain_of(portal)))


class Directory:
    """Parents, hosts and chains of one page of portals, read in two queries."""

    def __init__(self, portals):
        from sites.portal_tree import ancestor_paths

        paths = {path for portal in portals for path in ancestor_paths(portal.path)}
        self.by_path = {
            portal.path: portal
            for portal in PortalPage.objects.filter(path__in=paths).order_by("depth")
        }
        self.parent_of = {}
        for portal in portals:
            above = [p for p in ancestor_paths(portal.path, inclusive=False) if p in self.by_path]
            self.parent_of[portal.pk] = self.by_path[above[-1]].pk if above else None
        self.host_of = dict(
            Site.objects.filter(root_page_id__in=[p.pk for p in portals]).values_list(
                "root_page_id", "hostname"
            )
        )

    def chain_of(self, portal):
        from sites.portal_tree import ancestor_paths

        return [self.by_path[p] for p in ancestor_paths(portal.path) if p in self.by_path]


class PortalDirectoryViewSet(PortalAPIMixin, BaseAPIViewSet):
    """Every portal at and below the portal of the host (all of them on the province's host)."""

    name = "portals"
    model = PortalPage
    filter_backends = []
    known_query_parameters = frozenset(["limit", "offset", "lang", "level", "parent"])
    last_modified_attribute = "last_published_at"

    def get_queryset(self):
        portals = PortalPage.objects.live().filter(path__startswith=self.portal.path)
        level = self.request.GET.get("level")
        if level is not None:
            portals = portals.filter(level_id=level)
        parent = self.request.GET.get("parent")
        if parent is not None:
            parent_portal = PortalPage.objects.filter(pk=_positive_id(parent, "parent")).first()
            if parent_portal is None:
                return portals.none()
            portals = portals.child_of(parent_portal)
        return portals.order_by("path")

    def get_serializer(self, instance, many=False):
        objects = list(instance) if many else [instance]
        context = {"request": self.request, "directory": Directory(objects)}
        return PortalDirectorySerializer(instance, many=many, context=context)

    def get_object(self):
        return _get_or_404(self.get_queryset(), self.kwargs.get("pk"))


api_router = WagtailAPIRouter("portal_api")
api_router.register_endpoint("news", NewsViewSet)
api_router.register_endpoint("announcements", AnnouncementsViewSet)
api_router.register_endpoint("legal-documents", LegalDocumentsViewSet)
api_router.register_endpoint("sections", SectionsViewSet)
api_router.register_endpoint("images", PortalImagesViewSet)
api_router.register_endpoint("documents", PortalDocumentsViewSet)
api_router.register_endpoint("portals", PortalDirectoryViewSet)
