"""Editors submit, the portal's moderators approve or reject with a comment; each side is told by
email (Django's email backend: the console in development, memory in tests)."""

from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client
from wagtail.models import WorkflowPage, WorkflowState

from cms.models import NewsPage
from sites.models import PortalPage
from sites.restructuring import apply, plan_move


def person(username, group):
    user = get_user_model().objects.create_user(
        username, email=f"{username}@camhung.example.invalid", first_name=username
    )
    user.groups.add(group)
    return user


def submitted_news(hai_duong, editor, title):
    news = hai_duong.section(hai_duong.commune, "news")
    page = NewsPage(title=title, slug="tin-cho-duyet", summary="Tóm tắt", owner=editor, live=False)
    news.add_child(instance=page)
    page.save_revision(user=editor)
    workflow = WorkflowPage.objects.get(page=hai_duong.commune).workflow
    state = workflow.start(page, editor)
    return page, state


def submitted_news_again(page, editor, title):
    """The page edited and submitted once more."""
    page.title = title
    page.save_revision(user=editor)
    return page, page.get_workflow().start(page, editor)


def test_moderator_is_emailed_on_submission_and_editor_on_approval(hai_duong):
    editor = person("camhung.bientap", hai_duong.commune.editors_group)
    moderator = person("camhung.kiemduyet", hai_duong.commune.moderators_group)
    other_moderator = person("camgiang.kiemduyet", hai_duong.district.moderators_group)
    mail.outbox.clear()
    page, state = submitted_news(hai_duong, editor, "Lịch tiêm chủng tháng 12")

    assert [m.to for m in mail.outbox] == [[moderator.email]]
    assert "Lịch tiêm chủng tháng 12" in mail.outbox[0].subject
    assert other_moderator.email not in mail.outbox[0].to

    mail.outbox.clear()
    client = Client(HTTP_HOST="haiduong.localhost:8000")
    client.force_login(moderator)
    task_state = state.current_task_state
    response = client.post(
        f"/admin/pages/workflow/action/{page.pk}/approve/{task_state.pk}/",
        {"comment": "Đồng ý đăng."},
    )
    assert response.status_code == 302
    page.refresh_from_db()
    assert page.live
    assert [m.to for m in mail.outbox] == [[editor.email]]
    assert "Lịch tiêm chủng tháng 12" in mail.outbox[0].body


def test_rejection_reaches_the_editor_with_the_comment(hai_duong):
    editor = person("camhung.bientap", hai_duong.commune.editors_group)
    moderator = person("camhung.kiemduyet", hai_duong.commune.moderators_group)
    page, state = submitted_news(hai_duong, editor, "Tin cần sửa")
    mail.outbox.clear()
    client = Client(HTTP_HOST="haiduong.localhost:8000")
    client.force_login(moderator)
    response = client.post(
        f"/admin/pages/workflow/action/{page.pk}/reject/{state.current_task_state.pk}/",
        {"comment": "Thiếu nguồn tin."},
    )
    assert response.status_code == 302
    page.refresh_from_db()
    assert not page.live
    assert [m.to for m in mail.outbox] == [[editor.email]]
    assert "Thiếu nguồn tin." in mail.outbox[0].body


def test_a_commune_editor_cannot_approve_their_own_submission(hai_duong):
    editor = person("camhung.bientap", hai_duong.commune.editors_group)
    page, state = submitted_news(hai_duong, editor, "Tự duyệt")
    client = Client(HTTP_HOST="haiduong.localhost:8000")
    client.force_login(editor)
    client.post(f"/admin/pages/workflow/action/{page.pk}/approve/{state.current_task_state.pk}/")
    page.refresh_from_db()
    assert not page.live


def sibling_commune(hai_duong):
    return (
        PortalPage.objects.filter(
            depth=hai_duong.commune.depth, path__startswith=hai_duong.district.path
        )
        .exclude(pk=hai_duong.commune.pk)
        .order_by("path")
        .first()
    )


def act(user, page, action, task_state, comment=""):
    client = Client(HTTP_HOST="haiduong.localhost:8000")
    client.force_login(user)
    return client.post(
        f"/admin/pages/workflow/action/{page.pk}/{action}/{task_state.pk}/", {"comment": comment}
    )


def test_district_moderators_and_administrators_moderate_the_communes_below(hai_duong):
    """Page permissions cascade down the tree, and so does moderation: the district's moderators
    and administrators approve or reject a commune's submission; they see it awaiting their
    review on their dashboard."""
    editor = person("camhung.bientap", hai_duong.commune.editors_group)
    district_moderator = person("camgiang.kiemduyet", hai_duong.district.moderators_group)
    district_admin = person("camgiang.quantri", hai_duong.district.admins_group)

    page, state = submitted_news(hai_duong, editor, "Thông báo lịch cắt điện")
    dashboard = Client(HTTP_HOST="haiduong.localhost:8000")
    dashboard.force_login(district_moderator)
    assert "Thông báo lịch cắt điện" in dashboard.get("/admin/").content.decode()
    response = act(district_moderator, page, "approve", state.current_task_state, "Đồng ý.")
    assert response.status_code == 302
    page.refresh_from_db()
    assert page.live

    page, state = submitted_news_again(page, editor, "Thông báo lịch cắt điện (sửa)")
    response = act(district_admin, page, "reject", state.current_task_state, "Sai giờ.")
    assert response.status_code == 302
    state.refresh_from_db()
    assert state.status == WorkflowState.STATUS_NEEDS_CHANGES


def test_a_sibling_communes_moderator_cannot_moderate(hai_duong):
    editor = person("camhung.bientap", hai_duong.commune.editors_group)
    sibling = person("xakhac.kiemduyet", sibling_commune(hai_duong).moderators_group)
    page, state = submitted_news(hai_duong, editor, "Tin của xã Cẩm Hưng")

    response = act(sibling, page, "approve", state.current_task_state, "Duyệt hộ.")
    assert response.status_code in (403, 404)
    page.refresh_from_db()
    assert not page.live
    state.refresh_from_db()
    assert state.status == WorkflowState.STATUS_IN_PROGRESS
    dashboard = Client(HTTP_HOST="haiduong.localhost:8000")
    dashboard.force_login(sibling)
    assert "Tin của xã Cẩm Hưng" not in dashboard.get("/admin/").content.decode()


def test_a_commune_without_moderators_is_moderated_by_the_district_which_is_emailed(hai_duong):
    editor = person("camhung.bientap", hai_duong.commune.editors_group)
    district_moderator = person("camgiang.kiemduyet", hai_duong.district.moderators_group)
    province_moderator = person("haiduong.kiemduyet", hai_duong.province.moderators_group)
    mail.outbox.clear()
    submitted_news(hai_duong, editor, "Tin xã chưa có kiểm duyệt viên")
    assert [m.to for m in mail.outbox] == [[district_moderator.email]]
    assert province_moderator.email not in mail.outbox[0].to


def test_a_commune_moved_to_another_district_is_moderated_by_its_new_district(hai_duong):
    editor = person("camhung.bientap", hai_duong.commune.editors_group)
    old_moderator = person("camgiang.kiemduyet", hai_duong.district.moderators_group)
    new_district = PortalPage.objects.get(level_id="district", unit_code=288)
    new_moderator = person("tphd.kiemduyet", new_district.moderators_group)
    apply(plan_move(hai_duong.commune, new_district))

    page, state = submitted_news(hai_duong, editor, "Tin sau khi chuyển huyện")
    response = act(old_moderator, page, "approve", state.current_task_state)
    assert response.status_code in (403, 404)
    page.refresh_from_db()
    assert not page.live
    assert act(new_moderator, page, "approve", state.current_task_state).status_code == 302
    page.refresh_from_db()
    assert page.live
