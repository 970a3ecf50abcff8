"""A real installation in a temporary directory, for tests that run processes.

The test database lives in memory (or in PostgreSQL), where a child process
cannot see it, so these tests give their children a file SQLite database of
their own: migrated, static files collected, one gmina with a published
article and one scheduled for an hour ago (written "at night", before the
worker was started). Migrating takes seconds, so it is done once per session
and copied.
"""

import json
import os
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

from django.conf import settings

_SETUP = """
import json
from datetime import timedelta

import django
import time_machine
from django.core.management import call_command
from django.utils import timezone

django.setup()
call_command("migrate", verbosity=0)
call_command("collectstatic", interactive=False, verbosity=0)

from ratusz.test import make_article, make_gmina

now = timezone.now()
with time_machine.travel(now - timedelta(hours=8), tick=False):
    gmina = make_gmina("Gmina Zawada", hostname="localhost", is_default_site=True)
    published = make_article(gmina, "Zebranie wiejskie w Kamionce")
    scheduled = make_article(
        gmina, "Nocny komunikat", go_live_at=now - timedelta(hours=1)
    )
assert published.live and not scheduled.live
print(json.dumps({
    "published_url": published.url,
    "scheduled_pk": scheduled.pk,
    "scheduled_url": scheduled.url,
}))
"""

_template: dict = {}


def child_env(var_dir: Path, **extra: str) -> dict[str, str]:
    """Return the environment of a production-like child (no test settings)."""
    dropped = {"REDIS_URL", "RATUSZ_TESTING", "HUEY_IMMEDIATE", "DEBUG", "PORT",
               "WEB_HOST", "WEB_WORKERS", "MEDIA_ROOT", "SITE_URL"}  # fmt: skip
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in dropped and not k.startswith(("PAGE_CACHE_", "GRANIAN_"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="ratusz.settings",
        RATUSZ_VAR_DIR=str(var_dir),
        DATABASE_URL=f"sqlite:///{var_dir / 'ratusz.sqlite3'}",
        STATIC_ROOT=str(_template.get("static_root", var_dir / "static")),
    )
    env.update(extra)
    return env


def prepare_site(var_dir: Path, template_dir: Path) -> dict:
    """Give `var_dir` a ready database; return the URLs and ids in it."""
    if not _template:
        template_dir.mkdir(parents=True, exist_ok=True)
        setup = subprocess.run(
            [sys.executable, "-c", _SETUP],
            cwd=settings.BASE_DIR,
            env=child_env(template_dir),
            capture_output=True,
            text=True,
            # A guard against a hang, not a speed limit: migrating took over
            # 180 s on a loaded 2-core machine (load average 10).
            timeout=900,
        )
        assert setup.returncode == 0, setup.stderr
        _template.update(json.loads(setup.stdout.strip().splitlines()[-1]))
        _template["db"] = template_dir / "ratusz.sqlite3"
        _template["static_root"] = template_dir / "static"
    var_dir.mkdir(parents=True, exist_ok=True)
    # The backup API copies a WAL-mode database consistently.
    with (
        closing(sqlite3.connect(_template["db"])) as src,
        closing(sqlite3.connect(var_dir / "ratusz.sqlite3")) as dst,
    ):
        src.backup(dst)
    return dict(_template)


def page_state(db: Path, pk: int) -> tuple[bool, list[str]]:
    """Return whether a page is live and the actions in its log, oldest first."""
    with closing(sqlite3.connect(db)) as conn:
        live = conn.execute(
            "SELECT live FROM wagtailcore_page WHERE id = ?", (pk,)
        ).fetchone()[0]
        actions = [
            row[0]
            for row in conn.execute(
                "SELECT action FROM wagtailcore_pagelogentry WHERE page_id = ? "
                "ORDER BY id",
                (pk,),
            )
        ]
    return bool(live), actions
