"""Backups: a pg_dump and a media archive restore cleanly, and `check_restore` catches a broken
dump, a dump behind the code and a media archive that lacks or changed a file (PostgreSQL)."""

import hashlib
import io
import secrets
import shutil
import subprocess
import tarfile
from pathlib import Path

import psycopg
import pytest
from django.core.management import CommandError, call_command
from django.db import connection

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="backups are pg_dump files of PostgreSQL"
)

PDF = b"%PDF-1.4\nKe hoach ra quan\n%%EOF\n"


def server(dbname):
    db = connection.settings_dict
    params = {"host": db["HOST"] or "localhost", "port": db["PORT"] or 5432, "dbname": dbname}
    if db["USER"]:
        params["user"] = db["USER"]
    if db["PASSWORD"]:
        params["password"] = db["PASSWORD"]
    return params


def pg_env(monkeypatch):
    db = connection.settings_dict
    monkeypatch.setenv("PGHOST", db["HOST"] or "localhost")
    monkeypatch.setenv("PGPORT", str(db["PORT"] or 5432))
    if db["USER"]:
        monkeypatch.setenv("PGUSER", db["USER"])
    if db["PASSWORD"]:
        monkeypatch.setenv("PGPASSWORD", db["PASSWORD"])


def pg_dump(dbname, target: Path) -> Path:
    subprocess.run(
        [shutil.which("pg_dump"), "--format=custom", "--file", str(target), dbname], check=True
    )
    return target


def media_archive(target: Path, files: dict[str, bytes]) -> Path:
    with tarfile.open(target, "w:gz") as tar:
        for name, content in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(content)
            tar.addfile(info, io.BytesIO(content))
    return target


@pytest.fixture
def live_dump(hai_duong, tmp_path, monkeypatch):
    """A dump of the test database: the whole Hải Dương tree, as committed."""
    pg_env(monkeypatch)
    return pg_dump(connection.settings_dict["NAME"], tmp_path / "portals.dump")


@pytest.fixture
def source_database(live_dump):
    """A copy of the live data as a separate database the test may change, dropped afterwards."""
    name = f"hardening_backup_source_{secrets.token_hex(4)}"
    with psycopg.connect(**server("postgres"), autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        subprocess.run(
            [shutil.which("pg_restore"), "--no-owner", "--dbname", name, str(live_dump)],
            check=True,
        )
        yield name
    finally:
        with psycopg.connect(**server("postgres"), autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def add_document_row(database, name, content):
    with psycopg.connect(**server(database)) as db:
        collection = db.execute("SELECT id FROM wagtailcore_collection ORDER BY path LIMIT 1")
        db.execute(
            "INSERT INTO wagtaildocs_document (title, file, created_at, collection_id, file_size,"
            " file_hash) VALUES (%s, %s, now(), %s, %s, %s)",
            (
                "Kế hoạch",
                name,
                collection.fetchone()[0],
                len(content),
                hashlib.sha1(content, usedforsecurity=False).hexdigest(),
            ),
        )


def scratch_databases():
    with psycopg.connect(**server("postgres")) as admin:
        return {
            row[0]
            for row in admin.execute(
                "SELECT datname FROM pg_database WHERE datname LIKE %s", ["%restore_check%"]
            )  # noqa: E501
        }


def test_backup_of_the_live_database_restores_cleanly(live_dump, tmp_path, capsys):
    before = scratch_databases()
    call_command(
        "check_restore",
        "--dump",
        str(live_dump),
        "--media",
        str(media_archive(tmp_path / "media.tar.gz", {})),
        "--compare-live",
    )
    out = capsys.readouterr().out
    assert "Bản sao lưu khôi phục trọn vẹn." in out  # "The backup restores cleanly."
    pages = connection.cursor()
    pages.execute("SELECT count(*) FROM wagtailcore_page")
    assert f"pages: {pages.fetchone()[0]}" in out
    assert scratch_databases() == before  # the scratch database is dropped


def test_media_files_are_checked_by_name_size_and_hash(source_database, tmp_path):
    add_document_row(source_database, "documents/ke-hoach.pdf", PDF)
    dump = pg_dump(source_database, tmp_path / "source.dump")

    good = media_archive(tmp_path / "good.tar.gz", {"documents/ke-hoach.pdf": PDF})
    call_command("check_restore", "--dump", str(dump), "--media", str(good))

    missing = media_archive(tmp_path / "missing.tar.gz", {"documents/khac.pdf": PDF})
    with pytest.raises(CommandError):
        call_command("check_restore", "--dump", str(dump), "--media", str(missing))

    changed = media_archive(tmp_path / "changed.tar.gz", {"documents/ke-hoach.pdf": PDF[::-1]})
    with pytest.raises(CommandError):
        call_command("check_restore", "--dump", str(dump), "--media", str(changed))


def test_problems_are_named_in_the_report(source_database, tmp_path, capsys):
    add_document_row(source_database, "documents/ke-hoach.pdf", PDF)
    dump = pg_dump(source_database, tmp_path / "source.dump")
    empty = media_archive(tmp_path / "empty.tar.gz", {})
    with pytest.raises(CommandError):
        call_command("check_restore", "--dump", str(dump), "--media", str(empty))
    assert "missing media file: documents/ke-hoach.pdf" in capsys.readouterr().err


def test_truncated_dump_fails_the_check(live_dump, tmp_path):
    truncated = tmp_path / "truncated.dump"
    truncated.write_bytes(live_dump.read_bytes()[: live_dump.stat().st_size // 2])
    before = scratch_databases()
    with pytest.raises(CommandError):
        call_command("check_restore", "--dump", str(truncated))
    assert scratch_databases() == before


def test_dump_behind_the_code_fails_the_check(source_database, tmp_path, capsys):
    with psycopg.connect(**server(source_database)) as db:
        db.execute("DELETE FROM django_migrations WHERE app = 'portals'")
    dump = pg_dump(source_database, tmp_path / "old.dump")
    with pytest.raises(CommandError):
        call_command("check_restore", "--dump", str(dump))
    assert "migrations of the code missing" in capsys.readouterr().err


def test_broken_page_tree_fails_the_check(source_database, tmp_path, capsys):
    with psycopg.connect(**server(source_database)) as db:
        db.execute("UPDATE wagtailcore_page SET numchild = numchild + 1 WHERE depth = 2")
    dump = pg_dump(source_database, tmp_path / "broken.dump")
    with pytest.raises(CommandError):
        call_command("check_restore", "--dump", str(dump))
    assert "child count is wrong" in capsys.readouterr().err
