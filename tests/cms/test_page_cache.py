"""The whole-page cache: anonymous pages come from the cache until something they show changes,
then every portal that shows the change gets it on the very next request, and only those."""

import datetime
import time

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone

from cms import page_cache, sharing
from cms.models import Audience, SectionPage
from sites.models import PortalPage
from tests.cms.sharing_helpers import member_of, publish_item
from tests.conftest import COMMUNE_HOST, DISTRICT_HOST, PROVINCE_HOST, host_client

HIT = page_cache.HIT_HEADER


def _get(host, path="/"):
    response = host_client(host).get(path)
    assert response.status_code == 200, (host, path, response.status_code)
    return response


def _cached(host, path="/"):
    """Render a page and check that the next request is answered from the cache."""
    _get(host, path)
    response = _get(host, path)
    assert response[HIT] == "hit", (host, path)
    return response


def _other_commune():
    return PortalPage.objects.get(
        level_id="commune", unit_code=10897
    )  # Xã Cẩm Quang, same district


def _host_of(portal):
    return portal.get_site().hostname


def test_second_anonymous_request_is_served_from_the_cache_with_cdn_headers(hai_duong):
    first = _get(COMMUNE_HOST, "/tin-tuc/")
    assert first[HIT] == "miss"
    second = _get(COMMUNE_HOST, "/tin-tuc/")
    assert second[HIT] == "hit"
    assert second.content == first.content
    assert "public" in second["Cache-Control"]
    assert "Cookie" in second["Vary"]
    assert second["Content-Security-Policy"] == first["Content-Security-Policy"]
    revalidated = host_client(COMMUNE_HOST).get("/tin-tuc/", HTTP_IF_NONE_MATCH=second["ETag"])
    assert revalidated.status_code == 304


def test_pages_are_cached_per_host_path_query_and_language(hai_duong):
    _cached(COMMUNE_HOST, "/")
    assert _get(DISTRICT_HOST, "/")[HIT] == "miss"
    assert _get(COMMUNE_HOST, "/?page=2")[HIT] == "miss"
    english = _get(COMMUNE_HOST, "/en/")
    assert english[HIT] == "miss"
    assert 'lang="en"' in english.text


def test_province_publish_for_the_subtree_shows_on_every_portal_on_the_next_request(hai_duong):
    hosts = [PROVINCE_HOST, DISTRICT_HOST, COMMUNE_HOST, _host_of(_other_commune())]
    for host in hosts:
        _cached(host, "/thong-bao/")
    publish_item(hai_duong.province, "Thông báo lịch nghỉ Tết", audience=Audience.SUBTREE)
    for host in hosts:
        response = _get(host, "/thong-bao/")
        assert "Thông báo lịch nghỉ Tết" in response.text, host


def test_edit_at_the_source_changes_every_receiver_on_the_next_request(hai_duong):
    item = publish_item(hai_duong.province, "Lịch tiếp dân", audience=Audience.SUBTREE)
    _cached(COMMUNE_HOST, "/thong-bao/")
    item.title = "Lịch tiếp dân (đã sửa)"
    item.save_revision().publish()
    assert "Lịch tiếp dân (đã sửa)" in _get(COMMUNE_HOST, "/thong-bao/").text


def test_unpublish_at_the_source_removes_it_everywhere_on_the_next_request(hai_duong):
    item = publish_item(hai_duong.province, "Thông báo sẽ rút", audience=Audience.SUBTREE)
    assert "Thông báo sẽ rút" in _cached(COMMUNE_HOST, "/thong-bao/").text
    item.unpublish()
    assert "Thông báo sẽ rút" not in _get(COMMUNE_HOST, "/thong-bao/").text


def test_expiry_by_publish_scheduled_removes_it_everywhere(hai_duong):
    item = publish_item(hai_duong.province, "Thông báo hết hạn", audience=Audience.SUBTREE)
    assert "Thông báo hết hạn" in _cached(COMMUNE_HOST, "/thong-bao/").text
    type(item).objects.filter(pk=item.pk).update(
        expire_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    call_command("publish_scheduled")
    assert "Thông báo hết hạn" not in _get(COMMUNE_HOST, "/thong-bao/").text


def test_scheduled_publish_shows_when_publish_scheduled_runs(hai_duong):
    item = publish_item(hai_duong.province, "Tin hẹn giờ", audience=Audience.SUBTREE)
    item.unpublish()
    assert "Tin hẹn giờ" not in _cached(COMMUNE_HOST, "/thong-bao/").text
    item.refresh_from_db()
    item.go_live_at = timezone.now() + datetime.timedelta(seconds=1)
    item.save_revision().publish()  # scheduled, not live yet
    assert "Tin hẹn giờ" not in _get(COMMUNE_HOST, "/thong-bao/").text
    time.sleep(1.2)  # the scheduled time passes
    call_command("publish_scheduled")
    assert "Tin hẹn giờ" in _get(COMMUNE_HOST, "/thong-bao/").text


def test_delete_at_the_source_removes_it_everywhere(hai_duong):
    item = publish_item(hai_duong.province, "Thông báo sẽ xoá", audience=Audience.SUBTREE)
    assert "Thông báo sẽ xoá" in _cached(COMMUNE_HOST, "/thong-bao/").text
    item.delete()
    assert "Thông báo sẽ xoá" not in _get(COMMUNE_HOST, "/thong-bao/").text


def test_moved_article_leaves_its_old_section_and_appears_in_the_new_one(hai_duong):
    item = publish_item(hai_duong.commune, "Tin chuyển mục", kind="news")
    news, announcements = (
        hai_duong.section(hai_duong.commune, "news"),
        hai_duong.section(hai_duong.commune, "announcements"),
    )
    assert "Tin chuyển mục" in _cached(COMMUNE_HOST, "/tin-tuc/").text
    assert "Tin chuyển mục" not in _cached(COMMUNE_HOST, "/thong-bao/").text
    item.move(announcements, pos="last-child")
    assert "Tin chuyển mục" not in _get(COMMUNE_HOST, "/tin-tuc/").text
    assert "Tin chuyển mục" in _get(COMMUNE_HOST, "/thong-bao/").text
    assert news.pk != announcements.pk


def test_a_cached_link_to_a_renamed_page_of_another_portal_still_arrives(
    hai_duong, django_capture_on_commit_callbacks
):
    """A renamed page of an unrelated portal does not invalidate the pages that link to it (that
    would be a search of every page's links on every publish): their cached link keeps the old
    URL until the entry expires, and the old URL redirects to the new one."""
    other = _other_commune()
    target = publish_item(other, "Lịch tiếp công dân", kind="news", slug="lich-tiep-cong-dan")
    article = publish_item(hai_duong.commune, "Bài có liên kết", kind="news", slug="bai-lien-ket")
    article.body = [
        ("paragraph", f'<p>Xem <a linktype="page" id="{target.pk}">lịch tiếp dân</a></p>')
    ]
    article.save_revision().publish()
    old_href = f"http://{_host_of(other)}:8000/tin-tuc/lich-tiep-cong-dan/"
    assert f'href="{old_href}"' in _cached(COMMUNE_HOST, "/tin-tuc/bai-lien-ket/").text

    target.slug = "lich-tiep-dan-moi"
    with django_capture_on_commit_callbacks(execute=True):  # Wagtail's redirect, on commit
        target.save_revision().publish()

    linking = _get(COMMUNE_HOST, "/tin-tuc/bai-lien-ket/")
    assert linking[HIT] == "hit" and f'href="{old_href}"' in linking.text
    followed = host_client(_host_of(other)).get("/tin-tuc/lich-tiep-cong-dan/", follow=True)
    assert followed.redirect_chain[0][1] == 301
    assert followed.redirect_chain[-1][0].endswith("/tin-tuc/lich-tiep-dan-moi/")
    assert followed.status_code == 200 and "Lịch tiếp công dân" in followed.text


def test_province_settings_change_shows_on_every_page_below(hai_duong):
    _cached(COMMUNE_HOST, "/tin-tuc/")
    _cached(_host_of(_other_commune()), "/")
    province = PortalPage.objects.get(pk=hai_duong.province.pk)
    province.footer_text = "Chân trang mới của tỉnh"
    province.save_revision().publish()
    assert "Chân trang mới của tỉnh" in _get(COMMUNE_HOST, "/tin-tuc/").text
    assert "Chân trang mới của tỉnh" in _get(_host_of(_other_commune()), "/").text


def test_theme_change_of_a_district_reaches_its_communes(hai_duong):
    page_before = _cached(COMMUNE_HOST, "/").text
    district = PortalPage.objects.get(pk=hai_duong.district.pk)
    district.theme = "haiduong"
    district.save_revision().publish()
    after = _get(COMMUNE_HOST, "/")
    assert after[HIT] == "miss"
    assert after.text != page_before


def test_renamed_commune_is_renamed_in_its_district_list(hai_duong):
    assert "Xã Cẩm Hưng" in _cached(DISTRICT_HOST, "/").text
    commune = PortalPage.objects.get(pk=hai_duong.commune.pk)
    commune.title = "Xã Cẩm Hưng Mới"
    commune.save_revision().publish()
    assert "Xã Cẩm Hưng Mới" in _get(DISTRICT_HOST, "/").text


def test_hiding_an_inherited_item_changes_only_the_portal_that_hid_it(
    hai_duong, django_capture_on_commit_callbacks
):
    item = publish_item(hai_duong.province, "Thông báo tuỳ chọn", audience=Audience.SUBTREE)
    other = _host_of(_other_commune())
    for host in (COMMUNE_HOST, other, DISTRICT_HOST):
        _cached(host, "/thong-bao/")
    editor = member_of(hai_duong.commune.editors_group)
    with django_capture_on_commit_callbacks(execute=True):  # the sharing engine's signal
        sharing.hide(item, hai_duong.commune, editor)
    assert "Thông báo tuỳ chọn" not in _get(COMMUNE_HOST, "/thong-bao/").text
    assert _get(other, "/thong-bao/")[HIT] == "hit"
    assert _get(DISTRICT_HOST, "/thong-bao/")[HIT] == "hit"


def test_pinning_an_inherited_item_changes_the_receivers_home(
    hai_duong, django_capture_on_commit_callbacks
):
    item = publish_item(hai_duong.province, "Tin được ghim", audience=Audience.SUBTREE)
    _cached(COMMUNE_HOST, "/")
    with django_capture_on_commit_callbacks(execute=True):
        sharing.pin(item, hai_duong.commune, member_of(hai_duong.commune.editors_group))
    assert _get(COMMUNE_HOST, "/")[HIT] == "miss"


def test_local_news_does_not_invalidate_other_portals(hai_duong):
    other = _host_of(_other_commune())
    for host in (other, DISTRICT_HOST, PROVINCE_HOST, COMMUNE_HOST):
        _cached(host, "/")
    publish_item(hai_duong.commune, "Tin riêng của xã", kind="news")
    assert "Tin riêng của xã" in _get(COMMUNE_HOST, "/").text
    for host in (other, DISTRICT_HOST, PROVINCE_HOST):
        assert _get(host, "/")[HIT] == "hit", host


def test_accepted_story_edit_reaches_the_portal_that_accepted_it(
    hai_duong, django_capture_on_commit_callbacks
):
    story = publish_item(hai_duong.commune, "Chuyện hay ở xã", kind="news")
    proposal = sharing.propose(
        story, hai_duong.district, member_of(hai_duong.commune.editors_group)
    )
    moderator = member_of(hai_duong.district.moderators_group, username="kiemduyet")
    with django_capture_on_commit_callbacks(execute=True):
        sharing.decide(proposal, moderator, accept=True)
    assert "Chuyện hay ở xã" in _cached(DISTRICT_HOST, "/tin-tuc/").text
    story.title = "Chuyện hay ở xã (cập nhật)"
    story.save_revision().publish()
    assert "Chuyện hay ở xã (cập nhật)" in _get(DISTRICT_HOST, "/tin-tuc/").text


def test_site_host_change_invalidates_every_page(hai_duong):
    _cached(PROVINCE_HOST, "/")
    site = hai_duong.commune.get_site()
    site.hostname = "camhung-moi.camgiang.haiduong.localhost"
    site.save()
    response = _get(PROVINCE_HOST, "/")
    assert response[HIT] == "miss"


def test_logged_in_editor_pages_are_never_stored_nor_served_from_the_cache(hai_duong):
    _cached(COMMUNE_HOST, "/tin-tuc/")
    editor = get_user_model().objects.create_superuser("bientap", "b@example.invalid", "pw")
    client = host_client(COMMUNE_HOST)
    client.force_login(editor)
    response = client.get("/tin-tuc/")
    assert response.status_code == 200
    assert HIT not in response
    assert "private" in response["Cache-Control"]
    # and what the editor saw (userbar, their name, a CSRF token) never reaches citizens
    anonymous = _get(COMMUNE_HOST, "/tin-tuc/")
    assert "bientap" not in anonymous.text
    assert "csrfmiddlewaretoken" not in anonymous.text
    assert "wagtail-userbar" not in anonymous.text


def test_page_that_uses_a_csrf_token_is_not_cached(hai_duong, monkeypatch):
    from django.middleware.csrf import get_token

    original = SectionPage.get_context

    def context_with_a_form(self, request, *args, **kwargs):
        context = original(self, request, *args, **kwargs)
        get_token(request)  # as {% csrf_token %} in a form does
        return context

    monkeypatch.setattr(SectionPage, "get_context", context_with_a_form)
    first = host_client(COMMUNE_HOST).get("/tin-tuc/")
    assert first.status_code == 200
    assert "csrftoken" in first.cookies
    second = host_client(COMMUNE_HOST).get("/tin-tuc/")
    assert second.get(HIT) != "hit"
    assert "csrftoken" in second.cookies  # rendered afresh, with a token of its own


@pytest.mark.parametrize("path", ["/khong-co-trang-nay/", "/tin-tuc/?date_from=khong-phai-ngay"])
def test_error_responses_are_not_cached(hai_duong, path):
    client = host_client(COMMUNE_HOST)
    first = client.get(path)
    assert first.status_code in (400, 404)
    assert client.get(path).get(HIT) != "hit"


def test_head_requests_are_answered_from_the_cache(hai_duong):
    _cached(COMMUNE_HOST, "/")
    response = host_client(COMMUNE_HOST).head("/")
    assert response.status_code == 200
    assert response[HIT] == "hit"
