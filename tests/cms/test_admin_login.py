"""Admin sign-in: failed logins are throttled (django-axes), a second factor can be turned on
(django-two-factor-auth on django-otp TOTP devices) and is then always asked for."""

import re
from base64 import b32decode

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

PASSWORD = "Mật-khẩu-đủ-dài-2026"
LOGIN_URL = "/admin/account/login/"


@pytest.fixture
def editor(db):
    return get_user_model().objects.create_superuser(
        "tinh.quantri", "quantri@haiduong.gov.vn", PASSWORD
    )


def sign_in(client, username, password):
    return client.post(
        LOGIN_URL,
        {
            "login_view-current_step": "auth",
            "auth-username": username,
            "auth-password": password,
        },
    )


def give_code(client, token):
    return client.post(LOGIN_URL, {"login_view-current_step": "token", "token-otp_token": token})


def current_code(device):
    code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
    return f"{code:06d}"


def test_wagtail_login_url_sends_to_the_two_step_sign_in(db):
    response = Client().get("/admin/login/?next=/admin/pages/")
    assert response.status_code == 302
    assert response["Location"] == LOGIN_URL + "?next=/admin/pages/"
    response = Client().get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN_URL)


def test_sign_in_without_second_factor_needs_only_the_password(editor):
    client = Client()
    response = sign_in(client, "tinh.quantri", PASSWORD)
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200


def test_five_failed_sign_ins_lock_the_account_even_with_the_right_password(editor):
    client = Client()
    for _attempt in range(5):
        response = sign_in(client, "tinh.quantri", "sai-mat-khau")
        assert response.status_code in (200, 429)
    response = sign_in(client, "tinh.quantri", PASSWORD)
    assert response.status_code == 429
    assert "Đăng nhập sai quá nhiều lần" in response.text  # the admin speaks Vietnamese
    assert client.get("/admin/").status_code == 302  # not signed in


def test_lock_is_per_username_and_address(editor):
    for _attempt in range(5):
        sign_in(Client(REMOTE_ADDR="203.0.113.7"), "tinh.quantri", "sai-mat-khau")
    # The same account from another address still signs in.
    client = Client(REMOTE_ADDR="203.0.113.8")
    assert sign_in(client, "tinh.quantri", PASSWORD).status_code == 302


def test_successful_sign_in_clears_earlier_failures(editor):
    client = Client()
    for _attempt in range(4):
        sign_in(client, "tinh.quantri", "sai-mat-khau")
    assert sign_in(client, "tinh.quantri", PASSWORD).status_code == 302
    client.logout()
    for _attempt in range(4):
        sign_in(client, "tinh.quantri", "sai-mat-khau")
    assert sign_in(client, "tinh.quantri", PASSWORD).status_code == 302


def test_user_turns_on_the_second_factor_from_the_account_menu(editor):
    client = Client()
    client.force_login(editor)
    account = client.get(reverse("wagtailadmin_account"))
    assert reverse("two_factor:profile") in account.text
    assert "Xác thực hai bước" in account.text

    setup = reverse("two_factor:setup")
    assert client.get(setup).status_code == 200
    response = client.post(setup, {"setup_view-current_step": "welcome"})
    assert response.status_code == 200
    # The set-up page shows the QR code of a new, unconfirmed key.
    assert reverse("two_factor:qr") in response.text
    qr = client.get(reverse("two_factor:qr"))
    assert qr.status_code == 200 and qr["Content-Type"].startswith("image/svg+xml")
    secret = client.session["django_two_factor-qr_secret_key"]
    device = TOTPDevice(key=b32decode(secret).hex())
    response = client.post(
        setup, {"setup_view-current_step": "generator", "generator-token": current_code(device)}
    )
    assert response.status_code == 302
    assert TOTPDevice.objects.filter(user=editor, confirmed=True).count() == 1


def test_user_with_a_device_must_give_a_valid_code(editor):
    device = TOTPDevice.objects.create(user=editor, name="default", confirmed=True)
    client = Client()
    response = sign_in(client, "tinh.quantri", PASSWORD)
    assert response.status_code == 200  # the code step, not yet signed in
    assert 'name="token-otp_token"' in response.text
    assert client.get("/admin/").status_code == 302

    response = give_code(client, "000000" if current_code(device) != "000000" else "111111")
    assert response.status_code == 200
    assert re.search(r"errorlist|Invalid token", response.text)
    assert client.get("/admin/").status_code == 302

    device.refresh_from_db()
    device.throttling_failure_count = 0
    device.throttling_failure_timestamp = None
    device.save()
    response = give_code(client, current_code(device))
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200


def test_admin_session_without_the_code_is_sent_back_to_sign_in(editor):
    TOTPDevice.objects.create(user=editor, name="default", confirmed=True)
    client = Client()
    client.force_login(editor)  # e.g. a session opened before the device was added
    response = client.get("/admin/pages/")
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN_URL)
    assert "_auth_user_id" not in client.session
