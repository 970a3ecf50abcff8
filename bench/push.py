"""Benchmark web push: one article to 10,000 browser subscriptions.

1. A fresh var dir (file SQLite, Huey's SQLite queue), migrated; a gmina with
   BENCH_SUBSCRIPTIONS (10,000) push subscriptions, each with its own ECDH key
   pair and auth secret made like a browser makes them; one article published,
   which plans the deliveries in its publish transaction (timed too).
2. A loopback push service in this process (the tests' `PushService`): it
   checks every request's VAPID JWT, TTL and encoding and decrypts the body
   with the subscriber's private key, answering 201.
3. The worker as production runs it (`manage.py run_huey`): time from its
   first message until no delivery is open, messages/s, peak RSS (VmHWM).
4. Reference in the same run: a plain loop that encrypts each message with
   pywebpush (`WebPusher.encode`, aes128gcm), signs VAPID with py-vapid and
   POSTs it with httpx over one keep-alive connection to the same service.

Prints a table and writes bench/results/push.json. Not part of `make test`.
"""

import json
import os
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402
from py_vapid import Vapid  # noqa: E402
from pywebpush import WebPusher  # noqa: E402

from bench.outbox_worker import run_worker, states  # noqa: E402
from ratusz.integrations.webpush.tests.pushservice import PushService  # noqa: E402

SUBSCRIPTIONS = int(os.environ.get("BENCH_SUBSCRIPTIONS", "10000"))
RESULTS = ROOT / "bench" / "results"

SETUP = """
import json, sys, time
import django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from ratusz.fans.models import Follower, PushSubscription
from ratusz.test import make_article, make_gmina
subscriptions = json.load(open(sys.argv[1]))
gmina = make_gmina("Gmina Zawada", hostname="localhost", is_default_site=True)
followers = Follower.objects.bulk_create(
    (Follower(gmina=gmina) for _ in subscriptions), batch_size=1000
)
PushSubscription.objects.bulk_create(
    (PushSubscription(follower=f, endpoint=s["endpoint"], p256dh=s["keys"]["p256dh"],
                      auth=s["keys"]["auth"])
     for f, s in zip(followers, subscriptions)),
    batch_size=1000,
)
start = time.perf_counter()
article = make_article(gmina, "Przerwa w dostawie wody w Kamionce",
                       lead="W czwartek od 8:00 do 14:00 nie będzie wody.")
print(json.dumps({"article": article.pk, "publish_s": time.perf_counter() - start}))
"""


def run_reference(service: PushService, subscriptions, payload: bytes) -> dict:
    vapid = Vapid()
    vapid.generate_keys()
    start = time.perf_counter()
    with httpx.Client(timeout=15) as client:
        for subscription in subscriptions:
            body = WebPusher(subscription).encode(payload, "aes128gcm")["body"]
            headers = vapid.sign(
                {"aud": service.origin, "sub": "mailto:ratusz@localhost"}
            )
            headers.update(
                {
                    "TTL": str(48 * 3600),
                    "Urgency": "normal",
                    "Content-Encoding": "aes128gcm",
                    "Content-Type": "application/octet-stream",
                }
            )
            response = client.post(
                subscription["endpoint"], content=body, headers=headers
            )
            response.raise_for_status()
    return {"sending_s": time.perf_counter() - start, "received": len(service.received)}


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="ratusz-bench-push-") as tmp:
        var = Path(tmp)
        db = var / "ratusz.sqlite3"
        with PushService() as service:
            subscriptions = [service.subscribe() for _ in range(SUBSCRIPTIONS)]
            (var / "subscriptions.json").write_text(json.dumps(subscriptions))
            inherited = {
                k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "DEBUG")
            }
            env = {
                **inherited,
                "DJANGO_SETTINGS_MODULE": "ratusz.settings",
                "RATUSZ_VAR_DIR": str(var),
                "DATABASE_URL": f"sqlite:///{db}",
                "HTTP_ALLOW_PRIVATE_HOSTS": "127.0.0.1",
                "HUEY_LOG_LEVEL": "ERROR",
            }
            setup = subprocess.run(
                [sys.executable, "-c", SETUP, str(var / "subscriptions.json")],
                cwd=ROOT,
                env=env,
                capture_output=True,
                text=True,
            )
            if setup.returncode:
                raise SystemExit(setup.stderr[-3000:])
            planned = json.loads(setup.stdout.strip().splitlines()[-1])
            worker = run_worker(env, db, lambda: len(service.received))
            final = states(db)
            problems = list(service.problems)
            payload = json.dumps(service.received[0]["payload"]).encode()
            service.received.clear()
            reference = run_reference(service, subscriptions, payload)
            problems += service.problems

    ours = SUBSCRIPTIONS / worker["sending_s"]
    ref = SUBSCRIPTIONS / reference["sending_s"]
    result = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "subscriptions": SUBSCRIPTIONS,
        "publish_and_plan_s": round(planned["publish_s"], 2),
        "worker": {k: round(v, 2) for k, v in worker.items()},
        "reference": {k: round(v, 2) for k, v in reference.items()},
        "worker_msgs_per_s": round(ours, 1),
        "reference_msgs_per_s": round(ref, 1),
        "ratio": round(ours / ref, 3),
        "final_states": final,
        "rejected_by_push_service": problems[:10],
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "push.json").write_text(json.dumps(result, indent=2))
    print(f"Web push to {SUBSCRIPTIONS} subscriptions, loopback push service")
    print(f"  publish + plan deliveries: {result['publish_and_plan_s']} s")
    print(f"  {'':22} {'msg/s':>8} {'seconds':>8} {'peak RSS':>9} {'received':>9}")
    print(
        f"  {'outbox worker':22} {ours:8.1f} {worker['sending_s']:8.1f} "
        f"{worker['peak_rss_mib']:6.0f} MiB {worker['received']:9d}"
    )
    print(
        f"  {'pywebpush+httpx loop':22} {ref:8.1f} {reference['sending_s']:8.1f} "
        f"{'':>9} {reference['received']:9d}"
    )
    print(f"  ratio worker/reference: {ours / ref:.3f}×   final states: {final}")
    if problems:
        print(f"  REJECTED by the push service: {problems[:3]}")


if __name__ == "__main__":
    main()
