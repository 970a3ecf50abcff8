"""`manage.py backup` → `manage.py restore` onto an empty installation, end
to end in child processes (the test database is invisible to them), on the
engine the suite runs on: equal row counts, images that still render,
private files and secrets back; refusals said in Polish."""

import json
import subprocess
import sys
import tarfile
import uuid
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.db import connection

from ratusz.website.tests.live_site import child_env

pytestmark = pytest.mark.django_db

SEED = """
import django
django.setup()
from django.core.files.base import ContentFile
from django.core.management import call_command
call_command("migrate", verbosity=0)
from ratusz.lib.private_files import storage
from ratusz.test import make_article, make_gmina
from ratusz.website.tests.content import make_image
gmina = make_gmina("Gmina Zawada", hostname="localhost", is_default_site=True)
make_article(gmina, "Zebranie wiejskie")
image = make_image("Rynek w Zawadzie", "Rynek zimą", (40, 90, 160))
image.get_rendition("fill-200x100")
storage().save("skany/protokol.pdf", ContentFile(b"%PDF-1.4 podpisany protokol"))
"""

CHECK = """
import json
import django
django.setup()
from wagtail.images import get_image_model
from ratusz.gminas.models import Gmina
from ratusz.lib.private_files import storage
from ratusz.website.models import ArticlePage
image = get_image_model().objects.get()
with image.open_file() as f:
    size = len(f.read())
rendition = image.get_rendition("fill-80x80")
print(json.dumps({
    "gminas": list(Gmina.objects.values_list("name", flat=True)),
    "articles": ArticlePage.objects.count(),
    "image_bytes": size,
    "rendition": [rendition.width, rendition.height],
    "private": storage().open("skany/protokol.pdf").read().decode(),
}))
"""


@pytest.fixture
def installations(tmp_path):
    """Two empty installations (var dirs and databases) of the suite's engine."""
    names = []
    envs = []
    for side in ("zrodlo", "cel"):
        var = tmp_path / side
        var.mkdir()
        extra = {"MEDIA_ROOT": str(var / "media"), "SECRET_KEY": ""}
        env = child_env(var, **extra)
        env.pop("SECRET_KEY")  # each side's own generated key
        if connection.vendor == "postgresql":
            name = f"ratusz_backup_{side}_{uuid.uuid4().hex[:8]}"
            _admin(f'CREATE DATABASE "{name}"')
            names.append(name)
            db = settings.DATABASES["default"]
            env["DATABASE_URL"] = (
                f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{name}"
            )
        envs.append(env)
    yield envs
    for name in names:
        _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _admin(sql):
    db = settings.DATABASES["default"]
    with psycopg.connect(
        host=db["HOST"], port=db["PORT"], user=db["USER"], dbname="postgres",
        autocommit=True,
    ) as admin:  # fmt: skip
        admin.execute(sql)


def run(env, *args, code=None):
    command = [sys.executable, *(["-c", code] if code else ["manage.py", *args])]
    return subprocess.run(
        command, cwd=settings.BASE_DIR, env=env, capture_output=True, text=True,
        timeout=900,
    )  # fmt: skip


def ok(result):
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


def test_a_backup_restores_onto_an_empty_installation(installations, tmp_path):
    source, target = installations
    ok(run(source, code=SEED))
    archive = tmp_path / "kopia.tar.gz"
    said = ok(run(source, "backup", str(archive)))
    assert "Zapisano" in said and "2 w media, 1 prywatnych" in said
    assert oct(archive.stat().st_mode & 0o777) == "0o600"
    with tarfile.open(archive) as tar:
        names = tar.getnames()
    assert "manifest.json" in names
    assert "secrets/var/.secret_key" in names
    assert "private/skany/protokol.pdf" in names
    assert any(n.startswith("media/original_images/") for n in names)

    said = ok(run(target, "restore", str(archive)))
    assert "zgodne z kopią" in said
    restored = json.loads(ok(run(target, code=CHECK)).splitlines()[-1])
    assert restored["gminas"] == ["Gmina Zawada"]
    assert restored["articles"] == 1
    assert restored["image_bytes"] > 1000
    assert restored["rendition"] == [80, 80]
    assert restored["private"] == "%PDF-1.4 podpisany protokol"
    source_key = Path(source["RATUSZ_VAR_DIR"], ".secret_key").read_text()
    target_key = Path(target["RATUSZ_VAR_DIR"], ".secret_key").read_text()
    assert source_key == target_key
    # Row counts of every table are compared by the restore itself; the
    # restored site still migrates cleanly (nothing half-restored).
    ok(run(target, "migrate", "--check"))

    refused = run(target, "restore", str(archive))
    assert refused.returncode == 1
    assert "nie jest pusta" in refused.stderr
    assert "zgodne z kopią" in ok(run(target, "restore", str(archive), "--force"))


def test_a_foreign_or_dangerous_archive_is_refused(installations, tmp_path):
    _, target = installations
    not_ours = tmp_path / "obce.tar.gz"
    with tarfile.open(not_ours, "w:gz") as tar:
        tar.add(__file__, arcname="plik.py")
    result = run(target, "restore", str(not_ours))
    assert result.returncode == 1
    assert "brak manifest.json" in result.stderr

    evil = tmp_path / "zle.tar.gz"
    manifest = tmp_path / "manifest.json"
    engine = "postgresql" if connection.vendor == "postgresql" else "sqlite"
    manifest.write_text(
        json.dumps(
            {
                "format": 1,
                "engine": engine,
                "database": "database.sqlite3",
                "tables": {},
                "files": {},
            }
        )  # fmt: skip
    )
    with tarfile.open(evil, "w:gz") as tar:
        tar.add(manifest, arcname="manifest.json")
        tar.add(__file__, arcname="../../poza.py")
    result = run(target, "restore", str(evil))
    assert result.returncode == 1
    assert "niebezpieczne" in result.stderr
    assert not (tmp_path.parent / "poza.py").exists()
    assert "Traceback" not in result.stderr
