"""The ASGI lifespan protocol for the whole site: work to do at a clean stop.

Django's ASGI handler refuses `lifespan` scopes, so `asgi.py` puts
`LifespanApp` outermost: at startup it runs what apps registered with
`on_startup` (background threads of the web process) and, at shutdown, runs
what apps registered with `on_shutdown` (in a thread: they may touch the
database) before telling the server it may exit. granian's workers are
`multiprocessing` children that exit without running `atexit`, so this is
the one moment a worker can still write what it holds in memory.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

logger = logging.getLogger("ratusz.lifespan")

startup_hooks: list[Callable[[], object]] = []
shutdown_hooks: list[Callable[[], object]] = []


def on_startup(fn: Callable[[], object]) -> Callable[[], object]:
    """Run `fn` (sync, quick, no arguments) when the server starts."""
    if fn not in startup_hooks:
        startup_hooks.append(fn)
    return fn


def on_shutdown(fn: Callable[[], object]) -> Callable[[], object]:
    """Run `fn` (sync, no arguments) when the server stops cleanly."""
    if fn not in shutdown_hooks:
        shutdown_hooks.append(fn)
    return fn


def _run(hooks, what: str) -> None:
    for hook in hooks:
        try:
            hook()
        except Exception:
            logger.exception("%s hook %r failed", what, hook)


def run_startup_hooks() -> None:
    _run(startup_hooks, "Startup")


def run_shutdown_hooks() -> None:
    _run(shutdown_hooks, "Shutdown")


class LifespanApp:
    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "lifespan":
            return await self.app(scope, receive, send)
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await asyncio.to_thread(run_startup_hooks)
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await asyncio.to_thread(run_shutdown_hooks)
                await send({"type": "lifespan.shutdown.complete"})
                return
