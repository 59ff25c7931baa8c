"""Setting an audience in the page editor, as an author does."""

from django.contrib.auth import get_user_model
from wagtail.test.utils.form_data import inline_formset, nested_form_data, streamfield

from cms import sharing
from cms.models import AnnouncementPage
from tests.cms.sharing_helpers import member_of


def _announcement_form(title, *, audience, targets=(), level="", mandatory=False):
    data = {
        "title_vi": title,
        "slug": "thong-bao-thu",
        "date": "2026-11-20",
        "summary_vi": "Tóm tắt",
        "audience": audience,
        "audience_level": level,
        "audience_targets": inline_formset(
            [
                {"portal": portal.pk, "include_subtree": "on" if subtree else ""}
                for portal, subtree in targets
            ]
        ),
        "comments": inline_formset([]),
        "action-publish": "publish",
    }
    for language in ("vi", "en", "zh_hans", "ko"):
        data[f"body_{language}"] = streamfield([])
    data["attachments"] = streamfield([])
    if mandatory:
        data["mandatory"] = "on"
    return nested_form_data(data)


def test_provincial_admin_publishes_an_announcement_to_one_district_from_the_editor(
    hai_duong, client
):
    client.force_login(get_user_model().objects.create_superuser("root", "r@example.invalid", "pw"))
    section = hai_duong.section(hai_duong.province, "announcements")
    response = client.post(
        f"/admin/pages/add/cms/announcementpage/{section.pk}/",
        _announcement_form(
            "Gửi huyện Cẩm Giàng",
            audience="chosen",
            targets=[(hai_duong.district, True)],
            mandatory=True,
        ),
    )
    assert response.status_code == 302, response.context["form"].errors
    page = AnnouncementPage.objects.get(title_vi="Gửi huyện Cẩm Giàng")
    assert page.live and page.mandatory
    assert sharing.is_shown_on(page, hai_duong.commune)
    assert not sharing.is_shown_on(page, hai_duong.province.get_children().specific().last())


def test_commune_editor_cannot_address_the_district_from_the_editor(hai_duong, client):
    editor = member_of(hai_duong.commune.editors_group)
    client.force_login(editor)
    section = hai_duong.section(hai_duong.commune, "announcements")
    response = client.post(
        f"/admin/pages/add/cms/announcementpage/{section.pk}/",
        _announcement_form(
            "Gửi lên huyện", audience="chosen", targets=[(hai_duong.district, True)]
        ),
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "Bạn chỉ có thể gửi tới các cổng cấp dưới" in str(errors["audience"])
    assert not AnnouncementPage.objects.filter(title_vi="Gửi lên huyện").exists()
