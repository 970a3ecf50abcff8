"""The monthly report: numbers against a known month, the admin page and its
PDF (Polish text read back with pypdf), access, and the command."""

import io
import tempfile
from datetime import date
from pathlib import Path

import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from pypdf import PdfReader

from ratusz.insights.report import Followers, Line, Month, format_minutes
from ratusz.insights.report import monthly_report as build
from ratusz.insights.tests.fixtures import make_november
from ratusz.test import BaseTestCase
from ratusz.testing.svg import bad_numbers, svg_charts

NOVEMBER = Month(2026, 11)
TODAY = date(2026, 12, 3)


def pdf_text(data: bytes) -> str:
    """The PDF's text, runs of white space (justified lines, breaks) as one."""
    pages = PdfReader(io.BytesIO(data)).pages
    return " ".join(" ".join(page.extract_text() for page in pages).split())


class ReportNumbersTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.article = make_november(cls.gmina, cls.other_gmina, cls.alice)

    def report(self):
        return build(self.gmina, NOVEMBER, today=TODAY)

    def test_it_counts_views_and_sums_daily_visitors(self):
        report = self.report()
        self.assertEqual(report.title, "Sprawozdanie: Gmina Zawada, listopad 2026")
        self.assertEqual((report.views, report.visitors), (153, 62))
        self.assertEqual(len(report.days), 30)
        self.assertEqual(report.days[1], Line("2026-11-02", 100, 40))
        self.assertEqual(report.days[2], Line("2026-11-03", 50, 20))
        # Not rolled up yet: aggregated from the raw events.
        self.assertEqual(report.days[29], Line("2026-11-30", 3, 2))
        self.assertEqual(report.days[0], Line("2026-11-01", 0, 0))

    def test_it_lists_top_pages_sources_and_devices(self):
        report = self.report()
        self.assertEqual(
            [(p.label, p.views, p.visitors) for p in report.pages],
            [("Odbiór odpadów wielkogabarytowych", 123, 52), ("Gmina Zawada", 30, 20)],
        )
        self.assertEqual(
            report.pages[0].url, "/aktualnosci/odbior-odpadow-wielkogabarytowych/"
        )
        self.assertEqual(
            [(s.label, s.views, s.visitors) for s in report.sources[:5]],
            [
                ("Facebook", 60, 25),
                ("e-mail", 50, 20),
                ("wejścia bezpośrednie", 41, 16),
                ("wyszukiwarki", 2, 1),
                ("Mastodon", 0, 0),
            ],
        )
        self.assertEqual(len(report.sources), 8)
        self.assertEqual(
            [(d.label, d.views, d.visitors) for d in report.devices],
            [("telefon", 80, 32), ("komputer", 70, 28), ("tablet", 3, 2)],
        )

    def test_it_compares_followers_at_the_start_and_end(self):
        followers = self.report().followers
        self.assertEqual(
            followers,
            [
                Followers("Obserwujący w Ratuszu (razem)", 10, 15),
                Followers("E-mail", 6, 9),
                Followers("Powiadomienia w przeglądarce", 3, 2),
                Followers("SMS", 4, 7),
                Followers("Facebook", 1000, 1012),
                Followers("Mastodon", None, None, note="Serwer nie odpowiedział"),
            ],
        )
        self.assertEqual([f.change for f in followers], [5, 3, -1, 3, 12, None])

    def test_it_reports_conversations_and_missed_searches(self):
        report = self.report()
        row = report.conversations
        self.assertEqual((row.conversations, row.responded, row.resolved), (3, 2, 1))
        self.assertEqual((row.first_response_median, row.first_response_p90), (60, 90))
        self.assertEqual(row.resolution_median, 240)
        self.assertEqual(
            dict(report.conversation_lines())["Czas pierwszej odpowiedzi – p90"],
            "1 godz. 30 min",
        )
        self.assertEqual(report.missed_searches, [("żółty worek", 5), ("psi park", 4)])

    def test_the_other_gmina_sees_only_its_own(self):
        report = build(self.other_gmina, NOVEMBER, today=TODAY)
        self.assertEqual((report.views, report.visitors), (5000, 4000))
        self.assertEqual(
            report.followers[0], Followers(report.followers[0].channel, 777, 777)
        )
        self.assertEqual(report.followers[-1], Followers("Facebook", 99999, 99999))
        self.assertEqual(report.conversations.conversations, 1)
        self.assertEqual(report.missed_searches, [("obce słowo", 50)])

    def test_the_current_month_ends_today(self):
        report = build(self.gmina, Month(2026, 12), today=TODAY)
        self.assertEqual(report.until, TODAY)
        self.assertEqual(len(report.days), 3)
        self.assertEqual(report.views, 7)

    def test_it_formats_times_and_parses_months(self):
        self.assertEqual(format_minutes(None), "–")
        self.assertEqual(format_minutes(45), "45 min")
        self.assertEqual(format_minutes(135), "2 godz. 15 min")
        self.assertEqual(format_minutes(60 * 24 * 2 + 120), "2 dni 2 godz.")
        self.assertEqual(Month.parse("2026-02").last_day, date(2026, 2, 28))
        self.assertEqual(Month.parse("2026-12").last_day, date(2026, 12, 31))
        self.assertEqual(Month.previous(date(2026, 1, 15)), Month(2025, 12))
        for bad in ("2026-13", "2026-1", "26-11", "listopad", "2026-11-01", "9999-12"):
            with self.assertRaises(ValueError, msg=bad):
                Month.parse(bad)


@time_machine.travel("2026-12-03 12:00 +01:00", tick=False)
class ReportViewTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        make_november(cls.gmina, cls.other_gmina, cls.alice)

    def url(self, name="insights-report", gmina=None, month="2026-11"):
        url = reverse(name, args=[(gmina or self.gmina).pk])
        return f"{url}?miesiac={month}" if month else url

    def test_it_works(self):
        self.client.force_login(self.alice)
        response = self.client.get(self.url())
        self.assertContains(response, "Sprawozdanie: Gmina Zawada, listopad 2026")
        self.assertContains(response, "<dd>153</dd>", html=True)
        self.assertContains(response, "suma dziennych unikalnych odwiedzających")
        self.assertContains(response, "żółty worek")
        self.assertContains(response, "Pobierz PDF")
        self.assertContains(response, self.url("insights-report-pdf"))
        self.assertNotContains(response, "obce słowo")
        self.assertNotContains(response, "99999")
        self.assertContains(response, "@media print")
        charts = svg_charts(response.content.decode())
        self.assertEqual(len(charts), 1)
        self.assertEqual(bad_numbers(charts[0]), [])

    def test_any_staff_role_of_the_gmina_may_read_it(self):
        self.client.force_login(self.bob)
        self.assertEqual(self.client.get(self.url()).status_code, 200)
        self.assertEqual(
            self.client.get(self.url("insights-report-pdf")).status_code, 200
        )

    def test_it_checks_ownership(self):
        self.client.force_login(self.charlie)
        self.assertEqual(self.client.get(self.url()).status_code, 404)
        self.assertEqual(
            self.client.get(self.url("insights-report-pdf")).status_code, 404
        )
        own = self.client.get(self.url(gmina=self.other_gmina))
        self.assertContains(own, "Sprawozdanie: Gmina Brzezie, listopad 2026")

    def test_it_requires_login(self):
        response = self.client.get(self.url())
        self.assertEqual(response.status_code, 302)
        self.assertIn("/admin/login/", response["Location"])

    def test_it_defaults_to_the_last_month_and_refuses_a_bad_one(self):
        self.client.force_login(self.alice)
        response = self.client.get(self.url(month=None))
        self.assertContains(response, "listopad 2026")
        self.assertContains(response, 'value="2026-11"')
        response = self.client.get(self.url(month="2026-13"))
        self.assertContains(response, "Podaj miesiąc w postaci RRRR-MM.")
        self.assertContains(response, "listopad 2026")
        response = self.client.get(self.url(month="2026-10"))
        self.assertContains(response, "Sprawozdanie: Gmina Zawada, październik 2026")

    def test_the_index_leads_to_the_only_gmina(self):
        self.client.force_login(self.alice)
        response = self.client.get(reverse("insights-report-index"))
        self.assertRedirects(
            response, self.url(month=None), fetch_redirect_response=False
        )

    def test_the_pdf_has_the_polish_text_and_the_numbers(self):
        self.client.force_login(self.alice)
        response = self.client.get(self.url("insights-report-pdf"))
        self.assertEqual(response["Content-Type"], "application/pdf")
        self.assertIn(
            "sprawozdanie-zawada-2026-11.pdf", response["Content-Disposition"]
        )
        text = pdf_text(response.content)
        for expected in (
            "Sprawozdanie: Gmina Zawada, listopad 2026",
            "Wyświetlenia stron: 153. Odwiedzający: 62.",
            "suma dziennych unikalnych",
            "Odbiór odpadów wielkogabarytowych 123 52",
            "Skąd przyszli odwiedzający",
            "wejścia bezpośrednie 41 16",
            "Obserwujący w Ratuszu (razem) 10 15 +5",
            "Powiadomienia w przeglądarce 3 2 -1",
            "Facebook 1 000 1 012 +12",
            "Serwer nie odpowiedział",
            "Czas pierwszej odpowiedzi – mediana 1 godz.",
            "Czas załatwienia – mediana 4 godz.",
            "żółty worek 5",
            "Strona 1 z",
        ):
            self.assertIn(expected, text)
        self.assertNotIn("obce", text)


class ReportCommandTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        make_november(cls.gmina, cls.other_gmina, cls.alice)

    def test_it_writes_pdf_and_html(self):
        with tempfile.TemporaryDirectory() as tmp:
            pdf, html = Path(tmp) / "r.pdf", Path(tmp) / "r.html"
            for out in (pdf, html):
                call_command(
                    "insights_report", gmina="localhost", month=NOVEMBER, out=out,
                    stdout=io.StringIO(),
                )  # fmt: skip
            self.assertIn(
                "Sprawozdanie: Gmina Zawada, listopad 2026", pdf_text(pdf.read_bytes())
            )
            page = html.read_text(encoding="utf-8")
        self.assertIn("<title>Sprawozdanie: Gmina Zawada, listopad 2026</title>", page)
        self.assertIn("<dd>153</dd>", page)
        self.assertIn("@media print", page)

    def test_it_refuses_a_bad_suffix_or_host(self):
        with self.assertRaises(CommandError):
            call_command(
                "insights_report", gmina="localhost", month=NOVEMBER, out=Path("r.txt")
            )
        with self.assertRaises(CommandError):
            call_command(
                "insights_report",
                gmina="nowhere.example",
                month=NOVEMBER,
                out=Path("r.pdf"),
            )
        with self.assertRaises(CommandError):
            call_command(
                "insights_report", "--gmina=localhost", "--month=2026-13", "--out=r.pdf"
            )
