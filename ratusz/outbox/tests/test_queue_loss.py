"""The queue lost in the middle of a campaign (SECURITY.md C11): nothing lost.

The `Delivery` table is the queue; Redis only carries wake-ups. A real
installation (file SQLite), a real `run_huey` worker on Redis and a real SMTP
server on loopback. The Redis database is `REDIS_TEST_DB` (13), used by these
tests alone and emptied with FLUSHDB (never FLUSHALL: other runs share the
server); a file lock keeps two test runs (SQLite and PostgreSQL side by side
in CI) from flushing each other's queue.
"""

import fcntl
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from contextlib import closing

import pytest
import redis
from django.conf import settings

from ratusz.outbox.tests.test_kill import _states, _wait, _worker
from ratusz.testing.smtp import SmtpSink
from ratusz.website.tests.live_site import child_env, prepare_site

REDIS_HOST = os.environ.get("REDIS_TEST_HOST", "127.0.0.1")
REDIS_TEST_DB = 13
FOLLOWERS = 300
QUEUE = "huey.redis.ratusz"
SCHEDULE = "huey.schedule.ratusz"

_SETUP = """
import json, sys
import django
django.setup()
from ratusz.fans.models import Follower
from ratusz.gminas.models import Gmina
from ratusz.test import make_article
from ratusz.website.models import ArticlePage

gmina = Gmina.objects.get()
ArticlePage.objects.filter(live=False).delete()  # the scheduled one: not ours
Follower.objects.bulk_create(
    Follower(gmina=gmina, email=f"mieszkaniec{n}@example.org", email_state="active")
    for n in range(int(sys.argv[1]))
)
# Planned in the publish transaction; the worker is woken through Redis.
article = make_article(gmina, sys.argv[2], lead="Komunikat dla mieszkańców.")
print(json.dumps({"article": article.pk}))
"""

# What the per-minute job (`dispatch_periodic`) and the start-up hook call.
_RECONCILE = """
import django
django.setup()
from ratusz.outbox.models import Delivery
from ratusz.outbox.tasks import reconcile
print(Delivery.objects.sendable().count(), reconcile())
"""


@pytest.fixture
def queue(tmp_path_factory):
    """Redis DB 13, empty, for this test alone."""
    client = redis.Redis(host=REDIS_HOST, port=6379, db=REDIS_TEST_DB)
    # scripts/ensure-services.sh starts Redis: its absence fails the test.
    client.ping()
    with open("/tmp/ratusz-test-redis-db13.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        client.flushdb()
        try:
            yield client
        finally:
            client.flushdb()
            client.close()


def _run(env, script, *args) -> str:
    result = subprocess.run(
        [sys.executable, "-c", script, *map(str, args)],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


def _sql(db, query, *params):
    with closing(sqlite3.connect(db, timeout=30)) as conn, conn:
        return conn.execute(query, params).fetchall()


def _site(tmp_path, tmp_path_factory, sink):
    prepare_site(tmp_path, tmp_path_factory.getbasetemp() / "live-site")
    return child_env(
        tmp_path,
        EMAIL_HOST=sink.host,
        EMAIL_PORT=str(sink.port),
        REDIS_URL=f"redis://{REDIS_HOST}:6379/{REDIS_TEST_DB}",
        HUEY_LOG_LEVEL="ERROR",
    )


def _away_from_the_periodic_job(started: float):
    """Wait until the worker's per-minute job is at least 10 s away.

    Huey's scheduler runs periodic jobs every 60 s counted from the worker's
    start (plus its set-up, a few seconds), not on the wall clock's minute.
    """
    while not 8 <= (time.monotonic() - started) % 60 <= 50:
        time.sleep(0.2)


def _stop(worker):
    worker.send_signal(signal.SIGTERM)
    assert worker.wait(timeout=60) == 0, worker.stderr.read()


def test_a_lost_wake_up_is_found_by_the_reconciler(queue, tmp_path, tmp_path_factory):
    """The only wake-up of a paused campaign is flushed away with the queue.

    1. The SMTP server answers 421: after 10 attempts the breaker pauses
       e-mail for 60 s and schedules the worker's wake-up in Redis.
    2. FLUSHDB: that wake-up is gone. The server recovers; the pause ends.
    3. Nothing wakes the worker, which is running and idle, until the
       reconciler (the per-minute job's function) finds the pending rows.
    """
    db = tmp_path / "ratusz.sqlite3"
    with SmtpSink() as sink:
        env = _site(tmp_path, tmp_path_factory, sink)
        started = time.monotonic()
        worker = _worker(env)
        try:
            sink.data_reply = "421 4.3.2 Service not available, try later"
            page = json.loads(_run(env, _SETUP, FOLLOWERS, "Przerwa w dostawie"))[
                "article"
            ]

            def breaker():
                return _sql(
                    db,
                    "SELECT failures, open_until FROM outbox_circuitbreaker "
                    "WHERE channel = 'email'",
                )

            _wait(lambda: breaker() and breaker()[0][1], 60, "the breaker is shut")
            # Ten opened it; the other worker thread may have had one in flight.
            assert breaker()[0][0] in (10, 11)
            _wait(lambda: queue.zcard(SCHEDULE) == 1, 30, "no wake-up scheduled")
            assert queue.llen(QUEUE) == 0  # the worker took every other one

            queue.flushdb()  # the queue is lost in the middle of the campaign
            assert queue.zcard(SCHEDULE) == queue.llen(QUEUE) == 0
            sink.data_reply = None
            # The per-minute job must not run before we call it ourselves.
            _away_from_the_periodic_job(started)
            # The pause ends now instead of in a minute (the worker reads it
            # from the database, like every worker).
            _sql(db, "UPDATE outbox_circuitbreaker SET open_until = '2000-01-01'")
            _sql(db, "UPDATE outbox_delivery SET next_attempt_at = '2000-01-01'")
            # Idle: nothing in the queue, nobody sends.
            time.sleep(2)
            assert sink.messages == []
            assert _states(db, page) == {"pending": FOLLOWERS}

            reconciling = time.monotonic()
            due, queued = _run(env, _RECONCILE).split()
            assert (int(due), queued) == (FOLLOWERS, "True")
            _wait(
                lambda: _states(db, page) == {"sent": FOLLOWERS},
                120,
                f"deliveries still open: {_states(db, page)}",
            )
            elapsed = time.monotonic() - reconciling
        finally:
            _stop(worker)
        message_ids = Counter(m["Message-ID"] for m in sink.messages)

    # Shown with `pytest -s`: the figures the closing note reports.
    print(f"re-dispatched {due} rows, all sent in {elapsed:.1f} s")  # noqa: T201
    assert len(message_ids) == FOLLOWERS, "a message was lost"
    assert max(message_ids.values()) == 1, "a message reached the server twice"
    attempts = Counter(
        n
        for (n,) in _sql(
            db, "SELECT attempts FROM outbox_delivery WHERE page_id=?", page
        )
    )
    # Ten failed before the breaker opened; the other worker thread may have
    # had an eleventh in flight, which also used up an attempt.
    failed_first = attempts[2]
    assert failed_first in (10, 11), attempts
    assert attempts == {1: FOLLOWERS - failed_first, 2: failed_first}, attempts


def test_flushing_the_queue_mid_campaign_loses_and_doubles_nothing(
    queue, tmp_path, tmp_path_factory
):
    db = tmp_path / "ratusz.sqlite3"
    flushes = 0
    with SmtpSink() as sink:
        env = _site(tmp_path, tmp_path_factory, sink)
        worker = _worker(env)
        try:
            page = json.loads(_run(env, _SETUP, FOLLOWERS, "Zebranie wiejskie"))[
                "article"
            ]
            _wait(lambda: len(sink.messages) >= 30, 60, "the worker sent nothing")
            # Flush again and again while the campaign goes on.
            while "pending" in _states(db, page) and flushes < 200:
                queue.flushdb()
                flushes += 1
                time.sleep(0.01)
            # Whatever the flushes took, the reconciler finds.
            _run(env, _RECONCILE)
            _wait(
                lambda: _states(db, page) == {"sent": FOLLOWERS},
                120,
                f"deliveries still open: {_states(db, page)}",
            )
        finally:
            _stop(worker)
        message_ids = Counter(m["Message-ID"] for m in sink.messages)

    print(f"flushed the queue {flushes} times mid-campaign")  # noqa: T201
    assert flushes >= 1
    assert len(message_ids) == FOLLOWERS
    assert max(message_ids.values()) == 1
