"""A thread in each web process that runs the alert checks every
OPS_WATCH_SECONDS: the worker cannot e-mail about its own death.

Started by the ASGI lifespan (`manage.py serve`, granian, uvicorn); off when
OPS_WATCH_SECONDS is 0 (the test suite's servers)."""

from __future__ import annotations

import logging
import threading

from django.conf import settings
from django.db import close_old_connections, connection

from . import alerts

logger = logging.getLogger("ratusz.operations")

_stopping = threading.Event()
_thread: threading.Thread | None = None


def start() -> None:
    global _thread
    seconds = settings.OPS_WATCH_SECONDS
    if not seconds or (_thread is not None and _thread.is_alive()):
        return
    _stopping.clear()
    _thread = threading.Thread(
        target=_run, args=(seconds,), name="ratusz-watchdog", daemon=True
    )
    _thread.start()


def stop() -> None:
    _stopping.set()
    if _thread is not None:
        _thread.join(timeout=5)


def _run(seconds: float) -> None:
    # The first look after one period: a worker starting beside this web
    # process has had time to beat.
    while not _stopping.wait(seconds):
        try:
            close_old_connections()
            alerts.evaluate()
        except Exception:
            logger.exception("Watchdog check failed")
        finally:
            connection.close()
