"""Fixtures shared by the content tests."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client


@pytest.fixture
def media_admin_client(db, settings, tmp_path):
    """A signed-in superuser whose uploads go to a temporary media folder."""
    settings.MEDIA_ROOT = tmp_path
    user = get_user_model().objects.create_superuser("tinh.quantri", "q@haiduong.gov.vn", "x")
    client = Client()
    client.force_login(user)
    return client
