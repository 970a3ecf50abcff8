"""The public statistics page (off by default, "< 10", per gmina), its
settings screen, the page cache's handling of it, and the privacy page
written from the settings."""

import re

import time_machine
from bs4 import BeautifulSoup
from django.test import override_settings
from django.urls import reverse

from ratusz.gminas.models import Membership
from ratusz.gminas.tests.factory import make_member
from ratusz.insights.models import PublicStats
from ratusz.insights.public_stats import public_count, save_choices
from ratusz.insights.tests.fixtures import make_november
from ratusz.test import BaseTestCase, home_of
from ratusz.website.cache_models import PageCacheEntry
from ratusz.website.models import StandardPage
from ratusz.website.tests.test_pagecache import PageCacheTestCase, fetch

BRZEZIE = "brzezie.localhost"
ALL_ON = dict.fromkeys(PublicStats.SECTIONS, True)


def rows(response, caption_start):
    """The body rows of the table whose caption starts so, as lists of text."""
    soup = BeautifulSoup(response.content, "html.parser")
    for table in soup.find_all("table"):
        if table.caption.get_text(strip=True).startswith(caption_start):
            return [
                [cell.get_text(" ", strip=True) for cell in tr.find_all(["th", "td"])]
                for tr in table.tbody.find_all("tr")
            ]
    raise AssertionError(f"no table {caption_start!r}")


def assert_strict_page(test, response):
    """A nonce on every script and style; no inline handlers or styles."""
    nonce = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"])[1]
    soup = BeautifulSoup(response.content, "html.parser")
    for element in soup.find_all(["script", "style"]):
        test.assertEqual(element.get("nonce"), nonce, str(element)[:80])
    for element in soup.find_all(True):
        test.assertNotIn("style", element.attrs)
        test.assertEqual([a for a in element.attrs if a.startswith("on")], [])


@time_machine.travel("2026-12-03 12:00 +01:00", tick=False)
class PublicStatisticsTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        make_november(cls.gmina, cls.other_gmina, cls.alice)

    def test_small_counts_are_shown_as_less_than_ten(self):
        self.assertEqual(
            [public_count(n) for n in (None, 0, 1, 9, 10, 1234)],
            ["–", "0", "< 10", "< 10", "10", "1\xa0234"],
        )

    def test_it_is_not_there_until_the_gmina_turns_it_on(self):
        self.assertEqual(self.client.get("/statystyki/").status_code, 404)
        PublicStats.objects.create(gmina=self.gmina)  # everything off
        self.assertEqual(self.client.get("/statystyki/").status_code, 404)
        PublicStats.objects.create(gmina=self.other_gmina, show_visits=True)
        self.assertEqual(self.client.get("/statystyki/").status_code, 404)
        self.assertNotContains(self.client.get("/"), 'href="/statystyki/"')
        response = self.client.get("/statystyki/", headers={"host": BRZEZIE})
        self.assertEqual(response.status_code, 200)

    def test_it_shows_the_chosen_sections_with_small_counts_hidden(self):
        PublicStats.objects.create(gmina=self.gmina, **ALL_ON)
        response = self.client.get("/statystyki/")
        self.assertEqual(response.status_code, 200)
        assert_strict_page(self, response)
        self.assertEqual(
            rows(response, "Wyświetlenia stron i odwiedzający"),
            [["październik 2026", "< 10", "< 10"], ["listopad 2026", "150", "60"]],
        )
        sources = rows(response, "Wyświetlenia według źródła: listopad 2026")
        self.assertEqual(sources[:3], [["Facebook", "60"], ["e-mail", "50"],
                                       ["wejścia bezpośrednie", "40"]])  # fmt: skip
        self.assertEqual(sources[3], ["Mastodon", "0"])
        self.assertEqual(
            rows(response, "Obserwujący według kanału, stan na 30 listopada 2026"),
            [
                ["E-mail", "< 10"],
                ["Powiadomienia w przeglądarce", "< 10"],
                ["SMS", "< 10"],
                ["Obserwujący w serwisie (razem)", "15"],
                ["Facebook", "1\xa0012"],
            ],
        )
        conversations = rows(response, "Rozmowy rozpoczęte")
        self.assertEqual(conversations[-1], ["listopad 2026", "< 10", "za mało rozmów"])
        self.assertEqual(conversations[0], ["czerwiec 2026", "0", "za mało rozmów"])
        self.assertContains(response, 'href="/statystyki/"')  # the footer

    def test_sections_left_off_are_not_shown(self):
        PublicStats.objects.create(gmina=self.gmina, show_followers=True)
        response = self.client.get("/statystyki/")
        self.assertContains(response, "Obserwujący według kanału")
        self.assertNotContains(response, "Odwiedziny serwisu")
        self.assertNotContains(response, "Skąd przychodzą")
        self.assertNotContains(response, "Rozmowy z mieszkańcami")

    def test_each_gmina_shows_its_own_numbers(self):
        PublicStats.objects.create(gmina=self.other_gmina, **ALL_ON)
        response = self.client.get("/statystyki/", headers={"host": BRZEZIE})
        self.assertEqual(
            rows(response, "Wyświetlenia stron i odwiedzający"),
            [["listopad 2026", "5\xa0000", "4\xa0000"]],
        )
        self.assertNotContains(response, "1\xa0012")
        self.assertContains(response, "99\xa0999")


class PublicStatsSettingsTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.dora = make_member(cls.gmina, "dora", Membership.Role.ADMIN)

    def url(self, gmina=None):
        return reverse("insights-public-settings", args=[(gmina or self.gmina).pk])

    def test_it_works(self):
        self.client.force_login(self.dora)
        response = self.client.get(self.url())
        self.assertContains(response, "Statystyki publiczne")
        self.assertContains(response, "http://localhost/statystyki/")
        response = self.client.post(self.url(), {"show_visits": "on"})
        self.assertRedirects(response, self.url())
        choices = PublicStats.objects.get(gmina=self.gmina)
        self.assertEqual(
            [getattr(choices, name) for name in PublicStats.SECTIONS],
            [True, False, False, False],
        )
        self.client.post(self.url(), {})
        choices.refresh_from_db()
        self.assertFalse(choices.is_enabled())

    def test_it_checks_ownership(self):
        self.client.force_login(self.dora)
        self.assertEqual(self.client.get(self.url(self.other_gmina)).status_code, 404)
        self.client.post(self.url(self.other_gmina), {"show_visits": "on"})
        self.assertFalse(PublicStats.objects.exists())

    def test_it_requires_rw_access(self):
        # Editors and authors publish; only administrators change settings.
        for user in (self.alice, self.bob):
            self.client.force_login(user)
            # Wagtail answers PermissionDenied with a redirect and a message.
            response = self.client.get(self.url())
            self.assertRedirects(response, "/admin/", fetch_redirect_response=False)
            self.client.post(self.url(), {"show_visits": "on"})
        self.assertFalse(PublicStats.objects.exists())


class PublicStatsCacheTests(PageCacheTestCase):
    def test_saving_the_choices_drops_the_page_and_stales_the_footer(self):
        PublicStats.objects.create(gmina=self.gmina, show_visits=True)
        self.warm("/statystyki/", "/")
        home = fetch("/")
        self.assertIn('href="/statystyki/"', home.text)
        choices = PublicStats.objects.get(gmina=self.gmina)
        choices.show_visits = False
        with self.captureOnCommitCallbacks(execute=True):
            save_choices(choices)
        # The entry is gone at once (the 404 itself is asked of Django: an
        # error page rendered through the front locks in-memory SQLite here).
        keys = PageCacheEntry.objects.values_list("key", flat=True)
        self.assertEqual([k for k in keys if k.endswith("/statystyki/")], [])
        self.assertEqual(self.client.get("/statystyki/").status_code, 404)
        # Every other page of the site goes stale: its footer linked the page.
        rebuilt = fetch("/")
        self.assertNotEqual(rebuilt.headers.get("x-cache"), "HIT")
        self.assertNotIn('href="/statystyki/"', rebuilt.text)


# Counting on (the tests' default is off); nothing here is a counted page.
@override_settings(INSIGHTS_COUNTING=True, INSIGHTS_FLUSH_SECONDS=0)
class PrivacyPageTests(BaseTestCase):
    def test_it_says_what_is_counted_and_for_how_long(self):
        response = self.client.get("/statystyki/prywatnosc/")
        self.assertEqual(response.status_code, 200)
        assert_strict_page(self, response)
        self.assertContains(response, "przez 30 dni, potem zostają tylko dzienne sumy")
        self.assertContains(response, "przez 25 miesięcy, potem je usuwamy")
        self.assertContains(response, "Adresu IP ani nazwy przeglądarki nie zapisujemy")
        self.assertContains(response, "nie pyta o zgodę na pliki cookie")
        excluded = ("Do Not Track", "Global Privacy Control", "robotów", "pracowników")
        for text in excluded:
            self.assertContains(response, text)
        # Linked from every page's footer.
        self.assertContains(response, '<a href="/statystyki/prywatnosc/">Statystyki')

    def test_the_text_follows_the_settings(self):
        cases = [((14, 1), ("przez 14 dni", "przez 1 miesiąc,")),
                 ((1, 3), ("przez 1 dzień", "przez 3 miesiące")),
                 ((7, 12), ("przez 7 dni", "przez 12 miesięcy"))]  # fmt: skip
        for (days, months), expected in cases:
            with override_settings(
                INSIGHTS_RAW_DAYS=days, INSIGHTS_ROLLUP_MONTHS=months
            ):
                response = self.client.get("/statystyki/prywatnosc/")
            for text in expected:
                self.assertContains(response, text)
            self.assertNotContains(response, "przez 30 dni")
        with override_settings(INSIGHTS_COUNTING=False):
            response = self.client.get("/statystyki/prywatnosc/")
        self.assertContains(response, "Ten serwis obecnie nie liczy odwiedzin.")
        self.assertNotContains(response, "Jak długo przechowujemy")

    def test_it_links_the_gminas_gdpr_clause(self):
        clause = home_of(self.gmina).add_child(
            instance=StandardPage(title="Ochrona danych osobowych (RODO)",
                                  slug="ochrona-danych-osobowych")
        )  # fmt: skip
        clause.save_revision().publish()
        response = self.client.get("/statystyki/prywatnosc/")
        self.assertContains(
            response,
            '<a href="/ochrona-danych-osobowych/">Ochrona danych osobowych (RODO)</a>',
        )
        other = self.client.get("/statystyki/prywatnosc/", headers={"host": BRZEZIE})
        self.assertNotContains(other, "ochrona-danych-osobowych")
