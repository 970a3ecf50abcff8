"""Durability checks: next due date, the due and overdue lists (only
programmes in durability that require visits), the photo by its content."""

import tempfile
from datetime import date

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from ratusz.gminas.models import Membership
from ratusz.gminas.tests.factory import make_member
from ratusz.inclusion import checks
from ratusz.inclusion.access_log import AccessLog
from ratusz.inclusion.tests.factory import make_household, make_programme
from ratusz.inclusion.tests.test_access_matrix import PNG
from ratusz.test import BaseTestCase

TODAY = date(2026, 12, 3)


@override_settings(PRIVATE_FILES_DIR=tempfile.mkdtemp(prefix="ratusz-inclusion-"))
class CheckTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.poig = make_programme(cls.gmina, durability_start=date(2024, 2, 29))
        cls.never = make_household(cls.gmina, cls.poig, "Nigdy")
        cls.late = make_household(cls.gmina, cls.poig, "Spóźniona")
        cls.soon = make_household(cls.gmina, cls.poig, "Wkrótce")
        cls.later = make_household(cls.gmina, cls.poig, "Później")
        checks.record_inspection(cls.late, checked_on=date(2025, 12, 1), result="ok")
        checks.record_inspection(cls.soon, checked_on=date(2025, 12, 20), result="ok")
        checks.record_inspection(cls.later, checked_on=date(2026, 6, 1), result="ok")
        # PPGR requires no visits; a POIG programme over its durability neither.
        ppgr = make_programme(
            cls.gmina, "PPGR", template="ppgr", durability_start=date(2025, 1, 1)
        )
        make_household(cls.gmina, ppgr, "Bezkontroli")
        old = make_programme(cls.gmina, "Stary", durability_start=date(2015, 1, 1))
        make_household(cls.gmina, old, "Poterminie")
        other = make_programme(cls.other_gmina, durability_start=date(2024, 1, 1))
        make_household(cls.other_gmina, other, "Obca")

    def surnames(self, households):
        return [h.surname for h in households]

    def test_the_next_check_is_a_year_later_by_default(self):
        inspection = checks.record_inspection(
            self.never, checked_on=date(2024, 2, 29), result="ok"
        )
        self.assertEqual(inspection.next_due_on, date(2025, 2, 28))
        with self.assertRaises(ValidationError):
            checks.record_inspection(
                self.never,
                checked_on=TODAY,
                result="ok",
                next_due_on=TODAY,
            )

    def test_overdue_and_due_lists(self):
        self.assertEqual(
            self.surnames(checks.overdue(self.gmina, TODAY)), ["Nigdy", "Spóźniona"]
        )
        self.assertEqual(self.surnames(checks.due(self.gmina, TODAY)), ["Wkrótce"])
        self.assertEqual(
            self.surnames(checks.households_to_check(self.gmina, TODAY)),
            ["Nigdy", "Spóźniona", "Wkrótce", "Później"],
        )

    def test_the_latest_visit_counts(self):
        checks.record_inspection(self.late, checked_on=TODAY, result="ok")
        self.assertEqual(self.surnames(checks.overdue(self.gmina, TODAY)), ["Nigdy"])

    def test_the_lists_need_no_query_per_household(self):
        with self.assertNumQueries(2):  # the programmes, then the households
            list(checks.overdue(self.gmina, TODAY))

    def test_a_photo_is_kept_by_its_content(self):
        inspection = checks.record_inspection(
            self.never,
            checked_on=TODAY,
            result="issues",
            photo=SimpleUploadedFile("zdjecie.jpg", PNG),
        )
        self.assertEqual(inspection.photo_type, "image/png")
        self.assertTrue(inspection.photo.endswith(".png"))
        with self.assertRaises(ValidationError) as caught:
            checks.record_inspection(
                self.never,
                checked_on=TODAY,
                result="ok",
                photo=SimpleUploadedFile("zdjecie.png", b"%PDF-1.4\n"),
            )
        self.assertIn("JPEG lub PNG", caught.exception.messages[0])

    def test_the_screens_record_a_visit_and_list_the_overdue(self):
        cora = make_member(self.gmina, "cora", Membership.Role.COORDINATOR)
        self.client.force_login(cora)
        response = self.client.post(
            reverse("inclusion-inspection-add", args=[self.gmina.pk, self.never.pk]),
            {
                "checked_on": "2026-12-01",
                "result": "ok",
                "note": "wszystko w porządku",
                "photo": SimpleUploadedFile("z.png", PNG),
            },
        )
        self.assertEqual(response.status_code, 302)
        inspection = self.never.inspections.get()
        self.assertEqual(inspection.by, cora)
        self.assertEqual(inspection.next_due_on, date(2027, 12, 1))
        response = self.client.get(
            reverse("inclusion-inspection-photo", args=[self.gmina.pk, inspection.pk])
        )
        self.assertEqual(b"".join(response.streaming_content), PNG)
        response = self.client.get(reverse("inclusion-checks", args=[self.gmina.pk]))
        self.assertContains(response, "Spóźniona")
        self.assertNotContains(response, "Obca")
        self.assertEqual(
            list(AccessLog.objects.values_list("action", flat=True)),
            ["list", "scan"],
        )
