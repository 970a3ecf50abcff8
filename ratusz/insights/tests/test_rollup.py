"""The database's aggregation of raw views (`rollup.counts_of_days`) and
rolling up again (`roll_up(since=…)`, `manage.py insights_rollup --since`)."""

import io
import random
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta

from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from ratusz.insights.models import INTERNAL, DailyStat, Source, ViewEvent
from ratusz.insights.rollup import counts_of_days, days_to_roll_up, roll_up
from ratusz.lib.dates import WARSAW
from ratusz.test import BaseTestCase

SOURCES = [*Source.values, INTERNAL, INTERNAL]


def reference(events):
    """The roll-up's rules, one view at a time in Python: `events` are
    (visitor, page_id, source, device, at) in the order they happened."""
    entry = {}
    views = defaultdict(int)
    visitors = defaultdict(set)
    for visitor, page_id, source, device, at in events:
        if source == INTERNAL:
            source = entry.get(visitor, Source.DIRECT)
        else:
            entry.setdefault(visitor, source)
        keys = [
            ("site", ""),
            ("page", str(page_id or "")),
            ("source", source),
            ("device", device),
            ("hour", f"{at.astimezone(WARSAW).hour:02d}"),
        ]
        if page_id:
            keys.append(("page_source", f"{page_id}:{source}"))
        for key in keys:
            views[key] += 1
            visitors[key].add(visitor)
    return {key: (views[key], len(visitors[key])) for key in views}


def random_views(gmina, day, rng, n=400):
    """`n` views of `day` in Warsaw, many sharing their moment with another."""
    start = datetime(day.year, day.month, day.day, tzinfo=WARSAW).astimezone(UTC)
    end = datetime(day.year, day.month, day.day, tzinfo=WARSAW) + timedelta(days=1)
    seconds = int((end.astimezone(UTC) - start).total_seconds())
    ViewEvent.objects.bulk_create(
        ViewEvent(
            gmina=gmina,
            day=day,
            at=start + timedelta(seconds=rng.randrange(0, seconds, 97)),
            page_id=rng.choice([None, 0, 11, 12, 13]),
            path="/",
            visitor=f"v{rng.randrange(60)}",
            source=rng.choice(SOURCES),
            device=rng.choice(["phone", "tablet", "desktop"]),
        )
        for _ in range(n)
    )


class CountsOfDaysTestCase(BaseTestCase):
    def expected(self, day, gmina=None):
        events = (
            ViewEvent.objects.filter(gmina=gmina or self.gmina, day=day)
            .order_by("at", "pk")
            .values_list("visitor", "page_id", "source", "device", "at")
        )
        return reference(events)

    def test_it_counts_as_the_rules_say_on_ordinary_and_clock_change_days(self):
        rng = random.Random(3)
        # An ordinary day, the spring-forward and the fall-back day.
        days = [date(2026, 6, 10), date(2026, 3, 29), date(2026, 10, 25)]
        for day in days:
            random_views(self.gmina, day, rng)
        random_views(self.other_gmina, days[0], rng, n=50)
        with CaptureQueriesContext(connection) as queries:
            counts = counts_of_days(self.gmina.pk, days)
        self.assertEqual(len(queries), 1)
        self.assertEqual(sorted(counts), sorted(days))
        for day in days:
            self.assertEqual(counts[day], self.expected(day), day)
        self.assertEqual(
            counts_of_days(self.other_gmina.pk, days),
            {days[0]: self.expected(days[0], self.other_gmina)},
        )

    def test_a_click_within_the_site_takes_the_entry_before_it(self):
        day = date(2026, 6, 10)
        at = datetime(2026, 6, 10, 8, 0, tzinfo=UTC)
        for minute, visitor, source in (
            (0, "a", INTERNAL),  # before a's entry: direct
            (1, "a", "facebook"),
            (2, "a", INTERNAL),  # after it: facebook
            (3, "b", INTERNAL),  # no entry at all: direct
        ):
            ViewEvent.objects.create(
                gmina=self.gmina,
                day=day,
                at=at + timedelta(minutes=minute),
                page_id=5,
                path="/",
                visitor=visitor,
                source=source,
                device="phone",
            )
        counts = counts_of_days(self.gmina.pk, [day])[day]
        self.assertEqual(counts[("source", "direct")], (2, 2))
        self.assertEqual(counts[("source", "facebook")], (2, 1))
        self.assertEqual(counts[("page_source", "5:facebook")], (2, 1))
        self.assertEqual(counts[("hour", "10")], (4, 2))  # 10:00 CEST

    def test_no_days_no_query(self):
        with CaptureQueriesContext(connection) as queries:
            self.assertEqual(counts_of_days(self.gmina.pk, []), {})
        self.assertEqual(len(queries), 0)


class RollUpAgainTestCase(BaseTestCase):
    def setUp(self):
        self.today = timezone.localdate()
        self.old = self.today - timedelta(days=5)
        rng = random.Random(9)
        random_views(self.gmina, self.old, rng, n=100)
        roll_up(self.today)
        self.full = self.stats(self.old)
        # As a roll-up made before the hour and page_source dimensions.
        DailyStat.objects.filter(
            day=self.old, dimension__in=[DailyStat.HOUR, DailyStat.PAGE_SOURCE]
        ).delete()
        # A day whose raw views are gone keeps its roll-up.
        self.gone = self.today - timedelta(days=200)
        DailyStat.objects.create(
            gmina=self.gmina,
            day=self.gone,
            dimension=DailyStat.SITE,
            views=7,
            visitors=3,
        )

    def stats(self, day):
        return {
            (s.dimension, s.key): (s.views, s.visitors)
            for s in DailyStat.objects.filter(gmina=self.gmina, day=day)
        }

    def test_the_nightly_roll_up_leaves_a_rolled_up_day_alone(self):
        self.assertNotIn((self.gmina.pk, self.old), days_to_roll_up(self.today))
        roll_up(self.today)
        self.assertNotIn(("hour", "00"), self.stats(self.old))

    def test_since_rolls_up_every_day_with_raw_views_again(self):
        self.assertEqual(roll_up(self.today, since=self.old)["days"], 1)
        self.assertEqual(self.stats(self.old), self.full)
        self.assertEqual(roll_up(self.today, since=self.old)["days"], 1)
        self.assertEqual(self.stats(self.old), self.full)  # idempotent
        self.assertEqual(self.stats(self.gone), {("site", ""): (7, 3)})

    def test_the_command(self):
        out = io.StringIO()
        call_command("insights_rollup", "--since", self.old.isoformat(), stdout=out)
        self.assertIn("Rolled up 1 gmina-days", out.getvalue())
        self.assertEqual(self.stats(self.old), self.full)
