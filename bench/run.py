"""Benchmark published pages as `make run` serves them, against nginx.

1. Make a fresh var dir (SQLite database, page cache, static files), migrate,
   load the demo gmina (or ~45 articles when there is no `load_demo`).
2. Start the app as `make run` does (`manage.py serve`, or granian with the
   same flags when that command does not exist) on a free loopback port, and
   nginx (`worker_processes auto`) serving the same HTML as static files.
3. Warm up, then run wrk (2 threads, 32 connections, 10 s by default) against
   the static copy, the article page, the news list and a search.
4. Print req/s, p50, p99 and the ratio to nginx; write bench/results/latest.json.

Everything started is stopped at the end, also on failure or Ctrl-C.

Environment: BENCH_DURATION (10s), BENCH_THREADS (2), BENCH_CONNECTIONS (32),
WEB_WORKERS (passed to the server as `make run` would), BENCH_KEEP=1 keeps
the temporary directory.
"""

import json
import os
import platform
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
RESULTS = ROOT / "bench" / "results"
TARGET_RATIO = 0.3

DURATION = os.environ.get("BENCH_DURATION", "10s")
THREADS = os.environ.get("BENCH_THREADS", "2")
CONNECTIONS = os.environ.get("BENCH_CONNECTIONS", "32")

SEED_ARTICLES = """
from ratusz.test import make_article, make_gmina
from ratusz.gminas.models import Gmina
if not Gmina.objects.exists():
    gmina = make_gmina("Gmina Zawada", hostname="localhost", is_default_site=True)
    words = ["droga", "szkoła", "zebranie", "dożynki", "remont", "wodociąg"]
    for i in range(45):
        w = words[i % len(words)]
        make_article(
            gmina,
            f"Aktualność {i}: {w} w gminie",
            body="<p>" + " ".join([f"Treść o temacie {w}."] * 40) + "</p>",
            lead=f"Krótko o temacie {w}.",
            days_ago=i,
            tags=[w],
        )
"""

FIND_URLS = """
import json
from wagtail.models import Site
from ratusz.website.models import ArticlePage, NewsIndexPage
site = Site.objects.get(is_default_site=True)
root = site.root_page
article = ArticlePage.objects.live().descendant_of(root).order_by("-date").first()
news = NewsIndexPage.objects.live().descendant_of(root).first()
print(json.dumps({
    "hostname": site.hostname,
    "article": article.get_url_parts()[2],
    "news": news.get_url_parts()[2],
    "word": (article.title.split() or ["gmina"])[-1],
}))
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def manage(env, *args, capture=False):
    return subprocess.run(
        [PYTHON, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        text=True,
        stdout=subprocess.PIPE if capture else None,
    )


def commands(env) -> set[str]:
    out = manage(env, "help", "--commands", capture=True).stdout
    return set(out.split())


def wait_for(url, host, timeout=60.0, proc=None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"{url}: server exited with {proc.returncode}")
        try:
            get(url, host)
            return
        except (urllib.error.URLError, ConnectionError, OSError):
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer within {timeout}s")


def get(url, host=None):
    request = urllib.request.Request(url, headers={"Host": host} if host else {})
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.status, response.headers, response.read()


def start(cmd, env, log: Path) -> subprocess.Popen:
    out = open(log, "wb")
    return subprocess.Popen(
        cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
        start_new_session=True,
    )  # fmt: skip


def stop(proc: subprocess.Popen | None):
    if proc is None or proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    except ProcessLookupError:
        pass


NGINX_CONF = """
worker_processes auto;
daemon off;
pid {tmp}/nginx.pid;
error_log {tmp}/nginx-error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 100000;
    client_body_temp_path {tmp}/nginx-body;
    proxy_temp_path {tmp}/nginx-proxy;
    fastcgi_temp_path {tmp}/nginx-fastcgi;
    uwsgi_temp_path {tmp}/nginx-uwsgi;
    scgi_temp_path {tmp}/nginx-scgi;
    types {{ text/html html; }}
    server {{
        listen 127.0.0.1:{port};
        root {root};
        location / {{ try_files $uri $uri/index.html =404; }}
    }}
}}
"""


def parse_duration(text: str) -> float:
    """Return wrk's latency text ("812.00us", "1.23ms", "2.01s") in ms."""
    m = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text)
    if not m:
        raise ValueError(text)
    value, unit = float(m.group(1)), m.group(2)
    return value * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]


def parse_wrk(output: str) -> dict:
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    pct = dict(re.findall(r"^\s+(\d+)%\s+(\S+)\s*$", output, re.M))
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    errors = re.search(r"Socket errors: (.*)", output)
    total = re.search(r"(\d+) requests in [^,]+, ([\d.]+)([KMG]?B) read", output)
    return {
        "requests_per_s": rps,
        "p50_ms": parse_duration(pct["50"]),
        "p99_ms": parse_duration(pct["99"]),
        "requests": int(total.group(1)),
        "bytes_per_response": round(
            float(total.group(2))
            * {"B": 1, "KB": 1024, "MB": 1024**2, "GB": 1024**3}[total.group(3)]
            / max(int(total.group(1)), 1)
        ),
        "non_2xx": int(non2xx.group(1)) if non2xx else 0,
        "socket_errors": errors.group(1).strip() if errors else "",
    }


def wrk(url, host=None) -> dict:
    cmd = ["wrk", f"-t{THREADS}", f"-c{CONNECTIONS}", f"-d{DURATION}", "--latency"]
    if host:
        cmd += ["-H", f"Host: {host}"]
    out = subprocess.run(cmd + [url], check=True, text=True, capture_output=True).stdout
    try:
        return parse_wrk(out)
    except (AttributeError, KeyError, ValueError):
        raise RuntimeError(f"Unexpected wrk output:\n{out}") from None


@contextmanager
def staling(entries: Path, every: float):
    """Mark every cached entry stale (as an edit does) every `every` seconds."""
    done = threading.Event()
    count = [0]

    def loop():
        while not done.wait(every):
            for path in entries.glob("*.page"):
                os.utime(path, (0, 0))
            count[0] += 1

    thread = threading.Thread(target=loop, daemon=True)
    thread.start()
    try:
        yield count
    finally:
        done.set()
        thread.join()


def main() -> int:
    for tool in ("wrk", "nginx"):
        if not shutil.which(tool) and not Path(f"/usr/sbin/{tool}").exists():
            print(f"{tool} is missing: apt-get install -y {tool}", file=sys.stderr)
            return 2
    tmp = Path(tempfile.mkdtemp(prefix="ratusz-bench-"))
    tmp.chmod(0o755)  # nginx workers run as an unprivileged user
    procs: list[subprocess.Popen] = []
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
    try:
        print(f"Preparing {tmp} …", flush=True)
        manage(env, "migrate", "--noinput", "-v0")
        manage(env, "collectstatic", "--noinput", "-v0")
        available = commands(env)
        if "load_demo" in available:
            manage(env, "load_demo")
            seeded = "load_demo"
        else:
            manage(env, "shell", "-c", SEED_ARTICLES)
            seeded = "45 articles (ratusz.test helpers)"
        found = manage(env, "shell", "-v0", "-c", FIND_URLS, capture=True).stdout
        urls = json.loads(found.strip().splitlines()[-1])

        app_port, nginx_port = free_port(), free_port()
        if "serve" in available:
            server_cmd = [PYTHON, "manage.py", "serve", "--port", str(app_port)]
        else:
            server_cmd = [
                str(Path(PYTHON).parent / "granian"),
                "--interface", "asgi", "ratusz.asgi:application",
                "--host", "127.0.0.1", "--port", str(app_port),
                "--workers", os.environ.get("WEB_WORKERS", "1"),
            ]  # fmt: skip
        app = start(server_cmd, env, tmp / "server.log")
        procs.append(app)
        host = f"{urls['hostname']}:{app_port}"
        base = f"http://127.0.0.1:{app_port}"
        wait_for(base + urls["article"], host, proc=app)

        # The same HTML, saved as static files for nginx.
        site_root = tmp / "nginx-root"
        pages = {"article": urls["article"], "news": urls["news"]}
        for path in pages.values():
            _status, _headers, body = get(base + path, host)
            target = site_root / path.strip("/") / "index.html"
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(body)
        for d in site_root.rglob("*"):
            d.chmod(0o755 if d.is_dir() else 0o644)
        site_root.chmod(0o755)
        conf = tmp / "nginx.conf"
        conf.write_text(NGINX_CONF.format(tmp=tmp, port=nginx_port, root=site_root))
        nginx = start(
            ["nginx", "-c", str(conf), "-p", str(tmp)], env, tmp / "nginx.log"
        )
        procs.append(nginx)
        nginx_base = f"http://127.0.0.1:{nginx_port}"
        wait_for(nginx_base + urls["article"], None, proc=nginx)

        search = f"/szukaj/?q={urllib.request.quote(urls['word'])}"
        targets = [
            ("nginx static article", nginx_base + urls["article"], None),
            ("article page", base + urls["article"], host),
            ("news list", base + urls["news"], host),
            ("search", base + search, host),
            # Measured again last: the machine's load drifts during a run
            # (other processes), and the better nginx figure is the reference.
            ("nginx static article (again)", nginx_base + urls["article"], None),
        ]
        cache_states = {}
        for label, url, h in targets:
            for _ in range(20):
                _status, headers, _body = get(url, h)
            cache_states[label] = headers.get("X-Cache", "-")
        # A short run to warm every worker and connection path.
        warm = ["wrk", "-t2", "-c32", "-d2s", "-H", f"Host: {host}"]
        subprocess.run(warm + [base + urls["article"]], check=True, capture_output=True)
        nginx_warm = warm[:-2] + [nginx_base + urls["article"]]
        subprocess.run(nginx_warm, check=True, capture_output=True)

        results = {}
        for label, url, h in targets:
            print(f"wrk {label} …", flush=True)
            state = cache_states.get(label, "-")
            results[label] = wrk(url, h) | {"url": url, "x_cache": state}
        # The same page while an "edit" marks it stale every 0.5 s: one request
        # rebuilds, the others get the stale copy, so p99 should stay low.
        label = "article page, stale every 0.5 s"
        print(f"wrk {label} …", flush=True)
        with staling(tmp / "var" / "pagecache" / "entries", 0.5) as stale_marks:
            results[label] = wrk(base + urls["article"], host) | {
                "url": base + urls["article"],
                "x_cache": "HIT/STALE/MISS",
            }
        results[label]["times_marked_stale"] = stale_marks[0]
        reference = max(
            results[label]["requests_per_s"]
            for label in ("nginx static article", "nginx static article (again)")
        )
        for r in results.values():
            r["ratio_to_nginx"] = round(r["requests_per_s"] / reference, 3)

        print()
        columns = ("req/s", "p50 ms", "p99 ms", "× nginx")
        print(f"{'target':<30}" + "".join(f"{c:>9}" for c in columns) + "  X-Cache")
        for label, r in results.items():
            print(
                f"{label:<30}{r['requests_per_s']:>9.0f}{r['p50_ms']:>9.2f}"
                f"{r['p99_ms']:>9.2f}{r['ratio_to_nginx']:>9.3f}  {r['x_cache']}"
            )
        article_ratio = results["article page"]["ratio_to_nginx"]
        verdict = "met" if article_ratio >= TARGET_RATIO else "NOT met"
        print(f"\nArticle page: {article_ratio:.3f}× nginx", end=" ")
        print(f"(target {TARGET_RATIO}×: {verdict})")

        RESULTS.mkdir(parents=True, exist_ok=True)
        (RESULTS / "latest.json").write_text(
            json.dumps(
                {
                    "when": datetime.now(UTC).isoformat(timespec="seconds"),
                    "machine": {
                        "cpus": os.cpu_count(),
                        "python": platform.python_version(),
                        # Other processes share the 2 cores: read ratios with this.
                        "load_average": os.getloadavg(),
                    },
                    "wrk": {
                        "threads": THREADS,
                        "connections": CONNECTIONS,
                        "duration": DURATION,
                    },
                    "server": server_cmd[1:] if "serve" in available else server_cmd,
                    "web_workers": os.environ.get("WEB_WORKERS", "default"),
                    "data": seeded,
                    "target_ratio": TARGET_RATIO,
                    "article_ratio": article_ratio,
                    "results": results,
                },
                indent=2,
                ensure_ascii=False,
            )
            + "\n"
        )  # fmt: skip
        print(f"Wrote {RESULTS / 'latest.json'}")
        return 0
    finally:
        for proc in reversed(procs):
            stop(proc)
        if os.environ.get("BENCH_KEEP"):
            print(f"Kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
