"""Themes: which templates and static files a portal's pages use.

A theme is a folder `themes/<name>/` with `templates/`, `static/` and an optional `theme.json`
(its default colours). A portal's **theme chain** is its own theme, then its parent's, … up to the
province's, then `default`: blank settings and repeated names are skipped, so a commune whose
province uses `haiduong` gets `("haiduong", "default")`. A theme overrides only the files it
changes; everything else comes from the next theme in the chain.

How a lookup knows the chain: the page being served sets it (`use_portal_chain`, called from the
page context with the portal chain every page loads anyway, so it costs no query), and
`ThemeMiddleware` gives every other view of the request (404, feeds, …) the chain of the request's
site, computed only if a template is actually looked up. `ThemeLoader` then searches
`themes/<name>/templates` along the chain, for `extends` and `include` too: a theme's `base.html`
may itself `{% extends "base.html" %}` to build on the next theme's. `CachedThemeLoader` is
Django's cached loader with the chain in its cache key, so one process serves any number of
themes without mixing them up.
"""

from __future__ import annotations

import contextvars
import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation
from django.template import Origin
from django.template.loaders.cached import Loader as DjangoCachedLoader
from django.template.loaders.filesystem import Loader as FilesystemLoader
from django.templatetags.static import static
from django.utils._os import safe_join

DEFAULT_THEME = "default"
THEME_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,49}$")


def themes_dir() -> Path:
    return Path(settings.PORTALS_THEMES_DIR)


@lru_cache(maxsize=8)
def _available(root: Path) -> tuple[str, ...]:
    return tuple(
        sorted(
            path.name for path in root.iterdir() if path.is_dir() and THEME_NAME.match(path.name)
        )
    )


def available_themes() -> tuple[str, ...]:
    """The names of the folders under themes/ (read once per process; new themes need a
    restart, like any other code)."""
    if settings.DEBUG:
        _available.cache_clear()
    return _available(themes_dir())


def theme_chain(portal_chain) -> tuple[str, ...]:
    """Themes to search for a portal whose chain (top first) is `portal_chain`: nearest first."""
    available = set(available_themes())
    names: list[str] = []
    for portal in reversed(list(portal_chain or [])):
        name = (getattr(portal, "theme", "") or "").strip()
        if name and name in available and name not in names:
            names.append(name)
    if DEFAULT_THEME not in names:
        names.append(DEFAULT_THEME)
    return tuple(names)


# --- The chain of the request being rendered -------------------------------------------------


@dataclass
class _ThemeState:
    request: object = None
    portal_chain: list | None = None
    chain: tuple[str, ...] | None = None
    style_hashes: list[str] = field(default_factory=list)

    def themes(self) -> tuple[str, ...]:
        if self.chain is None:
            if self.portal_chain is None:
                self.portal_chain = _site_portal_chain(self.request)
            self.chain = theme_chain(self.portal_chain)
        return self.chain


_state: contextvars.ContextVar[_ThemeState | None] = contextvars.ContextVar(
    "portals_theme_state", default=None
)


def current_theme_chain() -> tuple[str, ...]:
    state = _state.get()
    return state.themes() if state is not None else (DEFAULT_THEME,)


def current_portal_chain() -> list | None:
    """The portal chain of the request being rendered, if it is already known (no query)."""
    state = _state.get()
    return state.portal_chain if state is not None else None


def use_portal_chain(portal_chain) -> None:
    """The page being rendered belongs to this portal chain: use its themes."""
    state = _state.get()
    if state is None:
        state = _ThemeState()
        _state.set(state)
    state.portal_chain = list(portal_chain or [])
    state.chain = theme_chain(state.portal_chain)


def _site_portal_chain(request) -> list:
    """The portal chain of the request's site, for views that are not pages (404, feeds, …)."""
    if request is None:
        return []
    from sites.models import PortalPage
    from sites.portal_tree import portal_chain_for
    from sites.routing import find_site

    cached = getattr(request, "_portal_site_chain", None)
    if cached is not None:
        return cached
    chain: list = []
    try:
        site = find_site(request)
    except Exception:  # noqa: BLE001 - a broken host must still get an error page
        site = None
    if site is not None:
        root = PortalPage.objects.filter(pk=site.root_page_id).first()
        if root is not None:
            chain = portal_chain_for(root)
    request._portal_site_chain = chain
    return chain


def declare_inline_style(css: str) -> None:
    """An inline <style> of the page being rendered: its hash goes into the response's
    Content-Security-Policy (django-csp reads `response._csp_update`)."""
    import base64
    import hashlib

    digest = base64.b64encode(hashlib.sha256(css.encode()).digest()).decode()
    state = _state.get()
    if state is not None and f"'sha256-{digest}'" not in state.style_hashes:
        state.style_hashes.append(f"'sha256-{digest}'")


class ThemeMiddleware:
    """Makes the request's theme chain available to template lookups while it is handled."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        state = _ThemeState(request=request)
        token = _state.set(state)
        try:
            response = self.get_response(request)
        finally:
            _state.reset(token)
        if state.style_hashes:
            update = dict(getattr(response, "_csp_update", None) or {})
            update["style-src"] = [*update.get("style-src", []), *state.style_hashes]
            response._csp_update = update
        return response


# --- Template loaders --------------------------------------------------------------------------


class ThemeLoader(FilesystemLoader):
    """Finds templates in `themes/<name>/templates` along the current theme chain."""

    def get_dirs(self):
        # Every theme's folder: Django's autoreloader watches these in development.
        return [themes_dir() / name / "templates" for name in available_themes()]

    def get_template_sources(self, template_name):
        for name in current_theme_chain():
            try:
                path = safe_join(themes_dir() / name / "templates", template_name)
            except SuspiciousFileOperation:
                continue
            yield Origin(name=path, template_name=template_name, loader=self)


class CachedThemeLoader(DjangoCachedLoader):
    """Django's cached loader, keyed by theme chain as well as by template name."""

    def cache_key(self, template_name, skip=None):
        return "/".join(current_theme_chain()) + ":" + super().cache_key(template_name, skip)


# --- Static files ------------------------------------------------------------------------------


@lru_cache(maxsize=8)
def _static_files(themes_root: Path) -> dict[str, frozenset[str]]:
    files = {}
    for name in _available(themes_root):
        root = themes_root / name / "static"
        files[name] = frozenset(
            str(path.relative_to(root)).replace("\\", "/")
            for path in root.rglob("*")
            if path.is_file()
        )
    return files


def theme_static_path(path: str, chain: tuple[str, ...] | None = None) -> str | None:
    """`themes/<name>/<path>` of the nearest theme in the chain that has the file."""
    if settings.DEBUG:
        _static_files.cache_clear()
    files = _static_files(themes_dir())
    for name in chain or current_theme_chain():
        if path in files.get(name, ()):
            return f"themes/{name}/{path}"
    return None


def theme_static_url(path: str) -> str:
    """The (hashed, in production) URL of a theme's static file, along the chain."""
    found = theme_static_path(path)
    return static(found) if found else ""


@lru_cache(maxsize=32)
def _theme_data(root: Path, name: str) -> dict:
    path = root / name / "theme.json"
    if not path.is_file():
        return {}
    return json.loads(path.read_text(encoding="utf-8"))


def theme_colours(chain: tuple[str, ...]) -> dict[str, tuple[str, str]]:
    """Colour defaults of the theme chain: {"primary": (value, theme name), …}, nearest first."""
    colours: dict[str, tuple[str, str]] = {}
    for name in chain:
        for key, value in (_theme_data(themes_dir(), name).get("colours") or {}).items():
            colours.setdefault(key, (value, name))
    return colours
