"""The demo step: three hotspots, one down, with history; run twice, the same."""

from datetime import date, datetime

from ratusz.inclusion import network_demo
from ratusz.inclusion.network import AccessPoint, CheckDay, Outage
from ratusz.inclusion.network_uptime import monthly_uptime
from ratusz.lib import demo
from ratusz.lib.dates import WARSAW
from ratusz.test import BaseTestCase

TODAY = date(2026, 12, 3)


class DemoTestCase(BaseTestCase):
    def test_it_is_registered(self):
        self.assertIn(network_demo.load, demo._steps)

    def test_three_hotspots_one_down_with_history_once(self):
        for _run in range(2):
            network_demo.load(self.gmina, today=TODAY)
        points = AccessPoint.objects.filter(gmina=self.gmina)
        self.assertEqual(points.count(), 3)
        self.assertEqual(
            sorted(points.values_list("state", flat=True)), ["down", "up", "up"]
        )
        down = points.get(state="down")
        self.assertTrue(down.outages.filter(ended_at__isnull=True).exists())
        self.assertEqual(CheckDay.objects.filter(access_point=down).count(), 60)
        self.assertEqual(Outage.objects.filter(access_point__in=points).count(), 7)
        self.assertTrue(all(p.programme.template == "wifi4eu" for p in points))
        self.assertFalse(any(p.is_monitored() for p in points))
        november = monthly_uptime(
            down, months=2, now=datetime(2026, 12, 3, 12, tzinfo=WARSAW)
        )[1]
        self.assertIsNotNone(november.percent)
