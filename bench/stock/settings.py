"""A stock one-site Wagtail 8 project: the reference the portal's article is compared with.

Plain Wagtail page models, Wagtail's own serve view and URL building, no portal code; the same
article with the same links as bench/measure.py builds. Run only by bench/run.py.
"""

import os
from pathlib import Path

import dj_database_url

HERE = Path(__file__).resolve().parent
DEBUG = False
SECRET_KEY = "bench-only-stock-reference"  # noqa: S105
ALLOWED_HOSTS = ["*"]
INSTALLED_APPS = [
    "bench.stock.stockref",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
]
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]
ROOT_URLCONF = "bench.stock.urls"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ]
        },
    }
]
DATABASES = {"default": dj_database_url.parse(os.environ["STOCK_DATABASE_URL"])}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
USE_TZ = True
STATIC_URL = "/static/"
WAGTAIL_SITE_NAME = "stock"
WAGTAILADMIN_BASE_URL = "http://localhost"
WSGI_APPLICATION = "bench.stock.wsgi.application"
