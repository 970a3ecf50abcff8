"""The real commands an MTA talks to, as processes against a file database:
`receive_email` reading stdin (a Postfix pipe), `messenger_mail_server`
taking SMTP, and the `run_huey` worker turning both into conversations."""

import json
import smtplib
import socket
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from email.message import EmailMessage

from django.conf import settings

from ratusz.website.tests.live_site import child_env, prepare_site


def _mail(body: str, message_id: str, to: str = "napisz@localhost") -> bytes:
    msg = EmailMessage()
    msg["From"] = "Alicja Nowak <ala@example.org>"
    msg["To"] = to
    msg["Subject"] = "Pytanie"
    msg["Message-ID"] = message_id
    msg.set_content(body)
    return bytes(msg)


def _query(db, sql, *args):
    with closing(sqlite3.connect(db, timeout=30)) as conn:
        return conn.execute(sql, args).fetchall()


def _wait(predicate, timeout, message):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    raise AssertionError(message)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_stdin_and_smtp_intake_reach_conversations(tmp_path, tmp_path_factory):
    prepare_site(tmp_path, tmp_path_factory.getbasetemp() / "live-site")
    db = tmp_path / "ratusz.sqlite3"
    env = child_env(tmp_path, HUEY_LOG_LEVEL="ERROR", EMAIL_HOST="127.0.0.1")
    manage = [sys.executable, "manage.py"]

    # 1. Postfix's pipe: one message on stdin; 0 = stored, twice = duplicate.
    raw = _mail("Czy urząd jest otwarty w sobotę?", "<pipe-1@example.org>")
    for expected in ("stored", "duplicate"):
        piped = subprocess.run(
            [*manage, "receive_email", "--recipient", "napisz@localhost"],
            input=raw,
            cwd=settings.BASE_DIR,
            env=env,
            capture_output=True,
            timeout=120,
        )
        assert piped.returncode == 0, piped.stderr.decode()
        assert piped.stdout.decode().strip() == expected

    # 2. The SMTP server: 250 only once stored; strangers get 550.
    port = _free_port()
    server = subprocess.Popen(
        [*manage, "messenger_mail_server", "--port", str(port)],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert server.stdout.readline().startswith("SMTP: 127.0.0.1:")
        with smtplib.SMTP("127.0.0.1", port, timeout=60) as smtp:
            refused = smtp.sendmail(
                "ala@example.org",
                ["napisz@localhost", "obcy@example.org"],
                _mail("Druga sprawa: odpady.", "<smtp-1@example.org>"),
            )
        assert list(refused) == ["obcy@example.org"]
        assert refused["obcy@example.org"][0] == 550
    finally:
        server.terminate()
        server.wait(timeout=30)
    events = _query(db, "SELECT external_id, state FROM messenger_inboundevent")
    assert sorted(events) == [
        ("<pipe-1@example.org>", "pending"),
        ("<smtp-1@example.org>", "pending"),
    ]

    # 3. The worker processes what the door stored.
    worker = subprocess.Popen(
        [*manage, "run_huey"],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        _wait(
            lambda: (
                _query(
                    db,
                    "SELECT COUNT(*) FROM messenger_inboundevent WHERE state = 'done'",
                )[0][0]
                == 2
            ),
            120,
            "the worker did not process the events",
        )
    finally:
        worker.terminate()
        worker.wait(timeout=60)
    rows = _query(
        db,
        "SELECT c.source, c.resident_email, m.body, m.channel "
        "FROM messenger_message m JOIN messenger_conversation c "
        "ON m.conversation_id = c.id WHERE m.author = 'resident' ORDER BY m.id",
    )
    # Two conversations, processed by the worker's two threads in either order.
    assert sorted(rows) == [
        ("email", "ala@example.org", "Czy urząd jest otwarty w sobotę?", "email"),
        ("email", "ala@example.org", "Druga sprawa: odpady.", "email"),
    ], json.dumps(rows, ensure_ascii=False)
