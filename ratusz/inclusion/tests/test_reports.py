"""The reports' numbers against a small register, the Raporty screen and its
downloads: formula-safe CSV/XLSX, a PDF with Polish letters, the access
log, and a second gmina that never shows up."""

import csv
import io
from datetime import UTC, date, datetime
from decimal import Decimal

import time_machine
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from ratusz.gminas.models import Membership
from ratusz.gminas.tests.factory import make_member
from ratusz.inclusion import checks, reports
from ratusz.inclusion import equipment as register
from ratusz.inclusion.access_log import AccessLog
from ratusz.inclusion.network import CheckDay, Outage
from ratusz.inclusion.tests.factory import (
    hand_over,
    make_access_point,
    make_household,
    make_item,
    make_programme,
    make_wifi_programme,
)
from ratusz.lib.dates import WARSAW
from ratusz.test import BaseTestCase, make_village

TODAY = date(2026, 6, 15)
NOW = datetime(2026, 6, 15, 10, 0, tzinfo=UTC)
EVIL = '=HYPERLINK("http://zly.example")'


def make_register(test):
    """Gmina A: eInclusion (checks, durability 2025-01-10 + 5 years) and
    PPGR 2021 (no checks, 2025-06-01 + 2 years), four households in two
    villages and none, six items; a WiFi4EU access point with two months of
    checks. Gmina B: one of each, never to be seen in A's reports."""
    g = test.gmina
    test.poig = make_programme(
        g, "eInclusion", durability_start=date(2025, 1, 10), starts_on=date(2024, 1, 1)
    )
    test.ppgr = make_programme(
        g, "PPGR 2021", template="ppgr", durability_start=date(2025, 6, 1)
    )
    laki = make_village(g, "Łąki")
    brzozow = make_village(g, "Brzozów")
    test.kowalska = make_household(g, test.poig, "Kowalska", village=laki)
    test.evil = make_household(g, test.poig, EVIL, village=brzozow)
    test.nowak = make_household(g, test.ppgr, "Nowak")
    test.wisniewski = make_household(g, test.poig, "Wiśniewski", village=laki)
    hand_over(
        test.kowalska,
        make_item(g, test.poig, "EI/001"),
        make_item(g, test.poig, "EI/005"),
    )
    hand_over(test.evil, make_item(g, test.poig, "EI/002"))
    make_item(g, test.poig, "EI/003")  # in stock
    register.change_status(make_item(g, test.poig, "EI/004"), "in_repair")
    test.ppgr_protocol = hand_over(test.nowak, make_item(g, test.ppgr, "PG/001"))
    checks.record_inspection(
        test.kowalska,
        checked_on=date(2026, 3, 1),
        result="ok",
        next_due_on=date(2027, 3, 1),
    )
    point = make_access_point(g, "Rynek", programme=make_wifi_programme(g))
    CheckDay.objects.create(
        access_point=point, day=date(2026, 5, 10), checks=100, failures=1
    )
    CheckDay.objects.create(
        access_point=point, day=date(2026, 6, 1), checks=50, failures=0
    )
    Outage.objects.create(
        access_point=point,
        started_at=datetime(2026, 5, 10, 10, 0, tzinfo=WARSAW),
        ended_at=datetime(2026, 5, 10, 12, 30, tzinfo=WARSAW),
    )
    # Gmina B.
    other = test.other_gmina
    other_programme = make_programme(other, "Obcy program")
    other_household = make_household(
        other, other_programme, "Obca", village=make_village(other, "Obce Pole")
    )
    hand_over(other_household, make_item(other, other_programme, "OB/001"))
    other_point = make_access_point(other, "Obcy punkt")
    CheckDay.objects.create(
        access_point=other_point, day=date(2026, 6, 1), checks=10, failures=5
    )


class ReportNumbersTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        make_register(cls)

    def test_equipment_per_programme_and_status(self):
        title, headers, rows = reports.equipment_report(self.gmina)
        self.assertEqual(
            headers,
            [
                "Program",
                "w magazynie",
                "użyczony",
                "przekazany na własność",
                "w naprawie",
                "zwrócony",
                "zlikwidowany",
                "utracony",
                "Razem",
            ],
        )
        self.assertEqual(
            rows,
            [
                ["eInclusion", 1, 3, 0, 1, 0, 0, 0, 5],
                ["PPGR 2021", 0, 0, 1, 0, 0, 0, 0, 1],
                ["Razem", 1, 3, 1, 1, 0, 0, 0, 6],
            ],
        )
        _t, _h, rows = reports.equipment_report(self.gmina, self.ppgr)
        self.assertEqual(rows, [["PPGR 2021", 0, 0, 1, 0, 0, 0, 0, 1]])

    def test_households_served_per_village(self):
        _t, headers, rows = reports.households_report(self.gmina)
        self.assertEqual(len(headers), 4)
        self.assertEqual(
            rows,
            [
                ["Brzozów", 1, 1, 1],
                ["Łąki", 2, 1, 2],
                ["bez sołectwa", 1, 1, 1],
                ["Razem", 4, 3, 4],
            ],
        )
        _t, _h, rows = reports.households_report(self.gmina, self.poig)
        self.assertEqual(
            rows, [["Brzozów", 1, 1, 1], ["Łąki", 2, 1, 2], ["Razem", 3, 2, 3]]
        )

    def test_durability_per_household(self):
        _t, headers, rows = reports.durability_report(self.gmina, today=TODAY)
        self.assertEqual(headers[3:], [
            "Koniec trwałości", "Ostatnia kontrola", "Następna kontrola", "Zaległa"
        ])  # fmt: skip
        end = date(2030, 1, 10)
        self.assertEqual(
            rows,
            [
                [f"{EVIL} Anna", "eInclusion", "Brzozów", end, None, None, "tak"],
                [
                    "Kowalska Anna",
                    "eInclusion",
                    "Łąki",
                    end,
                    date(2026, 3, 1),
                    date(2027, 3, 1),
                    "nie",
                ],
                [
                    "Nowak Anna",
                    "PPGR 2021",
                    "",
                    date(2027, 6, 1),
                    None,
                    None,
                    "nie dotyczy",
                ],
                ["Wiśniewski Anna", "eInclusion", "Łąki", end, None, None, "tak"],
            ],
        )
        # A year later Kowalska's check is overdue too.
        _t, _h, rows = reports.durability_report(
            self.gmina, self.poig, today=date(2027, 3, 2)
        )
        self.assertEqual([row[-1] for row in rows], ["tak", "tak", "tak"])

    def test_uptime_per_month(self):
        _t, headers, rows = reports.uptime_report(self.gmina, now=NOW)
        self.assertEqual(headers[0], "Punkt dostępowy")
        self.assertEqual(
            rows,
            [
                ["Rynek", "2026-06", 50, Decimal("100.00"), 0, ""],
                ["Rynek", "2026-05", 100, Decimal("99.00"), 1, "2 godz. 30 min"],
            ],
        )
        _t, _h, rows = reports.uptime_report(self.gmina, self.poig, now=NOW)
        self.assertEqual(rows, [])

    def test_another_gmina_sees_only_its_own(self):
        with time_machine.travel(NOW):
            tables = {r.slug: r.run(self.other_gmina) for r in reports.all_reports()}
        text = repr(tables)
        self.assertIn("Obca", text)
        for name in ["Kowalska", "eInclusion", "Łąki", "Rynek", "PPGR"]:
            self.assertNotIn(name, text)
        equipment, households, uptime = (
            tables[slug][2] for slug in ("sprzet", "solectwa", "dostepnosc")
        )
        # No campaigns and no trainings in the other gmina.
        self.assertEqual(tables["oswiadczenia"][2], [])
        self.assertEqual(tables["szkolenia"][2], [])
        self.assertEqual(equipment, [["Obcy program", 0, 1, 0, 0, 0, 0, 0, 1]])
        self.assertEqual(households, [["Obce Pole", 1, 1, 1]])
        self.assertEqual(
            uptime, [["Obcy punkt", "2026-06", 10, Decimal("50.00"), 0, ""]]
        )

    def test_a_report_cannot_be_registered_twice(self):
        with self.assertRaises(ValueError):
            reports.register_report("sprzet", "x", reports.equipment_report)


@time_machine.travel(NOW)
class ReportScreenTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        make_register(cls)
        cls.cora = make_member(cls.gmina, "cora", Membership.Role.COORDINATOR)
        cls.dora = make_member(cls.gmina, "dora", Membership.Role.ADMIN)

    def setUp(self):
        self.client.force_login(self.cora)

    def url(self, name="inclusion-reports", *args):
        return reverse(name, args=[self.gmina.pk, *args])

    def log(self):
        return list(
            AccessLog.objects.filter(gmina=self.gmina)
            .order_by("pk")
            .values_list("login", "action", "subject")
        )

    def test_it_shows_every_report_as_a_labelled_table(self):
        response = self.client.get(self.url())
        self.assertEqual(response.status_code, 200)
        body = response.content.decode()
        for title in [
            "Sprzęt według programu i stanu",
            "Gospodarstwa według sołectw",
            "Trwałość w gospodarstwach",
            "Darmowy internet: dostępność w miesiącach",
        ]:
            self.assertIn(title, body)
        self.assertIn('<td data-label="Następna kontrola">01.03.2027</td>', body)
        self.assertIn('<td data-label="Dostępność (%)">99,00</td>', body)
        self.assertIn("=HYPERLINK(&quot;http://zly.example&quot;) Anna", body)
        self.assertEqual(self.log(), [("cora", "list", "raporty (wszystkie programy)")])

    def test_the_programme_filter_narrows_every_report(self):
        response = self.client.get(self.url(), {"programme": self.ppgr.pk})
        body = response.content.decode()
        self.assertIn("Nowak Anna", body)
        self.assertNotIn("Kowalska", body)
        self.assertIn(f"?programme={self.ppgr.pk}", body)  # the download links
        self.assertEqual(self.log(), [("cora", "list", "raporty (PPGR 2021)")])

    def test_another_gminas_programme_is_not_a_choice(self):
        other = make_programme(self.other_gmina, "Obcy")
        response = self.client.get(self.url(), {"programme": other.pk})
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.context["form"].errors)
        self.assertNotIn("Obca", response.content.decode())

    def test_csv_neutralises_formulas_and_is_logged(self):
        response = self.client.get(
            self.url("inclusion-report-download", "trwalosc", "csv")
        )
        self.assertEqual(response["Content-Type"], "text/csv; charset=utf-8")
        self.assertIn("raport-trwalosc.csv", response["Content-Disposition"])
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
        self.assertEqual(rows[0][0], "Gospodarstwo")
        self.assertEqual(
            rows[1][:4], [f"'{EVIL} Anna", "eInclusion", "Brzozów", "2030-01-10"]
        )
        self.assertFalse(any(cell.startswith("=") for row in rows for cell in row))
        self.assertEqual(self.log(), [("cora", "export", "raport trwalosc (csv)")])

    def test_xlsx_neutralises_formulas(self):
        response = self.client.get(
            self.url("inclusion-report-download", "trwalosc", "xlsx")
        )
        sheet = load_workbook(io.BytesIO(response.content)).active
        values = [[c.value for c in row] for row in sheet.iter_rows()]
        self.assertEqual(values[1][0], f"'{EVIL} Anna")
        self.assertEqual(values[1][3], datetime(2030, 1, 10))
        self.assertFalse(
            any(isinstance(v, str) and v.startswith("=") for r in values for v in r)
        )

    def test_a_report_without_names_is_not_logged(self):
        response = self.client.get(
            self.url("inclusion-report-download", "sprzet", "xlsx")
        )
        sheet = load_workbook(io.BytesIO(response.content)).active
        self.assertEqual(
            [c.value for c in sheet[2]], ["eInclusion", 1, 3, 0, 1, 0, 0, 0, 5]
        )
        self.assertEqual(self.log(), [])

    def test_an_unknown_report_or_format_is_404(self):
        for slug, fmt in [("nie-ma", "csv"), ("sprzet", "pdf"), ("sprzet", "exe")]:
            response = self.client.get(self.url("inclusion-report-download", slug, fmt))
            self.assertEqual(response.status_code, 404, (slug, fmt))

    def test_the_pdf_has_a_title_page_and_polish_letters(self):
        response = self.client.get(
            self.url("inclusion-reports-pdf"), {"programme": self.poig.pk}
        )
        self.assertEqual(response["Content-Type"], "application/pdf")
        reader = PdfReader(io.BytesIO(response.content))
        self.assertEqual(len(reader.pages), 1 + len(reports.all_reports()))
        title_page = reader.pages[0].extract_text()
        for text in [
            "Raporty e-Integracji",
            "Gmina: Gmina Zawada",
            "Program: eInclusion",
            "Stan na dzień: 15.06.2026",
        ]:
            self.assertIn(text, title_page)
        text = "\n".join(page.extract_text() for page in reader.pages)
        for text_expected in [
            "Łąki",
            "Brzozów",
            "Trwałość w gospodarstwach",
            "Wiśniewski",
        ]:
            self.assertIn(text_expected, text)
        self.assertEqual(self.log(), [("cora", "pdf", "raporty (eInclusion)")])

    def test_the_administrator_may_and_the_editor_may_not(self):
        self.client.force_login(self.dora)
        self.assertEqual(self.client.get(self.url()).status_code, 200)
        self.client.force_login(self.alice)
        for url in [
            self.url(),
            self.url("inclusion-reports-pdf"),
            self.url("inclusion-report-download", "sprzet", "csv"),
        ]:
            response = self.client.get(url)
            self.assertEqual(response.status_code, 302, url)
            self.assertEqual(response["Location"].rstrip("/"), "/admin", url)
        self.assertEqual(self.log(), [("dora", "list", "raporty (wszystkie programy)")])

    def test_another_gminas_staff_get_404(self):
        erin = make_member(self.other_gmina, "erin", Membership.Role.COORDINATOR)
        self.client.force_login(erin)
        for url in [
            self.url(),
            self.url("inclusion-reports-pdf"),
            self.url("inclusion-report-download", "trwalosc", "csv"),
        ]:
            self.assertEqual(self.client.get(url).status_code, 404, url)
