"""The register import: reading CSV and XLSX, every error with its row and
column, all or nothing, dry runs, a second run, households from rows."""

from datetime import date, datetime

from ratusz.inclusion import importing
from ratusz.inclusion.equipment import Equipment, EquipmentEvent, Protocol, Status
from ratusz.inclusion.households import Household
from ratusz.inclusion.staff.exports import spreadsheet
from ratusz.inclusion.tests.factory import (
    hand_over,
    handed,
    make_household,
    make_item,
    make_programme,
    sheet_csv,
    sheet_row,
    sheet_xlsx,
)
from ratusz.test import BaseTestCase, make_village

TODAY = date(2026, 12, 3)


def counts():
    return (
        Household.objects.count(),
        Equipment.objects.count(),
        Protocol.objects.count(),
        EquipmentEvent.objects.count(),
    )


class ImportTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.programme = make_programme(cls.gmina)
        cls.zawada = make_village(cls.gmina, "Zawada Górna")
        cls.laki = make_village(cls.gmina, "Łąki")

    def run_import(self, data, **kwargs):
        kwargs.setdefault("today", TODAY)
        return importing.run(self.gmina, self.programme, data, **kwargs)

    def where(self, result):
        return [(p.row, p.column) for p in result.problems]


class CleanImportTests(ImportTestCase):
    def register_sheet(self):
        return sheet_csv(
            [
                sheet_row("EI/001", kind="Laptop", **handed(soletwo="Zawada Gorna")),
                sheet_row("EI/002", kind="komputer stacjonarny", **handed()),
                sheet_row("EI/003", kind="TABLET"),
                sheet_row(
                    "EI/004",
                    kind="urzadzenie wielofunkcyjne",
                    **handed(
                        "Wiśniewski",
                        "Jan",
                        "Łąki 7",
                        soletwo="LAKI",
                        data_przekazania="2013-05-06",
                        telefon="+48 600 100 200",
                        email="jan@example.org",
                        uwagi="bez kabla USB",
                    ),
                ),
            ]
        )

    def test_a_clean_sheet_creates_households_items_and_handed_over_protocols(self):
        result = self.run_import(self.register_sheet())
        self.assertTrue(result.ok, result.problems)
        self.assertTrue(result.written)
        self.assertEqual(
            (result.households, result.items, result.in_stock, result.protocols),
            (2, 4, 1, 2),
        )
        kowalska = Household.objects.get(surname="Kowalska")
        self.assertEqual(kowalska.village, self.zawada)  # "Zawada Gorna"
        self.assertEqual(kowalska.basis, Household.Basis.OTHER)
        self.assertEqual(kowalska.basis_note, importing.IMPORTED)
        # Two rows of one household: one protocol with both items.
        protocol = kowalska.protocols.get()
        self.assertEqual(protocol.number, "PP/2013/001")
        self.assertEqual(protocol.handed_on, date(2013, 5, 4))
        self.assertEqual(protocol.kind, Status.LENT)  # the POIG 8.3 handover
        self.assertEqual(protocol.note, importing.IMPORTED)
        self.assertIsNotNone(protocol.handed_over_at)
        self.assertEqual(
            sorted(protocol.items.values_list("inventory_number", flat=True)),
            ["EI/001", "EI/002"],
        )
        for item in protocol.items.all():
            self.assertEqual(
                (item.status, item.household, item.protocol),
                (Status.LENT, kowalska, protocol),
            )
            # Registered, then handed over through change_status.
            self.assertEqual(
                list(item.events.order_by("pk").values_list("to_status", "protocol")),
                [(Status.IN_STOCK, None), (Status.LENT, protocol.pk)],
            )
        self.assertEqual(
            Equipment.objects.get(inventory_number="EI/002").kind,
            Equipment.Kind.DESKTOP,
        )
        stock = Equipment.objects.get(inventory_number="EI/003")
        self.assertEqual((stock.status, stock.household), (Status.IN_STOCK, None))
        self.assertEqual(stock.kind, Equipment.Kind.TABLET)
        jan = Household.objects.get(surname="Wiśniewski")
        self.assertEqual((jan.village, jan.phone), (self.laki, "+48 600 100 200"))
        self.assertEqual(jan.protocols.get().number, "PP/2013/002")
        printer = Equipment.objects.get(inventory_number="EI/004")
        self.assertEqual(printer.kind, Equipment.Kind.PRINTER)
        self.assertEqual(
            printer.events.order_by("pk").first().note,
            "zaimportowano z arkusza: bez kabla USB",
        )
        self.assertIn(
            "Protokół PP/2013/001 z 04.05.2013: EI/001, EI/002", result.summary()
        )

    def test_the_dry_run_says_what_it_would_create_and_writes_nothing(self):
        before = counts()
        result = self.run_import(self.register_sheet(), dry_run=True)
        self.assertTrue(result.ok)
        self.assertFalse(result.written)
        self.assertEqual(counts(), before)
        self.assertEqual((result.households, result.items, result.protocols), (2, 4, 2))
        self.assertIn("Próba, nic nie zapisano", result.summary()[0])

    def test_a_second_run_creates_nothing(self):
        self.run_import(self.register_sheet())
        after_first = counts()
        result = self.run_import(self.register_sheet())
        self.assertTrue(result.ok)
        self.assertEqual(counts(), after_first)
        self.assertEqual((result.households, result.items, result.protocols), (0, 0, 0))
        self.assertEqual(
            result.skipped, [(2, "EI/001"), (3, "EI/002"), (4, "EI/003"), (5, "EI/004")]
        )
        self.assertIn("wiersz 2 (EI/001)", result.summary()[-1])

    def test_a_new_item_joins_the_household_already_in_the_register(self):
        household = make_household(
            self.gmina, self.programme, "Kowalska", first_name="Anna"
        )
        result = self.run_import(
            sheet_csv(
                [sheet_row("EI/009", **handed("KOWALSKA", "anna", "ul.  Polna 1"))]
            )
        )
        self.assertEqual((result.households, result.protocols), (0, 1))
        self.assertEqual(Household.objects.count(), 1)
        item = Equipment.objects.get(inventory_number="EI/009")
        self.assertEqual(item.household, household)

    def test_a_household_of_another_programme_is_not_reused(self):
        other = make_programme(self.gmina, "Granty PPGR", template="ppgr")
        make_household(self.gmina, other, "Kowalska")
        result = self.run_import(sheet_csv([sheet_row("EI/009", **handed())]))
        self.assertEqual(result.households, 1)

    def test_later_rows_of_a_household_complete_it(self):
        self.run_import(
            sheet_csv(
                [
                    sheet_row("EI/001", **handed()),
                    sheet_row("EI/002", **handed(telefon="600 100 200")),
                ]
            )
        )
        self.assertEqual(Household.objects.get().phone, "600 100 200")

    def test_protocol_numbers_follow_those_drawn_up_on_the_screens(self):
        household = make_household(self.gmina, self.programme, "Nowak")
        hand_over(
            household, make_item(self.gmina, self.programme), handed_on=date(2013, 1, 2)
        )
        self.run_import(sheet_csv([sheet_row("EI/050", **handed())]))
        self.assertEqual(
            Protocol.objects.get(household__surname="Kowalska").number, "PP/2013/002"
        )

    def test_a_programme_that_gives_equipment_makes_it_given(self):
        ppgr = make_programme(self.gmina, "Granty PPGR", template="ppgr")
        importing.run(
            self.gmina, ppgr, sheet_csv([sheet_row("PG/1", **handed())]), today=TODAY
        )
        item = Equipment.objects.get(inventory_number="PG/1")
        self.assertEqual(
            (item.status, item.protocol.kind), (Status.GIVEN, Status.GIVEN)
        )

    def test_the_template_imports_cleanly(self):
        header, rows = importing.template_rows(self.gmina)
        self.assertEqual(header, importing.COLUMNS)
        self.assertEqual(rows[0][importing.COLUMNS.index("soletwo")], "Łąki")
        for fmt in ("csv", "xlsx"):
            with self.subTest(fmt=fmt):
                data = spreadsheet("wzor", header, rows, fmt).content
                result = self.run_import(data, dry_run=True)
                self.assertTrue(result.ok, result.problems)
                self.assertEqual((result.households, result.items), (1, 1))

    def test_it_refuses_a_programme_of_another_gmina(self):
        with self.assertRaises(ValueError):
            importing.run(self.other_gmina, self.programme, b"x")


class ReadingTests(ImportTestCase):
    def test_xlsx_with_date_cells_and_numbers(self):
        data = sheet_xlsx(
            [
                sheet_row(
                    "EI/001",
                    serial=12345678,  # typed as a number
                    **handed(
                        data_przekazania=datetime(2013, 5, 4),
                        telefon=600100200,
                        soletwo="zawada górna",
                    ),
                ),
                sheet_row("EI/002", **handed(data_przekazania="2013-05-06")),
            ]
        )
        result = self.run_import(data)
        self.assertTrue(result.ok, result.problems)
        first = Equipment.objects.get(inventory_number="EI/001")
        self.assertEqual(first.serial_number, "12345678")
        self.assertEqual(first.protocol.handed_on, date(2013, 5, 4))
        self.assertEqual(first.household.phone, "600100200")
        self.assertEqual(
            Equipment.objects.get(inventory_number="EI/002").protocol.handed_on,
            date(2013, 5, 6),
        )
        # One household, a protocol per handover day.
        self.assertEqual((result.households, result.protocols), (1, 2))

    def test_csv_with_commas_and_without_a_bom(self):
        data = sheet_csv(
            [sheet_row("EI/001", **handed(soletwo="Zawada Górna"))],
            delimiter=",",
            encoding="utf-8",
        )
        self.assertTrue(self.run_import(data).written)
        self.assertEqual(Household.objects.get().village, self.zawada)

    def test_csv_saved_by_excel_in_the_windows_code_page(self):
        data = sheet_csv(
            [sheet_row("EI/001", **handed("Żółkiewska", soletwo="Łąki"))],
            encoding="cp1250",
        )
        self.assertTrue(self.run_import(data).written)
        self.assertEqual(Household.objects.get().surname, "Żółkiewska")

    def test_headers_in_any_case_and_spacing_below_a_title_row(self):
        header = [
            " Nr Inwentarzowy ",
            "NUMER_SERYJNY",
            "Rodzaj",
            "Model",
            "Data przekazania",
            "Nazwisko",
            "Imię",
            "Sołectwo",
            "Adres",
            "Telefon",
            "E-mail",
            "Uwagi",
            "Wartość brutto",
        ]
        rows = [
            ["Rejestr sprzętu – stan na 2014 r."] + [""] * 12,
            header,
            sheet_row("EI/001", **handed()) + ["2 100,00"],
        ]
        data = sheet_xlsx(rows[1:], header=rows[0])
        result = self.run_import(data)
        self.assertTrue(result.ok, result.problems)
        self.assertEqual(result.ignored_columns, ["Wartość brutto"])
        self.assertEqual(Protocol.objects.get().handed_on, date(2013, 5, 4))

    def test_cells_escaped_by_our_exports_read_back(self):
        data = sheet_csv([sheet_row("EI/001", **handed(telefon="'+48 600 100 200"))])
        self.run_import(data)
        self.assertEqual(Household.objects.get().phone, "+48 600 100 200")

    def test_missing_columns_are_named(self):
        data = sheet_csv([["Nowak", "Jan"]], header=["nazwisko", "imie"])
        result = self.run_import(data)
        self.assertEqual(
            self.where(result),
            [(1, "nr_inwentarzowy"), (1, "numer_seryjny"), (1, "rodzaj")],
        )
        self.assertEqual(
            str(result.problems[0]),
            "wiersz 1, kolumna nr_inwentarzowy: Brak tej kolumny.",
        )

    def test_files_that_are_not_sheets(self):
        for data, message in [
            (b"", "Plik jest pusty."),
            (b"\x89PNG\r\n\x1a\n\x00\x00", "To nie jest arkusz CSV ani XLSX."),
            (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "Zapisz arkusz jako XLSX"),
            (b"PK\x03\x04 broken", "Nie da się odczytać pliku XLSX."),
        ]:
            with self.subTest(message=message):
                result = self.run_import(data)
                self.assertEqual(len(result.problems), 1)
                self.assertIsNone(result.problems[0].row)
                self.assertIn(message, str(result.problems[0]))

    def test_a_header_alone_has_no_rows(self):
        result = self.run_import(sheet_csv([]))
        self.assertIn("nie ma wierszy", result.problems[0].message)


class ErrorTests(ImportTestCase):
    def test_every_error_with_its_row_and_column_and_nothing_written(self):
        programme_b = make_programme(self.gmina, "Granty PPGR", template="ppgr")
        make_item(self.gmina, self.programme, "EI/900", "SN-REGISTER")
        make_item(self.gmina, self.programme, "EI/901", "SN-TAKEN")
        make_item(self.gmina, programme_b, "PG/1", "SN-PG-1")
        rows = [
            sheet_row(""),  # 2
            sheet_row("EI/003", serial=""),  # 3
            sheet_row("EI/004", kind="odkurzacz"),  # 4
            sheet_row("EI/005", **handed(data_przekazania="2013/05/04")),  # 5
            sheet_row("EI/006", **handed(data_przekazania="31.02.2013")),  # 6
            sheet_row("EI/007", **handed(data_przekazania="04.12.2026")),  # 7
            sheet_row("EI/008", **handed(soletwo="Wólka Dolna")),  # 8
            sheet_row("EI/009", **handed(telefon="12345")),  # 9
            sheet_row("EI/010", **handed(email="anna@")),  # 10
            sheet_row("EI/011", **handed(address="")),  # 11
            sheet_row("EI/012", data_przekazania="04.05.2013"),  # 12
            sheet_row("EI/013", **handed(data_przekazania="")),  # 13
            sheet_row("EI/014", model="M" * 121),  # 14
            sheet_row("EI/015", serial="SN-A"),  # 15
            sheet_row("EI/015", serial="SN-B"),  # 16
            sheet_row("EI/017", serial="SN-A"),  # 17
            sheet_row("EI/900", serial="SN-OTHER"),  # 18
            sheet_row("EI/019", serial="SN-TAKEN"),  # 19
            sheet_row("PG/1", serial="SN-PG-1"),  # 20
            sheet_row("EI/021", **handed("Nowak", telefon="600100200")),  # 21
            sheet_row("EI/022", **handed("Nowak", telefon="600100201")),  # 22
            sheet_row("EI/023", **handed("Mazur")),  # 23: fine
        ]
        before = counts()
        result = self.run_import(sheet_csv(rows))
        self.assertEqual(
            self.where(result),
            [
                (2, "nr_inwentarzowy"),
                (3, "numer_seryjny"),
                (4, "rodzaj"),
                (5, "data_przekazania"),
                (6, "data_przekazania"),
                (7, "data_przekazania"),
                (8, "soletwo"),
                (9, "telefon"),
                (10, "email"),
                (11, "adres"),
                (12, "nazwisko"),
                (13, "data_przekazania"),
                (14, "model"),
                (16, "nr_inwentarzowy"),
                (17, "numer_seryjny"),
                (18, "nr_inwentarzowy"),
                (19, "numer_seryjny"),
                (20, "nr_inwentarzowy"),
                (22, "telefon"),
            ],
        )
        self.assertEqual(counts(), before)  # row 23 was fine, yet nothing
        self.assertFalse(result.written)
        messages = {(p.row, p.column): p.message for p in result.problems}
        self.assertIn("dozwolone: komputer stacjonarny, laptop", messages[4, "rodzaj"])
        self.assertIn("DD.MM.RRRR", messages[5, "data_przekazania"])
        self.assertIn("Nie ma takiego dnia", messages[6, "data_przekazania"])
        self.assertIn("w przyszłości", messages[7, "data_przekazania"])
        self.assertIn("Sołectwa: Łąki, Zawada Górna", messages[8, "soletwo"])
        self.assertIn("najwyżej 120 znaków", messages[14, "model"])
        self.assertIn("wierszu 15", messages[16, "nr_inwentarzowy"])
        self.assertIn(
            "innym numerem seryjnym (SN-REGISTER)", messages[18, "nr_inwentarzowy"]
        )
        self.assertIn("EI/901", messages[19, "numer_seryjny"])
        self.assertIn("innym programie", messages[20, "nr_inwentarzowy"])
        self.assertIn("wierszu 21", messages[22, "telefon"])
        self.assertEqual(
            str(result.problems[2]),
            "wiersz 4, kolumna rodzaj: " + messages[4, "rodzaj"],
        )
        self.assertEqual(result.summary(), [])

    def test_a_dry_run_lists_the_same_errors(self):
        data = sheet_csv([sheet_row("EI/001", kind="odkurzacz"), sheet_row("")])
        dry = self.run_import(data, dry_run=True)
        self.assertEqual(self.where(dry), [(2, "rodzaj"), (3, "nr_inwentarzowy")])
        self.assertEqual(self.where(self.run_import(data)), self.where(dry))

    def test_an_item_of_another_gmina_is_no_conflict(self):
        other = make_programme(self.other_gmina)
        make_item(self.other_gmina, other, "EI/001", "SN-EI/001")
        result = self.run_import(sheet_csv([sheet_row("EI/001")]))
        self.assertTrue(result.written)
        self.assertEqual(Equipment.objects.filter(gmina=self.gmina).count(), 1)

    def test_a_village_of_another_gmina_is_not_found(self):
        make_village(self.other_gmina, "Brzezie Małe")
        result = self.run_import(
            sheet_csv([sheet_row("EI/001", **handed(soletwo="Brzezie Male"))])
        )
        self.assertEqual(self.where(result), [(2, "soletwo")])
