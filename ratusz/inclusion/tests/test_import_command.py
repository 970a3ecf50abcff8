"""`manage.py inclusion_import`: errors with row and column and a non-zero
exit, dry runs, a second run, the gmina by host and the programme by name,
the demo gmina's programme."""

import io
import tempfile
from datetime import date
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import CommandError

from ratusz.inclusion import demo
from ratusz.inclusion.equipment import Equipment, Protocol, Status
from ratusz.inclusion.households import Household
from ratusz.inclusion.tests.factory import (
    handed,
    make_programme,
    sheet_csv,
    sheet_row,
    sheet_xlsx,
)
from ratusz.test import BaseTestCase, make_village


class ImportCommandTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.programme = make_programme(cls.gmina, "eInclusion")
        make_village(cls.gmina, "Zawada Górna")

    def setUp(self):
        folder = tempfile.TemporaryDirectory()
        self.addCleanup(folder.cleanup)
        self.folder = Path(folder.name)

    def sheet(self, rows, name="rejestr.csv"):
        path = self.folder / name
        maker = sheet_xlsx if name.endswith(".xlsx") else sheet_csv
        path.write_bytes(maker(rows))
        return path

    def call(self, path, *args, gmina="localhost", programme="eInclusion"):
        out, err = io.StringIO(), io.StringIO()
        call_command(
            "inclusion_import",
            str(path),
            "--gmina",
            gmina,
            "--programme",
            programme,
            *args,
            stdout=out,
            stderr=err,
        )
        return out.getvalue(), err.getvalue()

    def test_a_clean_import_prints_what_it_created(self):
        path = self.sheet(
            [
                sheet_row("EI/001", **handed(soletwo="Zawada Gorna")),
                sheet_row("EI/002", **handed()),
                sheet_row("EI/003"),
            ],
            "rejestr.xlsx",
        )
        out, _ = self.call(path)
        self.assertIn(
            "Utworzono: gospodarstwa: 1, sprzęt: 3 (w magazynie: 1), "
            "protokoły przekazania: 1.",
            out,
        )
        self.assertIn("Protokół PP/2013/001 z 04.05.2013: EI/001, EI/002", out)
        self.assertEqual(Equipment.objects.filter(status=Status.LENT).count(), 2)

    def test_errors_are_listed_with_row_and_column_and_nothing_is_imported(self):
        path = self.sheet(
            [sheet_row("EI/001"), sheet_row("EI/002", kind="odkurzacz"), sheet_row("")]
        )
        err = io.StringIO()
        with self.assertRaisesMessage(CommandError, "Błędy w pliku: 2."):
            call_command(
                "inclusion_import",
                str(path),
                "--gmina",
                "localhost",
                "--programme",
                "eInclusion",
                stdout=io.StringIO(),
                stderr=err,
            )
        lines = err.getvalue().splitlines()
        self.assertTrue(lines[0].startswith("wiersz 3, kolumna rodzaj: Nieznany"))
        self.assertEqual(
            lines[1], "wiersz 4, kolumna nr_inwentarzowy: Podaj numer inwentarzowy."
        )
        self.assertFalse(Equipment.objects.exists())

    def test_a_dry_run_writes_nothing(self):
        path = self.sheet([sheet_row("EI/001", **handed())])
        out, _ = self.call(path, "--dry-run")
        self.assertIn("Próba, nic nie zapisano. Import utworzy: gospodarstwa: 1", out)
        self.assertFalse(Equipment.objects.exists())
        self.assertFalse(Household.objects.exists())

    def test_running_it_twice_creates_no_duplicates(self):
        path = self.sheet([sheet_row("EI/001", **handed()), sheet_row("EI/002")])
        self.call(path)
        out, _ = self.call(path)
        self.assertIn("Utworzono: gospodarstwa: 0, sprzęt: 0", out)
        self.assertIn("wiersz 2 (EI/001), wiersz 3 (EI/002)", out)
        self.assertEqual((Household.objects.count(), Equipment.objects.count()), (1, 2))

    def test_another_gminas_programme_is_not_found(self):
        make_programme(self.other_gmina, "Granty PPGR", template="ppgr")
        path = self.sheet([sheet_row("EI/001")])
        with self.assertRaisesMessage(CommandError, "nie ma programu „Granty PPGR”"):
            self.call(path, programme="Granty PPGR")
        # The programme is found at the other gmina's host.
        out, _ = self.call(path, gmina="brzezie.localhost", programme="Granty PPGR")
        self.assertIn("Utworzono", out)
        self.assertEqual(Equipment.objects.get().gmina, self.other_gmina)

    def test_an_unknown_host_or_file(self):
        path = self.sheet([sheet_row("EI/001")])
        with self.assertRaisesMessage(CommandError, "Nie ma gminy pod adresem"):
            self.call(path, gmina="nieznana.localhost")
        with self.assertRaisesMessage(CommandError, "Nie da się odczytać pliku"):
            self.call(self.folder / "brak.csv")

    def test_the_demo_programme_is_targeted_by_its_name(self):
        for name in ["Łąki", "Wólka"]:
            make_village(self.gmina, name)
        demo.load(self.gmina, today=date(2026, 12, 3))
        demo_item = Equipment.objects.get(inventory_number="EI/001")
        protocols = Protocol.objects.count()
        path = self.sheet(
            [
                # Already in the demo's register: skipped.
                sheet_row("EI/001", demo_item.serial_number, "laptop"),
                sheet_row("EI/101", **handed("Nowa", "Ewa", soletwo="WOLKA")),
            ]
        )
        for programme in [demo.PROGRAMME, demo.PROGRAMME.replace("–", "-")]:
            with self.subTest(programme=programme):
                out, _ = self.call(path, "--dry-run", programme=programme)
                self.assertIn("Import utworzy: gospodarstwa: 1, sprzęt: 1", out)
        out, _ = self.call(path, programme=demo.PROGRAMME)
        self.assertIn("wiersz 2 (EI/001)", out)
        item = Equipment.objects.get(inventory_number="EI/101")
        self.assertEqual(item.programme.name, demo.PROGRAMME)
        self.assertEqual(item.household.village.name, "Wólka")
        self.assertEqual(Protocol.objects.count(), protocols + 1)
