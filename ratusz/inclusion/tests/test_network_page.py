"""The public page "Darmowy internet w gminie": the gmina's own access points
with their state, escaped, under the strict CSP, a map only where tiles are
configured, and kept fresh in the public page cache."""

import re
from decimal import Decimal

from django.test import override_settings
from django.utils import timezone

from ratusz.inclusion import network_checks
from ratusz.inclusion.network import AccessPoint
from ratusz.inclusion.network_page import MAP_HEIGHT, MAP_WIDTH, map_geometry
from ratusz.test import BaseTestCase
from ratusz.website.tests.test_pagecache import PageCacheTestCase

from .factory import make_access_point

URL = "/darmowy-internet/"
TILES = "https://tiles.example.org/{z}/{x}/{y}.png"


class PublicPageTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.rynek = make_access_point(
            cls.gmina,
            "Rynek",
            state="up",
            address="Rynek 1",
            latitude=Decimal("49.9341"),
            longitude=Decimal("20.2123"),
            how_to_connect="Cały rynek.",
        )
        cls.remiza = make_access_point(
            cls.gmina,
            "Remiza",
            state="down",
            state_since=timezone.now(),
            latitude=Decimal("49.9302"),
            longitude=Decimal("20.2199"),
        )
        make_access_point(cls.gmina, "Szkoła", status="planned", ssid="Gmina-Free")
        make_access_point(cls.gmina, "Stary punkt", status="retired")
        make_access_point(cls.other_gmina, "Punkt Brzezia", state="up")

    def test_it_lists_the_access_points_and_their_state(self):
        response = self.client.get(URL)
        self.assertEqual(response.status_code, 200)
        text = response.text
        for expected in (
            "Darmowy internet w gminie",
            "Działa 1 z 2 punktów.",
            "Rynek 1",
            "Cały rynek.",
            "Nie działa",
            "Planowany – jeszcze nie działa",
            "Gmina-Free",
        ):
            self.assertIn(expected, text)
        self.assertNotIn("Stary punkt", text)
        self.assertNotIn("Punkt Brzezia", text)

    def test_each_gmina_shows_its_own(self):
        response = self.client.get(URL, HTTP_HOST="brzezie.localhost")
        self.assertContains(response, "Punkt Brzezia")
        self.assertNotContains(response, "Remiza")

    def test_a_gmina_without_access_points_has_no_page(self):
        AccessPoint.objects.filter(gmina=self.other_gmina).delete()
        response = self.client.get(URL, HTTP_HOST="brzezie.localhost")
        self.assertEqual(response.status_code, 404)

    def test_it_escapes_what_staff_typed(self):
        AccessPoint.objects.filter(pk=self.rynek.pk).update(
            name='<script>alert("n")</script>',
            how_to_connect='<img src=x onerror="alert(1)">',
            address="<b>adres</b>",
        )
        text = self.client.get(URL).text
        self.assertNotIn("<script>alert", text)
        self.assertNotIn("<img src=x", text)
        self.assertNotIn("<b>adres", text)
        self.assertIn("&lt;script&gt;alert(&quot;n&quot;)&lt;/script&gt;", text)

    def test_it_runs_under_the_strict_csp_without_inline_code(self):
        response = self.client.get(URL)
        csp = response.headers["Content-Security-Policy"]
        self.assertIn("default-src 'none'", csp)
        self.assertNotIn("unsafe-inline", csp)
        self.assertIsNone(re.search(r"<[^>]+\son[a-z]+\s*=", response.text))
        self.assertIsNone(re.search(r"<[^>]+\sstyle\s*=", response.text))
        for script in re.findall(r"<script[^>]*>", response.text):
            self.assertIn("nonce=", script)

    def test_there_is_no_map_without_tiles(self):
        text = self.client.get(URL).text
        self.assertNotIn("network-map", text)
        self.assertNotIn("<image", text)

    @override_settings(NETWORK_MAP_TILE_URL=TILES)
    def test_the_map_shows_the_located_points_where_tiles_are_configured(self):
        text = self.client.get(URL).text
        self.assertIn("network-map", text)
        tiles = re.findall(r'<image href="([^"]+)"', text)
        self.assertTrue(tiles)
        self.assertTrue(all(t.startswith("https://tiles.example.org/") for t in tiles))
        # Two markers, numbered as in the list (Remiza is 1st, Rynek 2nd).
        markers = re.findall(
            r'network-marker--(\w+)">\s*<circle[^>]*/>\s*<text[^>]*>(\d+)<', text
        )
        self.assertEqual(sorted(markers), [("down", "1"), ("up", "2")])


class MapGeometryTestCase(BaseTestCase):
    def test_every_marker_is_inside_the_map(self):
        points = [
            make_access_point(
                self.gmina, f"P{n}", latitude=Decimal(lat), longitude=Decimal(lon)
            )
            for n, (lat, lon) in enumerate(
                [("49.90", "20.10"), ("50.05", "20.40"), ("49.95", "20.25")]
            )
        ]
        points.append(make_access_point(self.gmina, "Bez współrzędnych"))
        geometry = map_geometry(points, TILES)
        self.assertEqual([m.number for m in geometry["markers"]], [1, 2, 3])
        for marker in geometry["markers"]:
            self.assertTrue(0 <= float(marker.x) <= MAP_WIDTH)
            self.assertTrue(0 <= float(marker.y) <= MAP_HEIGHT)
        self.assertIsNone(map_geometry(points, ""))
        self.assertIsNone(map_geometry(points[-1:], TILES))


@override_settings(NETWORK_CHECK_ALLOW={})
class NetworkPageCacheTestCase(PageCacheTestCase):
    def setUp(self):
        super().setUp()
        self.point = make_access_point(
            self.gmina,
            "Rynek",
            state="up",
            check_method="tcp",
            check_target="127.0.0.1:9",
        )

    def test_a_change_of_state_refreshes_the_page(self):
        self.warm(URL)
        with self.captureOnCommitCallbacks(execute=True):
            network_checks.record_result(
                self.point, network_checks.Result(False, "brak"), now=timezone.now()
            )
        self.assertIn("Nie działa", self.assertRebuilt(URL).text)
        self.assertCached(URL)

    def test_a_check_that_changes_nothing_keeps_the_page(self):
        self.warm(URL)
        with self.captureOnCommitCallbacks(execute=True):
            network_checks.record_result(
                self.point, network_checks.Result(True), now=timezone.now()
            )
        self.assertCached(URL)

    def test_an_edit_refreshes_the_page(self):
        self.warm(URL)
        with self.captureOnCommitCallbacks(execute=True):
            self.point.how_to_connect = "Przy fontannie."
            self.point.save()
        self.assertIn("Przy fontannie.", self.assertRebuilt(URL).text)
