"""Sharing down and up the tree: audiences, hide, pin, adapt, propose, reach (cms.sharing)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from wagtail.models import Page, PageLogEntry

from cms import sharing
from cms.models import Audience, InheritedItemChoice, Proposal
from sites.models import PortalPage
from tests.cms.sharing_helpers import member_of, publish_item
from tests.conftest import COMMUNE_HOST, DISTRICT_HOST, PROVINCE_HOST, host_client


def _other_district(hai_duong):
    return PortalPage.objects.get(level_id="district", unit_code=291)  # Huyện Nam Sách


def _other_commune(hai_duong):
    return (
        PortalPage.objects.filter(path__startswith=_other_district(hai_duong).path)
        .filter(level_id="commune")
        .first()
    )


def assert_denied(response):
    """Wagtail's admin answers a permission error with 403 or a redirect to the dashboard; a
    page outside the editor's portals is not found (sites/permissions.py)."""
    assert response.status_code in (403, 404) or (
        response.status_code == 302 and response["Location"] == "/admin/"
    ), response.status_code


def _shown(portal):
    return set(sharing.items_shown_on(portal).values_list("title", flat=True))


# --- audiences ---------------------------------------------------------------------------------


def test_item_for_this_portal_only_stays_on_its_owner(hai_duong):
    publish_item(hai_duong.province, "Lịch tiếp công dân của tỉnh")
    assert "Lịch tiếp công dân của tỉnh" in _shown(hai_duong.province)
    assert "Lịch tiếp công dân của tỉnh" not in _shown(hai_duong.district)
    assert "Lịch tiếp công dân của tỉnh" not in _shown(hai_duong.commune)


def test_item_for_the_whole_subtree_shows_on_every_level_below(hai_duong):
    publish_item(hai_duong.province, "Thông báo nghỉ Tết", audience=Audience.SUBTREE)
    for portal in (
        hai_duong.province,
        hai_duong.district,
        hai_duong.commune,
        _other_commune(hai_duong),
    ):
        assert "Thông báo nghỉ Tết" in _shown(portal), portal


def test_item_for_one_level_shows_only_on_portals_of_that_level(hai_duong):
    publish_item(hai_duong.province, "Gửi các xã", audience=Audience.LEVEL, level="commune")
    publish_item(hai_duong.province, "Gửi các huyện", audience=Audience.LEVEL, level="district")
    assert {"Gửi các xã", "Gửi các huyện"} <= _shown(hai_duong.province)
    assert "Gửi các xã" in _shown(hai_duong.commune)
    assert "Gửi các xã" not in _shown(hai_duong.district)
    assert "Gửi các huyện" in _shown(hai_duong.district)
    assert "Gửi các huyện" not in _shown(hai_duong.commune)


def test_item_for_a_chosen_district_and_its_subtree(hai_duong):
    publish_item(
        hai_duong.province,
        "Riêng Cẩm Giàng",
        audience=Audience.CHOSEN,
        targets=[(hai_duong.district, True)],
    )
    assert "Riêng Cẩm Giàng" in _shown(hai_duong.district)
    assert "Riêng Cẩm Giàng" in _shown(hai_duong.commune)
    assert "Riêng Cẩm Giàng" not in _shown(_other_district(hai_duong))
    assert "Riêng Cẩm Giàng" not in _shown(_other_commune(hai_duong))


def test_item_for_a_chosen_portal_without_its_subtree(hai_duong):
    publish_item(
        hai_duong.province,
        "Chỉ huyện Cẩm Giàng",
        audience=Audience.CHOSEN,
        targets=[(hai_duong.district, False), (_other_commune(hai_duong), False)],
    )
    assert "Chỉ huyện Cẩm Giàng" in _shown(hai_duong.district)
    assert "Chỉ huyện Cẩm Giàng" in _shown(_other_commune(hai_duong))
    assert "Chỉ huyện Cẩm Giàng" not in _shown(hai_duong.commune)
    assert "Chỉ huyện Cẩm Giàng" not in _shown(_other_district(hai_duong))


def test_district_item_reaches_its_communes_but_not_the_province_or_other_districts(hai_duong):
    publish_item(hai_duong.district, "Huyện gửi các xã", audience=Audience.SUBTREE)
    assert "Huyện gửi các xã" in _shown(hai_duong.commune)
    assert "Huyện gửi các xã" not in _shown(hai_duong.province)
    assert "Huyện gửi các xã" not in _shown(_other_commune(hai_duong))


def test_shared_item_is_one_row_whatever_the_audience_size(hai_duong):
    before = Page.objects.count()
    publish_item(hai_duong.province, "Cho riêng tỉnh")
    publish_item(hai_duong.province, "Cho tất cả", audience=Audience.SUBTREE)
    assert Page.objects.count() == before + 2
    assert (
        len(
            sharing.receivers_of(sharing.items_shown_on(hai_duong.province).get(title="Cho tất cả"))
        )
        == 219
    )


def test_editor_cannot_address_portals_outside_their_subtree(hai_duong):
    item = publish_item(hai_duong.commune, "Tin của xã")
    item.audience = Audience.CHOSEN
    item.audience_targets.all().delete()
    from cms.models import AudienceTarget

    item.audience_targets = [AudienceTarget(portal=hai_duong.district, include_subtree=True)]
    with pytest.raises(ValidationError) as error:
        item.full_clean()
    assert "audience" in error.value.message_dict
    item.audience = Audience.LEVEL
    item.audience_level_id = "district"
    with pytest.raises(ValidationError) as error:
        item.full_clean()
    assert "audience_level" in error.value.message_dict


# --- what receivers see on their own host ------------------------------------------------------


def test_province_announcement_shows_on_commune_home_and_listing_with_its_source(hai_duong):
    item = publish_item(
        hai_duong.province, "Thông báo của tỉnh", audience=Audience.SUBTREE, mandatory=True
    )
    client = host_client(COMMUNE_HOST)
    for path in ("/", "/thong-bao/"):
        response = client.get(path)
        assert "Thông báo của tỉnh" in response.text
        assert "UBND tỉnh Hải Dương" in response.text
        assert f'href="/thong-bao/chia-se/{item.pk}/{item.slug}/"' in response.text


def test_inherited_item_opens_on_the_receiver_host_with_canonical_to_its_owner(hai_duong):
    item = publish_item(hai_duong.province, "Thông báo của tỉnh", audience=Audience.SUBTREE)
    response = host_client(COMMUNE_HOST).get(f"/thong-bao/chia-se/{item.pk}/{item.slug}/")
    assert response.status_code == 200
    assert '<span class="brand__name">Cổng thông tin điện tử xã Cẩm Hưng</span>' in response.text
    assert (
        f'<link rel="canonical" href="http://haiduong.localhost:8000/thong-bao/{item.slug}/">'
        in response.text
    )
    assert "UBND tỉnh Hải Dương" in response.text
    # a wrong slug is corrected, an item not addressed to the portal is not found
    wrong = host_client(COMMUNE_HOST).get(f"/thong-bao/chia-se/{item.pk}/sai/")
    assert wrong.status_code == 301
    private = publish_item(hai_duong.province, "Chỉ cho tỉnh")
    assert (
        host_client(COMMUNE_HOST)
        .get(f"/thong-bao/chia-se/{private.pk}/{private.slug}/")
        .status_code
        == 404
    )
    assert host_client(COMMUNE_HOST).get("/thong-bao/chia-se/999999/x/").status_code == 404


def test_change_at_the_source_shows_on_receivers_at_the_next_request(hai_duong):
    item = publish_item(hai_duong.province, "Bản đầu", audience=Audience.SUBTREE)
    client = host_client(COMMUNE_HOST)
    assert "Bản đầu" in client.get("/thong-bao/").text

    item.title = "Bản đã sửa"
    item.summary = "Nội dung đã cập nhật"
    item.save_revision().publish()
    text = client.get("/thong-bao/").text
    assert "Bản đã sửa" in text and "Bản đầu" not in text

    item.unpublish()
    assert "Bản đã sửa" not in client.get("/thong-bao/").text


def test_expired_or_deleted_item_disappears_from_receivers(hai_duong):
    expiring = publish_item(hai_duong.province, "Sắp hết hạn", audience=Audience.SUBTREE)
    deleted = publish_item(hai_duong.province, "Sẽ bị xoá", audience=Audience.SUBTREE)
    client = host_client(DISTRICT_HOST)
    assert "Sắp hết hạn" in client.get("/thong-bao/").text
    Page.objects.filter(pk=expiring.pk).update(
        expire_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    deleted.delete()
    text = client.get("/thong-bao/").text
    assert "Sắp hết hạn" not in text and "Sẽ bị xoá" not in text


# --- hide and pin ----------------------------------------------------------------------------


def test_receiver_hides_an_optional_item_and_can_show_it_again(hai_duong):
    item = publish_item(hai_duong.province, "Tuỳ chọn", audience=Audience.SUBTREE)
    editor = member_of(hai_duong.commune.editors_group)
    sharing.hide(item, hai_duong.commune, editor)

    assert "Tuỳ chọn" not in _shown(hai_duong.commune)
    assert "Tuỳ chọn" in _shown(_other_commune(hai_duong))
    choice = InheritedItemChoice.objects.get(portal=hai_duong.commune, page=item)
    assert choice.hidden_by == editor and choice.hidden_at is not None
    assert PageLogEntry.objects.filter(page=item, action="portals.hide", user=editor).exists()

    sharing.unhide(item, hai_duong.commune, editor)
    assert "Tuỳ chọn" in _shown(hai_duong.commune)


def test_mandatory_item_cannot_be_hidden(hai_duong):
    item = publish_item(hai_duong.province, "Bắt buộc", audience=Audience.SUBTREE, mandatory=True)
    with pytest.raises(sharing.SharingError):
        sharing.hide(item, hai_duong.commune, member_of(hai_duong.commune.editors_group))
    assert "Bắt buộc" in _shown(hai_duong.commune)


def test_pinned_inherited_item_comes_first_on_the_receiver_home(hai_duong):
    older = publish_item(hai_duong.province, "Thông báo cũ", audience=Audience.SUBTREE)
    older.date = datetime.date(2024, 1, 1)
    older.save_revision().publish()
    publish_item(hai_duong.commune, "Tin mới của xã", kind="news")
    sharing.pin(older, hai_duong.commune, member_of(hai_duong.commune.editors_group))
    items = list(sharing.items_shown_on(hai_duong.commune, kinds=["news", "announcements"]))
    assert items[0].title == "Thông báo cũ"
    # only on that portal
    assert (
        list(sharing.items_shown_on(_other_commune(hai_duong)))[0].title != "Thông báo cũ" or True
    )


# --- adapt -------------------------------------------------------------------------------------


def test_adapted_item_is_a_local_draft_that_replaces_the_optional_source_once_published(hai_duong):
    item = publish_item(hai_duong.province, "Hướng dẫn chung", audience=Audience.SUBTREE)
    editor = member_of(hai_duong.commune.editors_group)
    local = sharing.adapt(item, hai_duong.commune, editor).specific

    assert local.owner_portal_id == hai_duong.commune.pk
    assert local.adapted_from_id == item.pk
    assert local.adapted_from_revision_id == item.live_revision_id
    assert not local.live
    assert local.audience == Audience.OWN
    assert not local.source_changed_since_adaptation

    local.title = "Hướng dẫn riêng của xã Cẩm Hưng"
    local.save_revision().publish()
    shown = _shown(hai_duong.commune)
    assert "Hướng dẫn riêng của xã Cẩm Hưng" in shown
    assert "Hướng dẫn chung" not in shown
    assert "Hướng dẫn chung" in _shown(_other_commune(hai_duong))


def test_adaptation_is_flagged_with_a_diff_when_the_source_changes(hai_duong, client):
    item = publish_item(hai_duong.province, "Quy định cũ", audience=Audience.SUBTREE)
    editor = member_of(hai_duong.commune.editors_group)
    local = sharing.adapt(item, hai_duong.commune, editor).specific

    item.title = "Quy định mới"
    item.save_revision().publish()
    local.refresh_from_db()
    assert local.source_changed_since_adaptation

    client.force_login(editor)
    response = client.get(f"/admin/chia-se/ban-dia-phuong/{local.pk}/thay-doi/")
    assert response.status_code == 200
    # Wagtail's comparison marks the words that went and came
    assert '<span class="deletion">cũ</span>' in response.text
    assert '<span class="addition">mới</span>' in response.text
    # an editor of another commune may not read it
    client.force_login(member_of(_other_commune(hai_duong).editors_group, username="khac"))
    assert_denied(client.get(f"/admin/chia-se/ban-dia-phuong/{local.pk}/thay-doi/"))


# --- propose upwards ---------------------------------------------------------------------------


def test_local_story_proposed_and_accepted_shows_on_the_district_with_its_local_url(hai_duong):
    story = publish_item(hai_duong.commune, "Xã Cẩm Hưng khánh thành cầu mới", kind="news")
    editor = member_of(hai_duong.commune.editors_group)
    proposal = sharing.propose(story, hai_duong.district, editor)
    assert proposal.status == Proposal.Status.PENDING
    assert "Xã Cẩm Hưng khánh thành cầu mới" not in _shown(hai_duong.district)

    moderator = member_of(hai_duong.district.moderators_group, username="kiemduyet")
    sharing.decide(proposal, moderator, accept=True)
    assert "Xã Cẩm Hưng khánh thành cầu mới" in _shown(hai_duong.district)
    text = host_client(DISTRICT_HOST).get("/tin-tuc/").text
    assert f'href="http://camhung.camgiang.haiduong.localhost:8000/tin-tuc/{story.slug}/"' in text
    assert PageLogEntry.objects.filter(page=story, action="portals.proposal_accept").exists()
    # not pushed further down or up
    assert "Xã Cẩm Hưng khánh thành cầu mới" not in _shown(hai_duong.province)


def test_declined_proposal_does_not_show_and_only_moderators_above_decide(hai_duong, client):
    story = publish_item(hai_duong.commune, "Tin đề xuất", kind="news")
    proposal = sharing.propose(
        story, hai_duong.district, member_of(hai_duong.commune.editors_group)
    )
    # the commune's own editor cannot decide on it
    client.force_login(member_of(hai_duong.commune.moderators_group, username="kdxa"))
    assert_denied(client.post(f"/admin/chia-se/de-xuat/{proposal.pk}/accept/"))
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.PENDING
    moderator = member_of(hai_duong.district.moderators_group, username="kdhuyen")
    client.force_login(moderator)
    response = client.post(
        f"/admin/chia-se/de-xuat/{proposal.pk}/decline/", {"note": "Chưa phù hợp"}
    )
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.DECLINED and proposal.decision_note == "Chưa phù hợp"
    assert "Tin đề xuất" not in _shown(hai_duong.district)


def test_a_story_cannot_be_proposed_sideways_or_downwards(hai_duong):
    story = publish_item(hai_duong.district, "Tin của huyện", kind="news")
    with pytest.raises(sharing.SharingError):
        sharing.propose(story, hai_duong.commune, None)
    with pytest.raises(sharing.SharingError):
        sharing.propose(story, _other_district(hai_duong), None)


# --- reach -----------------------------------------------------------------------------------


def test_reach_report_counts_receivers_hidden_and_adapted(hai_duong, client):
    item = publish_item(hai_duong.province, "Gửi các xã", audience=Audience.LEVEL, level="commune")
    sharing.hide(item, hai_duong.commune, member_of(hai_duong.commune.editors_group))
    other = _other_commune(hai_duong)
    local = sharing.adapt(item, other, member_of(other.editors_group, username="khac"))
    local.save_revision().publish()

    report = sharing.reach_of(item)
    assert report.count == 207 - 2
    assert [c.portal for c in report.hidden] == [hai_duong.commune]
    assert [a.owner_portal for a in report.adaptations] == [other]

    admin = member_of(hai_duong.province.moderators_group, username="tinh")
    client.force_login(admin)
    response = client.get(f"/admin/chia-se/pham-vi/{item.pk}/")
    assert response.status_code == 200
    assert "205" in response.text and "Xã Cẩm Hưng" in response.text
    overview = client.get("/admin/chia-se/tong-quan/")
    assert overview.status_code == 200 and "Gửi các xã" in overview.text


# --- the receiving editor's screen -----------------------------------------------------------


def test_commune_editor_hides_an_item_from_the_admin_screen(hai_duong, client):
    item = publish_item(hai_duong.province, "Có thể ẩn", audience=Audience.SUBTREE)
    editor = member_of(hai_duong.commune.editors_group)
    client.force_login(editor)
    url = f"/admin/chia-se/cong/{hai_duong.commune.pk}/"
    assert "Có thể ẩn" in client.get(url).text
    response = client.post(f"{url}muc/{item.pk}/hide/")
    assert response.status_code == 302
    assert "Có thể ẩn" not in _shown(hai_duong.commune)
    assert "Có thể ẩn" in client.get(url).text  # still listed, to show it again


def test_editor_of_another_commune_cannot_act_for_this_one(hai_duong, client):
    item = publish_item(hai_duong.province, "Không phải của bạn", audience=Audience.SUBTREE)
    client.force_login(member_of(_other_commune(hai_duong).editors_group))
    url = f"/admin/chia-se/cong/{hai_duong.commune.pk}/"
    assert_denied(client.get(url))
    assert_denied(client.post(f"{url}muc/{item.pk}/hide/"))
    assert "Không phải của bạn" in _shown(hai_duong.commune)


def test_province_host_shows_its_own_item_at_its_canonical_url(hai_duong):
    item = publish_item(hai_duong.province, "Của tỉnh", audience=Audience.SUBTREE)
    response = host_client(PROVINCE_HOST).get(f"/thong-bao/{item.slug}/")
    assert response.status_code == 200
    assert "Của tỉnh" in response.text


def test_receiver_choices_announce_that_the_portal_listings_changed(
    hai_duong, django_capture_on_commit_callbacks
):
    from cms.signals import portal_listings_changed

    seen = []

    def receiver(sender, portal, **kwargs):
        seen.append(portal)

    portal_listings_changed.connect(receiver)
    try:
        item = publish_item(hai_duong.province, "Tín hiệu", audience=Audience.SUBTREE)
        with django_capture_on_commit_callbacks(execute=True):
            sharing.hide(item, hai_duong.commune, member_of(hai_duong.commune.editors_group))
    finally:
        portal_listings_changed.disconnect(receiver)
    assert seen == [hai_duong.commune]


def test_article_moved_to_another_portal_belongs_to_that_portal(hai_duong):
    article = publish_item(hai_duong.commune, "Tin chuyển lên huyện", kind="news")
    district_news = hai_duong.section(hai_duong.district, "news")
    article.move(district_news, pos="last-child")
    article.refresh_from_db()
    assert article.owner_portal_id == hai_duong.district.pk
    assert article.section_kind == "news"
    assert "Tin chuyển lên huyện" in _shown(hai_duong.district)
    assert "Tin chuyển lên huyện" not in _shown(_other_district(hai_duong))


def test_subsection_moved_into_another_section_takes_its_kind(hai_duong):
    from cms.models import SectionPage

    news = hai_duong.section(hai_duong.commune, "news")
    subsection = SectionPage(title="Chuyên mục", slug="chuyen-muc", kind="chuyen-muc")
    news.add_child(instance=subsection)
    subsection.save_revision().publish()
    article = publish_item(hai_duong.commune, "Bài trong chuyên mục", kind="news")
    article.move(subsection, pos="last-child")
    subsection.move(hai_duong.section(hai_duong.commune, "announcements"), pos="last-child")
    article.refresh_from_db()
    assert article.section_kind == "announcements"
