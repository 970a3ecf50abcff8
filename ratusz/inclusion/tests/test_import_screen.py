"""The "Import z arkusza" screen: check, then import; the roles; the file
kept only between the two; the template downloads."""

import csv
import io
import os
import tempfile
import time
from pathlib import Path
from unittest import mock

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from openpyxl import load_workbook

from ratusz.gminas.models import Membership
from ratusz.gminas.tests.factory import make_member
from ratusz.inclusion import importing
from ratusz.inclusion.access_log import AccessLog
from ratusz.inclusion.equipment import Equipment
from ratusz.inclusion.households import Household
from ratusz.inclusion.staff.imports import SESSION_KEY
from ratusz.inclusion.tests.factory import (
    handed,
    make_item,
    make_programme,
    sheet_csv,
    sheet_row,
    sheet_xlsx,
)
from ratusz.test import BaseTestCase, make_village


class ImportScreenTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.cora = make_member(cls.gmina, "cora", Membership.Role.COORDINATOR)
        cls.dora = make_member(cls.gmina, "dora", Membership.Role.ADMIN)
        cls.erin = make_member(cls.other_gmina, "erin", Membership.Role.COORDINATOR)
        cls.programme = make_programme(cls.gmina)
        cls.other_programme = make_programme(cls.other_gmina)
        make_village(cls.gmina, "Zawada Górna")

    def setUp(self):
        # Each test its own private storage: what one leaves waiting is seen.
        folder = tempfile.TemporaryDirectory(prefix="ratusz-inclusion-import-")
        self.addCleanup(folder.cleanup)
        storage = override_settings(PRIVATE_FILES_DIR=folder.name)
        storage.enable()
        self.addCleanup(storage.disable)
        self.private = Path(folder.name)
        self.url = reverse("inclusion-import", args=[self.gmina.pk])
        self.confirm_url = reverse("inclusion-import-confirm", args=[self.gmina.pk])

    def upload(self, data, name="rejestr.csv", programme=None):
        return self.client.post(
            self.url,
            {
                "programme": (programme or self.programme).pk,
                "sheet": SimpleUploadedFile(name, data),
            },
        )

    def kept_files(self):
        folder = self.private / importing.UPLOADS
        return sorted(folder.iterdir()) if folder.exists() else []

    def clean_sheet(self):
        return sheet_csv(
            [
                sheet_row("EI/001", **handed(soletwo="Zawada Gorna")),
                sheet_row("EI/002", **handed()),
                sheet_row("EI/003"),
            ]
        )

    def test_a_sheet_is_checked_then_imported(self):
        self.client.force_login(self.cora)
        response = self.upload(self.clean_sheet())
        self.assertContains(response, "Import utworzy: gospodarstwa: 1, sprzęt: 3")
        self.assertContains(response, "Importuj")
        self.assertFalse(Equipment.objects.exists())
        pending = self.client.session[SESSION_KEY]
        self.assertEqual(len(self.kept_files()), 1)
        response = self.client.post(self.confirm_url, {"token": pending["token"]})
        self.assertRedirects(
            response,
            reverse("inclusion-equipment-list", args=[self.gmina.pk]),
            fetch_redirect_response=False,
        )
        self.assertEqual(Equipment.objects.count(), 3)
        self.assertEqual(Household.objects.get().created_by, self.cora)
        self.assertEqual(
            Equipment.objects.get(inventory_number="EI/001").protocol.created_by,
            self.cora,
        )
        self.assertNotIn(SESSION_KEY, self.client.session)
        self.assertEqual(self.kept_files(), [])
        log = list(
            AccessLog.objects.filter(gmina=self.gmina).values_list("action", "subject")
        )
        self.assertIn(
            (
                AccessLog.Action.EDIT,
                f"import z arkusza (program #{self.programme.pk}): gospodarstwa 1, "
                "sprzęt 3, protokoły 1",
            ),
            log,
        )
        self.assertIn(AccessLog.Action.VIEW, [action for action, _ in log])
        response = self.client.get(response["Location"])
        self.assertContains(response, "Utworzono: gospodarstwa: 1")
        # The same token again: the check is gone, nothing more is written.
        response = self.client.post(
            self.confirm_url, {"token": pending["token"]}, follow=True
        )
        self.assertContains(response, "Sprawdzenie pliku wygasło")
        self.assertEqual(Equipment.objects.count(), 3)

    def test_errors_are_shown_with_row_and_column_and_nothing_waits(self):
        self.client.force_login(self.dora)
        response = self.upload(
            sheet_xlsx([sheet_row("EI/001"), sheet_row("EI/002", kind="odkurzacz")]),
            "rejestr.xlsx",
        )
        self.assertContains(response, "Plik ma błędy (1). Nic nie zaimportowano")
        self.assertContains(
            response,
            '<th scope="row">3</th><td data-label="Kolumna">rodzaj</td>',
            html=False,
        )
        self.assertNotContains(response, "Importuj</button>")
        self.assertNotIn(SESSION_KEY, self.client.session)
        self.assertEqual(self.kept_files(), [])
        self.assertFalse(Equipment.objects.exists())

    def test_the_sheet_is_checked_again_on_import(self):
        self.client.force_login(self.cora)
        self.upload(self.clean_sheet())
        token = self.client.session[SESSION_KEY]["token"]
        # Meanwhile someone registers EI/002 with another serial number.
        make_item(self.gmina, self.programme, "EI/002", "SN-INNY")
        response = self.client.post(self.confirm_url, {"token": token})
        self.assertContains(response, "Plik ma błędy (1)")
        self.assertContains(response, "innym numerem seryjnym (SN-INNY)")
        self.assertEqual(Equipment.objects.count(), 1)
        self.assertEqual(self.kept_files(), [])

    def test_a_wrong_token_imports_nothing(self):
        self.client.force_login(self.cora)
        self.upload(self.clean_sheet())
        response = self.client.post(self.confirm_url, {"token": "zgadniety"})
        self.assertRedirects(response, self.url, fetch_redirect_response=False)
        self.assertFalse(Equipment.objects.exists())

    def test_a_check_in_one_gmina_is_not_imported_in_another(self):
        admin = self.admin  # a superuser reaches both gminas
        self.client.force_login(admin)
        self.upload(self.clean_sheet())
        token = self.client.session[SESSION_KEY]["token"]
        self.client.post(
            reverse("inclusion-import-confirm", args=[self.other_gmina.pk]),
            {"token": token},
        )
        self.assertFalse(Equipment.objects.exists())

    def test_the_programme_must_be_the_gminas(self):
        self.client.force_login(self.cora)
        response = self.upload(self.clean_sheet(), programme=self.other_programme)
        self.assertContains(response, "error-message")
        self.assertNotIn(SESSION_KEY, self.client.session)

    def test_only_sheets_of_the_allowed_kinds_and_size(self):
        self.client.force_login(self.cora)
        xlsx = sheet_xlsx([sheet_row("EI/001")])
        for data, name, message in [
            (b"nr_inwentarzowy;numer_seryjny\n", "rejestr.txt", "Wczytaj plik CSV"),
            (sheet_csv([sheet_row("EI/001")]), "rejestr.xlsx", "Wczytaj plik CSV"),
            (xlsx, "rejestr.csv", "Wczytaj plik CSV"),
            (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "rejestr.csv", "Zapisz arkusz"),
        ]:
            with self.subTest(name=name, message=message):
                self.assertContains(self.upload(data, name), message)
        with mock.patch.object(importing, "MAX_BYTES", 100):
            response = self.upload(xlsx, "rejestr.xlsx")
        self.assertContains(response, "Arkusz może mieć najwyżej")
        self.assertEqual(self.kept_files(), [])

    def test_roles(self):
        template = reverse("inclusion-import-template", args=[self.gmina.pk])
        for user, expected in [
            (self.alice, 302),  # an editor: Wagtail's "no permission"
            (self.erin, 404),  # another gmina's coordinator
            (self.charlie, 404),
        ]:
            self.client.force_login(user)
            for url in [self.url, template]:
                with self.subTest(user=user.username, url=url):
                    response = self.client.get(url)
                    self.assertEqual(response.status_code, expected)
                    if expected == 302:
                        self.assertNotIn("/e-integracja/", response["Location"])
            response = self.upload(self.clean_sheet())
            self.assertEqual(response.status_code, expected)
        self.assertFalse(self.kept_files())

    def test_an_editor_cannot_confirm_a_check(self):
        self.client.force_login(self.cora)
        self.upload(self.clean_sheet())
        pending = self.client.session[SESSION_KEY]
        self.client.force_login(self.alice)
        session = self.client.session
        session[SESSION_KEY] = pending  # as if the editor had checked it
        session.save()
        response = self.client.post(self.confirm_url, {"token": pending["token"]})
        self.assertEqual(response.status_code, 302)
        self.assertNotIn("/e-integracja/", response["Location"])
        self.assertFalse(Equipment.objects.exists())

    def test_the_template_downloads(self):
        self.client.force_login(self.cora)
        url = reverse("inclusion-import-template", args=[self.gmina.pk])
        response = self.client.get(url + "?format=csv")
        self.assertIn("attachment", response["Content-Disposition"])
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
        self.assertEqual(rows[0], importing.COLUMNS)
        self.assertEqual(rows[1][7], "Zawada Górna")
        response = self.client.get(url + "?format=xlsx")
        sheet = load_workbook(io.BytesIO(response.content)).active
        self.assertEqual([c.value for c in sheet[1]], importing.COLUMNS)
        self.assertEqual(sheet["A2"].value, "EI/101")

    def test_the_lists_and_the_nav_link_to_it(self):
        self.client.force_login(self.cora)
        for name in ["inclusion-households", "inclusion-equipment-list"]:
            response = self.client.get(reverse(name, args=[self.gmina.pk]))
            self.assertContains(response, f'href="{self.url}"', count=2)

    def test_a_sheet_with_nothing_new_offers_no_import(self):
        make_item(self.gmina, self.programme, "EI/003")
        self.client.force_login(self.cora)
        response = self.upload(sheet_csv([sheet_row("EI/003")]))
        self.assertContains(response, "nic nowego do zaimportowania")
        self.assertContains(response, "wiersz 2 (EI/003)")
        self.assertNotIn(SESSION_KEY, self.client.session)

    def test_sheets_never_imported_are_dropped_after_a_day(self):
        old = importing.keep_upload(b"nr_inwentarzowy\n", "csv")
        two_days_ago = time.time() - 2 * 24 * 3600
        os.utime(self.private / old, (two_days_ago, two_days_ago))
        fresh = importing.keep_upload(b"nr_inwentarzowy\n", "csv")
        self.assertEqual(self.kept_files(), [self.private / fresh])
        self.assertEqual(importing.read_upload(fresh), b"nr_inwentarzowy\n")
        self.assertIsNone(importing.read_upload(old))
