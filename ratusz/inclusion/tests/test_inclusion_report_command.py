"""manage.py inclusion_report: the same reports as files."""

import io
import tempfile
from pathlib import Path

from django.core.management import CommandError, call_command
from openpyxl import load_workbook
from pypdf import PdfReader

from ratusz.inclusion import reports
from ratusz.inclusion.tests.factory import (
    hand_over,
    make_household,
    make_item,
    make_programme,
)
from ratusz.test import BaseTestCase


class InclusionReportCommandTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        programme = make_programme(cls.gmina, "eInclusion")
        hand_over(
            make_household(cls.gmina, programme, "=cmd|calc"),
            make_item(cls.gmina, programme),
        )

    def run_command(self, fmt, *extra):
        out = Path(tempfile.mkdtemp()) / f"raport.{fmt}"
        call_command(
            "inclusion_report",
            "--gmina",
            "localhost",
            "--format",
            fmt,
            "--out",
            str(out),
            *extra,
            stdout=io.StringIO(),
        )
        return out.read_bytes()

    def test_it_writes_each_format(self):
        book = load_workbook(io.BytesIO(self.run_command("xlsx")))
        self.assertEqual(len(book.sheetnames), len(reports.all_reports()))
        self.assertEqual(
            book["Trwałość w gospodarstwach"]["A2"].value, "'=cmd|calc Anna"
        )
        text = self.run_command("csv", "--programme", "eInclusion").decode("utf-8-sig")
        self.assertIn("Sprzęt według programu i stanu", text)
        self.assertIn("'=cmd|calc Anna", text)
        pdf = PdfReader(io.BytesIO(self.run_command("pdf")))
        self.assertIn("Program: wszystkie programy", pdf.pages[0].extract_text())

    def test_it_refuses_an_unknown_gmina_or_programme(self):
        with self.assertRaises(CommandError):
            self.run_command("csv", "--programme", "Nie ma")
        with self.assertRaises(CommandError):
            call_command(
                "inclusion_report", "--gmina", "nie.ma", "--format", "pdf", "--out", "x"
            )
