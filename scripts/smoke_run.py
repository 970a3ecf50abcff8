#!/usr/bin/env python3
"""Prove the README's first command on a clean clone, as a newcomer runs it.

1. `make run`: a clean clone of the committed tree in a temporary directory,
   a fresh virtualenv from requirements.txt alone (make creates it), a free
   port. It waits for the home page, follows the gmina through the public form
   and waits for the confirmation e-mail where the README says demo mail goes
   (`var/mail/`), checks a minute after the start that the web server and the
   worker are both still running, stops it with Ctrl+C (SIGINT) and checks
   that everything stopped and the log holds no traceback.
2. The production units' commands (docs/deploy/*.service): `migrate`,
   `collectstatic`, `create_gmina`, then `serve --no-worker --no-media` and
   `run_huey` as two services, with DEBUG=0 and mail through a real SMTP
   server on loopback (aiosmtpd); the same follow must arrive there.

Standard library only: it runs before any virtualenv exists. Exit 0 or 1.
"""

from __future__ import annotations

import http.cookiejar
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
ALIVE_FOR = 60  # seconds after the start both processes must still run
START_TIMEOUT = 900  # a fresh virtualenv is installed first
MAIL_TIMEOUT = 90


class SmokeFailure(Exception):
    pass


def say(text: str) -> None:
    print(f"[smoke] {text}", flush=True)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def clean_env(**extra: str) -> dict[str, str]:
    """The machine's environment without anything that points elsewhere."""
    drop = (
        "DATABASE_URL",
        "REDIS_URL",
        "EMAIL_HOST",
        "RATUSZ_TESTING",
        "DJANGO_SETTINGS_MODULE",
        "RATUSZ_VAR_DIR",
        "VIRTUAL_ENV",
        "PYTHONPATH",
        "DEBUG",
        "DJANGO_ALLOW_ASYNC_UNSAFE",
        "MAKEFLAGS",
        "MFLAGS",
        "MAKELEVEL",
    )
    env = {k: v for k, v in os.environ.items() if k not in drop}
    env.update(extra)
    return env


def wait_for(what: str, condition, timeout: float, processes=()) -> None:
    deadline = time.monotonic() + timeout
    while True:
        if condition():
            return
        for name, process in processes:
            if process.poll() is not None:
                raise SmokeFailure(
                    f"{name} exited ({process.returncode}) before {what}"
                )
        if time.monotonic() > deadline:
            raise SmokeFailure(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(1)


def answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


def follow(base: str, email: str) -> None:
    """Fill in the public follow form as a resident would (cookie, CSRF)."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    with opener.open(f"{base}/obserwuj/", timeout=30) as response:
        html = response.read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    if not token:
        raise SmokeFailure("the follow page has no form")
    data = urllib.parse.urlencode(
        {
            "csrfmiddlewaretoken": token.group(1),
            "email": email,
            "rhythm": "each",
            "consent": "on",
        }
    ).encode()
    request = urllib.request.Request(
        f"{base}/obserwuj/", data=data, headers={"Referer": f"{base}/obserwuj/"}
    )
    with opener.open(request, timeout=30) as response:
        page = response.read().decode()
    if response.status != 200 or email not in page and "Sprawdź" not in page:
        raise SmokeFailure(f"the follow form answered {response.status}")


def files_mentioning(folder: Path, text: str) -> list[Path]:
    if not folder.is_dir():
        return []
    return [
        p
        for p in folder.rglob("*")
        if p.is_file() and text in p.read_bytes().decode("utf-8", "replace")
    ]


def running(pattern: str) -> list[int]:
    found = subprocess.run(["pgrep", "-f", pattern], capture_output=True, text=True)
    return [int(pid) for pid in found.stdout.split()]


def check_log(log: Path) -> None:
    text = log.read_text(errors="replace")
    if "Traceback" in text:
        start = text.index("Traceback")
        raise SmokeFailure("traceback in the log:\n" + text[start : start + 3000])


def stop(process: subprocess.Popen, sig=signal.SIGINT, timeout=60) -> int:
    if process.poll() is None:
        os.killpg(process.pid, sig)
        try:
            return process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
            raise SmokeFailure(f"did not stop within {timeout} s of {sig!r}") from None
    return process.returncode


def smoke_make_run(clone: Path, work: Path) -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = work / "make-run.log"
    say(f"make run on {base} (fresh .venv from requirements.txt)")
    started = time.monotonic()
    with log.open("w") as out:
        make = subprocess.Popen(
            ["make", "run", f"PORT={port}"],
            cwd=clone,
            env=clean_env(PORT=str(port)),
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        procs = [("make run", make)]
        wait_for("the home page", lambda: answers(f"{base}/"), START_TIMEOUT, procs)
        say(f"home page served after {time.monotonic() - started:.0f} s")
        ready = time.monotonic()
        email = f"smoke-{secrets.token_hex(4)}@example.org"
        follow(base, email)
        mail = clone / "var" / "mail"
        wait_for(
            f"the confirmation e-mail in {mail}",
            lambda: files_mentioning(mail, email),
            MAIL_TIMEOUT,
            procs,
        )
        say("the follow confirmation e-mail is in var/mail/")
        manage = str(clone / "manage.py")
        wait_for(
            f"{ALIVE_FOR} s of running",
            lambda: time.monotonic() - ready >= ALIVE_FOR,
            ALIVE_FOR + 5,
            procs,
        )
        web = running(f"granian.*--port {port}")
        worker = running(f"{manage} run_huey")
        if not web:
            raise SmokeFailure("the web server (granian) is not running")
        if not worker:
            raise SmokeFailure("the worker (run_huey) is not running")
        say(f"a minute later: web server pids {web}, worker pids {worker}")
        code = stop(make)
        say(f"stopped with Ctrl+C (make exited {code})")
        if running(f"{manage} run_huey") or running(f"granian.*--port {port}"):
            raise SmokeFailure("processes left running after the stop")
        check_log(log)
        if "Ratusz działa." not in log.read_text():
            raise SmokeFailure("no start banner in the log")
    finally:
        if make.poll() is None:
            stop(make, signal.SIGKILL)
        say(f"make run log: {log}")


def smoke_production_units(clone: Path, work: Path) -> None:
    """What ratusz-web.service and ratusz-worker.service run, as two services."""
    python = str(clone / ".venv" / "bin" / "python")
    port, smtp_port = free_port(), free_port()
    base = f"http://127.0.0.1:{port}"
    var, maildir = work / "prod-var", work / "maildir"
    env = clean_env(
        SECRET_KEY=secrets.token_urlsafe(64),
        DEBUG="0",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SITE_URL=base,
        RATUSZ_VAR_DIR=str(var),
        STATIC_ROOT=str(var / "static"),
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=str(smtp_port),
        DEFAULT_FROM_EMAIL="Urząd Gminy Próbnej <ratusz@example.org>",
        WEB_WORKERS="1",
    )
    say(f"production units on {base}, mail by SMTP to 127.0.0.1:{smtp_port}")
    for command in (
        ["migrate", "--noinput", "-v0"],
        ["collectstatic", "--noinput", "-v0"],
        ["create_gmina", "--name", "Gmina Próbna", "--host", "127.0.0.1"]
        + ["--port", str(port), "--default"],
    ):
        subprocess.run([python, "manage.py", *command], cwd=clone, env=env, check=True)
    log = work / "production.log"
    services = []
    with log.open("w") as out:

        def start(name, command):
            services.append(
                (
                    name,
                    subprocess.Popen(
                        command,
                        cwd=clone,
                        env=env,
                        stdout=out,
                        stderr=subprocess.STDOUT,
                        start_new_session=True,
                    ),
                )
            )

        start(
            "smtp",
            [python, "-m", "aiosmtpd", "-n", "-l", f"127.0.0.1:{smtp_port}"]
            + ["-c", "aiosmtpd.handlers.Mailbox", str(maildir)],
        )
        start(
            "ratusz-web",
            [python, "manage.py", "serve", "--host", "127.0.0.1", "--port", str(port)]
            + ["--no-worker", "--no-media"],
        )
        start("ratusz-worker", [python, "manage.py", "run_huey"])
    try:
        wait_for("the home page", lambda: answers(f"{base}/"), 120, services)
        email = f"prod-{secrets.token_hex(4)}@example.org"
        follow(base, email)
        wait_for(
            "the confirmation e-mail at the SMTP server",
            lambda: files_mentioning(maildir, email),
            MAIL_TIMEOUT,
            services,
        )
        say("the follow confirmation e-mail arrived by SMTP")
        time.sleep(5)
        for name, process in services:
            if process.poll() is not None:
                raise SmokeFailure(f"{name} exited ({process.returncode})")
        # systemd stops both with SIGTERM.
        for _name, process in reversed(services):
            stop(process, signal.SIGTERM)
        check_log(log)
        say("both services stopped on SIGTERM, no traceback")
    finally:
        for _, process in services:
            if process.poll() is None:
                stop(process, signal.SIGKILL)
        say(f"production log: {log}")


def main() -> int:
    work = Path(tempfile.mkdtemp(prefix="ratusz-smoke-"))
    clone = work / "ratusz"
    try:
        subprocess.run(
            ["git", "clone", "-q", str(REPO), str(clone)], check=True, env=clean_env()
        )
        smoke_make_run(clone, work)
        smoke_production_units(clone, work)
    except (SmokeFailure, subprocess.CalledProcessError) as failure:
        say(f"FAILED: {failure}")
        for log in sorted(work.glob("*.log")):
            print(f"----- {log.name} (last 60 lines)")
            print("\n".join(log.read_text(errors="replace").splitlines()[-60:]))
        return 1
    say("passed: make run served, worker alive, demo mail readable; units work")
    if os.environ.get("SMOKE_KEEP") != "1":
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
