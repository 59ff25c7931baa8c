"""Translated columns of Wagtail's tables (pages, images, documents) live in our migrations.

What we rely on from django-modeltranslation / wagtail-modeltranslation is pinned here, so a
Wagtail or modeltranslation upgrade that changes it fails these tests (README, “Languages”).
"""

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.questioner import NonInteractiveMigrationQuestioner
from django.db.migrations.state import ProjectState
from django.utils import translation
from wagtail.documents.models import Document
from wagtail.images.models import Image
from wagtail.models import Page

from cms.page_translation_columns import (
    AddPageTranslationField,
    AddTranslatedColumn,
    PageTranslationAutodetector,
)


def _columns(table):
    with connection.cursor() as cursor:
        return {c.name for c in connection.introspection.get_table_description(cursor, table)}


@pytest.mark.django_db
def test_fresh_database_has_the_translated_columns_of_wagtail_tables():
    page = _columns(Page._meta.db_table)
    assert {"title_vi", "title_en", "title_zh_hans", "title_ko", "seo_title_en"} <= page
    assert "slug_en" not in page  # slugs are not translated
    assert {"title_vi", "title_en", "description_vi", "description_en"} <= _columns(
        Image._meta.db_table
    )
    assert {"title_vi", "title_en"} <= _columns(Document._meta.db_table)


@pytest.mark.django_db
def test_models_and_migrations_agree():
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


def _changes_without(columns):
    with translation.override(None):  # as makemigrations: verbose names in English
        return _detect_changes_without(columns)


def _detect_changes_without(columns):
    loader = MigrationLoader(None, ignore_no_migrations=True)
    before = loader.project_state()
    for (app_label, model_name), names in columns.items():
        model_state = before.models[(app_label, model_name)]
        for name in names:
            del model_state.fields[name]
    autodetector = PageTranslationAutodetector(
        before, ProjectState.from_apps(apps), NonInteractiveMigrationQuestioner()
    )
    return autodetector.changes(graph=loader.graph)


@pytest.mark.django_db
def test_a_new_language_column_of_a_wagtail_table_is_filed_under_cms():
    # As after adding a language to PORTALS_LANGUAGES: the columns exist in the models only.
    changes = _changes_without(
        {
            ("wagtailcore", "page"): ["title_ko"],
            ("wagtailimages", "image"): ["description_ko"],
            ("wagtaildocs", "document"): ["title_ko"],
        }
    )
    assert set(changes) == {"cms"}
    (migration,) = changes["cms"]
    added = {
        (getattr(op, "target_app_label", None), op.model_name_lower, op.name)
        for op in migration.operations
    }
    assert added == {
        ("wagtailcore", "page", "title_ko"),
        ("wagtailimages", "image", "description_ko"),
        ("wagtaildocs", "document", "title_ko"),
    }
    assert all(isinstance(op, AddTranslatedColumn) for op in migration.operations)
    page_op = next(op for op in migration.operations if op.model_name_lower == "page")
    assert isinstance(page_op, AddPageTranslationField)
    depends_on = {app for app, _name in migration.dependencies}
    assert {"cms", "wagtailcore", "wagtailimages", "wagtaildocs"} <= depends_on


def test_wagtail_modeltranslation_registers_the_page_fields_we_rely_on():
    from modeltranslation.translator import translator

    assert set(translator.get_options_for_model(Page).fields) == {
        "title",
        "seo_title",
        "search_description",
    }


def test_wagtail_modeltranslation_keeps_wagtail_routing_untouched():
    # TRANSLATE_SLUGS=False: Page.route and the URL methods stay Wagtail's / ours (README).
    from cms.models import NewsPage

    assert NewsPage.route is Page.route
    assert "_new_get_site_root_paths" not in repr(NewsPage._get_site_root_paths)
    assert NewsPage.get_url_parts.__qualname__.startswith("BasePage")


def test_page_editor_has_every_translated_field_in_every_language(hai_duong):
    from django.contrib.auth import get_user_model
    from django.test import Client

    from cms.models import NewsPage

    section = hai_duong.section(hai_duong.commune, "news")
    page = NewsPage(title_vi="Tin", slug="tin")
    section.add_child(instance=page)
    user = get_user_model().objects.create_superuser("quantri", "qt@example.invalid", "matkhau")
    client = Client(HTTP_HOST="haiduong.localhost:8000")
    client.force_login(user)
    html = client.get(f"/admin/pages/{page.pk}/edit/").content.decode()
    for field in ("title", "summary", "seo_title", "search_description"):
        for language in ("vi", "en", "zh_hans", "ko"):
            assert f'name="{field}_{language}"' in html, (field, language)
    for language in ("vi", "en", "zh_hans", "ko"):
        assert f'name="body_{language}-count"' in html or f'id="body_{language}"' in html
    assert 'name="slug"' in html and 'name="slug_en"' not in html
