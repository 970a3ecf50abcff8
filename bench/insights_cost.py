"""What counting one view costs the server's CPU, deterministically.

Run by `bench/insights.py` inside `manage.py shell` (Django set up, the demo
gmina loaded); prints one JSON line. No server and no wrk: the real hit
hook (`counting.count_cached_view`, what the page cache calls for a HIT) is
called for prepared ASGI scopes of a browser's request, and the real flush
(`buffer.flush`: attribution, visitor hash, one insert) writes them, in
batches of `BATCH` views (about a busy second's). Reported per view, in µs
of this process's CPU time (`time.process_time`, which another process's
load does not add to), the best of `ROUNDS` rounds, for two kinds of
traffic: one client (what wrk sends: the flush works out its visitor once
per batch) and 3,000 clients with five browsers (every view a new visitor
key more often than not).

The views are real: each is stored, and the rows are deleted afterwards.
"""

import json
import os
import random
import time

from django.conf import settings

from ratusz.gminas.models import Gmina
from ratusz.insights import counting
from ratusz.insights.buffer import buffer
from ratusz.insights.models import ViewEvent

VIEWS = int(os.environ.get("BENCH_COST_VIEWS", "100000"))
BATCH = 2_000
ROUNDS = 3
BROWSERS = [
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (Linux; Android 14; SM-A546B) AppleWebKit/537.36 (KHTML, like "
    "Gecko) Chrome/130.0.0.0 Mobile Safari/537.36",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0",
    "Mozilla/5.0 (iPad; CPU OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, "
    "like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
]


def scopes(host: bytes, path: str, clients: int) -> list[dict]:
    rng = random.Random(5)
    result = []
    for i in range(VIEWS):
        client = rng.randrange(clients)
        headers = [
            (b"host", host),
            (b"user-agent", BROWSERS[client % len(BROWSERS)].encode()),
            (b"accept", b"text/html,application/xhtml+xml,*/*;q=0.8"),
            (b"accept-language", b"pl-PL,pl;q=0.9,en;q=0.8"),
            (b"accept-encoding", b"gzip, deflate, br"),
            (b"sec-fetch-dest", b"document"),
            (b"sec-fetch-mode", b"navigate"),
            (b"sec-fetch-site", b"cross-site"),
            (b"upgrade-insecure-requests", b"1"),
        ]
        if i % 3 == 0:
            headers.append((b"referer", b"https://www.google.com/"))
        address = f"10.{client // 65536 % 256}.{client // 256 % 256}.{client % 256}"
        result.append(
            {
                "type": "http",
                "method": "GET",
                "path": path,
                "query_string": b"",
                "headers": headers,
                "client": (address, 40000 + i % 20000),
            }
        )
    return result


def measure(prepared: list[dict], page_id: int) -> dict:
    best_hook = best_flush = float("inf")
    stored = 0
    for _ in range(ROUNDS):
        hook = flush = 0.0
        stored = 0
        for start in range(0, len(prepared), BATCH):
            batch = prepared[start : start + BATCH]
            t = time.process_time()
            for scope in batch:
                counting.count_cached_view(
                    scope=scope, key="", status="HIT", page_id=page_id
                )
            hook += time.process_time() - t
            t = time.process_time()
            stored += buffer.flush()
            flush += time.process_time() - t
        best_hook = min(best_hook, hook)
        best_flush = min(best_flush, flush)
    per_view = 1e6 / len(prepared)
    return {
        "hook_us": round(best_hook * per_view, 2),
        "flush_us": round(best_flush * per_view, 2),
        "total_us": round((best_hook + best_flush) * per_view, 2),
        "stored_per_round": stored,
    }


def main():
    # No flushing thread: this process flushes by hand, timed.
    settings.INSIGHTS_FLUSH_SECONDS = 0
    settings.INSIGHTS_COUNTING = True
    gmina = Gmina.objects.select_related("site").order_by("pk").first()
    host = gmina.site.hostname.encode()
    page_id = gmina.site.root_page_id
    buffer.flush()
    last = ViewEvent.objects.order_by("-pk").values_list("pk", flat=True).first()
    result = {"views": VIEWS, "batch": BATCH, "rounds": ROUNDS}
    for label, clients in (("one_client", 1), ("3000_clients", 3000)):
        result[label] = measure(scopes(host, "/aktualnosci/", clients), page_id)
    ViewEvent.objects.filter(pk__gt=last or 0).delete()
    print(json.dumps(result))


main()
