"""The A4 sheet of QR labels: what each label says, the QR code's content,
which items it covers, who may download it, and the access log."""

import io

import pypdf
import segno
from django.urls import reverse

from ratusz.gminas.models import Membership
from ratusz.gminas.tests.factory import make_member
from ratusz.inclusion import faults, labels
from ratusz.inclusion.access_log import AccessLog
from ratusz.inclusion.equipment import Equipment
from ratusz.inclusion.tests.factory import (
    hand_over,
    make_household,
    make_item,
    make_programme,
)
from ratusz.test import BaseTestCase


def qr_matrices(page) -> list[tuple]:
    """The module grid of every QR image on a PDF page (dark = True), read
    at the centre of each 8-pixel module."""
    found = []
    for image in page.images:
        grey = image.image.convert("L")
        size = grey.width // labels.QR_SCALE
        found.append(
            tuple(
                tuple(
                    grey.getpixel((x * labels.QR_SCALE + 4, y * labels.QR_SCALE + 4))
                    < 128
                    for x in range(size)
                )
                for y in range(size)
            )
        )
    return found


def expected_matrix(url: str) -> tuple:
    qr = segno.make(url, error="m", micro=False)
    return tuple(tuple(bool(m) for m in row) for row in qr.matrix_iter(border=4))


class SheetTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.programme = make_programme(cls.gmina)
        cls.items = [
            make_item(cls.gmina, cls.programme, f"EI/{n:03d}") for n in range(1, 27)
        ]

    def read(self, pdf: bytes) -> pypdf.PdfReader:
        self.assertTrue(pdf.startswith(b"%PDF"))
        return pypdf.PdfReader(io.BytesIO(pdf))

    def test_each_label_has_its_qr_code_and_its_words(self):
        items = self.items[:3]
        reader = self.read(labels.render_sheet(items, self.gmina))
        page = reader.pages[0]
        text = page.extract_text()
        for item in items:
            self.assertIn(item.inventory_number, text)
            self.assertIn(faults.short_url(item), text)
        self.assertEqual(text.count("Zgłoś usterkę"), 3)
        self.assertEqual(text.count("Gmina Zawada"), 3)
        self.assertEqual(
            sorted(qr_matrices(page)),
            sorted(expected_matrix(faults.label_url(item)) for item in items),
        )

    def test_24_labels_fill_a_sheet_and_the_rest_go_on_the_next(self):
        reader = self.read(labels.render_sheet(self.items, self.gmina))
        self.assertEqual(len(reader.pages), 2)
        self.assertEqual(len(reader.pages[0].images), 24)
        self.assertEqual(len(reader.pages[1].images), 2)
        self.assertIn("EI/026", reader.pages[1].extract_text())
        box = reader.pages[0].mediabox
        self.assertEqual((round(box.width), round(box.height)), (595, 842))  # A4

    def test_a_long_inventory_number_is_shortened_to_fit(self):
        long = make_item(self.gmina, self.programme, "EI/" + "Ż" * 45)
        text = self.read(labels.render_sheet([long], self.gmina)).pages[0]
        self.assertIn("EI/ŻŻŻ", text.extract_text())


class LabelsScreenTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.cora = make_member(cls.gmina, "cora", Membership.Role.COORDINATOR)
        cls.erin = make_member(cls.other_gmina, "erin", Membership.Role.COORDINATOR)
        cls.programme = make_programme(cls.gmina)
        cls.household = make_household(cls.gmina, cls.programme, "Zawadzka")
        cls.lent = make_item(cls.gmina, cls.programme, "EI/001")
        hand_over(cls.household, cls.lent)
        cls.spare = make_item(cls.gmina, cls.programme, "EI/002")
        cls.url = reverse("inclusion-equipment-labels", args=[cls.gmina.pk])

    def numbers(self, response) -> str:
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "application/pdf")
        self.assertIn("attachment", response["Content-Disposition"])
        self.assertIn("private, no-store", response["Cache-Control"])
        reader = pypdf.PdfReader(io.BytesIO(response.content))
        return reader.pages[0].extract_text()

    def test_it_prints_ticked_items_the_filtered_list_or_one_item(self):
        self.client.force_login(self.cora)
        ticked = self.numbers(
            self.client.get(self.url, {"selected": "1", "item": [self.spare.pk]})
        )
        self.assertIn("EI/002", ticked)
        self.assertNotIn("EI/001", ticked)
        filtered = self.numbers(self.client.get(self.url, {"status": "lent"}))
        self.assertIn("EI/001", filtered)
        self.assertNotIn("EI/002", filtered)
        everything = self.numbers(self.client.get(self.url))
        self.assertIn("EI/001", everything)
        self.assertIn("EI/002", everything)

    def test_nothing_ticked_is_a_message_not_every_label(self):
        self.client.force_login(self.cora)
        response = self.client.get(self.url, {"selected": "1"}, follow=True)
        self.assertContains(response, "Zaznacz sprzęt")
        self.assertEqual(
            response.redirect_chain[-1][0],
            reverse("inclusion-equipment-list", args=[self.gmina.pk]),
        )

    def test_another_gminas_item_is_not_printed(self):
        other = make_item(self.other_gmina, make_programme(self.other_gmina), "OB/1")
        self.client.force_login(self.cora)
        response = self.client.get(self.url, {"item": [other.pk]}, follow=True)
        self.assertContains(response, "Zaznacz sprzęt")

    def test_every_download_is_logged(self):
        self.client.force_login(self.cora)
        self.client.get(self.url, {"q": "Zawadzka"})
        entry = AccessLog.objects.get()
        self.assertEqual(entry.action, AccessLog.Action.PDF)
        self.assertEqual(entry.subject, "etykiety QR (1) q=Zawadzka")

    def test_it_checks_ownership_and_role(self):
        for user, expected in [(self.alice, 302), (self.erin, 404)]:
            self.client.force_login(user)
            response = self.client.get(self.url)
            self.assertEqual(response.status_code, expected, user)
            if expected == 302:  # Wagtail's "no permission" redirect
                self.assertEqual(response["Location"].rstrip("/"), "/admin")
        self.client.force_login(self.erin)
        own = reverse("inclusion-equipment-labels", args=[self.other_gmina.pk])
        response = self.client.get(own, {"item": [self.lent.pk]}, follow=True)
        self.assertContains(response, "Zaznacz sprzęt")
        self.assertFalse(AccessLog.objects.filter(gmina=self.gmina).exists())

    def test_the_list_and_the_item_link_to_the_labels(self):
        self.client.force_login(self.cora)
        page = self.client.get(
            reverse("inclusion-equipment-list", args=[self.gmina.pk])
        )
        self.assertContains(page, f'action="{self.url}"')
        self.assertContains(page, f'value="{self.spare.pk}" form="rz-labels"')
        item = self.client.get(
            reverse("inclusion-equipment", args=[self.gmina.pk, self.spare.pk])
        )
        self.assertContains(item, f"{self.url}?item={self.spare.pk}")
        self.assertContains(item, faults.label_url(self.spare))
        self.assertEqual(Equipment.objects.count(), 2)
