"""The worker killed mid-send, three times: nothing lost, nothing sent twice.

A real installation in a temporary directory (file SQLite, Huey's SQLite
queue), a real `run_huey` worker process and a real SMTP server on loopback.
"""

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from contextlib import closing

from django.conf import settings

from ratusz.testing.smtp import SmtpSink
from ratusz.website.tests.live_site import child_env, prepare_site

FOLLOWERS = 2000

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
article = make_article(gmina, sys.argv[2], lead="Komunikat dla mieszkańców.")
print(json.dumps({"article": article.pk}))
"""


def _publish(env, title) -> int:
    result = subprocess.run(
        [sys.executable, "-c", _SETUP, str(FOLLOWERS), title],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])["article"]


def _states(db, page_id) -> Counter:
    with closing(sqlite3.connect(db, timeout=30)) as conn:
        rows = conn.execute(
            "SELECT state, COUNT(*) FROM outbox_delivery WHERE page_id = ? "
            "GROUP BY state",
            (page_id,),
        ).fetchall()
    return Counter(dict(rows))


def _worker(env):
    return subprocess.Popen(
        [sys.executable, "manage.py", "run_huey"],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )


def _wait(predicate, timeout, message):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    raise AssertionError(message)


def test_killed_worker_loses_nothing_and_sends_nothing_twice(
    tmp_path, tmp_path_factory
):
    rng = random.Random(int(os.environ.get("KILL_TEST_SEED", time.time())))
    prepare_site(tmp_path, tmp_path_factory.getbasetemp() / "live-site")
    db = tmp_path / "ratusz.sqlite3"
    with SmtpSink() as sink:
        env = child_env(
            tmp_path,
            EMAIL_HOST=sink.host,
            EMAIL_PORT=str(sink.port),
            HUEY_LOG_LEVEL="ERROR",
        )
        page = _publish(env, "Przerwa w dostawie wody")
        assert _states(db, page) == {"pending": FOLLOWERS}

        for _kill in range(3):
            worker = _worker(env)
            before = len(sink.messages)
            # Somewhere in the middle of sending: after 50–400 more messages.
            target = before + rng.randint(50, 400)
            _wait(
                lambda t=target: len(sink.messages) >= t, 60, "the worker sent nothing"
            )
            worker.send_signal(signal.SIGKILL)
            worker.wait(timeout=30)

        worker = _worker(env)
        try:
            _wait(
                lambda: not ({"pending", "sending"} & set(_states(db, page))),
                120,
                f"deliveries still open: {_states(db, page)}",
            )
        finally:
            worker.send_signal(signal.SIGTERM)
            worker.wait(timeout=60)

        states = _states(db, page)
        message_ids = Counter(m["Message-ID"] for m in sink.messages)

    # Shown with `pytest -s`: the figures the closing note reports.
    print("kill test:", dict(states), "messages:", len(message_ids))  # noqa: T201
    assert set(states) <= {"sent", "unknown"}, states
    assert sum(states.values()) == FOLLOWERS
    # Two worker threads: at most two messages in flight at each kill.
    assert states["unknown"] <= 3 * 2, states
    assert max(message_ids.values()) == 1, "a message reached the server twice"
    # Every `sent` row really arrived; an `unknown` one may or may not have.
    assert states["sent"] <= len(message_ids) <= states["sent"] + states["unknown"]
    with closing(sqlite3.connect(db)) as conn:
        unknown_reasons = conn.execute(
            "SELECT DISTINCT error FROM outbox_delivery WHERE state = 'unknown'"
        ).fetchall()
    assert all("mogła dotrzeć" in reason for (reason,) in unknown_reasons)


def test_a_graceful_stop_leaves_nothing_unknown(tmp_path, tmp_path_factory):
    prepare_site(tmp_path, tmp_path_factory.getbasetemp() / "live-site")
    db = tmp_path / "ratusz.sqlite3"
    with SmtpSink() as sink:
        env = child_env(tmp_path, EMAIL_HOST=sink.host, EMAIL_PORT=str(sink.port))
        page = _publish(env, "Zebranie wiejskie")
        for _stop in range(2):
            worker = _worker(env)
            target = len(sink.messages) + 100
            _wait(
                lambda t=target: len(sink.messages) >= t, 60, "the worker sent nothing"
            )
            worker.send_signal(signal.SIGTERM)
            assert worker.wait(timeout=60) == 0, worker.stderr.read()
            states = _states(db, page)
            assert "unknown" not in states and "sending" not in states, states
        assert len({m["Message-ID"] for m in sink.messages}) == len(sink.messages)
        assert states["sent"] == len(sink.messages)
