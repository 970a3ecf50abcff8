"""Run the whole site: the granian ASGI server and the Huey worker, together.

The two are child processes of this command, so one `manage.py serve` (and one
systemd unit, or one `make run`) is the whole application: if either child
dies, the other is stopped and the command exits non-zero, so a supervisor
restarts both instead of leaving a site whose scheduled posts never go out.
"""

import contextlib
import ctypes
import os
import signal
import socket
import subprocess
import sys
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

# How long the children get to finish their work after a stop request.
STOP_TIMEOUT = 25
# How long granian waits for one of its workers before killing it. A worker
# that gets SIGTERM while it is still starting up can miss it and would
# otherwise keep granian (and the port) alive forever.
WORKER_KILL_TIMEOUT = 10
PR_SET_PDEATHSIG = 1


def _die_with_parent():
    """Have the kernel stop the child if this command is killed with SIGKILL."""
    try:
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    except OSError:  # not glibc Linux: children then outlive a SIGKILL
        pass


def _env_default(name, default):
    return os.environ.get(name) or default


class Command(BaseCommand):
    help = "Uruchamia serwer WWW (granian) razem z procesem zadań w tle (Huey)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--host",
            default=_env_default("WEB_HOST", "127.0.0.1"),
            help="Adres nasłuchu (zmienna WEB_HOST; domyślnie 127.0.0.1).",
        )
        parser.add_argument(
            "--port",
            type=int,
            default=int(_env_default("PORT", "8000")),
            help="Port (zmienna PORT; domyślnie 8000).",
        )
        parser.add_argument(
            "--workers",
            type=int,
            default=int(_env_default("WEB_WORKERS", "2")),
            help="Liczba procesów serwera WWW (zmienna WEB_WORKERS; domyślnie 2).",
        )
        parser.add_argument(
            "--no-worker",
            action="store_true",
            help="Bez procesu zadań w tle (gdy działa osobno, np. w drugiej usłudze).",
        )
        parser.add_argument(
            "--no-media",
            action="store_true",
            help="Nie serwuj plików z MEDIA_ROOT (gdy robi to serwer proxy).",
        )

    def handle(self, *args, host, port, workers, no_worker, no_media, **options):
        if workers < 1:
            raise CommandError("--workers musi być liczbą dodatnią.")
        self._check_port_free(host, port)
        self.children: dict[str, subprocess.Popen] = {}
        self.stop_signal = None
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, self._request_stop)

        self._start("web", self._web_command(host, port, workers, no_media))
        if not no_worker:
            self._start(
                "worker",
                [sys.executable, str(settings.BASE_DIR / "manage.py"), "run_huey"],
            )
        if self._wait_for_port(host, port):
            self._print_banner(host, port, workers, no_worker)

        failed = self._supervise()
        if not failed:
            self.stdout.write("Zatrzymywanie serwera i procesu zadań w tle…")
        self._stop_all()
        if failed:
            name, code = failed
            raise CommandError(
                f"Proces {name} zakończył się (kod {code}); zatrzymano pozostałe."
            )
        self.stdout.write("Zatrzymano.")

    def _web_command(self, host, port, workers, no_media):
        command = [
            sys.executable, "-m", "granian",
            # With the lifespan: a worker's clean stop runs the apps'
            # shutdown work (insights writes the views it holds).
            "--interface", "asgi",
            "--host", host,
            "--port", str(port),
            "--workers", str(workers),
            "--log-level", "warning",
            "--respawn-failed-workers",
            "--workers-kill-timeout", str(WORKER_KILL_TIMEOUT),
        ]  # fmt: skip
        if not no_media:
            # Image files only: documents go through Wagtail's serve view,
            # which checks privacy settings, so they are never mounted here.
            for folder in ("images", "original_images"):
                path = settings.MEDIA_ROOT / folder
                path.mkdir(parents=True, exist_ok=True)
                command += [
                    "--static-path-route", f"{settings.MEDIA_URL}{folder}",
                    "--static-path-mount", str(path),
                ]  # fmt: skip
        return command + ["ratusz.asgi:application"]

    def _check_port_free(self, host, port):
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        with socket.socket(family, socket.SOCK_STREAM) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                probe.bind((host, port))
            except OSError as e:
                raise CommandError(
                    f"Nie można nasłuchiwać na {host}:{port} ({e.strerror}). "
                    f"Port jest zajęty? Wybierz inny, np. PORT={port + 1} make run"
                ) from None

    def _start(self, name, command):
        # Each child leads a process group of its own, so that a child which
        # has to be killed is killed with its own children (granian's
        # workers), and Ctrl+C reaches the children only through us.
        self.children[name] = subprocess.Popen(
            command,
            cwd=settings.BASE_DIR,
            preexec_fn=_die_with_parent,
            process_group=0,
        )

    def _request_stop(self, signum, frame):
        self.stop_signal = signum

    def _supervise(self):
        """Wait until a stop is requested or a child exits.

        1. A SIGINT/SIGTERM for us sets `stop_signal`: return None.
        2. A child that exits on its own (even with code 0) is a failure:
           return its name and exit code.
        """
        while self.stop_signal is None:
            for name, child in self.children.items():
                code = child.poll()
                if code is not None:
                    return name, code
            time.sleep(0.2)
        return None

    def _stop_all(self):
        for child in self.children.values():
            if child.poll() is None:
                # SIGTERM is the graceful stop of both: Huey lets running
                # tasks finish (settings.HUEY_CONSUMER), granian its requests.
                child.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + STOP_TIMEOUT
        for child in self.children.values():
            try:
                child.wait(timeout=max(deadline - time.monotonic(), 0.1))
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()
            # Whatever the child left behind in its group (a granian worker
            # whose parent crashed) goes too.
            with contextlib.suppress(ProcessLookupError):
                os.killpg(child.pid, signal.SIGKILL)

    def _wait_for_port(self, host, port, timeout=60.0):
        address = "127.0.0.1" if host in ("0.0.0.0", "") else host
        address = "::1" if address == "::" else address
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and self.stop_signal is None:
            if any(child.poll() is not None for child in self.children.values()):
                return False
            try:
                with socket.create_connection((address, port), timeout=0.5):
                    return True
            except OSError:
                time.sleep(0.2)
        return False

    def _print_banner(self, host, port, workers, no_worker):
        shown = host
        if host in ("0.0.0.0", "::", ""):
            shown = "127.0.0.1"
        elif ":" in host:
            shown = f"[{host}]"
        base = f"http://{shown}:{port}"
        lines = [
            "",
            "Ratusz działa.",
            f"  Strona gminy:    {base}/",
            f"  Panel redakcji:  {base}/admin/",
            f"  Serwer WWW: granian, procesów: {workers}"
            + ("" if no_worker else "; zadania w tle: Huey (publikacja planowana)"),
        ]
        if settings.EMAIL_KEPT_IN_FOLDER:
            lines += [
                "  Poczta: tryb demonstracyjny (brak EMAIL_HOST) – e-maile nie są "
                "wysyłane,",
                f"    tylko zapisywane w {settings.EMAIL_FOLDER}/",
                f"    i widoczne w panelu: {base}/admin/poczta-wychodzaca/",
            ]
        if host in ("0.0.0.0", "::", ""):
            lines.append(f"  Nasłuch na wszystkich adresach ({host or '0.0.0.0'}).")
        lines += ["  Zatrzymanie: Ctrl+C", ""]
        self.stdout.write("\n".join(lines))
