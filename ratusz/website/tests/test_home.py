"""The home page: urgent announcements first, then featured and latest news."""

import json
from datetime import timedelta

import lxml.html
from django.utils import timezone

from ratusz.test import BaseTestCase, home_of, make_article, make_category
from ratusz.website.models import StandardPage


class HomePageTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.alerts = make_category(cls.gmina, "Komunikaty", is_urgent=True)
        cls.water = make_article(
            cls.gmina,
            "Brak wody na ulicy Polnej",
            lead="Do 18:00 woda będzie wyłączona.",
            category=cls.alerts,
        )
        cls.storm = make_article(
            cls.gmina,
            "Ostrzeżenie przed burzą",
            is_urgent=True,
            urgent_until=timezone.now() + timedelta(days=1),
            days_ago=2,
        )
        make_article(
            cls.gmina,
            "Stary komunikat",
            is_urgent=True,
            urgent_until=timezone.now() - timedelta(days=1),
            days_ago=20,
        )
        cls.harvest = make_article(
            cls.gmina, "Dożynki gminne", featured=True, days_ago=3
        )
        for i in range(8):
            make_article(cls.gmina, f"Wiadomość {i}", days_ago=4 + i)
        make_article(cls.gmina, "Szkic pilny", is_urgent=True, publish=False)
        make_article(cls.other_gmina, "Pilne w Brzeziu", is_urgent=True)

    def _doc(self):
        r = self.client.get("/")
        self.assertEqual(r.status_code, 200)
        return lxml.html.fromstring(r.content)

    def test_it_puts_urgent_announcements_first(self):
        doc = self._doc()
        main = doc.cssselect("main")[0]
        sections = [s.get("aria-labelledby") for s in main.cssselect("section")]
        self.assertEqual(sections[0], "pilne")
        urgent = [a.text_content() for a in main.cssselect("section.urgent li > a")]
        self.assertEqual(
            urgent, ["Brak wody na ulicy Polnej", "Ostrzeżenie przed burzą"]
        )
        self.assertIn("Do 18:00 woda będzie wyłączona.", main.text_content())

    def test_it_shows_featured_then_latest_without_repeats(self):
        doc = self._doc()
        featured = [a.text_content() for a in doc.cssselect("#wyroznione ~ .cards a")]
        self.assertEqual(featured, ["Dożynki gminne"])
        latest = [
            a.text_content()
            for a in doc.cssselect("#najnowsze ~ .cards .card__title a")
        ]
        self.assertEqual(latest, [f"Wiadomość {i}" for i in range(6)])
        self.assertNotIn("Szkic pilny", doc.text_content())
        self.assertNotIn("Pilne w Brzeziu", doc.text_content())
        self.assertNotIn("Stary komunikat", doc.text_content())
        more = doc.xpath('//a[normalize-space()="Wszystkie aktualności"]/@href')
        self.assertEqual(more, ["/aktualnosci/"])

    def test_it_lists_the_main_matters(self):
        home = home_of(self.gmina)
        office = StandardPage(title="Urząd", slug="urzad")
        home.add_child(instance=office)
        office.save_revision().publish()
        draft = StandardPage(title="Szkic", slug="szkic", live=False)
        home.add_child(instance=draft)
        home.matters = json.dumps(
            [
                {"type": "matter", "value": {"title": "Podatki", "page": office.pk}},
                {
                    "type": "matter",
                    "value": {
                        "title": "Wywóz śmieci",
                        "url": "https://bip.example.org/",
                    },
                },
                {"type": "matter", "value": {"title": "Ukryta", "page": draft.pk}},
            ]
        )
        home.save_revision().publish()
        doc = self._doc()
        matters = {a.text_content(): a.get("href") for a in doc.cssselect(".matters a")}
        self.assertEqual(
            matters, {"Podatki": "/urzad/", "Wywóz śmieci": "https://bip.example.org/"}
        )

    def test_it_needs_a_fixed_number_of_queries(self):
        self.client.get("/")
        with self.assertNumQueries(HOME_QUERIES):
            self.client.get("/")
        for i in range(6):
            make_article(self.gmina, f"Więcej {i}", featured=i < 2, is_urgent=i < 2)
        with self.assertNumQueries(HOME_QUERIES):
            self.client.get("/")


# Wagtail routing (5); public(), urgent, featured and latest with their villages,
# news index (7); layout: gmina, statement, feed links, menu, footer links (4+);
# Wagtail's site root paths read twice from the shared cache table (2); whether
# the gmina shows public statistics, for the footer's link (1, insights); whether
# it has a public access point, for the footer's "Darmowy internet" link (1,
# inclusion: its page is a 404 without one).
HOME_QUERIES = 20
