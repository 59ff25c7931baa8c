"""How the translated columns of Wagtail's page table (`title_vi`, `title_en`, …) come to exist,
and those of any other third-party model we translate (Wagtail's images and documents).

django-modeltranslation adds one column per install language to `wagtailcore_page` for the fields
wagtail-modeltranslation registers (title, seo_title, search_description). Wagtail's own migrations
know nothing of them, and Django would write their migration into Wagtail's installed package.

Decision (README, "Languages"): those columns are created by ordinary migrations kept in *our* app
(`migrations/cms/`), through `AddPageTranslationField`, an `AddField` that targets Wagtail's page
model from another app. So:

* a fresh install gets them from `migrate`, like every other column;
* `makemigrations --check` is clean, because the migration state knows the columns;
* adding a language is `manage.py makemigrations`, whose autodetector (below) files the new
  columns under `cms` instead of Wagtail's package;
* a Wagtail upgrade that rebuilds the page table (SQLite rebuilds tables to alter them) rebuilds it
  *with* the columns, because they are part of the migration state; wagtail-modeltranslation's own
  `sync_page_translation_fields` adds them behind the migration state's back and would lose them.

The same holds for every model of an app that is not ours and that we register with
modeltranslation (cms/translation.py: Wagtail's `Image` title and alt text, `Document` title):
`AddTranslatedColumn` adds the column to that app's model from a migration of `cms`, and the
autodetector files any such new column there.
"""

from django.conf import settings
from django.db.migrations import AddField, Migration
from django.db.migrations.autodetector import MigrationAutodetector
from modeltranslation import settings as mt_settings
from modeltranslation.translator import translator
from modeltranslation.utils import build_localized_fieldname

PAGE_APP_LABEL = "wagtailcore"
PAGE_MODEL_NAME = "page"
HOME_APP_LABEL = "cms"


class AddTranslatedColumn(AddField):
    """Add a translated column to a model of another app (`app_label`) from a migration of ours."""

    def __init__(self, app_label, model_name, name, field, preserve_default=True):
        self.target_app_label = app_label
        super().__init__(model_name, name, field, preserve_default)

    def deconstruct(self):
        _name, args, kwargs = super().deconstruct()
        return self.__class__.__name__, args, {"app_label": self.target_app_label, **kwargs}

    def state_forwards(self, app_label, state):
        super().state_forwards(self.target_app_label, state)

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        super().database_forwards(self.target_app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        super().database_backwards(self.target_app_label, schema_editor, from_state, to_state)

    def references_model(self, name, app_label):
        return name.lower() == self.model_name_lower and app_label == self.target_app_label

    def reduce(self, operation, app_label):
        # Never merged with operations of the app the migration lives in.
        return False

    def describe(self):
        return (
            f"Add translated column {self.name} to {self.target_app_label}.{self.model_name_lower}"
        )

    @property
    def migration_name_fragment(self):
        return f"{self.model_name_lower}_{self.name_lower}"


class AddPageTranslationField(AddTranslatedColumn):
    """Add a translated column to Wagtail's page model (the first migration's operation)."""

    def __init__(self, model_name, name, field, preserve_default=True):
        super().__init__(PAGE_APP_LABEL, model_name, name, field, preserve_default)

    def deconstruct(self):
        name, args, kwargs = super().deconstruct()
        kwargs.pop("app_label")
        return name, args, kwargs

    def describe(self):
        return f"Add translated column {self.name} to Wagtail's page table"

    @property
    def migration_name_fragment(self):
        return f"page_{self.name_lower}"


def our_app_labels() -> set[str]:
    """Apps whose migrations are ours (MIGRATION_MODULES): their columns migrate normally."""
    return set(settings.MIGRATION_MODULES)


def foreign_translated_columns() -> dict[str, set[tuple[str, str]]]:
    """{app label: {(model name, column)}} of translated columns on models of apps not ours."""
    ours = our_app_labels()
    columns: dict[str, set[tuple[str, str]]] = {}
    for model in translator.get_registered_models(abstract=False):
        app_label = model._meta.app_label
        if app_label in ours:
            continue
        opts = translator.get_options_for_model(model)
        # Only the fields registered on this very model: inherited ones belong to its parent's
        # table (a page type's `title_en` is a column of Wagtail's page table, not its own).
        for field in opts.local_fields:
            for language in mt_settings.AVAILABLE_LANGUAGES:
                columns.setdefault(app_label, set()).add(
                    (model._meta.model_name, build_localized_fieldname(field, language))
                )
    return columns


def page_translation_field_names() -> set[str]:
    return {name for _model, name in foreign_translated_columns().get(PAGE_APP_LABEL, set())}


class PageTranslationAutodetector(MigrationAutodetector):
    """Files new translated columns of third-party models (Wagtail's page table, images,
    documents) under the `cms` app instead of the installed package's own migrations."""

    def _detect_changes(self, convert_apps=None, graph=None):
        changes = super()._detect_changes(convert_apps, graph)
        translated = foreign_translated_columns()
        moved = []
        leaves = []
        for app_label, columns in translated.items():
            found = self._take_translated_columns(changes, app_label, columns, graph)
            if found:
                moved.extend(found[0])
                leaves.append(found[1])
        if not moved:
            return changes
        moved.sort(key=lambda operation: (operation.target_app_label, operation.name))
        home = changes.setdefault(HOME_APP_LABEL, [])
        target = Migration(f"auto_{len(home) + 1}", HOME_APP_LABEL)
        if home:
            target.dependencies.append((HOME_APP_LABEL, home[-1].name))
        target.dependencies.extend(leaves)
        target.operations.extend(moved)
        home.append(target)
        return changes

    @staticmethod
    def _take_translated_columns(changes, app_label, columns, graph):
        """Remove `app_label`'s AddField operations of translated columns from `changes`."""
        moved = []
        for migration in changes.get(app_label, []):
            kept = []
            for operation in migration.operations:
                if (
                    isinstance(operation, AddField)
                    and (operation.model_name_lower, operation.name) in columns
                ):
                    operation_class = (
                        AddPageTranslationField
                        if app_label == PAGE_APP_LABEL
                        and operation.model_name_lower == PAGE_MODEL_NAME
                        else None
                    )
                    if operation_class is not None:
                        moved.append(
                            operation_class(
                                model_name=operation.model_name,
                                name=operation.name,
                                field=operation.field,
                            )
                        )
                    else:
                        moved.append(
                            AddTranslatedColumn(
                                app_label=app_label,
                                model_name=operation.model_name,
                                name=operation.name,
                                field=operation.field,
                            )
                        )
                else:
                    kept.append(operation)
            migration.operations = kept
        if not moved:
            return None
        app_leaves = graph.leaf_nodes(app_label) if graph is not None else []
        leaf = app_leaves[0] if app_leaves else (app_label, "__first__")
        emptied = {m.name for m in changes.get(app_label, []) if not m.operations}
        if app_label in changes:
            changes[app_label] = [m for m in changes[app_label] if m.operations]
            if not changes[app_label]:
                del changes[app_label]
        # Whatever depended on a migration we emptied now depends on the app's leaf.
        emptied_keys = {(app_label, name) for name in emptied}
        for migrations in changes.values():
            for migration in migrations:
                migration.dependencies = list(
                    dict.fromkeys(
                        leaf if dependency in emptied_keys else dependency
                        for dependency in migration.dependencies
                    )
                )
        return moved, leaf
