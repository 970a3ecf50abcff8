"""A clean stop of `manage.py serve` (granian, as `make run`) loses no view."""

import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from contextlib import closing

import pytest
from django.conf import settings

from ratusz.website.tests.live_site import child_env, prepare_site

from .helpers import DESKTOP

VIEWS = 40


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for(port: int, server: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert server.poll() is None, server.communicate()
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.2)
    raise AssertionError("the server did not start listening")


def _view(url: str) -> str:
    request = urllib.request.Request(url, headers={"User-Agent": DESKTOP})
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 200
        return response.headers.get("x-cache", "")


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT], ids=["TERM", "INT"])
def test_a_clean_stop_stores_every_counted_view(tmp_path, tmp_path_factory, stop):
    site = prepare_site(tmp_path, tmp_path_factory.getbasetemp() / "live-site")
    port = _free_port()
    # No flush before the stop: only the stop can store the views. Two
    # workers, as in production, each with a buffer of its own.
    env = child_env(
        tmp_path, INSIGHTS_COUNTING="1", INSIGHTS_FLUSH_SECONDS="3600", WEB_WORKERS="2"
    )
    server = subprocess.Popen(
        [sys.executable, "manage.py", "serve", "--no-worker", "--port", str(port)],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        _wait_for(port, server)
        url = f"http://127.0.0.1:{port}{site['published_url']}"
        answers = [_view(url) for _ in range(VIEWS)]
    finally:
        server.send_signal(stop)
        _out, err = server.communicate(timeout=60)

    assert server.returncode == 0, err
    # The first view rendered the page (Django counted it), the rest came
    # from the page cache (its hook counted them).
    assert answers.count("HIT") >= VIEWS - 2, answers
    with closing(sqlite3.connect(tmp_path / "ratusz.sqlite3")) as db:
        stored = db.execute("SELECT COUNT(*) FROM insights_viewevent").fetchone()[0]
    assert stored == VIEWS
