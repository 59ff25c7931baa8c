"""The provincial control room (sites/control_room.py)."""

import csv
import io

from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from cms.models import Audience, NewsPage
from sites.models import PortalPage
from tests.cms.sharing_helpers import publish_item

URL = "/admin/dieu-hanh/"


def signed_in(*groups, superuser=False) -> Client:
    User = get_user_model()
    username = f"nguoidung{User.objects.count()}"
    if superuser:
        user = User.objects.create_superuser(username, "q@example.invalid", "x")
    else:
        user = User.objects.create_user(username)
        user.groups.add(*groups)
    client = Client(HTTP_HOST="haiduong.localhost:8000")
    client.force_login(user)
    return client


def rows_of(response, table):
    return response.content.decode().split(f'id="{table}"')[1].split("</table>")[0]


def test_only_provincial_administrators_open_the_control_room(hai_duong):
    assert Client().get(URL).status_code == 302  # to sign in
    for group in (
        hai_duong.commune.editors_group,
        hai_duong.district.admins_group,
        hai_duong.province.moderators_group,
    ):
        assert signed_in(group).get(URL).status_code in (302, 403)
    assert signed_in(hai_duong.province.admins_group).get(URL).status_code == 200
    assert signed_in(superuser=True).get(URL).status_code == 200


def test_control_room_shows_every_portal_with_its_activity(hai_duong):
    publish_item(hai_duong.commune, "Tin xã tháng này", kind="news", model=NewsPage)
    client = signed_in(hai_duong.province.admins_group)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(URL)
    assert response.status_code == 200
    portals = rows_of(response, "portals")
    assert portals.count("<tr>") == PortalPage.objects.count() + 1  # and the heading
    row = portals.split("Xã Cẩm Hưng")[1].split("</tr>")[0]
    assert "<td>1</td>" in row  # one news item this month
    # Aggregates, not a query per portal: 220 portals in a few dozen queries.
    assert len(queries) < 40


def test_compliance_lists_missing_empty_and_quiet_portals(hai_duong):
    publish_item(hai_duong.commune, "Tin xã", kind="news", model=NewsPage)
    hai_duong.section(hai_duong.district, "documents").unpublish()
    client = signed_in(hai_duong.province.admins_group)
    compliance = rows_of(client.get(URL, {"quiet_days": 30}), "compliance")
    district = compliance.split("Huyện Cẩm Giàng</a>")[1].split("</tr>")[0]
    assert "Văn bản" in district.split("</td>")[1]  # missing: the documents section is not live
    commune = compliance.split("Xã Cẩm Hưng</a>")[1].split("</tr>")[0]
    missing, empty = commune.split("</td>")[1:3]
    assert "Tin tức" not in empty  # the news section now holds a live item
    assert "Thông báo" in empty  # the announcements section holds nothing


def test_quiet_days_come_from_the_query_string_and_bad_values_are_a_form_error(hai_duong):
    client = signed_in(hai_duong.province.admins_group)
    assert client.get(URL, {"quiet_days": "abc"}).status_code == 400
    assert client.get(URL, {"quiet_days": "-5"}).status_code == 400
    assert client.get(URL, {"quiet_days": "7"}).status_code == 200


def test_each_table_downloads_as_csv(hai_duong):
    publish_item(hai_duong.province, "Lịch nghỉ Tết", audience=Audience.SUBTREE, mandatory=True)
    client = signed_in(hai_duong.province.admins_group)
    response = client.get(URL, {"export": "reach"})
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    lines = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert lines[0][0] == "Nội dung"
    assert lines[1][0] == "Lịch nghỉ Tết"
    assert int(lines[1][3]) == PortalPage.objects.count() - 1  # shown on every portal below
    users = list(
        csv.reader(io.StringIO(client.get(URL, {"export": "users"}).content.decode("utf-8-sig")))
    )
    assert len(users) == PortalPage.objects.count() + 1
    assert client.get(URL, {"export": "nonsense"}).status_code == 400
