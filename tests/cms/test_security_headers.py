"""Security headers and production settings: HSTS, CSP, nosniff, referrer, frames, cookies."""

import json
import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client, override_settings

from tests.conftest import COMMUNE_HOST, host_client

PRODUCTION_ENV = {
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": "k" * 20 + "production-like-secret-for-the-deploy-check-0123456789",
    "PORTALS_BASE_DOMAIN": "haiduong.gov.vn",
}


def run_with_production_env(*args):
    env = {**os.environ, **PRODUCTION_ENV}
    return subprocess.run(
        [sys.executable, *args],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_deploy_check_is_clean_with_production_settings():
    result = run_with_production_env("manage.py", "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_settings_use_https_only_cookies_and_a_year_of_hsts():
    script = (
        "import json, django; django.setup(); from django.conf import settings as s; "
        "print(json.dumps({k: getattr(s, k) for k in ["
        "'SESSION_COOKIE_SECURE','CSRF_COOKIE_SECURE','LANGUAGE_COOKIE_SECURE',"
        "'SESSION_COOKIE_HTTPONLY','SECURE_SSL_REDIRECT','SECURE_HSTS_SECONDS',"
        "'SECURE_HSTS_INCLUDE_SUBDOMAINS','SECURE_CONTENT_TYPE_NOSNIFF','SECURE_REFERRER_POLICY',"
        "'X_FRAME_OPTIONS','DEBUG']}))"
    )
    result = run_with_production_env(
        "-c", f"import os; os.environ.setdefault('DJANGO_SETTINGS_MODULE','cms.settings'); {script}"
    )
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout)
    assert values == {
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "LANGUAGE_COOKIE_SECURE": True,
        "SESSION_COOKIE_HTTPONLY": True,
        "SECURE_SSL_REDIRECT": True,
        "SECURE_HSTS_SECONDS": 31536000,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
        "SECURE_CONTENT_TYPE_NOSNIFF": True,
        "SECURE_REFERRER_POLICY": "strict-origin-when-cross-origin",
        "X_FRAME_OPTIONS": "SAMEORIGIN",
        "DEBUG": False,
    }


def csp(response) -> dict[str, str]:
    header = response["Content-Security-Policy"]
    return {
        part.split(" ", 1)[0]: part.split(" ", 1)[1] if " " in part else ""
        for part in (p.strip() for p in header.split(";"))
        if part
    }


def test_public_page_has_a_strict_policy_and_the_protective_headers(hai_duong):
    response = host_client(COMMUNE_HOST).get("/")
    assert response.status_code == 200
    policy = csp(response)
    assert policy["default-src"] == "'self'"
    assert policy["script-src"] == "'self'"  # no inline script, no eval
    assert policy["style-src"] == "'self'"
    assert policy["object-src"] == "'none'"
    assert policy["frame-ancestors"] == "'self'"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def test_public_pages_have_no_inline_script_or_style_the_policy_would_block(hai_duong):
    for path in ("/", "/tin-tuc/", "/en/"):
        text = host_client(COMMUNE_HOST).get(path).text
        # schema.org data blocks (type="application/ld+json") are never executed: CSP ignores them.
        text = text.replace('<script type="application/ld+json">', "")
        assert "<script>" not in text and "<script " not in text.replace("<script src=", "")
        assert "<style" not in text
        assert " style=" not in text
        assert " onclick=" not in text and " onload=" not in text


def test_not_found_page_has_the_policy_too(hai_duong):
    response = host_client(COMMUNE_HOST).get("/khong-co/")
    assert response.status_code == 404
    # django-csp leaves debug 404 pages alone when DEBUG is on; production 404s get the header.
    with override_settings(DEBUG=False):
        response = host_client(COMMUNE_HOST).get("/khong-co/")
    assert response.status_code == 404
    assert csp(response)["script-src"] == "'self'"


@pytest.mark.parametrize("path", ["/admin/", "/admin/account/login/"])
def test_admin_gets_the_admin_policy(db, path):
    user = get_user_model().objects.create_superuser("quantri", "q@example.org", "x")
    client = Client()
    client.force_login(user)
    response = client.get(path)
    assert response.status_code in (200, 302)
    policy = csp(response)
    assert policy["script-src"] == "'self' 'unsafe-inline'"
    assert "'unsafe-eval'" not in response["Content-Security-Policy"]
    assert policy["object-src"] == "'none'"
    assert policy["frame-ancestors"] == "'self'"


@override_settings(SECURE_HSTS_SECONDS=31536000, SECURE_HSTS_INCLUDE_SUBDOMAINS=True)
def test_https_responses_carry_hsts(hai_duong):
    response = host_client(COMMUNE_HOST).get("/", secure=True)
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
