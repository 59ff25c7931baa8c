"""Checking a backup by restoring it: the PostgreSQL dump into a scratch database, the media
archive into a scratch folder, then integrity checks on what came back.

A backup (README, "Backups") is two files made at the same time: `pg_dump --format=custom` of
the database and a tar archive of MEDIA_ROOT. `check_restore` (the management command) restores
both where they cannot harm anything and reports:

* the restore itself: pg_restore recreates every table and constraint (foreign keys are checked
  as they are re-created) or the check fails;
* migrations: every migration of the code is recorded in the restored database;
* the page tree: no orphan page, paths consistent with depths, child counts right, every site's
  root page present;
* counts of what editors make (pages, revisions, sites, images, documents, users), optionally
  against the live database;
* media: every original image and document file named in the database is in the archive, with
  the size and SHA-1 Wagtail recorded at upload.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import shutil
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
from django.conf import settings
from django.db import connection
from django.db.migrations.loader import MigrationLoader

COUNTED_TABLES = {
    "pages": "wagtailcore_page",
    "revisions": "wagtailcore_revision",
    "sites": "wagtailcore_site",
    "images": "wagtailimages_image",
    "documents": "wagtaildocs_document",
    "users": "auth_user",
}

TREE_CHECKS = {
    "pages whose parent is missing": """
        SELECT count(*) FROM wagtailcore_page c WHERE c.depth > 1 AND NOT EXISTS (
            SELECT 1 FROM wagtailcore_page p WHERE p.path = left(c.path, length(c.path) - 4))""",
    "pages whose path does not match their depth": """
        SELECT count(*) FROM wagtailcore_page WHERE length(path) <> depth * 4""",
    "pages whose child count is wrong": """
        SELECT count(*) FROM wagtailcore_page p WHERE p.numchild <> (
            SELECT count(*) FROM wagtailcore_page c
            WHERE c.depth = p.depth + 1 AND left(c.path, length(p.path)) = p.path)""",
    "sites whose root page is missing": """
        SELECT count(*) FROM wagtailcore_site s
        WHERE NOT EXISTS (SELECT 1 FROM wagtailcore_page p WHERE p.id = s.root_page_id)""",
}


@dataclass
class RestoreReport:
    counts: dict[str, int] = field(default_factory=dict)
    live_counts: dict[str, int] = field(default_factory=dict)
    media_files_checked: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def _server_params(database: str) -> dict:
    db = settings.DATABASES["default"]
    if db["ENGINE"] != "django.db.backends.postgresql":
        raise RuntimeError("Checking a restore needs the PostgreSQL database of production.")
    params = {
        "host": db.get("HOST") or "localhost",
        "port": str(db.get("PORT") or 5432),
        "user": db.get("USER") or "",
        "password": db.get("PASSWORD") or "",
        "dbname": database,
    }
    return {key: value for key, value in params.items() if value}


def _pg_env() -> dict:
    db = settings.DATABASES["default"]
    env = dict(os.environ)
    for key, variable in (
        ("HOST", "PGHOST"),
        ("PORT", "PGPORT"),
        ("USER", "PGUSER"),
        ("PASSWORD", "PGPASSWORD"),
    ):
        if db.get(key):
            env[variable] = str(db[key])
    return env


def restore_and_check(
    dump: Path, media_archive: Path | None, *, compare_live: bool = False, keep: bool = False
) -> tuple[RestoreReport, str]:
    """Restore `dump` into a new scratch database and check it; returns (report, database)."""
    pg_restore = shutil.which("pg_restore")
    if pg_restore is None:
        raise RuntimeError("pg_restore is not installed (Debian: postgresql-client).")
    scratch = f"{settings.DATABASES['default']['NAME']}_restore_check_{secrets.token_hex(4)}"
    report = RestoreReport()
    with psycopg.connect(**_server_params("postgres"), autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{scratch}"')
    try:
        result = subprocess.run(  # noqa: S603 - fixed program, arguments are paths we were given
            [
                pg_restore,
                "--no-owner",
                "--no-privileges",
                "--exit-on-error",
                "--dbname",
                scratch,
                str(dump),
            ],
            env=_pg_env(),
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            report.problems.append(f"pg_restore failed: {result.stderr.strip()[:2000]}")
            return report, scratch
        check_database(scratch, media_archive, report, compare_live=compare_live)
    finally:
        if not keep:
            with psycopg.connect(**_server_params("postgres"), autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)')
    return report, scratch


def check_database(
    database: str,
    media_archive: Path | None,
    report: RestoreReport,
    *,
    compare_live: bool = False,
) -> RestoreReport:
    with psycopg.connect(**_server_params(database)) as restored:
        _check_migrations(restored, report)
        if report.problems:
            return report
        for name, table in COUNTED_TABLES.items():
            report.counts[name] = restored.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # noqa: S608
        if report.counts["pages"] == 0:
            report.problems.append("the restored database has no pages")
        for problem, query in TREE_CHECKS.items():
            found = restored.execute(query).fetchone()[0]
            if found:
                report.problems.append(f"{found} {problem}")
        if compare_live:
            _compare_with_live(report)
        if media_archive is not None:
            files = restored.execute(
                "SELECT file, file_size, file_hash FROM wagtailimages_image "
                "UNION ALL SELECT file, file_size, file_hash FROM wagtaildocs_document"
            ).fetchall()
            _check_media(media_archive, files, report)
    return report


def _check_migrations(restored, report: RestoreReport) -> None:
    try:
        applied = set(restored.execute("SELECT app, name FROM django_migrations").fetchall())
    except psycopg.Error:
        report.problems.append("the restored database has no migration table")
        return
    expected = MigrationLoader(None, ignore_no_migrations=True).graph.leaf_nodes()
    missing = sorted(f"{app}.{name}" for app, name in expected if (app, name) not in applied)
    if missing:
        report.problems.append(
            "migrations of the code missing from the restored database "
            "(restore into a release of the same version, then migrate): " + ", ".join(missing)
        )


def _compare_with_live(report: RestoreReport) -> None:
    with connection.cursor() as cursor:
        for name, table in COUNTED_TABLES.items():
            cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608 - fixed table names
            report.live_counts[name] = cursor.fetchone()[0]
    for name, live in report.live_counts.items():
        if report.counts.get(name) != live:
            report.problems.append(
                f"{name}: {report.counts.get(name)} restored, {live} in the live database"
            )


def _check_media(archive: Path, files, report: RestoreReport) -> None:
    with tempfile.TemporaryDirectory(prefix="media-restore-check-") as folder:
        try:
            with tarfile.open(archive) as tar:
                # "data" refuses absolute paths, links out of the folder and device files.
                tar.extractall(folder, filter="data")
        except (tarfile.TarError, OSError) as error:
            report.problems.append(f"the media archive cannot be read: {error}")
            return
        root = Path(folder)
        for name, size, sha1 in files:
            path = root / name
            if not path.is_file():
                report.problems.append(f"missing media file: {name}")
                continue
            if size is not None and path.stat().st_size != size:
                report.problems.append(f"media file of the wrong size: {name}")
                continue
            if sha1 and hashlib.sha1(path.read_bytes(), usedforsecurity=False).hexdigest() != sha1:
                report.problems.append(f"media file whose content changed: {name}")
                continue
            report.media_files_checked += 1
