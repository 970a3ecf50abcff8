"""`manage.py serve`: granian and the Huey worker as one supervised unit."""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from django.conf import settings

from ratusz.website.tests.live_site import child_env, page_state, prepare_site


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state not in ("Z", "X")


def _descendants(pid: int) -> dict[int, str]:
    """Return {pid: command line} of the live processes below `pid`."""
    parents = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (FileNotFoundError, ProcessLookupError):
            continue
        parents[int(stat.parent.name)] = int(fields[1])
    found, frontier = {}, {pid}
    while frontier:
        frontier = {p for p, parent in parents.items() if parent in frontier}
        for p in frontier:
            try:
                cmdline = Path(f"/proc/{p}/cmdline").read_bytes()
            except FileNotFoundError:
                continue
            if _alive(p):
                found[p] = cmdline.replace(b"\0", b" ").decode()
    return found


def _wait_until(predicate, timeout: float, message: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    raise AssertionError(message)


def _start(tmp_path, tmp_path_factory, port, *args, **env):
    site = prepare_site(tmp_path, tmp_path_factory.getbasetemp() / "live-site")
    server = subprocess.Popen(
        [sys.executable, "manage.py", "serve", *args],
        cwd=settings.BASE_DIR,
        env=child_env(tmp_path, **env),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )

    def listening():
        assert server.poll() is None, server.communicate()
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return True
        except OSError:
            return False

    try:
        _wait_until(listening, 60, "the server did not start listening")
    except BaseException:
        server.kill()
        raise
    return server, site


def _roles(server) -> dict[str, int]:
    children = _descendants(server.pid)
    return {
        "web": next(p for p, cmd in children.items() if "granian" in cmd),
        "worker": next(p for p, cmd in children.items() if "run_huey" in cmd),
    }


def test_it_serves_the_site_and_runs_the_worker(tmp_path, tmp_path_factory):
    port = _free_port()
    media = tmp_path / "media"
    (media / "images").mkdir(parents=True)
    (media / "images" / "herb.png").write_bytes(b"\x89PNG fake")
    (media / "documents").mkdir()
    (media / "documents" / "poufne.pdf").write_bytes(b"%PDF secret")
    # The port comes from the environment, as `make run PORT=…` passes it.
    server, site = _start(tmp_path, tmp_path_factory, port, PORT=str(port))
    try:
        base = f"http://127.0.0.1:{port}"
        status, body = _get(f"{base}/")
        assert status == 200
        assert "Gmina Zawada" in body.decode()
        status, body = _get(base + site["published_url"])
        assert (status, "Zebranie wiejskie w Kamionce" in body.decode()) == (200, True)
        assert _get(f"{base}/media/images/herb.png") == (200, b"\x89PNG fake")
        assert _get(f"{base}/media/documents/poufne.pdf")[0] == 404

        children = _roles(server)
        # The worker publishes what was scheduled while nothing was running.
        _wait_until(
            lambda: page_state(tmp_path / "ratusz.sqlite3", site["scheduled_pk"])[0],
            30,
            "the worker did not publish the scheduled article",
        )
        assert _get(base + site["scheduled_url"])[0] == 200
    finally:
        server.send_signal(signal.SIGTERM)
        out, err = server.communicate(timeout=60)

    assert server.returncode == 0, err
    assert not any(_alive(pid) for pid in children.values())
    assert "Ratusz działa." in out
    assert f"Panel redakcji:  http://127.0.0.1:{port}/admin/" in out
    assert out.rstrip().endswith("Zatrzymano.")


def test_it_stops_the_server_when_the_worker_dies(tmp_path, tmp_path_factory):
    port = _free_port()
    server, _ = _start(tmp_path, tmp_path_factory, port, "--port", str(port))
    try:
        children = _roles(server)
        os.kill(children["worker"], signal.SIGKILL)
        out, err = server.communicate(timeout=60)
    finally:
        if server.poll() is None:
            server.kill()

    assert server.returncode != 0
    assert "worker" in err
    assert not _alive(children["web"])
    with socket.socket() as s:
        assert s.connect_ex(("127.0.0.1", port)) != 0


def test_it_takes_its_children_along_when_killed(tmp_path, tmp_path_factory):
    port = _free_port()
    server, _ = _start(tmp_path, tmp_path_factory, port, "--port", str(port))
    children = _roles(server)
    server.kill()
    # Granian gives a worker that missed the stop signal 10 s before it kills it.
    server.communicate(timeout=60)
    _wait_until(
        lambda: not any(_alive(pid) for pid in children.values()),
        30,
        f"children outlived a killed serve: {children}",
    )


def test_it_refuses_a_busy_port(tmp_path):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "manage.py", "serve", "--port", str(port)],
            cwd=settings.BASE_DIR,
            env=child_env(tmp_path),
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert result.returncode == 1
    assert f"Nie można nasłuchiwać na 127.0.0.1:{port}" in result.stderr
    assert "granian" not in result.stderr
