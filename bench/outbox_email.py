"""Benchmark the outbox: one article to 10,000 e-mail followers.

1. A fresh var dir (file SQLite, Huey's SQLite queue), migrated; a gmina with
   BENCH_FOLLOWERS (10,000) e-mail followers; one article published, which
   plans the deliveries in its publish transaction (timed too).
2. A real SMTP server on loopback (aiosmtpd, in this process).
3. The worker as production runs it (`manage.py run_huey`): time from its
   start until no delivery is open, messages/s, and its peak RSS (VmHWM).
4. Reference in the same run: a bare smtplib loop sending the same number of
   messages (copies of one the worker sent, with their own To and
   Message-ID) over one connection to the same server.

Prints a table and writes bench/results/outbox_email.json.
"""

import json
import os
import smtplib
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from email.policy import SMTP as SMTP_POLICY
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ratusz.settings")

from bench.outbox_worker import run_worker, states  # noqa: E402
from ratusz.testing.smtp import SmtpSink  # noqa: E402

FOLLOWERS = int(os.environ.get("BENCH_FOLLOWERS", "10000"))
RESULTS = ROOT / "bench" / "results"

SETUP = """
import json, sys, time
import django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from ratusz.fans.models import Follower
from ratusz.test import make_article, make_gmina
gmina = make_gmina("Gmina Zawada", hostname="localhost", is_default_site=True)
Follower.objects.bulk_create(
    (Follower(gmina=gmina, email=f"mieszkaniec{n}@example.org", email_state="active")
     for n in range(int(sys.argv[1]))),
    batch_size=1000,
)
start = time.perf_counter()
article = make_article(gmina, "Przerwa w dostawie wody w Kamionce",
                       lead="W czwartek od 8:00 do 14:00 nie będzie wody.")
print(json.dumps({"article": article.pk, "publish_s": time.perf_counter() - start}))
"""


def run_reference(sink: SmtpSink, template) -> dict:
    raw = template.as_bytes(policy=SMTP_POLICY)
    start = time.perf_counter()
    with smtplib.SMTP(sink.host, sink.port) as smtp:
        for n in range(FOLLOWERS):
            to = f"mieszkaniec{n}@example.org"
            body = raw.replace(
                template["Message-ID"].encode(), f"<ref-{n}@localhost>".encode()
            ).replace(template["To"].encode(), to.encode())
            smtp.sendmail("ratusz@localhost", [to], body)
    return {"sending_s": time.perf_counter() - start, "received": len(sink.messages)}


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="ratusz-bench-email-") as tmp:
        var = Path(tmp)
        db = var / "ratusz.sqlite3"
        with SmtpSink() as sink:
            inherited = {
                k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "DEBUG")
            }
            env = {
                **inherited,
                "DJANGO_SETTINGS_MODULE": "ratusz.settings",
                "RATUSZ_VAR_DIR": str(var),
                "DATABASE_URL": f"sqlite:///{db}",
                "EMAIL_HOST": sink.host,
                "EMAIL_PORT": str(sink.port),
                "HUEY_LOG_LEVEL": "ERROR",
            }
            setup = subprocess.run(
                [sys.executable, "-c", SETUP, str(FOLLOWERS)],
                cwd=ROOT,
                env=env,
                capture_output=True,
                text=True,
                check=True,
            )
            planned = json.loads(setup.stdout.strip().splitlines()[-1])
            worker = run_worker(env, db, lambda: len(sink.messages))
            final = states(db)
            template = sink.messages[0]
            sink.messages.clear()
            reference = run_reference(sink, template)

    ours = FOLLOWERS / worker["sending_s"]
    ref = FOLLOWERS / reference["sending_s"]
    result = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "followers": FOLLOWERS,
        "publish_and_plan_s": round(planned["publish_s"], 2),
        "worker": {k: round(v, 2) for k, v in worker.items()},
        "worker_msgs_per_s": round(ours, 1),
        "reference_msgs_per_s": round(ref, 1),
        "ratio": round(ours / ref, 3),
        "final_states": final,
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "outbox_email.json").write_text(json.dumps(result, indent=2))
    print(f"E-mail to {FOLLOWERS} followers via aiosmtpd on loopback")
    print(f"  publish + plan deliveries: {result['publish_and_plan_s']} s")
    print(
        f"  outbox worker:  {ours:8.1f} msg/s  "
        f"(first to last {worker['sending_s']:.1f} s, "
        f"with start-up {worker['total_s']:.1f} s)"
        f"  peak RSS {worker['peak_rss_mib']:.0f} MiB"
    )
    print(f"  bare smtplib:   {ref:8.1f} msg/s  (one connection)")
    print(f"  ratio:          {ours / ref:.3f}×   final states: {final}")


if __name__ == "__main__":
    main()
