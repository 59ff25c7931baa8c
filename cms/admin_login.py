"""Admin sign-in: throttling of failed logins (django-axes) and the optional second factor.

Throttling: `LoginThrottlingBackend` is django-axes's backend, first in AUTHENTICATION_BACKENDS.
A sign-in through a web form passes the request, so it is counted, and a locked-out pair of
username and client address gets the lockout page (HTTP 429). Authentication without a request
(a management command, a test client's `login`) is not web traffic: axes would refuse it
outright, we let it through to the next backend uncounted.

Second factor: django-two-factor-auth, on django-otp's TOTP devices and backup codes. Its login
view replaces Wagtail's (cms/urls.py) and asks for a code when the user has a device.
`VerifiedDeviceMiddleware` is the belt to those braces: an admin session of a user who has a
device but did not give a code (a session opened before the device was added, on another
machine) is sent back to sign in.
"""

from __future__ import annotations

from axes.backends import AxesStandaloneBackend
from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django_otp import user_has_device

from cms.urls import ADMIN_PATH_PREFIX


class LoginThrottlingBackend(AxesStandaloneBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


def client_ip(request) -> str:
    """The client address axes counts failures against (see AXES_CLIENT_IP_HEADER)."""
    value = request.META.get(settings.PORTALS_CLIENT_IP_HEADER) or ""
    address = value.split(",")[-1].strip()
    return address or request.META.get("REMOTE_ADDR", "")


class VerifiedDeviceMiddleware:
    """Admin pages require the second factor from every user who has set one up."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # Public pages never need it, and must not touch the session (that would add
        # "Vary: Cookie" to pages the cache serves to everyone).
        if request.path_info.startswith(ADMIN_PATH_PREFIX):
            user = request.user
            if (
                user.is_authenticated
                and not user.is_verified()
                and user_has_device(user, confirmed=True)
            ):
                logout(request)
                return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
        return self.get_response(request)
