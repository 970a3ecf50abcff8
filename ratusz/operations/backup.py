"""One archive that brings a site back: the database, media, private files
and the secrets needed to run; and the restore that checks it did.

The archive (`.tar.gz`, readable by the owner only):

    manifest.json          format, engine, time, row count of every table
    database.sqlite3       SQLite's online backup (consistent while the site runs)
    database.pgdump        or `pg_dump --format=custom`
    media/…                MEDIA_ROOT (images, documents)
    private/…              PRIVATE_FILES_DIR (residents' attachments, scans)
    secrets/var/…          the generated secrets kept in RATUSZ_VAR_DIR
                           (`.secret_key`, the VAPID key, …)
    secrets/environment    secrets set in the environment (KEY=value lines)

A restore goes into an empty database (or `force=True`), of the same engine,
then compares every table's row count with the manifest.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.utils import timezone

FORMAT = 1
# Secrets read from the environment by settings.py; network tokens live in
# the database (and so in its dump).
ENVIRONMENT_SECRETS = (
    "SECRET_KEY",
    "VAPID_PRIVATE_KEY",
    "VAPID_PUBLIC_KEY",
    "VAPID_SUBJECT",
    "FACEBOOK_APP_SECRET",
    "FACEBOOK_VERIFY_TOKEN",
    "EMAIL_HOST_PASSWORD",
    "HEALTH_TOKEN",
)
RESTORED_ENVIRONMENT = "restored-environment"


class BackupError(Exception):
    """Said to the operator in Polish; nothing was changed (restore) or the
    archive was not written (backup)."""


@dataclass
class Report:
    archive: Path
    engine: str
    tables: dict[str, int]
    files: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def engine() -> str:
    vendor = connection.vendor
    if vendor not in ("sqlite", "postgresql"):
        raise BackupError(f"Nieobsługiwana baza danych: {vendor}.")
    return vendor


def row_counts() -> dict[str, int]:
    counts = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(cursor)):
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")
            counts[table] = cursor.fetchone()[0]
    return counts


def _folders() -> dict[str, Path]:
    return {
        "media": Path(settings.MEDIA_ROOT),
        "private": Path(settings.PRIVATE_FILES_DIR),
    }


def _var_secrets() -> list[Path]:
    var = Path(settings.VAR_DIR)
    if not var.is_dir():
        return []
    return sorted(p for p in var.iterdir() if p.is_file() and p.name.startswith("."))


def _pg_env() -> tuple[list[str], dict[str, str]]:
    db = settings.DATABASES["default"]
    env = dict(os.environ)
    for key, var in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"),
                     ("PASSWORD", "PGPASSWORD")):  # fmt: skip
        if db.get(key):
            env[var] = str(db[key])
    return ["--dbname", db["NAME"]], env


def _run(command: list[str], env=None) -> None:
    try:
        done = subprocess.run(command, env=env, capture_output=True, text=True)
    except FileNotFoundError as error:
        raise BackupError(
            f"Brak programu {command[0]} (pakiet postgresql-client)."
        ) from error
    if done.returncode:
        raise BackupError(f"{command[0]} zakończył się błędem:\n{done.stderr.strip()}")


def _dump_database(kind: str, into: Path) -> str:
    if kind == "sqlite":
        target = into / "database.sqlite3"
        source = settings.DATABASES["default"]["NAME"]
        with (
            closing(sqlite3.connect(source)) as src,
            closing(sqlite3.connect(target)) as dst,
        ):
            src.backup(dst)
        return target.name
    target = into / "database.pgdump"
    dbname, env = _pg_env()
    _run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges",
          "--file", str(target), *dbname], env)  # fmt: skip
    return target.name


def backup(archive: Path) -> Report:
    archive = Path(archive)
    kind = engine()
    report = Report(archive=archive, engine=kind, tables=row_counts())
    with tempfile.TemporaryDirectory(prefix="ratusz-backup-") as tmp:
        work = Path(tmp)
        database = _dump_database(kind, work)
        manifest = {
            "format": FORMAT,
            "created_at": timezone.now().isoformat(),
            "engine": kind,
            "database": database,
            "tables": report.tables,
        }
        environment = {
            name: os.environ[name]
            for name in ENVIRONMENT_SECRETS
            if os.environ.get(name)
        }
        partial = archive.with_name(archive.name + ".partial")
        partial.parent.mkdir(parents=True, exist_ok=True)
        # Personal data and secrets: the owner's only, from the first byte.
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as raw, tarfile.open(fileobj=raw, mode="w:gz") as tar:
            tar.add(work / database, arcname=database)
            for name, folder in _folders().items():
                count = 0
                if folder.is_dir():
                    for path in sorted(folder.rglob("*")):
                        if path.is_file():
                            tar.add(path, arcname=f"{name}/{path.relative_to(folder)}")
                            count += 1
                report.files[name] = count
            for path in _var_secrets():
                tar.add(path, arcname=f"secrets/var/{path.name}")
            if environment:
                _add_bytes(tar, "secrets/environment", "".join(
                    f"{k}={v}\n" for k, v in environment.items()).encode())  # fmt: skip
            manifest["files"] = report.files
            _add_bytes(tar, "manifest.json", json.dumps(manifest, indent=1).encode())
        partial.replace(archive)
    return report


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mode = 0o600
    info.mtime = int(timezone.now().timestamp())
    tar.addfile(info, fileobj=io.BytesIO(data))


def _read_manifest(tar: tarfile.TarFile) -> dict:
    try:
        member = tar.getmember("manifest.json")
    except KeyError as error:
        raise BackupError("To nie jest kopia Ratusza (brak manifest.json).") from error
    manifest = json.load(tar.extractfile(member))
    if manifest.get("format") != FORMAT:
        raise BackupError(f"Nieznany format kopii: {manifest.get('format')}.")
    return manifest


def _not_empty(folder: Path) -> bool:
    return folder.is_dir() and any(folder.iterdir())


def restore(archive: Path, *, force: bool = False) -> Report:
    archive = Path(archive)
    if not archive.is_file():
        raise BackupError(f"Nie ma pliku {archive}.")
    kind = engine()
    try:
        tar = tarfile.open(archive, mode="r:gz")
    except (tarfile.TarError, OSError) as error:
        raise BackupError(f"Nie da się odczytać archiwum: {error}") from error
    with tar, tempfile.TemporaryDirectory(prefix="ratusz-restore-") as tmp:
        manifest = _read_manifest(tar)
        if manifest["engine"] != kind:
            raise BackupError(
                f"Kopia pochodzi z bazy {manifest['engine']}, a ta instalacja używa "
                f"{kind}: odtwórz ją na bazie tego samego rodzaju."
            )
        if not force:
            with connection.cursor() as cursor:
                if connection.introspection.table_names(cursor):
                    raise BackupError(
                        "Baza danych nie jest pusta: odtwarzam tylko do pustej "
                        "(albo z --force, co zastąpi jej zawartość)."
                    )
            for name, folder in _folders().items():
                if _not_empty(folder):
                    raise BackupError(
                        f"Katalog {folder} ({name}) nie jest pusty "
                        "(albo z --force, co dopisze do niego pliki z kopii)."
                    )
        # The "data" filter refuses absolute paths, "..", links out and devices.
        try:
            tar.extractall(tmp, filter="data")
        except (tarfile.TarError, OSError) as error:
            raise BackupError(
                f"Archiwum jest uszkodzone lub niebezpieczne: {error}"
            ) from error
        work = Path(tmp)
        _restore_database(kind, work / manifest["database"], force)
        report = Report(archive=archive, engine=kind, tables=row_counts())
        for name, folder in _folders().items():
            source = work / name
            count = 0
            if source.is_dir():
                shutil.copytree(source, folder, dirs_exist_ok=True)
                count = sum(1 for p in source.rglob("*") if p.is_file())
            report.files[name] = count
        _restore_secrets(work / "secrets", report)
    missing = {
        table: (count, report.tables.get(table))
        for table, count in manifest["tables"].items()
        if report.tables.get(table) != count
    }
    if missing:
        lines = [
            f"  {t}: w kopii {a}, po odtworzeniu {b}" for t, (a, b) in missing.items()
        ]
        raise BackupError("Liczby wierszy się nie zgadzają:\n" + "\n".join(lines))
    if report.files != manifest.get("files", report.files):
        raise BackupError(
            f"Liczby plików się nie zgadzają: w kopii {manifest['files']}, "
            f"po odtworzeniu {report.files}."
        )
    return report


def _restore_database(kind: str, dump: Path, force: bool) -> None:
    if kind == "sqlite":
        target = Path(settings.DATABASES["default"]["NAME"])
        connection.close()
        target.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("-wal", "-shm"):
            Path(f"{target}{suffix}").unlink(missing_ok=True)
        with (
            closing(sqlite3.connect(dump)) as src,
            closing(sqlite3.connect(target)) as dst,
        ):
            src.backup(dst)
        return
    if force:
        with connection.cursor() as cursor:
            cursor.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
    connection.close()
    dbname, env = _pg_env()
    _run(["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error",
          *dbname, str(dump)], env)  # fmt: skip


def _restore_secrets(folder: Path, report: Report) -> None:
    var = Path(settings.VAR_DIR)
    var.mkdir(parents=True, exist_ok=True)
    for path in sorted((folder / "var").glob(".*")):
        target = var / path.name
        shutil.copyfile(path, target)
        target.chmod(0o600)
        report.notes.append(f"sekret {target}")
    environment = folder / "environment"
    if environment.is_file():
        target = var / RESTORED_ENVIRONMENT
        shutil.copyfile(environment, target)
        target.chmod(0o600)
        report.notes.append(
            f"sekrety ze zmiennych środowiska: {target} — przenieś je do pliku "
            "środowiska usług (np. /etc/ratusz/env) i usuń ten plik"
        )
