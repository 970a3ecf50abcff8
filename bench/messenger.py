"""Benchmark the messenger: residents and staff connected at once, live.

For each configuration:

1. A fresh var dir, migrated, static files collected, the demo gmina
   (`load_demo`) and BENCH_STAFF (5) staff users, editors of that gmina, with
   a password set here.
2. The app as `make run` serves it (`manage.py serve`: granian with
   WEB_WORKERS (2) workers + the Huey worker) on a free loopback port, behind
   a pretend proxy: RATUSZ_TRUSTED_PROXIES=127.0.0.1 and every resident
   names its own address in X-Forwarded-For, so the per-address limits apply
   as they would in production.
3. One client process for the staff (log in through /admin/login/, inbox
   stream open, a reply through the conversation's form every 4–6 s) and
   BENCH_CLIENT_PROCS (2) processes sharing BENCH_RESIDENTS (200) residents
   (the "Napisz do urzędu" form, the conversation's stream open, a message
   every 3–6 s through the JSON path with a fresh client_id; with
   probability BENCH_RETRY_P the same submit twice) — see
   bench/messenger_client.py. Sending lasts BENCH_DURATION (60) s, the
   streams stay open BENCH_GRACE (6) s more.
4. After the run: the resident messages in the database are matched to what
   the staff streams showed (bench/messenger_stats.py) and to what the
   residents were told.

Configurations: "embedded" (SQLite, no Redis: other processes' listeners
find news by re-checking the database every live.POLL_SECONDS) and
"scaled" (PostgreSQL database `ratusz_bench` on 127.0.0.1:5432, owned by a
role of the same name limited to BENCH_PG_CONNECTIONS (60) connections so
that the shared server keeps some for others, + Redis db 14 for the channel
layer, cache and Huey, flushed at start and end). Both are set up at once,
then measured one after the other. BENCH_CONFIGS=embedded,scaled.

Reference, in the same run (BENCH_REF_DURATION, 20 s of sending): the same
client load against bench/messenger_ref.py, the same protocol without Django
(messages in a list, in-process wake-ups) on the same granian, one worker.

Prints a table, writes bench/results/messenger.json, and exits 1 when any
HTTP error, lost message or duplicate was seen.
"""

from __future__ import annotations

import json
import os
import platform
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.messenger_stats import MARKER, ratio, summarize
from bench.run import free_port, get, start, stop, wait_for

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
RESULTS = ROOT / "bench" / "results"

RESIDENTS = int(os.environ.get("BENCH_RESIDENTS", "200"))
STAFF = int(os.environ.get("BENCH_STAFF", "5"))
DURATION = float(os.environ.get("BENCH_DURATION", "60"))
REF_DURATION = float(os.environ.get("BENCH_REF_DURATION", "20"))
GRACE = float(os.environ.get("BENCH_GRACE", "6"))
CLIENT_PROCS = int(os.environ.get("BENCH_CLIENT_PROCS", "2"))
RETRY_P = float(os.environ.get("BENCH_RETRY_P", "0.05"))
CONFIGS = os.environ.get("BENCH_CONFIGS", "embedded,scaled").split(",")
WEB_WORKERS = os.environ.get("WEB_WORKERS", "2")
PG_ADMIN = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
PG_DB = "ratusz_bench"
# At most this many connections for the app (the server's max_connections is
# shared with other users of the machine).
PG_CONNECTIONS = int(os.environ.get("BENCH_PG_CONNECTIONS", "60"))
REDIS = os.environ.get("BENCH_REDIS", "redis://127.0.0.1:6379/14")

SETUP = """
import json, os, sys
import django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0, interactive=False)
call_command("collectstatic", verbosity=0, interactive=False)
from wagtail.models import Site
from ratusz.gminas import services
from ratusz.gminas.models import User
from ratusz.website.demo import loader
gmina = loader.load().gmina
Site.objects.filter(pk=gmina.site_id).update(is_default_site=True)
Site.objects.exclude(pk=gmina.site_id).update(is_default_site=False)
users = []
for n in range(int(sys.argv[1])):
    name = f"urzednik-bench-{n + 1}"
    user = User.objects.create_user(
        username=name, email=f"{name}@example.org",
        password=os.environ["BENCH_STAFF_PASSWORD"],
    )
    services.add_member(gmina, user, "editor")
    users.append(name)
print(json.dumps({"gmina_id": gmina.pk, "users": users}))
"""

DUMP = """
import json
import django
django.setup()
from ratusz.messenger.models import Conversation, Message
rows = list(
    Message.objects.filter(author=Message.Author.RESIDENT)
    .order_by("pk")
    .values_list("pk", "conversation__reference", "body", "seq")
)
by_author = {}
for author in Message.objects.values_list("author", flat=True):
    by_author[author] = by_author.get(author, 0) + 1
print(json.dumps({"rows": rows, "by_author": by_author,
                  "conversations": Conversation.objects.count()}))
"""

# Lines of a server log worth a look: tracebacks and errors.
LOG_PROBLEM = re.compile(r"Traceback|\bERROR\b|Error:|Exception|CRITICAL|\b500\b")


class Sampler:
    """Sum of RSS and CPU time over a process and all its descendants, read
    from /proc every `every` seconds; CPU of processes that ended is kept
    from their last sample."""

    def __init__(self, root_pid: int, every: float = 0.5):
        self.root = root_pid
        self.every = every
        self.peak_rss = 0
        self.peak_procs = 0
        self.cpu: dict[int, float] = {}
        self.done = threading.Event()
        self.tick = os.sysconf("SC_CLK_TCK")
        self.thread = threading.Thread(target=self.loop, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.done.set()
        self.thread.join()
        self.sample()

    def loop(self):
        while not self.done.wait(self.every):
            self.sample()

    def tree(self) -> list[int]:
        children: dict[int, list[int]] = {}
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            children.setdefault(ppid, []).append(int(entry))
        found, todo = [], [self.root]
        while todo:
            pid = todo.pop()
            found.append(pid)
            todo.extend(children.get(pid, []))
        return found

    def sample(self):
        rss = 0
        pids = self.tree()
        for pid in pids:
            try:
                status = Path(f"/proc/{pid}/status").read_text()
                stat = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            match = re.search(r"VmRSS:\s+(\d+) kB", status)
            rss += int(match.group(1)) * 1024 if match else 0
            # utime and stime: fields 14 and 15 of stat (11, 12 after the name).
            self.cpu[pid] = (int(stat[11]) + int(stat[12])) / self.tick
        self.peak_rss = max(self.peak_rss, rss)
        self.peak_procs = max(self.peak_procs, len(pids))

    def result(self) -> dict:
        return {
            "peak_rss_mib": round(self.peak_rss / 2**20, 1),
            "cpu_s": round(sum(self.cpu.values()), 1),
            "processes": self.peak_procs,
        }


def psql(sql: str):
    subprocess.run(
        ["psql", f"{PG_ADMIN}/postgres", "-v", "ON_ERROR_STOP=1", "-qc", sql],
        check=True,
        capture_output=True,
    )


def flush_redis():
    import redis

    redis.Redis.from_url(REDIS).flushdb()


def run_clients(tmp: Path, label: str, base: str, gmina_id, users, password, duration):
    """Start the staff client, then the resident clients; let them go; return
    their results and the time the load started and ended."""
    procs = []
    common = {
        "base": base,
        "prefix": "",
        "gmina_id": gmina_id,
        "interval": [3.0, 6.0],
        "reply_every": [4.0, 6.0],
        "retry_p": RETRY_P,
        "setup_concurrency": 20,
    }
    configs = [
        common | {"role": "staff", "proc": "s", "users": [[u, password] for u in users]}
    ]
    per = -(-RESIDENTS // CLIENT_PROCS)
    for n in range(CLIENT_PROCS):
        count = min(per, RESIDENTS - n * per)
        if count > 0:
            configs.append(
                common
                | {"role": "residents", "proc": str(n), "count": count}
                | {"offset": n * per}
            )
    began = time.monotonic()
    try:
        for n, config in enumerate(configs):
            config["result"] = str(tmp / f"{label}-client-{n}.json")
            log = open(tmp / f"{label}-client-{n}.log", "wb")
            client = str(ROOT / "bench" / "messenger_client.py")
            proc = subprocess.Popen(
                [PYTHON, client, json.dumps(config)],
                cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=log,
                text=True, start_new_session=True,
            )  # fmt: skip
            procs.append(proc)
            if n == 0:  # the staff streams are open before anybody writes
                wait_ready(proc, tmp / f"{label}-client-{n}.log")
        for n, proc in enumerate(procs[1:], 1):
            wait_ready(proc, tmp / f"{label}-client-{n}.log")
        print(
            f"  {label}: clients ready in {time.monotonic() - began:.0f} s; "
            f"sending for {duration:.0f} s",
            flush=True,
        )
        go = time.monotonic() + 0.2
        end, halt = go + duration, go + duration + GRACE
        for proc in procs:
            proc.stdin.write(f"go {end} {halt}\n")
            proc.stdin.flush()
        for n, proc in enumerate(procs):
            code = proc.wait(timeout=max(halt - time.monotonic(), 0) + 90)
            if code != 0:
                log = (tmp / f"{label}-client-{n}.log").read_text()[-3000:]
                raise RuntimeError(f"client {n} exited with {code}:\n{log}")
        return [json.loads(Path(c["result"]).read_text()) for c in configs], go, end
    finally:
        for proc in procs:
            stop(proc)


def wait_ready(proc, log: Path, timeout=300.0):
    deadline = time.monotonic() + timeout
    line = proc.stdout.readline()
    if line.strip() != "ready" or time.monotonic() > deadline:
        raise RuntimeError(f"client did not get ready:\n{log.read_text()[-3000:]}")


def log_problems(log: Path) -> list[str]:
    lines = log.read_text(errors="replace").splitlines() if log.exists() else []
    return [line for line in lines if LOG_PROBLEM.search(line)]


def measure(label, tmp, server_cmd, env, base, gmina_id, users, password, duration,
            dump):  # fmt: skip
    log = tmp / f"{label}-server.log"
    server = start(server_cmd, env, log)
    try:
        wait_for(base + "/napisz/", None, timeout=90, proc=server)
        with Sampler(server.pid) as sampler:
            print(f"  {label}: clients connecting …", flush=True)
            clients, go, end = run_clients(
                tmp, label, base, gmina_id, users, password, duration
            )
        stored_raw = dump()
    finally:
        stop(server)
    merged = {
        key: [x for c in clients for x in c[key]]
        for key in ("sends", "retries", "replies", "errors")
    }
    reply_seen: dict[str, float] = {}
    for c in clients:
        for marker, when in c["reply_seen"].items():
            reply_seen[marker] = min(when, reply_seen.get(marker, when))
    stored = []
    for pk, ref, body, seq in stored_raw["rows"]:
        match = MARKER.search(body)
        marker = match.group(1) if match else ""
        stored.append({"id": pk, "ref": ref, "marker": marker, "seq": seq})
    result = summarize(
        sends=merged["sends"],
        retries=merged["retries"],
        staff_streams=[s for c in clients for s in c["staff_streams"]],
        replies=merged["replies"],
        reply_seen=reply_seen,
        stored=stored,
        errors=merged["errors"],
    )
    acks = sorted(s["ack_s"] for s in merged["sends"] if s.get("ack_s") is not None)
    problems = log_problems(log)
    result |= {
        "seconds_of_sending": duration,
        "messages_per_s": round(result["messages_sent"] / duration, 1),
        "post_ack_p50_ms": round(acks[len(acks) // 2] * 1000, 1) if acks else None,
        "stream_reconnects": sum(c["reconnects"] for c in clients),
        "stored_by_author": stored_raw.get("by_author"),
        "server": sampler.result(),
        "server_log_problems": len(problems),
        "server_log_samples": problems[:20],
    }
    return result


def django_dump(env):
    def dump():
        out = subprocess.run(
            [PYTHON, "-c", DUMP], cwd=ROOT, env=env, check=True, text=True,
            capture_output=True,
        ).stdout  # fmt: skip
        return json.loads(out.strip().splitlines()[-1])

    return dump


def config_env(name, tmp: Path, password: str) -> dict:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DATABASE_", "PAGE_", "REDIS_", "MESSENGER_"))
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    var = tmp / name / "var"
    env.update(
        DJANGO_SETTINGS_MODULE="ratusz.settings",
        RATUSZ_VAR_DIR=str(var),
        STATIC_ROOT=str(tmp / name / "static"),
        MEDIA_ROOT=str(var / "media"),
        DEBUG="0",
        RATUSZ_TESTING="0",
        PAGE_CACHE_ENABLED="1",
        PYTHONUNBUFFERED="1",
        WEB_WORKERS=WEB_WORKERS,
        # A proxy in front names each resident's address.
        RATUSZ_TRUSTED_PROXIES="127.0.0.1",
        BENCH_STAFF_PASSWORD=password,
        REDIS_URL="",
    )
    if RESIDENTS > 250:  # one new conversation per resident within the hour
        env["MESSENGER_RATE_PER_GMINA"] = str(RESIDENTS + 50)
    if name == "scaled":
        user_url = PG_ADMIN.replace("//postgres@", f"//{PG_DB}@", 1)
        env.update(DATABASE_URL=f"{user_url}/{PG_DB}", REDIS_URL=REDIS)
    return env


def create_pg():
    """The scaled database, owned by a role that may hold at most
    PG_CONNECTIONS connections: the PostgreSQL server is shared, and an app
    that runs out of connections must not take other users' with it
    (superusers are exempt from the limit, so the app is not one)."""
    drop_pg()
    psql(f"CREATE ROLE {PG_DB} LOGIN CONNECTION LIMIT {PG_CONNECTIONS}")
    psql(f"CREATE DATABASE {PG_DB} OWNER {PG_DB}")
    flush_redis()


def drop_pg():
    psql(f"DROP DATABASE IF EXISTS {PG_DB} WITH (FORCE)")
    psql(f"DROP ROLE IF EXISTS {PG_DB}")


def prepare(names, tmp: Path) -> dict:
    """Migrate and seed every configuration at once (nothing is measured yet)."""
    started = time.monotonic()
    jobs = {}
    for name in names:
        password = secrets.token_urlsafe(12)
        env = config_env(name, tmp, password)
        print(f"{name}: preparing {env['RATUSZ_VAR_DIR']} …", flush=True)
        jobs[name] = (
            env,
            password,
            subprocess.Popen(
                [PYTHON, "-c", SETUP, str(STAFF)], cwd=ROOT, env=env, text=True,
                stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            ),
        )  # fmt: skip
    prepared = {}
    for name, (env, password, proc) in jobs.items():
        out, err = proc.communicate()
        if proc.returncode != 0:
            raise RuntimeError(f"{name}: set-up failed:\n{err[-3000:]}")
        setup = json.loads(out.strip().splitlines()[-1])
        prepared[name] = {"env": env, "password": password, **setup}
    print(f"  set up in {time.monotonic() - started:.0f} s", flush=True)
    return prepared


def run_config(name, tmp: Path, prepared: dict) -> dict:
    env = prepared["env"]
    port = free_port()
    server_cmd = [PYTHON, "manage.py", "serve", "--port", str(port)]
    return measure(
        name, tmp, server_cmd, env, f"http://127.0.0.1:{port}",
        prepared["gmina_id"], prepared["users"], prepared["password"], DURATION,
        django_dump(env),
    ) | {"database": "postgresql" if name == "scaled" else "sqlite",
         "redis": name == "scaled", "web_workers": WEB_WORKERS}  # fmt: skip


def run_reference(tmp: Path) -> dict:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server_cmd = [
        PYTHON, "-m", "granian", "--interface", "asgi", "--host", "127.0.0.1",
        "--port", str(port), "--workers", "1", "--log-level", "warning",
        "bench.messenger_ref:app",
    ]  # fmt: skip
    env = dict(os.environ, PYTHONUNBUFFERED="1")

    def dump():
        _status, _headers, body = get(base + "/bench-dump/")
        rows = [
            (m["id"], m["ref"], m["body"], m["id"])
            for m in json.loads(body)
            if m["author"] == "resident"
        ]
        return {"rows": rows}

    print("reference: bench/messenger_ref.py on granian, 1 worker", flush=True)
    return measure(
        "reference", tmp, server_cmd, env, base, 1, [f"ref{n}" for n in range(STAFF)],
        "-", REF_DURATION, dump,
    ) | {"web_workers": "1"}  # fmt: skip


def failures(result: dict) -> int:
    return (
        result["http_errors"]
        + result["lost"]
        + result["duplicates"]
        + result["replies_lost"]
    )


def print_table(results: dict):
    names = list(results)
    width = 14

    def row(label, fn):
        cells = []
        for name in names:
            try:
                value = fn(results[name])
            except (KeyError, TypeError):
                value = None
            cells.append("–" if value is None else str(value))
        print(f"{label:<34}" + "".join(f"{c:>{width}}" for c in cells))

    print()
    print(f"{'':<34}" + "".join(f"{n:>{width}}" for n in names))
    row("messages sent / acknowledged", lambda r: f"{r['messages_sent']}/"
        f"{r['messages_acknowledged']}")  # fmt: skip
    row("messages per second", lambda r: r["messages_per_s"])
    row("POST answered p50 ms", lambda r: r["post_ack_p50_ms"])
    for p in ("p50", "p95", "p99", "max"):
        row(f"message → inbox {p} ms", lambda r, p=p: r["message_to_inbox"][f"{p}_ms"])
    row("  ratio to reference p50", lambda r: r.get("ratio_p50"))
    row("  ratio to reference p99", lambda r: r.get("ratio_p99"))
    row("replies sent / seen by resident", lambda r: f"{r['replies_sent']}/"
        f"{r['replies_seen_by_resident']}")  # fmt: skip
    row("reply → resident p50 ms", lambda r: r["reply_to_resident"]["p50_ms"])
    row("reply → resident p99 ms", lambda r: r["reply_to_resident"]["p99_ms"])
    row("HTTP errors", lambda r: r["http_errors"])
    row("messages lost (+ replies lost)", lambda r: f"{r['lost']}+{r['replies_lost']}")
    row("duplicates (retried submits)", lambda r: f"{r['duplicates']} "
        f"({r['retried_submits']})")  # fmt: skip
    row("server peak RSS MiB", lambda r: r["server"]["peak_rss_mib"])
    row("server CPU s", lambda r: r["server"]["cpu_s"])
    row("server processes", lambda r: r["server"]["processes"])
    row("server log errors", lambda r: r["server_log_problems"])


def main() -> int:
    tmp = Path(tempfile.mkdtemp(prefix="ratusz-bench-messenger-"))
    results: dict[str, dict] = {}
    began = time.monotonic()
    load = os.getloadavg()[0]
    if load > (os.cpu_count() or 1) / 2:
        print(f"Note: load average {load:.1f} before the run (other processes).")
    names = [name.strip() for name in CONFIGS]
    try:
        if "scaled" in names:
            create_pg()
        prepared = prepare(names, tmp)
        for name in names:
            results[name] = run_config(name, tmp, prepared[name])
        results["reference"] = run_reference(tmp)
    finally:
        if "scaled" in names:
            flush_redis()
            drop_pg()
        if os.environ.get("BENCH_KEEP"):
            print(f"Kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    reference = results["reference"]["message_to_inbox"]
    for name in names:
        ours = results[name]["message_to_inbox"]
        results[name]["ratio_p50"] = ratio(ours["p50_ms"], reference["p50_ms"])
        results[name]["ratio_p99"] = ratio(ours["p99_ms"], reference["p99_ms"])
    print_table(results)
    for name, result in results.items():
        for line in result["server_log_samples"][:5]:
            print(f"  {name} server log: {line[:200]}")
        for error in result["http_error_samples"][:5]:
            print(f"  {name} HTTP error: {error}")
    failed = {name: failures(r) for name, r in results.items()}
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / "messenger.json"
    out.write_text(
        json.dumps(
            {
                "when": datetime.now(UTC).isoformat(timespec="seconds"),
                "machine": {
                    "cpus": os.cpu_count(),
                    "python": platform.python_version(),
                    # Clients and server share the cores: read ratios with this.
                    "load_average": os.getloadavg(),
                },
                "load": {
                    "residents": RESIDENTS,
                    "staff": STAFF,
                    "client_processes": CLIENT_PROCS + 1,
                    "message_every_s": [3, 6],
                    "staff_reply_every_s": [4, 6],
                    "retry_probability": RETRY_P,
                    "duration_s": DURATION,
                    "reference_duration_s": REF_DURATION,
                    "grace_s": GRACE,
                },
                "total_s": round(time.monotonic() - began, 1),
                "results": results,
                "failed": failed,
            },
            indent=2,
            ensure_ascii=False,
        )
        + "\n"
    )
    print(f"\nWrote {out} ({time.monotonic() - began:.0f} s in all)")
    if any(failed.values()):
        print(f"FAILED: errors, lost or duplicate messages: {failed}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
