"""Uptime per month: the share of successful checks, outages cut at the
month's edges (Polish time), and the durations in words."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from django.test import SimpleTestCase

from ratusz.inclusion.network import CheckDay, Outage
from ratusz.inclusion.network_uptime import MonthUptime, duration_text, monthly_uptime
from ratusz.lib.dates import WARSAW
from ratusz.test import BaseTestCase

from .factory import make_access_point

NOW = datetime(2026, 12, 3, 12, 0, tzinfo=WARSAW)


class UptimeTestCase(BaseTestCase):
    def setUp(self):
        self.point = make_access_point(self.gmina)

    def days(self, *rows):
        for day, checks, failures in rows:
            CheckDay.objects.create(
                access_point=self.point, day=day, checks=checks, failures=failures
            )

    def test_it_is_the_share_of_successful_checks_per_month(self):
        self.days(
            (date(2026, 11, 1), 288, 0),
            (date(2026, 11, 30), 288, 3),  # 573 of 576
            (date(2026, 12, 1), 100, 100),
            (date(2026, 12, 2), 100, 0),  # 100 of 200
            (date(2026, 9, 30), 10, 10),  # outside the 2 months asked for
        )
        december, november = monthly_uptime(self.point, months=2, now=NOW)
        self.assertEqual(december.month, date(2026, 12, 1))
        self.assertEqual((december.checks, december.failures), (200, 100))
        self.assertEqual(december.percent, Decimal("50.00"))
        self.assertEqual(november.percent, Decimal("99.47"))  # 99.479… rounded down

    def test_a_month_without_checks_has_no_uptime(self):
        [december] = monthly_uptime(self.point, months=1, now=NOW)
        self.assertIsNone(december.percent)
        self.assertEqual(december.downtime_text, "0 min")

    def test_outages_are_cut_at_the_edges_of_the_month(self):
        # 22:00 on 31 October to 02:00 on 1 November, Polish time (CET).
        Outage.objects.create(
            access_point=self.point,
            started_at=datetime(2026, 10, 31, 22, 0, tzinfo=WARSAW),
            ended_at=datetime(2026, 11, 1, 2, 0, tzinfo=WARSAW),
        )
        # Still going on: counts until now.
        Outage.objects.create(
            access_point=self.point,
            started_at=datetime(2026, 12, 3, 9, 30, tzinfo=WARSAW),
        )
        december, november, october = monthly_uptime(self.point, months=3, now=NOW)
        self.assertEqual((october.outages, october.downtime), (1, timedelta(hours=2)))
        self.assertEqual((november.outages, november.downtime), (1, timedelta(hours=2)))
        self.assertEqual(
            (december.outages, december.downtime), (1, timedelta(hours=2, minutes=30))
        )

    def test_the_months_are_polish_months(self):
        # 23:30 UTC on 30 November is already December in Warsaw.
        Outage.objects.create(
            access_point=self.point,
            started_at=datetime(2026, 11, 30, 23, 30, tzinfo=UTC),
            ended_at=datetime(2026, 12, 1, 0, 0, tzinfo=UTC),
        )
        december, november = monthly_uptime(self.point, months=2, now=NOW)
        self.assertEqual((december.outages, november.outages), (1, 0))

    def test_it_reads_other_access_points_never(self):
        other = make_access_point(self.other_gmina)
        CheckDay.objects.create(access_point=other, day=NOW.date(), checks=5)
        Outage.objects.create(access_point=other, started_at=NOW - timedelta(hours=1))
        [december] = monthly_uptime(self.point, months=1, now=NOW)
        self.assertEqual((december.checks, december.outages), (0, 0))


class DurationTextTestCase(SimpleTestCase):
    def test_it_says_durations_in_polish(self):
        cases = {
            timedelta(seconds=59): "0 min",
            timedelta(minutes=5): "5 min",
            timedelta(hours=2): "2 godz.",
            timedelta(hours=2, minutes=15): "2 godz. 15 min",
            timedelta(days=1): "1 dzień",
            timedelta(days=3, hours=2, minutes=9): "3 dni 2 godz.",
        }
        for delta, text in cases.items():
            with self.subTest(delta):
                self.assertEqual(duration_text(delta), text)

    def test_no_checks_is_no_percent_and_all_failed_is_zero(self):
        self.assertIsNone(MonthUptime(date(2026, 1, 1)).percent)
        row = MonthUptime(date(2026, 1, 1), checks=3, failures=3)
        self.assertEqual(row.percent, Decimal("0.00"))
        row = MonthUptime(date(2026, 1, 1), checks=3, failures=0)
        self.assertEqual(row.percent, Decimal("100.00"))
