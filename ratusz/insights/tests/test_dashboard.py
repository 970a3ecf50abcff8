"""The staff dashboard's numbers against a fixture computed by hand, the
comparison with the previous period, and that a year costs no more queries
than a week."""

from datetime import datetime, time, timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from ratusz.fans.models import FanCount
from ratusz.insights import dashboard
from ratusz.insights.dashboard import META_MISSING, Period, Scope
from ratusz.insights.models import INTERNAL, DailyStat, NetworkDaily, ViewEvent
from ratusz.lib.dates import WARSAW
from ratusz.messenger.models import Conversation
from ratusz.test import BaseTestCase, make_article

UNDER_100 = "Strona ma mniej niż 100 polubień: Meta nie podaje liczb."


def stat(gmina, day, dimension, key, views, visitors):
    DailyStat.objects.create(
        gmina=gmina,
        day=day,
        dimension=dimension,
        key=key,
        views=views,
        visitors=visitors,
    )


def raw(gmina, day, hour, minute, visitor, source, page, device="phone"):
    ViewEvent.objects.create(
        gmina=gmina,
        day=day,
        at=datetime.combine(day, time(hour, minute), tzinfo=WARSAW),
        page_id=page.pk,
        path=page.url_path,
        visitor=visitor,
        source=source,
        device=device,
    )


class DashboardFixture:
    """Today T, a 7-day period T-6..T (previous: T-13..T-7).

    Rolled up: T-1 (10 views, 4 visitors), T-3 (20, 8) and, in the previous
    period, T-8 (5, 3). Raw, not rolled up: today's 3 views by 2 visitors.
    """

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.today = timezone.localdate()
        t = cls.today
        g = cls.gmina
        cls.a = make_article(g, "Wywóz odpadów")
        cls.b = make_article(g, "Sesja rady")
        d1, d3, d8 = t - timedelta(days=1), t - timedelta(days=3), t - timedelta(8)
        for day, dimension, key, views, visitors in [
            (d1, "site", "", 10, 4),
            (d1, "source", "facebook", 6, 2),
            (d1, "source", "direct", 4, 2),
            (d1, "device", "phone", 10, 4),
            (d1, "hour", "19", 10, 4),
            (d1, "page", str(cls.a.pk), 7, 3),
            (d1, "page", str(cls.b.pk), 3, 2),
            (d3, "site", "", 20, 8),
            (d3, "source", "facebook", 5, 3),
            (d3, "source", "search", 15, 5),
            (d3, "device", "desktop", 20, 8),
            (d3, "hour", "08", 20, 8),
            (d3, "page", str(cls.b.pk), 20, 8),
            (d8, "site", "", 5, 3),
            (d8, "source", "facebook", 5, 3),
            (d8, "device", "phone", 5, 3),
            (d8, "hour", "19", 5, 3),
            (d8, "page", str(cls.a.pk), 5, 3),
        ]:
            stat(g, day, dimension, key, views, visitors)
        # Today: visitor x from Facebook reads a, then clicks on to a again
        # (internal: counts as Facebook); visitor y comes straight in at 21:30.
        raw(g, t, 10, 0, "x", "facebook", cls.a)
        raw(g, t, 10, 5, "x", INTERNAL, cls.a)
        raw(g, t, 21, 30, "y", "direct", cls.a, device="desktop")
        # The Page's reach: known on T-1 and T-8; on T-3 Meta gave nothing.
        for day, value, note in [(d1, 100, ""), (d3, None, UNDER_100), (d8, 50, "")]:
            NetworkDaily.objects.create(
                gmina=g,
                network="facebook",
                metric=NetworkDaily.REACH,
                day=day,
                value=value,
                note=note,
            )
        NetworkDaily.objects.create(
            gmina=g,
            network="facebook",
            metric=NetworkDaily.FOLLOWERS,
            day=d1,
            value=None,
            note=UNDER_100,
        )
        NetworkDaily.objects.create(
            gmina=g, network="mastodon", metric="followers", day=d1, value=40
        )
        NetworkDaily.objects.create(
            gmina=g, network="mastodon", metric="followers", day=d8, value=32
        )
        for day, count in [(t - timedelta(days=7), 10), (d1, 15)]:
            FanCount.objects.create(gmina=g, day=day, channel="all", count=count)
        # Another gmina's numbers on the same days must not show.
        other = cls.other_gmina
        stat(other, d1, "site", "", 999, 999)
        stat(other, d1, "source", "facebook", 999, 999)
        stat(other, d1, "hour", "19", 999, 999)
        raw(other, t, 10, 0, "z", "sms", make_article(other, "Obca"))
        NetworkDaily.objects.create(
            gmina=other, network="facebook", metric="reach", day=d3, value=7777
        )

    def sections(self, days=7):
        period = Period(self.today - timedelta(days=days - 1), self.today)
        return {s.slug: s for s in dashboard.build(self.gmina, period)}


def figures(section):
    return {f.label: (f.value, f.previous, f.change) for f in section.figures}


class DashboardNumbersTestCase(DashboardFixture, BaseTestCase):
    def test_it_counts_views_and_visitors_with_today_from_raw_events(self):
        traffic = self.sections()["wizyty"]
        self.assertEqual(
            figures(traffic),
            {
                # 10 + 20 + today's 3; before: 5 → +560%.
                "Wyświetlenia stron": (33, 5, 560),
                # 4 + 8 + today's 2; before: 3 → +367%.
                "Odwiedzający (suma dzienna)": (14, 3, 367),
                # Only T-1 is known (100); before: 50 → +100%.
                "Zasięg na Facebooku (suma dzienna)": (100, 50, 100),
            },
        )
        rows = {row[0]: row[1:] for row in traffic.tables[0].rows}
        self.assertEqual(len(rows), 7)
        t = self.today
        self.assertEqual(rows[t], (3, 2, None))
        self.assertEqual(rows[t - timedelta(days=1)], (10, 4, 100))
        self.assertEqual(rows[t - timedelta(days=3)], (20, 8, None))
        self.assertEqual(rows[t - timedelta(days=2)], (0, 0, None))
        # A missing reach is never 0: it says who does not give it, and why.
        self.assertEqual(traffic.tables[0].columns[3].missing, META_MISSING)
        self.assertIn("za 6 z 7 dni", traffic.notes[0])
        self.assertIn(UNDER_100, traffic.notes[0])

    def test_sources_devices_and_their_change(self):
        sections = self.sections()
        sources = {row[0]: row[1:] for row in sections["zrodla"].tables[0].rows}
        # (views, visitors, share %, previous views, change %)
        self.assertEqual(sources["Facebook"], (13, 6, 39, 5, 160))
        self.assertEqual(sources["wyszukiwarki"], (15, 5, 45, 0, None))
        self.assertEqual(sources["wejścia bezpośrednie"], (5, 3, 15, 0, None))
        self.assertEqual(sources["SMS"], (0, 0, 0, 0, None))
        self.assertEqual(sections["zrodla"].tables[0].rows[0][0], "wyszukiwarki")
        devices = {row[0]: row[1:3] for row in sections["urzadzenia"].tables[0].rows}
        self.assertEqual(
            devices, {"telefon": (12, 5), "komputer": (21, 9), "tablet": (0, 0)}
        )

    def test_the_heatmap_adds_rolled_up_hours_and_todays_raw_events(self):
        table = self.sections()["godziny"].tables[0]
        grid = {row[0]: row[1:] for row in table.rows}
        t = self.today
        cells = {
            (dashboard.WEEKDAYS[day.weekday()], hour): grid[
                dashboard.WEEKDAYS[day.weekday()]
            ][hour]
            for day, hour in [(t - timedelta(days=1), 19), (t, 10), (t, 21)]
        }
        d1 = dashboard.WEEKDAYS[(t - timedelta(days=1)).weekday()]
        d3 = dashboard.WEEKDAYS[(t - timedelta(days=3)).weekday()]
        today = dashboard.WEEKDAYS[t.weekday()]
        self.assertEqual(cells[(d1, 19)], 10)
        self.assertEqual(grid[d3][8], 20)
        self.assertEqual(cells[(today, 10)], 2)
        self.assertEqual(cells[(today, 21)], 1)
        self.assertEqual(sum(sum(values) for values in grid.values()), 33)
        self.assertIn(f"Najwięcej: {d3}, 08:00–08:59", self.sections()["godziny"].intro)

    def test_top_pages(self):
        rows = self.sections()["strony"].tables[0].rows
        self.assertEqual(
            [(r[0], r[2], r[3]) for r in rows],
            [("Sesja rady", 23, 10), ("Wywóz odpadów", 10, 5)],
        )
        self.assertTrue(rows[0][1].endswith("/sesja-rady/"))

    def test_fans_per_channel_and_a_page_under_100_likes(self):
        fans = self.sections()["obserwujacy"]
        self.assertEqual(
            figures(fans),
            {
                "Obserwujący w Ratuszu": (15, 10, 50),
                "Obserwujący na Facebooku": (None, None, None),
                "Obserwujący na Mastodonie": (40, 32, 25),
            },
        )
        self.assertIn(f"Facebook: {UNDER_100}", fans.notes)
        columns = [c.label for c in fans.tables[0].columns]
        self.assertEqual(columns[-2:], ["Facebook", "Mastodon"])
        row = {r[0]: r for r in fans.tables[0].rows}[self.today - timedelta(days=1)]
        self.assertEqual(row[1], 15)
        self.assertEqual(row[-2:], (None, 40))
        self.assertEqual(fans.tables[0].columns[-2].missing, META_MISSING)

    def test_answers_per_day_and_against_the_previous_period(self):
        t = self.today
        now = timezone.now()
        cases = [(1, 30), (1, 90), (2, None), (9, 60)]
        for number, (days_ago, answered_after) in enumerate(cases, start=1):
            created = now - timedelta(days=days_ago)
            Conversation.objects.create(
                gmina=self.gmina,
                year=2026,
                number=number,
                reference=f"RZ/2026/{number:06d}",
                subject="Pytanie",
                created_at=created,
                first_response_at=created + timedelta(minutes=answered_after)
                if answered_after
                else None,
            )
        answers = self.sections()["odpowiedzi"]
        found = figures(answers)
        self.assertEqual(found["Rozmowy"], (3, 1, 200))
        self.assertEqual(found["Mediana pierwszej odpowiedzi"], (60.0, 60.0, 0))
        per_day = {row[0]: row[1:] for row in answers.tables[1].rows}
        yesterday = timezone.localtime(now - timedelta(days=1), WARSAW).date()
        self.assertEqual(per_day[yesterday], (2, 60.0, 0))
        self.assertEqual(sum(row[0] for row in per_day.values()), 3)
        self.assertEqual(len(per_day), 7)
        self.assertEqual(per_day[t][0], 0)

    def test_another_gminas_numbers_never_show(self):
        sections = self.sections()
        self.assertEqual(figures(sections["wizyty"])["Wyświetlenia stron"][0], 33)
        other = {
            s.slug: s
            for s in dashboard.build(
                self.other_gmina, Period(self.today - timedelta(6), self.today)
            )
        }
        self.assertEqual(
            figures(other["wizyty"])["Wyświetlenia stron"][:2], (999 + 1, 0)
        )
        self.assertEqual(
            figures(other["wizyty"])["Zasięg na Facebooku (suma dzienna)"][0], 7777
        )
        self.assertEqual([r[0] for r in other["strony"].tables[0].rows], ["Obca"])

    def test_a_year_costs_the_same_queries_as_a_week(self):
        def count(days):
            period = Period(self.today - timedelta(days=days - 1), self.today)
            with CaptureQueriesContext(connection) as queries:
                dashboard.build(self.gmina, period)
            return len(queries)

        week = count(7)
        self.assertEqual(count(365), week)
        self.assertEqual(count(730), week)
        # 16 for the traffic sections, 2 for the reach of the period's articles.
        self.assertLessEqual(week, 18)

    def test_only_days_without_a_roll_up_are_read_raw(self):
        # A raw event of a day that is rolled up is already counted there.
        raw(self.gmina, self.today - timedelta(days=1), 9, 0, "late", "sms", self.a)
        scope = Scope(self.gmina, Period(self.today - timedelta(6), self.today))
        self.assertEqual(list(scope.unrolled), [self.today])
        self.assertEqual(scope.site[self.today - timedelta(days=1)], (10, 4))


class PeriodTestCase(BaseTestCase):
    def test_the_previous_period_has_the_same_length_and_ends_the_day_before(self):
        t = timezone.localdate()
        period = Period(t - timedelta(days=29), t)
        self.assertEqual(period.days, 30)
        self.assertEqual(
            period.previous(),
            Period(t - timedelta(days=59), t - timedelta(days=30)),
        )

    def test_change_in_percent(self):
        self.assertEqual(dashboard.change(150, 100), 50)
        self.assertEqual(dashboard.change(50, 100), -50)
        self.assertIsNone(dashboard.change(10, 0))
        self.assertIsNone(dashboard.change(None, 10))
