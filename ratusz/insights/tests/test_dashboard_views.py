"""The "Statystyki" screens: who sees them, the period form, CSV export
(safe from formulas) and the "napisz stronę" button."""

import csv
import io
from datetime import timedelta

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ratusz.gminas import services as gmina_services
from ratusz.gminas.models import Membership
from ratusz.insights.models import DailyStat, MissedSearch
from ratusz.test import BaseTestCase, make_article, make_user
from ratusz.website.models import ProcedurePage
from ratusz.website.tests.factory_procedures import make_procedure_index


class ScreensMixin:
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.today = timezone.localdate()
        cls.index = make_procedure_index(cls.gmina)
        make_procedure_index(cls.other_gmina)
        for lemmas, searches, day in [
            ("wywóz gruz", 5, 1),
            ("wywóz gruz", 2, 3),
            ('=HYPERLINK("http://zly.example")', 1, 1),
            ("dowód osobisty", 1, 40),  # outside the last 30 days
        ]:
            MissedSearch.objects.create(
                gmina=cls.gmina,
                day=cls.today - timedelta(days=day),
                lemmas=lemmas,
                searches=searches,
            )
        MissedSearch.objects.create(
            gmina=cls.other_gmina, day=cls.today, lemmas="obca sprawa", searches=9
        )

    def dashboard_url(self, gmina=None, query=""):
        url = reverse("insights-dashboard", args=[(gmina or self.gmina).pk])
        return f"{url}?{query}" if query else url


class AccessTestCase(ScreensMixin, BaseTestCase):
    def urls(self, gmina):
        return [
            reverse("insights-dashboard", args=[gmina.pk]),
            reverse("insights-missed", args=[gmina.pk]),
            reverse("insights-csv", args=[gmina.pk, "wizyty"]),
            reverse("insights-csv", args=[gmina.pk, "szukane"]),
        ]

    def test_it_works_for_every_staff_role_of_the_gmina(self):
        for user in (self.alice, self.bob, self.admin):
            self.client.force_login(user)
            for url in self.urls(self.gmina):
                self.assertEqual(self.client.get(url).status_code, 200, (user, url))

    def test_anonymous_goes_to_the_login(self):
        for url in self.urls(self.gmina):
            response = self.client.get(url)
            self.assertEqual(response.status_code, 302)
            self.assertIn("/admin/login/", response["Location"])

    def test_it_checks_ownership(self):
        self.client.force_login(self.charlie)
        for url in self.urls(self.gmina):
            self.assertEqual(self.client.get(url).status_code, 404, url)
        response = self.client.post(
            reverse("insights-draft-page", args=[self.gmina.pk]),
            {"lemmas": "wywóz gruz"},
        )
        self.assertEqual(response.status_code, 404)
        self.assertFalse(ProcedurePage.objects.filter(title="Wywóz gruz").exists())

    def test_the_menu_leads_to_the_only_gmina_or_a_choice(self):
        self.client.force_login(self.alice)
        home = self.client.get(reverse("wagtailadmin_home"))
        self.assertContains(home, "Statystyki")
        response = self.client.get(reverse("insights-index"))
        self.assertRedirects(response, self.dashboard_url())
        gmina_services.add_member(self.other_gmina, self.alice, Membership.Role.AUTHOR)
        response = self.client.get(reverse("insights-index"))
        self.assertContains(response, self.dashboard_url())
        self.assertContains(response, self.dashboard_url(self.other_gmina))

    def test_a_user_of_no_gmina_sees_no_menu_item(self):
        nobody = make_user("nobody", is_staff=True)
        self.client.force_login(nobody)
        self.assertEqual(self.client.get(reverse("insights-index")).status_code, 302)


class PeriodFormTestCase(ScreensMixin, BaseTestCase):
    def setUp(self):
        self.client.force_login(self.alice)

    def period(self, query):
        response = self.client.get(self.dashboard_url(query=query))
        self.assertEqual(response.status_code, 200)
        return response, response.context["period"]

    def test_presets_and_the_default(self):
        for query, days in [("", 30), ("dni=7", 7), ("dni=90", 90), ("dni=365", 365)]:
            _, period = self.period(query)
            self.assertEqual((period.days, period.until), (days, self.today), query)
        response, _ = self.period("dni=7")
        self.assertContains(response, 'href="?dni=7" aria-current="true"')

    def test_a_custom_period_and_its_comparison(self):
        since = self.today - timedelta(days=20)
        until = self.today - timedelta(days=11)
        response, period = self.period(f"od={since}&do={until}")
        self.assertEqual((period.since, period.until), (since, until))
        previous = response.context["previous"]
        self.assertEqual(previous.until, since - timedelta(days=1))
        self.assertEqual(previous.days, 10)
        # Links (CSV, the missed searches) keep the period.
        self.assertContains(response, f"?od={since}&amp;do={until}")

    def test_errors_are_in_polish_and_the_default_period_is_shown(self):
        future = self.today + timedelta(days=1)
        old = self.today - timedelta(days=800)
        cases = [
            (
                f"od={self.today}&do={self.today - timedelta(1)}",
                "nie może być późniejszy",
            ),
            (f"od={self.today}&do={future}", "nie może być w przyszłości"),
            (f"od={old}&do={self.today}", "przechowywane przez 25 miesięcy"),
            (f"od={self.today}", "Podaj obie daty"),
            ("od=jutro&do=wczoraj", "Wpisz poprawną datę"),
            ("dni=12", "Wybierz poprawną wartość"),
        ]
        for query, error in cases:
            response, period = self.period(query)
            self.assertContains(response, error, msg_prefix=query)
            self.assertEqual(period.days, 30, query)


class ExportTestCase(ScreensMixin, BaseTestCase):
    def rows(self, slug, query="dni=30", user=None):
        self.client.force_login(user or self.alice)
        url = reverse("insights-csv", args=[self.gmina.pk, slug])
        response = self.client.get(f"{url}?{query}")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "text/csv; charset=utf-8")
        return list(csv.reader(io.StringIO(response.content.decode("utf-8"))))

    def test_every_table_of_the_dashboard_exports(self):
        self.client.force_login(self.alice)
        sections = self.client.get(self.dashboard_url()).context["sections"]
        tables = [t for s in sections for t in s.tables]
        self.assertEqual(len(tables), len({t.slug for t in tables}))
        for table in tables:
            rows = self.rows(table.slug)
            self.assertEqual(rows[0], [c.label for c in table.columns])
            self.assertEqual(len(rows), 1 + len(table.rows), table.slug)

    def test_cells_cannot_run_as_formulas(self):
        evil = make_article(self.gmina, '=HYPERLINK("http://zly.example","x")')
        DailyStat.objects.create(
            gmina=self.gmina,
            day=self.today - timedelta(days=1),
            dimension="page",
            key=str(evil.pk),
            views=3,
            visitors=2,
        )
        pages = self.rows("strony")
        self.assertEqual(pages[1][0], '\'=HYPERLINK("http://zly.example","x")')
        missed = self.rows("szukane")
        self.assertEqual(
            missed,
            [
                ["Szukane słowa", "Liczba wyszukiwań"],
                ["wywóz gruz", "7"],
                ['\'=HYPERLINK("http://zly.example")', "1"],
            ],
        )

    def test_a_missing_reach_is_named_not_zero(self):
        rows = self.rows("wizyty", query="dni=7")
        self.assertEqual(
            rows[0], ["Dzień", "Wyświetlenia", "Odwiedzający", "Zasięg na Facebooku"]
        )
        self.assertEqual(len(rows), 8)
        self.assertEqual(
            rows[-1], [self.today.isoformat(), "0", "0", "Meta nie udostępnia"]
        )

    def test_an_unknown_table_is_404(self):
        self.client.force_login(self.alice)
        url = reverse("insights-csv", args=[self.gmina.pk, "nie-ma"])
        self.assertEqual(self.client.get(url).status_code, 404)


class MissedSearchesTestCase(ScreensMixin, BaseTestCase):
    def draft(self, lemmas="wywóz gruz", client=None, gmina=None):
        return (client or self.client).post(
            reverse("insights-draft-page", args=[(gmina or self.gmina).pk]),
            {"lemmas": lemmas},
        )

    def drafts(self):
        return ProcedurePage.objects.filter(title="Wywóz gruz")

    def test_the_screen_lists_the_periods_missed_searches(self):
        self.client.force_login(self.bob)
        response = self.client.get(reverse("insights-missed", args=[self.gmina.pk]))
        self.assertEqual(
            [(m.lemmas, m.searches) for m in response.context["missed"]],
            [("wywóz gruz", 7), ('=HYPERLINK("http://zly.example")', 1)],
        )
        self.assertContains(response, "Napisz stronę „Jak załatwić sprawę”")
        self.assertNotContains(response, "obca sprawa")
        self.assertNotContains(response, "dowód osobisty")
        dashboard = self.client.get(self.dashboard_url())
        self.assertContains(dashboard, "„wywóz gruz” – liczba wyszukiwań: 7")
        self.assertContains(dashboard, reverse("insights-missed", args=[self.gmina.pk]))

    def test_the_button_creates_exactly_one_draft_in_the_gminas_tree(self):
        self.client.force_login(self.alice)
        response = self.draft()
        page = self.drafts().get()
        self.assertRedirects(
            response,
            reverse("wagtailadmin_pages:edit", args=[page.pk]),
            fetch_redirect_response=False,
        )
        self.assertFalse(page.live)
        self.assertEqual(page.get_parent().pk, self.index.pk)
        self.assertEqual(page.owner, self.alice)
        # A second click opens the same draft.
        again = self.draft()
        self.assertEqual(again["Location"], response["Location"])
        self.assertEqual(self.drafts().count(), 1)

    def test_it_needs_csrf_and_post(self):
        client = Client(enforce_csrf_checks=True)
        client.force_login(self.alice)
        self.assertEqual(self.draft(client=client).status_code, 403)
        self.client.force_login(self.alice)
        url = reverse("insights-draft-page", args=[self.gmina.pk])
        self.assertEqual(self.client.get(url).status_code, 405)
        self.assertFalse(self.drafts().exists())

    def test_only_the_gminas_own_searches(self):
        self.client.force_login(self.alice)
        self.assertEqual(self.draft("obca sprawa").status_code, 404)
        self.assertEqual(self.draft("cokolwiek").status_code, 404)
        self.assertFalse(ProcedurePage.objects.filter(live=False).exists())

    def test_without_a_procedure_list_it_says_so(self):
        self.index.delete()
        self.client.force_login(self.alice)
        response = self.draft()
        self.assertRedirects(response, reverse("insights-missed", args=[self.gmina.pk]))
        self.assertFalse(self.drafts().exists())
