"""The read-only JSON API of each portal (cms.api) and its OpenAPI description (cms.api_schema),
fuzzed with schemathesis: no input gives a server error."""

import datetime
import io

import pytest
import schemathesis
from django.core.files.images import ImageFile
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, settings
from PIL import Image as PILImage
from wagtail.images import get_image_model

from cms import sharing
from cms.api_schema import _nullable_for_openapi_30, openapi_schema
from cms.models import Audience
from cms.wsgi import application
from sites.models import PortalPage
from tests.cms.sharing_helpers import member_of, publish_item
from tests.conftest import COMMUNE_HOST, PROVINCE_HOST, host_client


def _sibling_commune():
    return PortalPage.objects.get(level_id="commune", unit_code=10897)  # Xã Cẩm Hoàng


def api(host, path, **params):
    return host_client(host).get(path, params)


def titles(response):
    assert response.status_code == 200, response.content
    return [item["title"] for item in response.json()["items"]]


# --- What a portal's API serves --------------------------------------------------------------


@pytest.mark.django_db
def test_news_of_a_commune_are_its_own_and_inherited_with_owner_and_audience(hai_duong):
    publish_item(hai_duong.commune, "Cẩm Hưng khai giảng lớp bình dân học vụ số", kind="news")
    publish_item(
        hai_duong.province,
        "Tỉnh phát động tháng hành động vì môi trường",
        kind="news",
        audience=Audience.SUBTREE,
        mandatory=True,
    )
    publish_item(_sibling_commune(), "Cẩm Hoàng khánh thành cầu dân sinh", kind="news")

    response = api(COMMUNE_HOST, "/api/v2/news/")
    items = {item["title"]: item for item in response.json()["items"]}
    assert set(items) == {
        "Cẩm Hưng khai giảng lớp bình dân học vụ số",
        "Tỉnh phát động tháng hành động vì môi trường",
    }
    inherited = items["Tỉnh phát động tháng hành động vì môi trường"]
    assert inherited["owner"]["name"] == "Tỉnh Hải Dương"
    assert inherited["audience"] == "subtree" and inherited["mandatory"] is True
    assert inherited["on_this_portal"]["inherited"] is True
    assert "/tin-tuc/chia-se/" in inherited["on_this_portal"]["url"]
    own = items["Cẩm Hưng khai giảng lớp bình dân học vụ số"]
    assert own["on_this_portal"]["inherited"] is False
    assert own["owner"]["unit_code"] == 10894


@pytest.mark.django_db
def test_a_hidden_optional_item_and_a_siblings_item_are_not_served(hai_duong):
    optional = publish_item(
        hai_duong.province, "Thông báo tuyển dụng viên chức", audience=Audience.SUBTREE
    )
    sibling = publish_item(_sibling_commune(), "Thông báo của xã Cẩm Hoàng")
    editor = member_of(hai_duong.commune.editors_group)
    sharing.hide(optional, hai_duong.commune, editor)

    assert titles(api(COMMUNE_HOST, "/api/v2/announcements/")) == []
    for item in (optional, sibling):
        response = api(COMMUNE_HOST, f"/api/v2/announcements/{item.pk}/")
        assert response.status_code == 404
        assert response.json() == {"message": "not found"}
    # On the province's host the province's own item is there.
    assert "Thông báo tuyển dụng viên chức" in titles(api(PROVINCE_HOST, "/api/v2/announcements/"))


@pytest.mark.django_db
def test_detail_gives_the_body_in_the_chosen_language(hai_duong):
    item = publish_item(hai_duong.commune, "Xã tổ chức hội chợ nông sản", kind="news")
    item.title_en = "The commune holds a farm produce fair"
    item.body_vi = [("paragraph", "<p>Hội chợ diễn ra tại sân ủy ban.</p>")]
    item.save_revision().publish()

    vietnamese = api(COMMUNE_HOST, f"/api/v2/news/{item.pk}/").json()
    assert vietnamese["title"] == "Xã tổ chức hội chợ nông sản"
    assert "Hội chợ diễn ra" in str(vietnamese["body"])
    english = api(COMMUNE_HOST, f"/api/v2/news/{item.pk}/", lang="en")
    assert english.json()["title"] == "The commune holds a farm produce fair"
    assert english["Content-Language"] == "en"
    # The body has no English text: it falls back to Vietnamese, like the page.
    assert "Hội chợ diễn ra" in str(english.json()["body"])


@pytest.mark.django_db
def test_filters_by_date_section_search_and_document_type(hai_duong):
    old = publish_item(hai_duong.commune, "Tin cũ về lễ hội làng", kind="news")
    old.date = datetime.date(2024, 2, 1)
    old.save_revision().publish()
    publish_item(hai_duong.commune, "Tin mới về lễ hội làng", kind="news")
    publish_item(hai_duong.commune, "Thông báo về lễ hội làng")

    assert titles(api(COMMUNE_HOST, "/api/v2/news/", date_to="2024-12-31")) == [
        "Tin cũ về lễ hội làng"
    ]
    assert titles(api(COMMUNE_HOST, "/api/v2/news/", date_from="2025-01-01")) == [
        "Tin mới về lễ hội làng"
    ]
    assert titles(api(COMMUNE_HOST, "/api/v2/news/", order="date"))[0] == "Tin cũ về lễ hội làng"
    assert set(titles(api(COMMUNE_HOST, "/api/v2/news/", search="le hoi lang"))) == {
        "Tin cũ về lễ hội làng",
        "Tin mới về lễ hội làng",
    }
    assert titles(api(COMMUNE_HOST, "/api/v2/announcements/", section="announcements")) == [
        "Thông báo về lễ hội làng"
    ]
    assert titles(api(COMMUNE_HOST, "/api/v2/announcements/", section="news")) == []
    assert titles(api(COMMUNE_HOST, "/api/v2/legal-documents/", document_type="quyet-dinh")) == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    "params",
    [
        {"unknown": "1"},
        {"limit": "abc"},
        {"limit": "-1"},
        {"limit": "1000"},
        {"offset": "-5"},
        {"offset": "50"},
        {"date_from": "2026-13-45"},
        {"date_to": "hôm qua"},
        {"order": "title; DROP TABLE"},
        {"lang": "xx"},
        {"lang": "zh-hans"},  # installed, but Cẩm Hưng does not offer Chinese
        {"fields": "nonexistent_field"},
        {"type": "wagtailcore.Page"},  # Wagtail's own filters are not part of this API
        {"child_of": "1"},
        {"section": "news\x00"},  # PostgreSQL refuses NUL in text (found by schemathesis)
    ],
)
def test_bad_parameters_get_a_400_with_a_json_message(hai_duong, params):
    publish_item(hai_duong.commune, "Một tin để có trang kết quả", kind="news")
    response = api(COMMUNE_HOST, "/api/v2/news/", **params)
    assert response.status_code == 400, (params, response.status_code)
    assert isinstance(response.json()["message"], str)


@pytest.mark.django_db
def test_responses_carry_etag_last_modified_and_cache_headers(hai_duong):
    publish_item(hai_duong.commune, "Tin để kiểm tra ETag", kind="news")
    client = host_client(COMMUNE_HOST)
    first = client.get("/api/v2/news/")
    assert first["ETag"] and first["Last-Modified"]
    assert "public" in first["Cache-Control"]
    again = client.get("/api/v2/news/", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304 and again.content == b""
    # A publish changes the answer, and so the ETag.
    publish_item(hai_duong.commune, "Tin mới sau ETag", kind="news")
    changed = client.get("/api/v2/news/", HTTP_IF_NONE_MATCH=first["ETag"])
    assert changed.status_code == 200 and changed["ETag"] != first["ETag"]


@pytest.mark.django_db
@override_settings(PORTALS_API_RATE="3/min")
def test_anonymous_clients_are_rate_limited_per_address(hai_duong):
    client = host_client(COMMUNE_HOST)
    statuses = [client.get("/api/v2/sections/").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    limited = client.get("/api/v2/sections/")
    assert "message" in limited.json() and limited["Retry-After"]
    other_address = host_client(COMMUNE_HOST, REMOTE_ADDR="10.0.0.9")
    assert other_address.get("/api/v2/sections/").status_code == 200


@pytest.mark.django_db
def test_portal_directory_lists_level_code_parent_host_and_languages(hai_duong):
    response = api(PROVINCE_HOST, "/api/v2/portals/", level="commune", limit="20")
    assert (
        response.json()["meta"]["total_count"]
        == PortalPage.objects.filter(level_id="commune").count()
    )
    detail = api(PROVINCE_HOST, f"/api/v2/portals/{hai_duong.commune.pk}/").json()
    assert detail == {
        "id": hai_duong.commune.pk,
        "name": "Xã Cẩm Hưng",
        "title": hai_duong.commune.title,
        "level": "commune",
        "unit_code": 10894,
        "parent": hai_duong.district.pk,
        "host": COMMUNE_HOST,
        "url": f"http://{COMMUNE_HOST}:8000/",
        "languages": ["vi", "en"],
    }
    below_district = api(PROVINCE_HOST, "/api/v2/portals/", parent=str(hai_duong.district.pk))
    assert "Xã Cẩm Hưng" in [p["name"] for p in below_district.json()["items"]]
    # A commune's host lists the commune only: nothing of its siblings.
    assert titles_of_portals(api(COMMUNE_HOST, "/api/v2/portals/")) == ["Xã Cẩm Hưng"]


def titles_of_portals(response):
    return [portal["name"] for portal in response.json()["items"]]


@pytest.mark.django_db
def test_images_of_the_portal_and_above_with_renditions(hai_duong):
    buffer = io.BytesIO()
    PILImage.new("RGB", (800, 600), (200, 30, 30)).save(buffer, "PNG")
    image = get_image_model().objects.create(
        title="Trụ sở UBND tỉnh",
        file=ImageFile(buffer, name="tru-so.png"),
        collection_id=hai_duong.province.collection_id,
    )
    other = get_image_model().objects.create(
        title="Ảnh của xã Cẩm Hoàng",
        file=ImageFile(io.BytesIO(buffer.getvalue()), name="cam-hoang.png"),
        collection_id=_sibling_commune().collection_id,
    )

    listing = api(COMMUNE_HOST, "/api/v2/images/").json()
    assert [item["title"] for item in listing["items"]] == ["Trụ sở UBND tỉnh"]
    thumbnail = listing["items"][0]["thumbnail"]
    assert thumbnail["width"] == 320 and thumbnail["height"] == 180
    assert api(COMMUNE_HOST, f"/api/v2/images/{image.pk}/").json()["large"]["width"] == 800
    assert api(COMMUNE_HOST, f"/api/v2/images/{other.pk}/").status_code == 404


def _queries_for(host, path):
    client = host_client(host)
    client.get(path)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len(queries)


@pytest.mark.django_db
def test_api_sql_cost_does_not_grow_with_the_portals_items_come_from(hai_duong):
    publish_item(hai_duong.province, "Tin chung toàn tỉnh", kind="news", audience="subtree")
    before = _queries_for(COMMUNE_HOST, "/api/v2/news/")
    for number in range(3):
        publish_item(hai_duong.province, f"Tin tỉnh số {number}", kind="news", audience="subtree")
        publish_item(hai_duong.district, f"Tin huyện số {number}", kind="news", audience="subtree")
    assert _queries_for(COMMUNE_HOST, "/api/v2/news/") == before
    # The province's directory of its 220 portals costs what the commune's of one does.
    assert _queries_for(PROVINCE_HOST, "/api/v2/portals/") == _queries_for(
        COMMUNE_HOST, "/api/v2/portals/"
    )


@pytest.mark.django_db
def test_the_api_page_and_the_schema_are_served(hai_duong):
    page = host_client(COMMUNE_HOST).get("/api/")
    assert page.status_code == 200
    assert "/api/v2/news/" in page.content.decode()
    served = host_client(COMMUNE_HOST).get("/api/v2/openapi.json").json()
    assert served["openapi"].startswith("3.0")
    assert "/api/v2/portals/{id}/" in served["paths"]


# --- The schema is valid, and no generated request gets a server error -------------------------

SCHEMA = schemathesis.openapi.from_dict(_nullable_for_openapi_30(openapi_schema()))
SCHEMA.app = application


@pytest.fixture
def wsgi_keeps_the_test_connection():
    """Requests go through the real WSGI application, which closes the database connection at
    the end of each request; the test's transaction lives on that connection (Django's test
    client disconnects the same handlers)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def test_openapi_schema_is_valid():
    SCHEMA.validate()  # against the OpenAPI 3.0 meta-schema; raises when invalid


@pytest.mark.django_db
@SCHEMA.parametrize()
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    derandomize=True,
)
def test_schemathesis_finds_no_server_error(case, hai_duong, wsgi_keeps_the_test_connection):
    response = case.call(base_url=f"http://{COMMUNE_HOST}:8000")
    assert response.status_code < 500, (case.path, case.query, response.text[:500])
