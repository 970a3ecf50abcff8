"""How long the staff dashboard takes for a one-year range with three years
of history (issue 12: under 300 ms): about 5 million views as roll-ups
(300 pages read a day) plus today's 4,500 raw views.

Not part of the suite (timings depend on the machine); run it explicitly:

    DATABASE_URL= .venv/bin/python -m pytest -q -s \\
        ratusz/insights/tests/bench_dashboard.py
"""

import statistics
import sys
import time
from datetime import datetime, timedelta

from django.urls import reverse
from django.utils import timezone

from ratusz.fans.models import FanCount
from ratusz.insights import dashboard
from ratusz.insights.models import DailyStat, NetworkDaily, ViewEvent
from ratusz.test import BaseTestCase

DAYS = 3 * 365
PAGES = 300
VIEWS_A_DAY = 4500


def _history(gmina, today):
    rows = []
    for n in range(1, DAYS + 1):
        day = today - timedelta(days=n)

        def add(dimension, key, views, visitors, day=day):
            rows.append(
                DailyStat(
                    gmina=gmina,
                    day=day,
                    dimension=dimension,
                    key=key,
                    views=views,
                    visitors=visitors,
                )
            )

        add("site", "", VIEWS_A_DAY, 1500)
        for source in ("facebook", "search", "direct", "email", "sms"):
            add("source", source, VIEWS_A_DAY // 5, 300)
        for device in ("phone", "desktop", "tablet"):
            add("device", device, VIEWS_A_DAY // 3, 500)
        for hour in range(24):
            add("hour", f"{hour:02d}", VIEWS_A_DAY // 24, 60)
        for page in range(PAGES):
            add("page", str(100_000 + page), VIEWS_A_DAY // PAGES, 10)
        NetworkDaily(gmina=gmina, network="facebook", metric="reach", day=day)
        if len(rows) > 50_000:
            DailyStat.objects.bulk_create(rows)
            rows.clear()
    DailyStat.objects.bulk_create(rows)
    NetworkDaily.objects.bulk_create(
        NetworkDaily(
            gmina=gmina,
            network=network,
            metric=metric,
            day=today - timedelta(days=n),
            value=600 + n % 50,
        )
        for n in range(1, DAYS + 1)
        for network, metric in (("facebook", "reach"), ("facebook", "followers"))
    )
    FanCount.objects.bulk_create(
        FanCount(gmina=gmina, day=today - timedelta(days=n), channel=channel, count=n)
        for n in range(1, DAYS + 1)
        for channel in ("all", "email", "push", "sms")
    )
    start = timezone.make_aware(datetime.combine(today, datetime.min.time()))
    ViewEvent.objects.bulk_create(
        ViewEvent(
            gmina=gmina,
            day=today,
            at=start + timedelta(seconds=i * 10),
            page_id=100_000 + i % PAGES,
            path="/",
            visitor=f"v{i % 1500}",
            source="facebook",
            device="phone",
        )
        for i in range(VIEWS_A_DAY)
    )


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


class DashboardBench(BaseTestCase):
    def test_bench_one_year_of_three(self):
        today = timezone.localdate()
        _history(self.gmina, today)
        period = dashboard.Period(today - timedelta(days=364), today)
        built, rendered = [], []
        self.client.force_login(self.alice)
        url = reverse("insights-dashboard", args=[self.gmina.pk]) + "?dni=365"
        for _ in range(5):
            t0 = time.perf_counter()
            dashboard.build(self.gmina, period)
            built.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            response = self.client.get(url)
            rendered.append(time.perf_counter() - t0)
            self.assertEqual(response.status_code, 200)
        parts = {}
        scope = dashboard.Scope(self.gmina, period)
        for name in ("_rolled_site", "unrolled", "breakdown", "pages", "networks"):
            t0 = time.perf_counter()
            getattr(scope, name)
            parts[name] = _ms(time.perf_counter() - t0)
        for builder in dashboard.BUILDERS:
            t0 = time.perf_counter()
            builder(scope)
            parts[builder.__name__] = _ms(time.perf_counter() - t0)
        sys.stderr.write(f"\n{parts}\n")
        sys.stderr.write(
            f"\n{DailyStat.objects.count()} roll-up rows; one year: "
            f"build median {_ms(statistics.median(built))}, "
            f"whole page median {_ms(statistics.median(rendered))}\n"
        )
