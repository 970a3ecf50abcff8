"""Live updates over Server-Sent Events from the real ASGI server (uvicorn,
the page cache in front): resuming with Last-Event-ID, a staff reply
arriving while the stream is open, a bounded stream the client resumes."""

import json
import os
import threading
import time

import httpx

from .asgi_server import asgi_site


def read_events(url, *, last_id=None, until, timeout=90.0):
    """Read SSE events like a browser's EventSource: reconnect when the
    server ends the stream, sending the last id seen. Return (events,
    connections) once `until(events)` holds."""
    events, connections = [], 0
    deadline = time.monotonic() + timeout
    with httpx.Client(timeout=httpx.Timeout(30.0)) as client:
        while time.monotonic() < deadline:
            headers = {"Accept": "text/event-stream"}
            if last_id is not None:
                headers["Last-Event-ID"] = str(last_id)
            connections += 1
            with client.stream("GET", url, headers=headers) as response:
                assert response.status_code == 200, response.read()
                assert response.headers["content-type"].startswith("text/event-stream")
                assert response.headers["cache-control"] == "private, no-store"
                assert response.headers["x-accel-buffering"] == "no"
                assert "x-cache" not in response.headers or (
                    response.headers["x-cache"] == "MISS"
                )
                event = {}
                for line in response.iter_lines():
                    if line.startswith("id: "):
                        event["id"] = int(line[4:])
                    elif line.startswith("data: "):
                        event["data"] = json.loads(line[6:])
                    elif line == "" and "data" in event:
                        events.append(event)
                        last_id = event["id"]
                        event = {}
                        if until(events):
                            return events, connections
                    if time.monotonic() > deadline:
                        break
    raise AssertionError(f"timed out with {events!r}")


def _reply_later(site, conversation_id, body, delay=3.0):
    replied = {}
    timer = threading.Timer(
        delay, lambda: replied.update(id=site.reply(conversation_id, body))
    )
    timer.start()
    return timer, replied


def test_the_stream_resumes_and_delivers_a_reply(tmp_path, tmp_path_factory):
    with asgi_site(tmp_path, tmp_path_factory, MESSENGER_SSE_LIFETIME="300") as site:
        case = site.open_conversation("Kiedy wywóz śmieci?")
        first = case["message"]
        second = site.reply(case["id"], "Odpowiedź pierwsza")
        url = f"{site.url}/napisz/r/{case['token']}/zdarzenia/"

        # Everything after the id the browser last saw, nothing before it.
        events, _ = read_events(url, last_id=first, until=lambda e: len(e) >= 1)
        assert [e["id"] for e in events] == [second]
        assert events[0]["data"]["id"] == second
        assert "Odpowiedź pierwsza" in events[0]["data"]["html"]
        assert f'id="w{second}"' in events[0]["data"]["html"]

        # The query parameter (first connection) gives the starting point;
        # the header (a reconnection) wins over it.
        events, _ = read_events(f"{url}?after=0", until=lambda e: len(e) >= 2)
        assert [e["id"] for e in events[:2]] == [first, second]
        events, _ = read_events(
            f"{url}?after=0", last_id=first, until=lambda e: len(e) >= 1
        )
        assert events[0]["id"] == second

        # A reply written while the stream is open arrives on that same
        # connection: nothing (the page cache, the server) buffers the stream.
        timer, replied = _reply_later(site, case["id"], "Druga <b>odp</b>")
        try:
            events, connections = read_events(
                url, last_id=second, until=lambda e: len(e) >= 1
            )
        finally:
            timer.join()
        assert [e["id"] for e in events] == [replied["id"]]
        assert "Druga &lt;b&gt;odp&lt;/b&gt;" in events[0]["data"]["html"]
        assert connections == 1


def test_a_bounded_stream_is_resumed_without_loss(tmp_path, tmp_path_factory):
    with asgi_site(tmp_path, tmp_path_factory, MESSENGER_SSE_LIFETIME="2") as site:
        case = site.open_conversation("Pytanie")
        url = f"{site.url}/napisz/r/{case['token']}/zdarzenia/"
        # The stream ends by itself after its lifetime.
        started = time.monotonic()
        with httpx.stream(
            "GET", url, headers={"Last-Event-ID": str(case["message"])}, timeout=30
        ) as response:
            assert response.status_code == 200
            body = "".join(response.iter_text())
        assert time.monotonic() - started < 30
        assert body.startswith("retry: 3000")
        # Replies written across several short streams all arrive, once each.
        timers = [
            _reply_later(site, case["id"], f"Odpowiedź {n}", delay=1.0 + 2.5 * n)
            for n in range(3)
        ]
        try:
            events, connections = read_events(
                url, last_id=case["message"], until=lambda e: len(e) >= 3
            )
        finally:
            for timer, _ in timers:
                timer.join()
        assert [e["id"] for e in events] == sorted(r["id"] for _, r in timers)
        assert connections >= 2

        response = httpx.get(f"{site.url}/napisz/r/{'x' * 43}/zdarzenia/", timeout=30)
        assert response.status_code == 404
        assert response.headers["cache-control"] == "private, no-store"


def _open_database_files(pid: int, database) -> int:
    """How many times the server process has the database file open: one
    per SQLite connection."""
    fd_dir = f"/proc/{pid}/fd"
    count = 0
    for fd in os.listdir(fd_dir):
        try:
            if os.readlink(os.path.join(fd_dir, fd)) == str(database):
                count += 1
        except OSError:
            continue  # closed meanwhile
    return count


def test_open_streams_share_a_few_database_connections(tmp_path, tmp_path_factory):
    """Each open page used to keep the database connection its request
    opened for the stream's whole life: 40 pages, 40 connections (on
    PostgreSQL, "too many connections"). Streams read through a few shared
    threads now."""
    streams = 40
    with asgi_site(tmp_path, tmp_path_factory, MESSENGER_SSE_LIFETIME="300") as site:
        case = site.open_conversation("Ile połączeń?")
        url = f"{site.url}/napisz/r/{case['token']}/zdarzenia/"
        database = (tmp_path / "ratusz.sqlite3").resolve()
        opened, stop = threading.Barrier(streams + 1), threading.Event()

        def hold_a_stream():
            with httpx.Client(timeout=httpx.Timeout(60.0)) as client:
                with client.stream("GET", url) as response:
                    lines = response.iter_lines()
                    # The first message arrives once the stream is running.
                    while not next(lines).startswith("data: "):
                        pass
                    opened.wait(60)
                    stop.wait(60)

        pages = [threading.Thread(target=hold_a_stream) for _ in range(streams)]
        for page in pages:
            page.start()
        try:
            opened.wait(60)
            time.sleep(3)  # a few polling rounds of every stream
            held = _open_database_files(site.pid, database)
        finally:
            stop.set()
            for page in pages:
                page.join(60)
    # The loop's pool (min(32, CPUs + 4) threads) and the request threads
    # still setting up: far fewer than one per open page.
    assert 0 < held <= min(32, (os.cpu_count() or 1) + 4) + 2, held
    assert held < streams / 2, held
