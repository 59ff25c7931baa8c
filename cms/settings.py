"""All settings of the install, in one module.

Production-safe by default; everything that differs between a laptop and a data centre comes from
environment variables (see README, "Production settings"). `make run` and `make test` set the few
variables a developer needs (`DJANGO_DEBUG=1`).
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG")

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY is required when DJANGO_DEBUG is off.")
    SECRET_KEY = "insecure-development-key-never-use-in-production"  # noqa: S105

# --- Portals and their hosts -------------------------------------------------------------------
# A portal's host is its slug followed by its parent's host, ending in the base domain:
# camhung.camgiang.haiduong.<PORTALS_BASE_DOMAIN>. In development the base domain is `localhost`,
# which every browser resolves to 127.0.0.1 with any number of subdomains.
PORTALS_BASE_DOMAIN = os.environ.get("PORTALS_BASE_DOMAIN", "localhost").strip(".").lower()
PORTALS_PORT = int(os.environ.get("PORTALS_PORT", "8000" if DEBUG else "443"))
# "host": every portal is canonical on its own host and path URLs redirect there.
# "path": portals below the top one live under its host by path (no wildcard DNS needed).
PORTALS_URL_MODE = os.environ.get("PORTALS_URL_MODE", "host")
if PORTALS_URL_MODE not in {"host", "path"}:
    raise ImproperlyConfigured("PORTALS_URL_MODE must be 'host' or 'path'.")

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS") or [
    PORTALS_BASE_DOMAIN,
    f".{PORTALS_BASE_DOMAIN}",
    "127.0.0.1",
]
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS") or [
    f"{'https' if PORTALS_PORT == 443 else 'http'}://*.{PORTALS_BASE_DOMAIN}"
    + ("" if PORTALS_PORT in (80, 443) else f":{PORTALS_PORT}"),
]

# --- Applications --------------------------------------------------------------------------------
INSTALLED_APPS = [
    # modeltranslation must see the models before the admin builds its forms
    "wagtail_modeltranslation",
    "modeltranslation",
    "cms",
    "sites.apps.PortalsConfig",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.routable_page",
    "wagtail.contrib.sitemaps",
    "wagtail.embeds",
    "wagtail.sites",
    "sites.apps.PortalUsersConfig",  # wagtail.users, fenced (sites.permissions)
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "wagtail.api.v2",
    "modelcluster",
    "taggit",
    "django_tasks",
    "django_tasks_db",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    # Security (README, "Security and operations"): CSP headers, login throttling, optional TOTP.
    "csp",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_static",
    "django_otp.plugins.otp_totp",
    "two_factor",
]

# Every app's migrations live under migrations/<app_label>/ (ARCHITECTURE.md, "Layout").
MIGRATION_MODULES = {
    "cms": "migrations.cms",
    "portals": "migrations.portals",
}

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Anonymous pages whole from the shared cache, invalidated by versions (cms/page_cache.py).
    # Before everything that adds headers to a page, so a stored page keeps them all.
    "cms.page_cache.PageCacheMiddleware",
    # Hostnames of merged, moved or retired portals answer 301 to the new place (README,
    # "Restructuring"); never cached, as the page cache knows no retired host.
    "sites.retired_hosts.RetiredHostMiddleware",
    "cms.content_security_policy.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "cms.admin_login.VerifiedDeviceMiddleware",
    # Admin URLs naming a page outside the editor's portals answer 404 (sites/permissions.py).
    "sites.permissions.AdminFenceMiddleware",
    "cms.admin_transactions.AtomicAdminWritesMiddleware",
    "cms.malformed_form_data.MalformedFormDataMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "cms.expired_session_edits.KeepEditAcrossSignInMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # The request's theme chain for template lookups, and the hash of the inline colour style
    # for the Content-Security-Policy (sites/themes.py).
    "sites.themes.ThemeMiddleware",
    # Last, as django-axes requires: turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "cms.urls"
WSGI_APPLICATION = "cms.wsgi.application"

# Themes (README, "Themes"): templates are looked up along the portal's theme chain, then in the
# apps (the admin's); the cached loader's key includes the chain (sites/themes.py).
PORTALS_THEMES_DIR = BASE_DIR / "themes"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": False,
        "OPTIONS": {
            "loaders": [
                (
                    "sites.themes.CachedThemeLoader",
                    [
                        "sites.themes.ThemeLoader",
                        "django.template.loaders.app_directories.Loader",
                    ],
                )
            ],
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
            ],
        },
    },
]

# --- Data ---------------------------------------------------------------------------------------
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the server read while an import writes; a busy timeout avoids "database is locked".
    # Connections persist like PostgreSQL's (DATABASE_CONN_MAX_AGE): opening one reads the whole
    # schema again, ~2 ms, a fifth of an uncached page.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # No JIT compilation: a portal's queries are short, and PostgreSQL compiled one whose cost it
    # overestimated (what a portal shows, with its OR of sub-queries) for 185 ms to run it in 40.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            # Django's RedisCache, reusing its redis client (cms/redis_cache.py).
            "BACKEND": "cms.redis_cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "portals"),
            "TIMEOUT": 3600,
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "portals",
            "TIMEOUT": 3600,
            "OPTIONS": {"MAX_ENTRIES": 20000},
        }
    }

# Whole-page cache (cms/page_cache.py, README "Performance and scaling"): how long an entry may
# live (0 turns the cache off), the s-maxage a CDN in front may keep a page (0: a CDN could not
# be told of a publish, so it revalidates with the ETag), and the release, part of every key so
# that a deploy never serves pages rendered by the previous code.
# Without REDIS_URL each process has its own local-memory cache and would not see a publish made
# in another process, so production without Redis does not cache pages (development's single
# runserver process does).
PORTALS_PAGE_CACHE_SECONDS = int(
    os.environ.get("PORTALS_PAGE_CACHE_SECONDS", "3600" if REDIS_URL or DEBUG else "0")
)
PORTALS_CDN_MAX_AGE = int(os.environ.get("PORTALS_CDN_MAX_AGE", "0"))
PORTALS_RELEASE = os.environ.get("PORTALS_RELEASE", "")

# Background work through Django's tasks API. Immediate by default (nothing to run beside the web
# server); production sets TASKS_BACKEND=database and runs `manage.py db_worker`.
TASKS = {
    "default": {
        "BACKEND": (
            "django_tasks_db.DatabaseBackend"
            if os.environ.get("TASKS_BACKEND") == "database"
            else "django_tasks.backends.immediate.ImmediateBackend"
        ),
    }
}

# --- Languages ----------------------------------------------------------------------------------
# The install's languages are configuration. Vietnamese is the default and has no URL prefix.
# Adding one: set PORTALS_LANGUAGES, run `manage.py makemigrations` (README, "Languages").
LANGUAGE_NAMES = {
    "vi": _("Vietnamese"),
    "en": _("English"),
    "zh-hans": _("Simplified Chinese"),
    "ko": _("Korean"),
    "ja": _("Japanese"),
    "fr": _("French"),
    "ru": _("Russian"),
    "lo": _("Lao"),
    "km": _("Khmer"),
}
_language_codes = env_list("PORTALS_LANGUAGES", "vi,en,zh-hans,ko")
if not _language_codes or _language_codes[0] != "vi" or "en" not in _language_codes:
    raise ImproperlyConfigured("PORTALS_LANGUAGES must start with 'vi' and include 'en'.")
_unknown = [code for code in _language_codes if code not in LANGUAGE_NAMES]
if _unknown:
    raise ImproperlyConfigured(f"Unknown language codes in PORTALS_LANGUAGES: {_unknown}")
LANGUAGES = [(code, LANGUAGE_NAMES[code]) for code in _language_codes]
LANGUAGE_CODE = "vi"
USE_I18N = True
USE_TZ = True
TIME_ZONE = "Asia/Ho_Chi_Minh"
LOCALE_PATHS = [BASE_DIR / "locale"]

MODELTRANSLATION_DEFAULT_LANGUAGE = "vi"
MODELTRANSLATION_FALLBACK_LANGUAGES = ("vi",)
# One ASCII slug per page for every language (README, "Languages": why slugs are not translated).
WAGTAILMODELTRANSLATION_TRANSLATE_SLUGS = False
WAGTAILMODELTRANSLATION_LOCALE_PICKER = True
# ASCII slugs, diacritics folded (cms.vietnamese_text also folds on the server).
WAGTAIL_ALLOW_UNICODE_SLUGS = False

WAGTAILADMIN_PERMITTED_LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]

# --- Static and media -----------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "static_collected"))
# Each theme's static files under the prefix themes/<name>/ ({% theme_static %} picks the nearest
# theme of the chain that has the file).
STATICFILES_DIRS = [
    (f"themes/{path.name}", path / "static")
    for path in sorted(PORTALS_THEMES_DIR.iterdir())
    if (path / "static").is_dir()
]
# In development whitenoise serves straight from the apps' and themes' static folders.
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
# Production serves media from the web server or object storage; the browser checks run the app
# with production settings and let it serve the demo's images itself.
PORTALS_SERVE_MEDIA = env_bool("PORTALS_SERVE_MEDIA", DEBUG)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# --- The JSON API (cms/api.py) -------------------------------------------------------------------
# Anonymous requests per address and minute, counted in the shared cache (DRF throttling). Behind
# a load balancer set PORTALS_API_PROXIES to the number of proxies that add X-Forwarded-For.
PORTALS_API_RATE = os.environ.get("PORTALS_API_RATE", "300/min")
WAGTAILAPI_LIMIT_MAX = 20
REST_FRAMEWORK = {
    "NUM_PROXIES": int(os.environ["PORTALS_API_PROXIES"])
    if os.environ.get("PORTALS_API_PROXIES")
    else None,
    "UNAUTHENTICATED_USER": None,
    "DEFAULT_AUTHENTICATION_CLASSES": [],
}

# --- Wagtail --------------------------------------------------------------------------------------
WAGTAIL_SITE_NAME = os.environ.get("WAGTAIL_SITE_NAME", "Cổng thông tin điện tử")
WAGTAILADMIN_BASE_URL = os.environ.get(
    "WAGTAILADMIN_BASE_URL",
    f"http://{PORTALS_BASE_DOMAIN}:{PORTALS_PORT}" if DEBUG else f"https://{PORTALS_BASE_DOMAIN}",
)
# Search (README, "Search"): Wagtail's database backend, SQLite FTS5 or PostgreSQL full-text
# search; the index holds Vietnamese text folded (cms.search_index), so PostgreSQL's "simple"
# configuration (no English stemming or stop words, which would drop Vietnamese syllables such
# as "do", "no", "to") suits every language. WAGTAILSEARCH_BACKEND=opensearch (or elasticsearch)
# with WAGTAILSEARCH_URL switches to Wagtail's search-engine backends.
_SEARCH_ENGINE = os.environ.get("WAGTAILSEARCH_BACKEND", "database")
if _SEARCH_ENGINE == "database":
    WAGTAILSEARCH_BACKENDS = {
        "default": {"BACKEND": "cms.search_backend", "SEARCH_CONFIG": "simple"}
    }
else:
    WAGTAILSEARCH_BACKENDS = {
        "default": {
            "BACKEND": {
                "opensearch": "wagtail.search.backends.opensearch2",
                "elasticsearch": "wagtail.search.backends.elasticsearch8",
            }.get(_SEARCH_ENGINE, _SEARCH_ENGINE),
            "URLS": [os.environ.get("WAGTAILSEARCH_URL", "http://127.0.0.1:9200")],
            "INDEX": os.environ.get("WAGTAILSEARCH_INDEX", "portals"),
        }
    }
# Uploads (cms/uploads.py checks what the settings cannot: the bytes match the extension).
# Images: the formats Pillow decodes here, no SVG (it can carry script). Wagtail refuses files
# over the size limit and images over the pixel limit (decompression bombs) with a form error.
WAGTAILIMAGES_EXTENSIONS = ["gif", "jpg", "jpeg", "png", "webp"]
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
WAGTAILIMAGES_MAX_IMAGE_PIXELS = 40_000_000
# The form checks the upload (cms.uploads) and edits title and alt text in every language
# (cms.media_translation, which extends cms.uploads' forms).
WAGTAILIMAGES_IMAGE_FORM_BASE = "cms.media_translation.TranslatedImageForm"
# Documents: office and PDF files of a government portal, up to 20 MB.
WAGTAILDOCS_EXTENSIONS = [
    "pdf",
    "doc",
    "docx",
    "xls",
    "xlsx",
    "odt",
    "ods",
    "ppt",
    "pptx",
    "zip",
    "txt",
]
WAGTAILDOCS_MAX_UPLOAD_SIZE = 20 * 1024 * 1024
WAGTAILDOCS_DOCUMENT_FORM_BASE = "cms.media_translation.TranslatedDocumentForm"
# Served with a fixed content type per extension (never guessed from content) and with
# X-Content-Type-Options: nosniff and a CSP of default-src 'none' (Wagtail's serve view). Only PDF
# opens in the browser; everything else is a download (Content-Disposition: attachment).
WAGTAILDOCS_CONTENT_TYPES = {
    "pdf": "application/pdf",
    "doc": "application/msword",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xls": "application/vnd.ms-excel",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "odt": "application/vnd.oasis.opendocument.text",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "ppt": "application/vnd.ms-powerpoint",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "zip": "application/zip",
    "txt": "text/plain",
}
WAGTAILDOCS_INLINE_CONTENT_TYPES = ["application/pdf"]
WAGTAILDOCS_BLOCK_EMBEDDED_CONTENT = True
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAILADMIN_COMMENTS_ENABLED = True

# --- Security -------------------------------------------------------------------------------------
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
LANGUAGE_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# An editor's session lasts a working day from their last request. Saving the session on every
# request keeps it alive while the page editor is open (Wagtail pings its editing-session URL
# every few seconds), so it does not expire under an editor who is writing.
SESSION_COOKIE_AGE = int(os.environ.get("DJANGO_SESSION_COOKIE_AGE", str(12 * 3600)))
SESSION_SAVE_EVERY_REQUEST = True
# Frame protection: SAMEORIGIN, not DENY, is deliberate. Wagtail's preview panel shows the page
# being edited in a same-origin frame, and DENY would blank it. Django's deploy check W019 asks
# for DENY; it is silenced for that reason only (CSP's frame-ancestors 'self' says the same).
X_FRAME_OPTIONS = "SAMEORIGIN"
SILENCED_SYSTEM_CHECKS = ["security.W019"]
# Editors' avatars are not fetched from gravatar.com: no third-party requests from the admin
# (they would leak a hash of every editor's e-mail address and break the CSP below).
WAGTAIL_GRAVATAR_PROVIDER_URL = None

# Content-Security-Policy (django-csp). Public pages get a strict policy: no inline script or
# style, nothing from other origins. The admin (every URL under /admin/, which includes the
# preview of a page) gets PORTALS_ADMIN_CSP, which adds what Wagtail 8's admin needs: it still
# renders small inline <script> initialisers (choosers, inline panels, date pickers) and inline
# styles. cms/content_security_policy.py picks the policy; tests/cms/test_security_headers.py and
# the browser check pin both down.
_CSP_COMMON = {
    "default-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'", "data:"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'self'"],
    "frame-src": ["'self'"],
}
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {**_CSP_COMMON, "script-src": ["'self'"], "style-src": ["'self'"]},
}
PORTALS_ADMIN_CSP = {
    **_CSP_COMMON,
    "script-src": ["'self'", "'unsafe-inline'"],
    "style-src": ["'self'", "'unsafe-inline'"],
    "img-src": ["'self'", "data:", "blob:"],
    "worker-src": ["'self'", "blob:"],
}

# Admin sign-in (cms/admin_login.py). django-axes counts failed logins per username and client
# address and locks that pair out for a cool-off period; a successful login clears the count.
AUTHENTICATION_BACKENDS = [
    "cms.admin_login.LoginThrottlingBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "security/login_locked.html"
# Behind a load balancer set AXES_CLIENT_IP_HEADER=HTTP_X_FORWARDED_FOR: the client address is
# then the last entry of that header, the one the load balancer added.
AXES_CLIENT_IP_CALLABLE = "cms.admin_login.client_ip"
PORTALS_CLIENT_IP_HEADER = os.environ.get("AXES_CLIENT_IP_HEADER", "REMOTE_ADDR")
# Second factor (django-two-factor-auth: TOTP devices of django-otp and backup codes). Optional:
# each user turns it on from the account menu ("Two-step verification"). Sign-in goes through its
# login view, which asks for the code when the user has a device; Wagtail's /admin/login/ sends
# there (cms/urls.py).
LOGIN_URL = "two_factor:login"
LOGIN_REDIRECT_URL = "wagtailadmin_home"
WAGTAILADMIN_LOGIN_URL = "two_factor:login"
OTP_TOTP_ISSUER = WAGTAIL_SITE_NAME

EMAIL_BACKEND = os.environ.get(
    "DJANGO_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
)
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "no-reply@localhost")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "WARNING")},
}
