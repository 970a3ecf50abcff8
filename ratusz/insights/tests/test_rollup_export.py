"""Roll-ups, retention and the CSV export, against raw events written here."""

import csv
import io
import shutil
import tempfile
from datetime import datetime, time, timedelta
from pathlib import Path

from dateutil.relativedelta import relativedelta
from django.core.management import CommandError, call_command
from django.utils import timezone
from huey.contrib.djhuey import HUEY

from ratusz.insights import tasks
from ratusz.insights.models import (
    INTERNAL,
    DailySalt,
    DailyStat,
    MissedSearch,
    ViewEvent,
)
from ratusz.insights.rollup import roll_up
from ratusz.test import BaseTestCase


def at(day, minute):
    return timezone.make_aware(datetime.combine(day, time(10, minute)))


class RawEventsMixin:
    def setUp(self):
        self.today = timezone.localdate()
        self.yesterday = self.today - timedelta(days=1)

    def event(self, day, minute, visitor, source, device="phone", page=1, gmina=None):
        return ViewEvent.objects.create(
            gmina=gmina or self.gmina,
            day=day,
            at=at(day, minute),
            page_id=page,
            path=f"/p{page}/",
            visitor=visitor,
            source=source,
            device=device,
        )

    def stats(self, day, gmina=None):
        return {
            (s.dimension, s.key): (s.views, s.visitors)
            for s in DailyStat.objects.filter(gmina=gmina or self.gmina, day=day)
        }

    def fixture(self, day):
        # Visitor a: from Facebook, then two clicks within the site.
        self.event(day, 1, "a", "facebook", page=1)
        self.event(day, 2, "a", INTERNAL, page=2)
        self.event(day, 3, "a", INTERNAL, page=2)
        # Visitor b: came straight in, on a desktop.
        self.event(day, 4, "b", "direct", device="desktop", page=1)
        # Visitor c: a click within the site with no entry seen that day.
        self.event(day, 5, "c", INTERNAL, page=2)
        # Visitor d: an SMS link.
        self.event(day, 6, "d", "sms", page=1)


class RollupTestCase(RawEventsMixin, BaseTestCase):
    def test_a_day_is_rolled_up_per_site_page_source_and_device(self):
        self.fixture(self.yesterday)
        self.event(self.yesterday, 7, "z", "search", gmina=self.other_gmina)
        self.assertEqual(roll_up(self.today)["days"], 2)
        self.assertEqual(
            self.stats(self.yesterday),
            {
                ("site", ""): (6, 4),
                ("page", "1"): (3, 3),
                ("page", "2"): (3, 2),
                ("source", "facebook"): (3, 1),
                ("source", "direct"): (2, 2),
                ("source", "sms"): (1, 1),
                ("device", "phone"): (5, 3),
                ("device", "desktop"): (1, 1),
                ("page_source", "1:facebook"): (1, 1),
                ("page_source", "2:facebook"): (2, 1),
                ("page_source", "1:direct"): (1, 1),
                ("page_source", "2:direct"): (1, 1),
                ("page_source", "1:sms"): (1, 1),
                # Every view at 10:xx, Warsaw time.
                ("hour", "10"): (6, 4),
            },
        )
        self.assertEqual(
            self.stats(self.yesterday, self.other_gmina),
            {
                ("site", ""): (1, 1),
                ("page", "1"): (1, 1),
                ("source", "search"): (1, 1),
                ("device", "phone"): (1, 1),
                ("page_source", "1:search"): (1, 1),
                ("hour", "10"): (1, 1),
            },
        )

    def test_today_is_not_rolled_up_and_rerunning_changes_nothing(self):
        self.fixture(self.yesterday)
        self.fixture(self.today)
        roll_up(self.today)
        self.assertEqual(self.stats(self.yesterday)[("site", "")], (6, 4))
        self.event(self.yesterday, 30, "e", "other")  # flushed after midnight
        roll_up(self.today)
        again = self.stats(self.yesterday)
        self.assertEqual(again[("site", "")], (7, 5))
        self.assertEqual(again[("source", "other")], (1, 1))
        self.assertEqual(self.stats(self.today), {})
        roll_up(self.today)
        self.assertEqual(self.stats(self.yesterday), again)

    def test_an_older_day_missed_by_the_worker_is_rolled_up(self):
        old = self.today - timedelta(days=5)
        self.fixture(old)
        roll_up(self.today)
        self.assertEqual(self.stats(old)[("site", "")], (6, 4))

    def test_retention(self):
        with self.settings(INSIGHTS_RAW_DAYS=30, INSIGHTS_ROLLUP_MONTHS=25):
            kept = self.today - timedelta(days=30)
            gone = self.today - timedelta(days=31)
            self.event(kept, 1, "a", "direct")
            self.event(gone, 1, "b", "direct")
            old_stat = self.today - relativedelta(months=25) - timedelta(days=1)
            kept_stat = self.today - relativedelta(months=25)
            for day in (old_stat, kept_stat):
                DailyStat.objects.create(
                    gmina=self.gmina, day=day, dimension="site", views=1, visitors=1
                )
            for day in (old_stat, kept_stat):
                MissedSearch.objects.create(
                    gmina=self.gmina, day=day, lemmas="zupa", searches=1
                )
            DailySalt.objects.create(day=self.yesterday, salt=b"x" * 32)
            DailySalt.objects.create(day=self.today, salt=b"y" * 32)
            out = io.StringIO()
            call_command("insights_rollup", stdout=out)
        self.assertEqual(list(ViewEvent.objects.values_list("day", flat=True)), [kept])
        # Both raw days were rolled up before the older one was deleted.
        self.assertEqual(self.stats(gone)[("site", "")], (1, 1))
        self.assertFalse(DailyStat.objects.filter(day=old_stat).exists())
        self.assertTrue(DailyStat.objects.filter(day=kept_stat).exists())
        self.assertEqual(
            list(MissedSearch.objects.values_list("day", flat=True)), [kept_stat]
        )
        self.assertEqual(
            list(DailySalt.objects.values_list("day", flat=True)), [self.today]
        )
        self.assertIn("deleted 1 raw views", out.getvalue())


class ExportTestCase(RawEventsMixin, BaseTestCase):
    def setUp(self):
        super().setUp()
        self.out = Path(tempfile.mkdtemp(prefix="insights-export-"))
        self.addCleanup(shutil.rmtree, self.out, ignore_errors=True)

    def export(self, host="localhost", since=None, until=None):
        call_command(
            "insights_export",
            f"--gmina={host}",
            f"--since={(since or self.yesterday).isoformat()}",
            f"--until={(until or self.today).isoformat()}",
            f"--out={self.out}",
            stdout=io.StringIO(),
        )
        return {
            name: list(csv.reader(open(self.out / name, encoding="utf-8")))
            for name in ("site_daily.csv", "sources_daily.csv")
        }

    def test_it_writes_rolled_up_days_and_today(self):
        self.fixture(self.yesterday)
        roll_up(self.today)
        self.fixture(self.today)  # not rolled up yet
        self.event(self.today, 40, "x", "search", gmina=self.other_gmina)
        files = self.export()
        y, t = self.yesterday.isoformat(), self.today.isoformat()
        self.assertEqual(
            files["site_daily.csv"],
            [["date", "views", "visitors"], [y, "6", "4"], [t, "6", "4"]],
        )
        sources = files["sources_daily.csv"]
        self.assertEqual(sources[0], ["date", "source", "views", "visitors"])
        expected = {
            "facebook": ["3", "1"],
            "mastodon": ["0", "0"],
            "search": ["0", "0"],
            "email": ["0", "0"],
            "push": ["0", "0"],
            "sms": ["1", "1"],
            "other": ["0", "0"],
            "direct": ["2", "2"],
        }
        for day in (y, t):
            self.assertEqual(
                {row[1]: row[2:] for row in sources[1:] if row[0] == day}, expected
            )
        self.assertEqual(len(sources), 1 + 2 * 8)
        self.assertIn("articles.csv", {p.name for p in self.out.iterdir()})

    def test_gminas_are_exported_apart(self):
        self.fixture(self.today)
        self.event(self.today, 40, "x", "search", gmina=self.other_gmina)
        files = self.export("brzezie.localhost", since=self.today)
        self.assertEqual(
            files["site_daily.csv"][1:], [[self.today.isoformat(), "1", "1"]]
        )
        searched = [r for r in files["sources_daily.csv"] if r[1] == "search"]
        self.assertEqual(searched, [[self.today.isoformat(), "search", "1", "1"]])

    def test_days_without_views_are_zero(self):
        files = self.export(since=self.today - timedelta(days=2))
        self.assertEqual([r[1:] for r in files["site_daily.csv"][1:]], [["0", "0"]] * 3)

    def test_it_refuses_an_unknown_gmina(self):
        with self.assertRaises(CommandError):
            self.export("nieznana.localhost")


class NightlyTaskTestCase(RawEventsMixin, BaseTestCase):
    def test_it_runs_nightly_and_rolls_up(self):
        task_class = tasks.roll_up_nightly.task_class

        def runs_at(hour, minute):
            due = HUEY.read_periodic(datetime(2026, 1, 1, hour, minute))
            return any(type(task) is task_class for task in due)

        self.assertTrue(runs_at(0, 20))
        self.assertFalse(runs_at(12, 20))
        self.fixture(self.yesterday)
        tasks.roll_up_nightly.call_local()
        self.assertEqual(
            DailyStat.objects.get(day=self.yesterday, dimension="site").views, 6
        )
