"""Response and resolution times from known conversations: exact numbers."""

from datetime import datetime
from zoneinfo import ZoneInfo

import time_machine
from django.urls import reverse

from ratusz.messenger import metrics, services
from ratusz.messenger.metrics import Row
from ratusz.messenger.models import Conversation
from ratusz.test import BaseTestCase, make_category
from ratusz.testing.svg import bad_numbers, count, svg_charts

WARSAW = ZoneInfo("Europe/Warsaw")


def at(day, hour, minute=0):
    return datetime(2026, 11, day, hour, minute, tzinfo=WARSAW)


class MetricsTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        odpady = make_category(cls.gmina, "odpady")
        drogi = make_category(cls.gmina, "drogi")

        def conversation(start, body, category=None):
            c, _, _ = services.open_conversation(
                cls.gmina, body=body, category=category, now=start
            )
            return c

        # Week 2026-W47.
        c1 = conversation(at(16, 10), "Gabaryty", odpady)
        services.reply(c1, cls.alice, "Odbiór w piątek", now=at(16, 10, 30))
        services.set_status(
            c1, Conversation.Status.RESOLVED, resolved_in_chat=True, now=at(16, 12)
        )
        c2 = conversation(at(17, 10, 15), "Worki na odpady", odpady)
        services.add_note(c2, cls.alice, "Nie liczy się", now=at(17, 10, 20))
        services.reply(c2, cls.bob, "Worki w pokoju 3", now=at(17, 11, 15))
        services.reply(c2, cls.alice, "Druga odpowiedź", now=at(17, 11, 45))
        services.set_status(c2, Conversation.Status.RESOLVED, now=at(17, 14, 15))
        # Week 2026-W48.
        c3 = conversation(at(23, 22), "Dziura w drodze", drogi)
        services.reply(c3, cls.alice, "Zgłoszone do ZDP", now=at(24, 7, 30))
        conversation(at(24, 22, 30), "Bez odpowiedzi")
        # Another gmina's conversation never counts.
        services.open_conversation(cls.other_gmina, body="Obca", now=at(24, 9))
        cls.period = (at(16, 0), at(30, 0))

    def test_the_days_and_total_alone_are_the_same_rows(self):
        stats = metrics.conversation_stats(self.gmina, *self.period)
        daily = metrics.daily_stats(self.gmina, *self.period)
        self.assertEqual(daily["total"], stats["total"])
        self.assertEqual(daily["days"], stats["days"])
        self.assertEqual(len(daily["days"]), 4)

    def test_totals_weeks_staff_hours_categories(self):
        stats = metrics.conversation_stats(self.gmina, *self.period)
        self.assertEqual(
            stats["total"], Row("Razem", 4, 3, 60.0, 570.0, 2, 180.0, 240.0)
        )
        self.assertEqual(
            stats["weeks"],
            [
                Row("2026-W47", 2, 2, 45.0, 60.0, 2, 180.0, 240.0),
                Row("2026-W48", 2, 1, 570.0, 570.0, 0, None, None),
            ],
        )
        self.assertEqual(
            stats["staff"],
            [
                Row("Alicja Nowak", 2, 2, 300.0, 570.0, 1, 120.0, 120.0),
                Row("Bogdan Kowal", 1, 1, 60.0, 60.0, 1, 240.0, 240.0),
            ],
        )
        self.assertEqual(
            [(r.label, r.conversations) for r in stats["hours"]],
            [("10:00–10:59", 2), ("22:00–22:59", 2)],
        )
        self.assertEqual(
            stats["categories"], [("odpady", 2), ("(bez kategorii)", 1), ("drogi", 1)]
        )
        self.assertEqual(stats["resolved_in_chat"], 1)
        self.assertEqual(stats["resolved_in_chat_share"], 0.5)

    def test_percentiles(self):
        self.assertIsNone(metrics.median([]))
        self.assertIsNone(metrics.p90([]))
        self.assertEqual(metrics.p90(list(range(1, 11))), 9)
        self.assertEqual(metrics.p90(list(range(1, 12))), 10)
        self.assertEqual(metrics.median([4, 1, 3, 2]), 2.5)

    def test_summary_for_the_insights_dashboard(self):
        summary = metrics.summary(self.gmina, days=30, now=at(30, 0))
        self.assertEqual(summary["conversations"], 4)
        self.assertEqual(summary["first_response_median_minutes"], 60.0)
        self.assertEqual(summary["first_response_p90_minutes"], 570.0)
        self.assertEqual(summary["resolution_median_minutes"], 180.0)
        self.assertEqual(summary["resolved_in_chat_share"], 0.5)

    @time_machine.travel(at(25, 12), tick=False)
    def test_the_page_shows_tables_with_captions_and_a_chart(self):
        self.client.force_login(self.bob)
        response = self.client.get(reverse("messenger-stats", args=[self.gmina.pk]))
        self.assertEqual(response.status_code, 200)
        body = response.content.decode()
        self.assertIn("<caption>Tygodnie (ISO, czas polski)</caption>", body)
        self.assertIn("<caption>Kto odpowiedział pierwszy</caption>", body)
        self.assertIn('<th scope="row">2026-W48</th>', body)
        self.assertIn("Załatwione w rozmowie: 1 z 2 załatwionych (50%)", body)
        self.assertIn("<svg", body)
        self.assertEqual(len(response.context["chart"]["bars"]), 2)
        # Polish writes "141,2": in an SVG attribute that number draws nothing.
        self.assertEqual(response.headers["Content-Language"], "pl")
        (svg,) = svg_charts(body)
        self.assertEqual(bad_numbers(svg), [])
        self.assertEqual(count(svg, "rect"), 2)
        self.assertEqual(count(svg, "text"), 2)
        self.assertNotIn("Obca", body)
