"""Editors submit, the portal's moderators approve or reject with a comment; each side is told by
email (Django's email backend: the console in development, memory in tests)."""

from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client
from wagtail.models import WorkflowPage

from cms.models import NewsPage


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
