"""Benchmark what counting visits costs, the nightly roll-up of one day and
the staff dashboard at scale (issue 12).

1. Counting overhead (wrk). A fresh var dir (SQLite, page cache) with the
   demo gmina; two servers as `make run` starts them (`manage.py serve
   --no-worker`), one with `INSIGHTS_COUNTING=1`, one with `=0`, sharing the
   database and the page cache. wrk asks both for the same cached article
   (X-Cache: HIT) with a browser's User-Agent (an empty one is not
   counted), alternating off, on, off, on; the better run of each is kept.
   Reported: requests/s of each, their ratio, and how many views the
   counting server stored (it must be close to what it answered).
   Target: counting costs < 10 % of the throughput (ratio ≥ 0.90). On a
   shared machine this ratio is noisy: part 2 is the steady measure.
2. Counting cost per view (`insights_cost.py`): the real hit hook and the
   real flush called for 100,000 prepared views, CPU µs per view (process
   time, best of three), for one client and for 3,000 clients.
3. Roll-up. 20,000 views of one gmina on one day (6,000 visitors, 300 pages,
   every source and device), then `rollup.roll_up_day`, on SQLite and on
   PostgreSQL. The reference measured in the same run is reading the same
   day's events once (what the roll-up cannot do without). Target < 5 s.
4. Dashboard (`insights_dashboard.py`): three years of data (5 million views
   as daily roll-ups, 20,000 followers, 50,000 deliveries, …), the real
   dashboard view for a one-year range, on SQLite and on PostgreSQL, beside
   a small staff page and one SELECT of the year's roll-ups measured in the
   same run. Target: under 300 ms (median).

Results: printed, and bench/results/insights.json. The machine is shared:
the load average is recorded beside the numbers.

Environment: BENCH_PARTS (counting,cost,rollup,dashboard: which parts),
BENCH_DURATION (10s), BENCH_THREADS (2), BENCH_CONNECTIONS (32),
WEB_WORKERS (as `make run`), BENCH_PG (postgres://postgres@127.0.0.1:5432;
"" skips PostgreSQL), BENCH_PG_DB (ratusz_bench_insights), BENCH_PROFILE=1
(a cProfile of one dashboard request), BENCH_KEEP=1 keeps the temporary
directory.
"""

import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.run import (
    CONNECTIONS,
    DURATION,
    FIND_URLS,
    PYTHON,
    RESULTS,
    THREADS,
    free_port,
    get,
    manage,
    parse_wrk,
    start,
    stop,
    wait_for,
)

TARGET_RATIO = 0.90
TARGET_ROLLUP_SECONDS = 5.0
TARGET_DASHBOARD_MS = 300
PARTS = set(os.environ.get("BENCH_PARTS", "counting,cost,rollup,dashboard").split(","))
HERE = Path(__file__).resolve().parent
VIEWS = 20_000
PG_ADMIN = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
PG_DB = os.environ.get("BENCH_PG_DB", "ratusz_bench_insights")
BROWSER = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36"
)

COUNT_VIEWS = """
from ratusz.insights.models import ViewEvent
print(ViewEvent.objects.count())
"""

# Run inside `manage.py shell`: make the day's events, time the roll-up.
ROLLUP = """
import json, random, time
from datetime import datetime, time as dtime, timedelta
from django.utils import timezone
from ratusz.gminas.models import Gmina
from ratusz.insights.models import DailyStat, ViewEvent
from ratusz.insights.rollup import roll_up_day
from ratusz.lib.dates import WARSAW

VIEWS = {views}
gmina = Gmina.objects.order_by("pk").first()
day = timezone.localdate() - timedelta(days=2)
ViewEvent.objects.filter(gmina=gmina, day=day).delete()
rng = random.Random(12)
sources = ["facebook", "mastodon", "search", "email", "push", "sms", "other",
           "direct", "internal", "internal"]
devices = ["phone", "phone", "phone", "desktop", "tablet"]
visitors = [f"{{rng.getrandbits(128):032x}}" for _ in range(6000)]
start = datetime.combine(day, dtime(0, 0), WARSAW)
events = [
    ViewEvent(
        gmina=gmina, day=day, at=start + timedelta(seconds=i * 86400 / VIEWS),
        page_id=1000 + rng.randrange(300), path=f"/aktualnosci/{{i % 300}}/",
        visitor=rng.choice(visitors), source=rng.choice(sources),
        device=rng.choice(devices),
    )
    for i in range(VIEWS)
]
ViewEvent.objects.bulk_create(events, batch_size=2000)

t = time.perf_counter()
read = sum(1 for _ in ViewEvent.objects.filter(gmina=gmina, day=day)
           .order_by("at", "pk").values_list("visitor", "page_id", "source", "device")
           .iterator(chunk_size=5000))
reference = time.perf_counter() - t
t = time.perf_counter()
rows = roll_up_day(gmina.pk, day)
seconds = time.perf_counter() - t
site = DailyStat.objects.get(gmina=gmina, day=day, dimension="site")
print(json.dumps({{"views": read, "rollup_rows": rows, "rollup_s": round(seconds, 3),
                   "read_reference_s": round(reference, 3),
                   "site_views": site.views, "site_visitors": site.visitors}}))
"""


def psql(sql: str):
    subprocess.run(
        ["psql", f"{PG_ADMIN}/postgres", "-v", "ON_ERROR_STOP=1", "-qc", sql],
        check=True,
        capture_output=True,
    )


def wrk(url, host) -> dict:
    cmd = ["wrk", f"-t{THREADS}", f"-c{CONNECTIONS}", f"-d{DURATION}", "--latency",
           "-H", f"Host: {host}", "-H", f"User-Agent: {BROWSER}", url]  # fmt: skip
    out = subprocess.run(cmd, check=True, text=True, capture_output=True).stdout
    return parse_wrk(out)


def counting_overhead(env, tmp: Path, urls: dict) -> dict:
    servers = {}
    procs = []
    try:
        for label, counting in (("off", "0"), ("on", "1")):
            port = free_port()
            server_env = env | {"INSIGHTS_COUNTING": counting}
            cmd = [PYTHON, "manage.py", "serve", "--no-worker", "--port", str(port)]
            proc = start(cmd, server_env, tmp / f"server-{label}.log")
            procs.append(proc)
            servers[label] = (f"http://127.0.0.1:{port}", f"{urls['hostname']}:{port}")
            wait_for(servers[label][0] + urls["article"], servers[label][1], proc=proc)
        for base, host in servers.values():
            for _ in range(20):
                _status, headers, _body = get(base + urls["article"], host)
            assert headers.get("X-Cache") == "HIT", headers.get("X-Cache")
        before = int(manage(env, "shell", "-v0", "-c", COUNT_VIEWS, capture=True)
                     .stdout.split()[-1])  # fmt: skip
        runs: dict[str, list[dict]] = {"off": [], "on": []}
        for label in ("off", "on", "off", "on"):
            base, host = servers[label]
            print(f"wrk article, counting {label} …", flush=True)
            runs[label].append(wrk(base + urls["article"], host))
    finally:
        for proc in reversed(procs):
            stop(proc)  # SIGTERM: the counting server flushes what is left
    stored = int(manage(env, "shell", "-v0", "-c", COUNT_VIEWS, capture=True)
                 .stdout.split()[-1]) - before  # fmt: skip
    best = {k: max(v, key=lambda r: r["requests_per_s"]) for k, v in runs.items()}
    answered_on = sum(r["requests"] for r in runs["on"])
    ratio = best["on"]["requests_per_s"] / best["off"]["requests_per_s"]
    return {
        "off": best["off"],
        "on": best["on"],
        "all_runs_req_per_s": {
            k: [r["requests_per_s"] for r in v] for k, v in runs.items()
        },
        "ratio_on_to_off": round(ratio, 3),
        "overhead_percent": round((1 - ratio) * 100, 1),
        "views_answered_with_counting": answered_on,
        "views_stored": stored,
        "target_ratio": TARGET_RATIO,
    }


def rollup(env) -> dict:
    out = manage(env, "shell", "-v0", "-c", ROLLUP.format(views=VIEWS), capture=True)
    result = json.loads(out.stdout.strip().splitlines()[-1])
    result["ratio_to_reference"] = round(
        result["rollup_s"] / max(result["read_reference_s"], 1e-6), 1
    )
    return result


def script(env, name: str) -> dict:
    """Run bench/`name` in `manage.py shell`; its last line is JSON."""
    code = f"import runpy; runpy.run_path({str(HERE / name)!r})"
    out = manage(env, "shell", "-v0", "-c", code, capture=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> int:
    if "counting" in PARTS and not shutil.which("wrk"):
        print("wrk is missing: apt-get install -y wrk", file=sys.stderr)
        return 2
    tmp = Path(tempfile.mkdtemp(prefix="ratusz-bench-insights-"))
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "PAGE_"))
    }
    env.update(
        RATUSZ_VAR_DIR=str(tmp / "var"),
        STATIC_ROOT=str(tmp / "static"),
        MEDIA_ROOT=str(tmp / "var" / "media"),
        DEBUG="0",
        RATUSZ_TESTING="0",
        PAGE_CACHE_ENABLED="1",
        REDIS_URL="",
        PYTHONUNBUFFERED="1",
    )
    env.pop("DJANGO_SETTINGS_MODULE", None)
    results: dict = {}
    try:
        print(f"Preparing {tmp} …", flush=True)
        manage(env, "migrate", "--noinput", "-v0")
        manage(env, "collectstatic", "--noinput", "-v0")
        manage(env, "load_demo")
        if "counting" in PARTS:
            found = manage(env, "shell", "-v0", "-c", FIND_URLS, capture=True)
            urls = json.loads(found.stdout.strip().splitlines()[-1])
            results["counting"] = counting_overhead(env, tmp, urls)
        if "cost" in PARTS:
            print("Counting cost per view …", flush=True)
            results["counting_cost"] = script(env, "insights_cost.py")
        if "rollup" in PARTS:
            print("Roll-up on SQLite …", flush=True)
            results["rollup_sqlite"] = rollup(env)
        if "dashboard" in PARTS:
            print("Dashboard on SQLite (building three years of data) …", flush=True)
            results["dashboard_sqlite"] = script(env, "insights_dashboard.py")
        if PG_ADMIN and PARTS & {"rollup", "dashboard"}:
            psql(f"DROP DATABASE IF EXISTS {PG_DB} WITH (FORCE)")
            psql(f"CREATE DATABASE {PG_DB}")
            pg_env = env | {"DATABASE_URL": f"{PG_ADMIN}/{PG_DB}"}
            try:
                manage(pg_env, "migrate", "--noinput", "-v0")
                manage(pg_env, "load_demo")
                if "rollup" in PARTS:
                    print("Roll-up on PostgreSQL …", flush=True)
                    results["rollup_postgresql"] = rollup(pg_env)
                if "dashboard" in PARTS:
                    print("Dashboard on PostgreSQL …", flush=True)
                    results["dashboard_postgresql"] = script(
                        pg_env, "insights_dashboard.py"
                    )
            finally:
                psql(f"DROP DATABASE IF EXISTS {PG_DB} WITH (FORCE)")
    finally:
        if os.environ.get("BENCH_KEEP"):
            print(f"Kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)

    load = os.getloadavg()
    print()
    print(f"Load average: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} "
          f"({os.cpu_count()} CPUs)")  # fmt: skip
    if "counting" in results:
        counting = results["counting"]
        print(f"{'counting':<12}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}")
        for label in ("off", "on"):
            r = counting[label]
            print(f"{label:<12}{r['requests_per_s']:>9.0f}{r['p50_ms']:>9.2f}"
                  f"{r['p99_ms']:>9.2f}")  # fmt: skip
        ratio = counting["ratio_on_to_off"]
        verdict = "met" if ratio >= TARGET_RATIO else "NOT met"
        print(f"Counting on / off: {ratio:.3f} "
              f"({counting['overhead_percent']} % cost; target < 10 %: {verdict}); "
              f"{counting['views_stored']} of "
              f"{counting['views_answered_with_counting']} views stored")  # fmt: skip
    if "counting_cost" in results:
        cost = results["counting_cost"]
        for label in ("one_client", "3000_clients"):
            c = cost[label]
            print(f"Counting cost per view ({label}): hook {c['hook_us']} µs + "
                  f"flush {c['flush_us']} µs = {c['total_us']} µs CPU")  # fmt: skip
    for name in ("rollup_sqlite", "rollup_postgresql"):
        if name in results:
            r = results[name]
            verdict = "met" if r["rollup_s"] < TARGET_ROLLUP_SECONDS else "NOT met"
            print(f"{name}: {r['views']} views rolled up in {r['rollup_s']} s "
                  f"({r['ratio_to_reference']}× reading them once, "
                  f"{r['read_reference_s']} s); target < 5 s: {verdict}")  # fmt: skip

    for name in ("dashboard_sqlite", "dashboard_postgresql"):
        if name in results:
            r = results[name]
            d = r["dashboard"]
            verdict = "met" if d["median_ms"] < TARGET_DASHBOARD_MS else "NOT met"
            print(f"{name}: one year of three: median {d['median_ms']} ms, best "
                  f"{d['best_ms']} ms, first {d['first_ms']} ms, "
                  f"{r['queries']['count']} queries ({r['queries']['total_ms']} ms); "
                  f"{r['ratio_to_small_page']}× a small staff page "
                  f"({r['reference_small_page']['median_ms']} ms), "
                  f"{r['ratio_to_select_year']}× one SELECT of the year "
                  f"({r['reference_select_year']['median_ms']} ms); "
                  f"target < {TARGET_DASHBOARD_MS} ms: {verdict}")  # fmt: skip

    RESULTS.mkdir(parents=True, exist_ok=True)
    # A run of some parts only does not overwrite the whole run's file.
    every = PARTS >= {"counting", "cost", "rollup", "dashboard"}
    name = "insights.json" if every else f"insights-{'-'.join(sorted(PARTS))}.json"
    (RESULTS / name).write_text(
        json.dumps(
            {
                "when": datetime.now(UTC).isoformat(timespec="seconds"),
                "machine": {
                    "cpus": os.cpu_count(),
                    "python": platform.python_version(),
                    "load_average": load,
                },
                "parts": sorted(PARTS),
                "wrk": {
                    "threads": THREADS,
                    "connections": CONNECTIONS,
                    "duration": DURATION,
                },  # fmt: skip
                "web_workers": os.environ.get("WEB_WORKERS", "default"),
                **results,
            },
            indent=2,
            ensure_ascii=False,
        )
        + "\n"
    )
    print(f"Wrote {RESULTS / name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
