"""Rate limits hold for the sum of all processes (security review, finding 6i).

Two real `manage.py shell` processes count under one key at the same time,
with the settings production uses without Redis (settings.CACHES).
"""

import os
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.test import TransactionTestCase
from django.utils import timezone

from ratusz.lib.ratelimit import count, over_limit

ROOT = Path(__file__).resolve().parents[3]
ATTEMPTS = 60  # per process
LIMIT = 50

COUNTER = """
import pathlib, time
from ratusz.lib.ratelimit import over_limit
go = pathlib.Path({go!r})
print("ready", flush=True)
while not go.exists():  # the test releases both processes at once
    time.sleep(0.005)
allowed = sum(not over_limit({key!r}, {limit}, 600) for _ in range({attempts}))
print("allowed", allowed, flush=True)
"""


def _database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "postgresql":
        host, port = db["HOST"] or "127.0.0.1", db["PORT"] or "5432"
        return f"postgres://{db['USER']}@{host}:{port}/{db['NAME']}"
    return ""


def _stderr(folder: Path) -> str:
    return "".join(p.read_text() for p in sorted(folder.glob("stderr-*.txt")))


class CrossProcessTestCase(TransactionTestCase):
    serialized_rollback = True  # the tests after it need the migrated data

    def test_the_embedded_cache_is_shared_and_atomic(self):
        self.assertEqual(
            settings.CACHES["default"]["BACKEND"],
            "ratusz.lib.dbcache.AtomicDatabaseCache",
        )

    def test_two_processes_share_one_limit(self):
        tmp = Path(tempfile.mkdtemp(prefix="ratusz-ratelimit-"))
        env = {
            k: v
            for k, v in os.environ.items()
            if k not in ("RATUSZ_TESTING", "DJANGO_SETTINGS_MODULE", "REDIS_URL")
        }
        env.update(
            DJANGO_SETTINGS_MODULE="ratusz.settings",
            RATUSZ_VAR_DIR=str(tmp),
            DEBUG="1",
            DATABASE_URL=_database_url(),
        )
        if connection.vendor == "sqlite":
            # A file both processes open (the suite's own database is in memory).
            subprocess.run(
                [sys.executable, "manage.py", "createcachetable"],
                cwd=ROOT,
                env=env,
                check=True,
                capture_output=True,
            )
        key = f"test:ratelimit:{uuid.uuid4()}"
        code = COUNTER.format(
            go=str(tmp / "go"), key=key, limit=LIMIT, attempts=ATTEMPTS
        )
        processes = [
            subprocess.Popen(
                [sys.executable, "manage.py", "shell", "-c", code],
                cwd=ROOT,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                # A file, not a pipe: a full stderr pipe would block the child.
                stderr=(tmp / f"stderr-{n}.txt").open("w"),
                text=True,
            )
            for n in range(2)
        ]
        try:
            for process in processes:
                line = process.stdout.readline()
                while line and line.strip() != "ready":
                    line = process.stdout.readline()
                self.assertEqual(line.strip(), "ready", _stderr(tmp))
            (tmp / "go").touch()
            allowed = 0
            for process in processes:
                out, _ = process.communicate(timeout=300)
                self.assertEqual(process.returncode, 0, _stderr(tmp))
                allowed += int(out.split("allowed", 1)[1].split()[0])
        finally:
            for process in processes:
                if process.poll() is None:
                    process.kill()
        # 120 attempts against a limit of 50: exactly 50 pass in total
        # (with a cache per process, each would let 50 through: 100).
        self.assertEqual(allowed, LIMIT)


class RateLimitTestCase(TransactionTestCase):
    serialized_rollback = True  # the tests after it need the migrated data

    def test_it_counts_within_the_period_and_keeps_the_expiry(self):
        key = f"test:count:{uuid.uuid4()}"
        self.assertEqual([count(key, 600) for _ in range(3)], [1, 2, 3])
        self.assertFalse(over_limit(key, 4, 600))
        self.assertTrue(over_limit(key, 4, 600))
        # An expired counter starts again.
        cache.set(key, 7, timeout=-1)
        self.assertEqual(count(key, 600), 1)

    def test_incr_keeps_the_expiry(self):
        # Django's DatabaseCache.incr re-sets the key with the default 300 s.
        key = f"test:expiry:{uuid.uuid4()}"
        cache.set(key, 1, timeout=1_000_000)
        cache.incr(key)
        table = connection.ops.quote_name("ratusz_cache")
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT expires FROM {table} WHERE cache_key = %s",
                [cache.make_key(key)],
            )
            (expires,) = cursor.fetchone()
        expires = cache._expires(connection, expires)
        self.assertGreater((expires - timezone.now()).total_seconds(), 900_000)

    def test_incr_of_a_missing_key_raises_like_other_backends(self):
        with self.assertRaises(ValueError):
            cache.incr(f"test:missing:{uuid.uuid4()}")
        key = f"test:decr:{uuid.uuid4()}"
        cache.set(key, 5)
        self.assertEqual(cache.decr(key, 2), 3)
        self.assertEqual(cache.get(key), 3)
