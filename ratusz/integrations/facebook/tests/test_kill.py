"""The worker killed between Facebook's answer and our write, three times.

SECURITY.md C15: a real installation in a temporary directory (file SQLite,
Huey's SQLite queue), a real `run_huey` worker process and the loopback Graph
API fake. The fake takes each post and then holds its answer until the test
has SIGKILLed the worker, so the post exists on "Facebook" while its id never
reaches our database. After a restart the rows are `unknown`; an editor's
retry (the real `outbox.services.retry`, in its own process) must end `sent`
with the id of the post that already exists: 0 duplicate posts.
"""

import json
import signal
import sqlite3
import subprocess
import sys
from contextlib import closing

from django.conf import settings

from ratusz.outbox.tests.test_kill import _wait, _worker
from ratusz.website.tests.live_site import child_env, prepare_site

from .fake_graph import FakeGraphServer

ARTICLES = 3

_SETUP = """
import json, sys
import django
django.setup()
from ratusz.gminas.models import Gmina
from ratusz.integrations.facebook.models import FacebookPage
from ratusz.lib.source_links import with_source
from ratusz.test import make_article
from ratusz.website.models import ArticlePage

gmina = Gmina.objects.get()
ArticlePage.objects.filter(live=False).delete()  # the scheduled one: not ours
FacebookPage.objects.create(gmina=gmina, page_id=sys.argv[1], access_token=sys.argv[2])
pages = [
    make_article(gmina, f"Komunikat {n}", lead=f"Treść komunikatu {n}.")
    for n in range(int(sys.argv[3]))
]
print(json.dumps({p.pk: with_source(p.get_full_url(), "facebook") for p in pages}))
"""

_RETRY = """
import django
django.setup()
from django.db import transaction
from ratusz.outbox import services
from ratusz.outbox.models import Delivery

with transaction.atomic():
    print(services.retry(Delivery.objects.filter(channel="facebook")))
"""


def _run(env, script, *args) -> str:
    result = subprocess.run(
        [sys.executable, "-c", script, *args],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


def _rows(db) -> dict[int, tuple[str, str]]:
    with closing(sqlite3.connect(db, timeout=30)) as conn:
        rows = conn.execute(
            "SELECT page_id, state, remote_id FROM outbox_delivery "
            "WHERE channel = 'facebook'"
        ).fetchall()
    return {page: (state, remote_id) for page, state, remote_id in rows}


def test_killed_worker_and_retries_make_no_duplicate_post(tmp_path, tmp_path_factory):
    prepare_site(tmp_path, tmp_path_factory.getbasetemp() / "live-site")
    db = tmp_path / "ratusz.sqlite3"
    with FakeGraphServer() as server:
        api = server.api
        env = child_env(
            tmp_path,
            FACEBOOK_GRAPH_URL=server.url,
            FACEBOOK_GRAPH_VERSION=api.version,
            HTTP_ALLOW_PRIVATE_HOSTS="127.0.0.1",
            HUEY_LOG_LEVEL="ERROR",
        )
        urls = {
            int(pk): url
            for pk, url in json.loads(
                _run(env, _SETUP, api.page_id, api.token, str(ARTICLES))
            ).items()
        }
        assert {state for state, _ in _rows(db).values()} == {"pending"}

        api.hold_answers()
        try:
            for kill in range(3):
                worker = _worker(env)
                # Facebook has taken the post; its answer is held back.
                taken = api.accepted.acquire(timeout=120)
                if not taken:
                    worker.kill()
                    raise AssertionError(worker.communicate()[1][-3000:])
                worker.send_signal(signal.SIGKILL)
                worker.wait(timeout=30)
                assert len(api.posts) == kill + 1
        finally:
            api.release()

        # A restart: recovery says what it cannot know.
        worker = _worker(env)
        try:
            _wait(
                lambda: sorted(s for s, _ in _rows(db).values()) == ["unknown"] * 3,
                120,
                f"rows not unknown after restart: {_rows(db)}",
            )
            assert all(remote_id == "" for _, remote_id in _rows(db).values())
            requests_before = len(api.requests)
            assert _run(env, _RETRY) == str(ARTICLES)
            _wait(
                lambda: all(s == "sent" for s, _ in _rows(db).values()),
                120,
                f"retried rows not sent: {_rows(db)}",
            )
        finally:
            worker.send_signal(signal.SIGTERM)
            worker.wait(timeout=60)

    rows = _rows(db)
    posts_by_link = {}
    for post in api.posts:
        posts_by_link.setdefault(post.fields["link"], []).append(post.id)
    # 0 duplicates: one post per article, and each row holds that post's id.
    assert len(api.posts) == ARTICLES, [p.fields for p in api.posts]
    assert {page: [rows[page][1]] for page in urls} == {
        page: posts_by_link[url] for page, url in urls.items()
    }
    retries = api.requests[requests_before:]
    assert [method for method, _, _ in retries] == ["GET"] * ARTICLES
    print("facebook kill test:", rows)  # noqa: T201
