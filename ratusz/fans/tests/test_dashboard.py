"""The fans panel on the dashboard: numbers, history chart and table, milestones."""

from datetime import date, timedelta

import time_machine
from django.urls import reverse

from ratusz.fans.models import ChannelState, FanCount, Follower, PushSubscription
from ratusz.fans.wagtail_hooks import chart
from ratusz.test import BaseTestCase
from ratusz.testing.svg import bad_numbers, count, svg_charts

TODAY = date(2026, 11, 24)


class DashboardTestCase(BaseTestCase):
    def setUp(self):
        traveller = time_machine.travel("2026-11-24 12:00 +01:00")
        traveller.start()
        self.addCleanup(traveller.stop)

    def history(self, gmina, totals):
        """Totals for the last len(totals) days, ending today."""
        for i, total in enumerate(totals):
            day = TODAY - timedelta(days=len(totals) - 1 - i)
            for channel, n in (("all", total), ("email", total // 2), ("push", 1)):
                FanCount.objects.create(gmina=gmina, day=day, channel=channel, count=n)

    def dashboard(self, user):
        self.client.force_login(user)
        response = self.client.get(reverse("wagtailadmin_home"))
        self.assertEqual(response.status_code, 200)
        return response

    def test_it_shows_current_fans_per_channel(self):
        both = Follower.objects.create(
            gmina=self.gmina, email="a@example.org", email_state=ChannelState.ACTIVE
        )
        PushSubscription.objects.create(
            follower=both, endpoint="https://push.example.net/1", p256dh="k", auth="a"
        )
        Follower.objects.create(
            gmina=self.gmina, phone="+48600100200", phone_state=ChannelState.ACTIVE
        )
        response = self.dashboard(self.alice)
        self.assertContains(response, "Obserwujący: Gmina Zawada")
        self.assertContains(response, "<strong data-fans-total>2</strong> fanów")
        self.assertContains(
            response, "e-mail 1, powiadomienia w przeglądarce 1, SMS 1."
        )

    def test_it_draws_the_history_and_gives_it_as_a_table(self):
        self.history(self.gmina, [90, 120, 510])
        response = self.dashboard(self.alice)
        self.assertContains(response, 'role="img"')
        self.assertContains(response, "<title id=")
        self.assertContains(response, "<polyline")
        self.assertContains(
            response,
            '<tr><th scope="row">24.11.2026</th><td data-label="Razem">510</td>'
            '<td data-label="E-mail">255</td><td data-label="Przeglądarka">1</td>'
            '<td data-label="SMS">0</td></tr>',
            html=True,
        )
        self.assertContains(response, '<th scope="row">22.11.2026</th>')
        self.assertContains(response, "100 fanów – po raz pierwszy 23 listopada 2026")
        self.assertContains(response, "500 fanów – po raz pierwszy 24 listopada 2026")
        self.assertNotContains(response, "1000 fanów – po raz pierwszy")

    def test_without_history_it_says_so(self):
        response = self.dashboard(self.alice)
        self.assertContains(
            response, "Historia pojawi się po pierwszym dziennym liczeniu."
        )
        self.assertContains(
            response, "Jeszcze żaden z progów (100, 500, 1000, 2000, 5000"
        )

    def test_it_shows_only_the_users_gminas(self):
        self.history(self.gmina, [4321])
        self.history(self.other_gmina, [8765])
        response = self.dashboard(self.charlie)
        self.assertContains(response, "Obserwujący: Gmina Brzezie")
        self.assertContains(response, '<td data-label="Razem">8765</td>')
        self.assertNotContains(response, "Gmina Zawada")
        self.assertNotContains(response, "4321")
        response = self.dashboard(self.bob)
        self.assertContains(response, '<td data-label="Razem">4321</td>')
        self.assertNotContains(response, "8765")
        response = self.dashboard(self.admin)
        self.assertContains(response, '<td data-label="Razem">4321</td>')
        self.assertContains(response, '<td data-label="Razem">8765</td>')

    def test_the_chart_scales_to_the_data(self):
        rows = [
            {"day": TODAY - timedelta(days=10), "all": 0},
            {"day": TODAY, "all": 180},
        ]
        c = chart(rows)
        self.assertEqual(c["max"], 200)
        # From the bottom-left corner to 90% of the height at the right edge.
        self.assertEqual(c["points"], "56,188 624,33.2")
        one = chart([{"day": TODAY, "all": 7}])
        self.assertEqual((one["max"], len(one["dots"])), (10, 1))
        self.assertIsNone(chart([]))

    def test_the_chart_draws_in_polish(self):
        # Polish writes "102,0": in an SVG attribute that number draws nothing.
        self.history(self.gmina, [90, 120, 135, 510])
        self.history(self.other_gmina, [7])
        response = self.dashboard(self.admin)
        self.assertEqual(response.headers["Content-Language"], "pl")
        svgs = svg_charts(response.content.decode())
        self.assertEqual(len(svgs), 2)
        for svg in svgs:
            self.assertEqual(bad_numbers(svg), [])
        by_gmina = {svg.get("aria-labelledby").split()[0]: svg for svg in svgs}
        zawada = by_gmina[f"fans-chart-title-{self.gmina.pk}"]
        line = zawada.find(".//{http://www.w3.org/2000/svg}polyline")
        self.assertEqual(len(line.get("points").split(" ")), 4)
        self.assertEqual(count(zawada, "circle"), 0)
        # One day of history cannot draw a line: a dot stands for it.
        brzezie = by_gmina[f"fans-chart-title-{self.other_gmina.pk}"]
        self.assertEqual(count(brzezie, "circle"), 1)
