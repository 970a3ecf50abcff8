from datetime import timedelta

from django.utils import timezone

from ratusz.test import BaseTestCase, make_article, make_category
from ratusz.website.models import ArticlePage


class UrgentTests(BaseTestCase):
    def test_it_is_marked_urgent_by_itself_or_by_its_category(self):
        alerts = make_category(self.gmina, "Komunikaty pilne", is_urgent=True)
        flagged = make_article(self.gmina, "Brak wody", is_urgent=True)
        by_category = make_article(self.gmina, "Burza", category=alerts)
        plain = make_article(self.gmina, "Festyn")
        self.assertTrue(flagged.is_marked_urgent())
        self.assertTrue(by_category.is_marked_urgent())
        self.assertFalse(plain.is_marked_urgent())

    def test_it_is_urgent_for_seven_days_or_until_its_date(self):
        now = timezone.now()
        week_old = make_article(self.gmina, "Stary", is_urgent=True, days_ago=8)
        recent = make_article(self.gmina, "Świeży", is_urgent=True, days_ago=1)
        until = make_article(
            self.gmina,
            "Do jutra",
            is_urgent=True,
            days_ago=30,
            urgent_until=now + timedelta(days=1),
        )
        make_article(self.gmina, "Festyn")
        self.assertFalse(week_old.is_urgent_at(now))
        self.assertTrue(recent.is_urgent_at(now))
        self.assertTrue(until.is_urgent_at(now))
        # The query and the row tell the same.
        self.assertEqual(set(ArticlePage.objects.urgent_at(now)), {recent, until})
