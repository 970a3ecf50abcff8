"""What the outbox benchmarks share: running the real worker and reading its rows."""

import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from contextlib import closing
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def open_rows(db: Path) -> int:
    with closing(sqlite3.connect(db, timeout=30)) as conn:
        return conn.execute(
            "SELECT COUNT(*) FROM outbox_delivery WHERE state IN ('pending','sending')"
        ).fetchone()[0]


def states(db: Path) -> dict:
    with closing(sqlite3.connect(db, timeout=30)) as conn:
        return dict(
            conn.execute("SELECT state, COUNT(*) FROM outbox_delivery GROUP BY state")
        )


def peak_rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def run_worker(env: dict, db: Path, received: Callable[[], int]) -> dict:
    """Run `manage.py run_huey` until no delivery is open; time and measure it.

    `received()` tells how many messages the receiving end has got so far.
    """
    start = time.perf_counter()
    worker = subprocess.Popen(
        [sys.executable, "manage.py", "run_huey"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        first = None
        while open_rows(db):
            if first is None and received():
                first = time.perf_counter()
            if worker.poll() is not None:
                raise SystemExit("the worker died")
            time.sleep(0.05)
        end = time.perf_counter()
        rss = peak_rss_mib(worker.pid)
    finally:
        worker.terminate()
        worker.wait(timeout=60)
    return {
        "total_s": end - start,
        "sending_s": end - (first or start),
        "peak_rss_mib": rss,
        "received": received(),
    }
