"""Chart geometry: numbers leave as locale-independent text."""

from django.test import SimpleTestCase
from django.utils import translation

from ratusz.lib import charts


class ChartsTests(SimpleTestCase):
    def test_numbers_are_text_with_a_dot(self):
        with translation.override("pl"):
            self.assertEqual(charts.svg_number(141.24), "141.2")
            self.assertEqual(charts.svg_number(56.0), "56")
            self.assertEqual(charts.svg_number(-0.01), "0")

    def test_a_bar_chart_scales_to_its_largest_value(self):
        frame = charts.Frame(width=200, height=120, left=0, right=0, top=0, bottom=20)
        c = charts.bar_chart([("a", 50.0), ("b", 100.0)], frame=frame)
        self.assertEqual(
            [(b["x"], b["y"], b["width"], b["height"]) for b in c["bars"]],
            [("15", "50", "70", "50"), ("115", "0", "70", "100")],
        )
        self.assertEqual(charts.nice_ceiling(101), 200)
