"""A household's RODO rights: the export holds everything and is logged; an
erasure request clears what the programme does not require and keeps the
rest; the worker anonymises after durability plus archiving, not before,
and only once."""

import io
import json
import tempfile
import zipfile
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from pypdf import PdfReader

from ratusz.gminas.models import Membership
from ratusz.gminas.tests.factory import make_member
from ratusz.inclusion import checks, reports, rodo, tasks
from ratusz.inclusion.access_log import AccessLog
from ratusz.inclusion.equipment import EquipmentEvent, Protocol
from ratusz.inclusion.households import Household
from ratusz.inclusion.statements import Statement, StatementCampaign
from ratusz.inclusion.tests.factory import (
    hand_over,
    make_household,
    make_item,
    make_programme,
    make_training,
)
from ratusz.inclusion.trainings import Participant
from ratusz.lib import personal_data, private_files
from ratusz.test import BaseTestCase, make_village

# The smallest PNG (1×1).
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)
# Durability 2025-01-10 + 5 years, archived 5 more (the default setting).
DURABILITY_END = date(2030, 1, 10)
RETENTION_END = date(2035, 1, 10)


def make_household_with_history(test):
    test.programme = make_programme(
        test.gmina, "eInclusion", durability_start=date(2025, 1, 10)
    )
    test.household = make_household(
        test.gmina,
        test.programme,
        "Gęślowska",
        first_name="Żaneta",
        phone="+48 600 100 200",
        email="zaneta@example.org",
        address="ul. Łąkowa 7",
        village=make_village(test.gmina, "Łąki"),
        basis_note="dochód 900 zł na osobę",
        notes="Prosi o telefon po 16.",
        consent=True,
        consent_on=date(2026, 5, 1),
        documents=["umowa użyczenia"],
    )
    test.item = make_item(test.gmina, test.programme, "EI/001", "CZC1234567")
    test.protocol = hand_over(test.household, test.item)
    test.protocol.scan = private_files.storage().save(
        "inclusion/protocols/test.png", SimpleUploadedFile("s.png", PNG)
    )
    test.protocol.scan_type = "image/png"
    test.protocol.save(update_fields=["scan", "scan_type"])
    test.inspection = checks.record_inspection(
        test.household,
        checked_on=date(2026, 6, 1),
        result="ok",
        note="Laptop w pokoju córki.",
        photo=SimpleUploadedFile("p.png", PNG),
    )


@override_settings(PRIVATE_FILES_DIR=tempfile.mkdtemp(prefix="ratusz-inclusion-"))
class ExportTests(BaseTestCase):
    def setUp(self):
        make_household_with_history(self)
        self.cora = make_member(self.gmina, "cora", Membership.Role.COORDINATOR)
        self.client.force_login(self.cora)

    def test_the_export_holds_every_field_item_protocol_check_and_file(self):
        url = reverse(
            "inclusion-household-export", args=[self.gmina.pk, self.household.pk]
        )
        response = self.client.get(url)
        self.assertEqual(response["Content-Type"], "application/zip")
        self.assertIn("no-store", response["Cache-Control"])
        archive = zipfile.ZipFile(io.BytesIO(response.content))
        names = set(archive.namelist())
        photo = f"pliki/kontrole/2026-06-01-{self.inspection.pk}.png"
        scan = "pliki/protokoly/PP-2026-001.png"
        self.assertEqual(names, {"dane.json", "dane.pdf", scan, photo})
        self.assertEqual(archive.read(scan), PNG)
        self.assertEqual(archive.read(photo), PNG)
        data = json.loads(archive.read("dane.json"))
        household = data["gospodarstwo"]
        self.assertEqual(
            set(household),
            {f.name for f in Household._meta.concrete_fields} - {"created_by"},
        )
        for field, value in {
            "surname": "Gęślowska",
            "first_name": "Żaneta",
            "phone": "+48 600 100 200",
            "email": "zaneta@example.org",
            "address": "ul. Łąkowa 7",
            "village": "Łąki",
            "basis_note": "dochód 900 zł na osobę",
            "notes": "Prosi o telefon po 16.",
            "consent_on": "2026-05-01",
            "documents": ["umowa użyczenia"],
            "programme": "eInclusion",
        }.items():
            self.assertEqual(household[field], value, field)
        self.assertEqual(data["do_anonimizacji_po"], "2035-01-10")
        self.assertEqual([i["serial_number"] for i in data["sprzet"]], ["CZC1234567"])
        [protocol] = data["protokoly"]
        self.assertEqual(protocol["number"], "PP/2026/001")
        self.assertEqual(protocol["scan"], scan)
        self.assertEqual(protocol["items"], [str(self.item)])
        [inspection] = data["kontrole"]
        self.assertEqual(inspection["note"], "Laptop w pokoju córki.")
        self.assertEqual(inspection["photo"], photo)
        self.assertEqual([e["to_status"] for e in data["historia_sprzetu"]], ["lent"])
        pdf = PdfReader(io.BytesIO(archive.read("dane.pdf")))
        text = "\n".join(page.extract_text() for page in pdf.pages)
        for expected in ["Gęślowska", "Żaneta", "ul. Łąkowa 7", "Laptop w pokoju"]:
            self.assertIn(expected, text)
        self.assertEqual(
            list(AccessLog.objects.values_list("login", "action", "subject")),
            [("cora", "export", f"gospodarstwo #{self.household.pk} (RODO, ZIP)")],
        )

    def test_a_missing_file_leaves_the_rest_of_the_export(self):
        private_files.storage().delete(self.protocol.scan)
        data = rodo.export_household(self.household)
        archive = zipfile.ZipFile(io.BytesIO(data))
        self.assertNotIn("pliki/protokoly/PP-2026-001.png", archive.namelist())
        self.assertIsNone(json.loads(archive.read("dane.json"))["protokoly"][0]["scan"])


@override_settings(PRIVATE_FILES_DIR=tempfile.mkdtemp(prefix="ratusz-inclusion-"))
class ErasureTests(BaseTestCase):
    def setUp(self):
        make_household_with_history(self)
        self.cora = make_member(self.gmina, "cora", Membership.Role.COORDINATOR)
        self.client.force_login(self.cora)
        self.url = reverse(
            "inclusion-household-erase", args=[self.gmina.pk, self.household.pk]
        )

    def test_it_asks_first(self):
        response = self.client.get(self.url)
        self.assertContains(response, "do anonimizacji po 10.01.2035")
        response = self.client.post(self.url, {})
        self.assertContains(response, "Zaznacz potwierdzenie")
        self.household.refresh_from_db()
        self.assertEqual(self.household.phone, "+48 600 100 200")
        self.assertIsNone(self.household.erasure_requested_on)

    @time_machine.travel(datetime(2026, 7, 1, 8, 0, tzinfo=UTC))
    def test_it_erases_what_the_programme_does_not_require_and_keeps_the_rest(self):
        response = self.client.post(self.url, {"confirm": "on"})
        self.assertRedirects(
            response,
            reverse("inclusion-household", args=[self.gmina.pk, self.household.pk]),
        )
        h = Household.objects.get(pk=self.household.pk)
        self.assertEqual((h.phone, h.email, h.notes), ("", "", ""))
        self.assertEqual(
            (h.surname, h.first_name, h.address, h.basis_note),
            ("Gęślowska", "Żaneta", "ul. Łąkowa 7", "dochód 900 zł na osobę"),
        )
        self.assertEqual(h.erasure_requested_on, date(2026, 7, 1))
        self.assertIsNone(h.anonymised_at)
        self.inspection.refresh_from_db()
        self.assertEqual(self.inspection.note, "Laptop w pokoju córki.")
        self.assertTrue(private_files.storage().exists(self.inspection.photo))
        self.assertTrue(private_files.storage().exists(self.protocol.scan))
        page = self.client.get(response["Location"])
        self.assertContains(page, "do anonimizacji po 10.01.2035")
        self.assertNotContains(page, "Żądanie usunięcia danych</a>")
        self.assertIn(
            ("cora", "edit", f"gospodarstwo #{h.pk} (RODO: usunięcie)"),
            AccessLog.objects.values_list("login", "action", "subject"),
        )

    def test_after_the_retention_it_anonymises_at_once(self):
        with time_machine.travel(date(2035, 1, 11)):
            self.client.force_login(self.cora)  # the old session has expired
            self.client.post(self.url, {"confirm": "on"})
        h = Household.objects.get(pk=self.household.pk)
        self.assertEqual(h.surname, f"Gospodarstwo #{h.pk}")
        self.assertIsNotNone(h.anonymised_at)

    def test_an_anonymised_household_cannot_be_edited(self):
        rodo.anonymise(self.household)
        edit = reverse(
            "inclusion-household-edit", args=[self.gmina.pk, self.household.pk]
        )
        response = self.client.get(edit)
        self.assertRedirects(
            response,
            reverse("inclusion-household", args=[self.gmina.pk, self.household.pk]),
        )


@override_settings(PRIVATE_FILES_DIR=tempfile.mkdtemp(prefix="ratusz-inclusion-"))
class AnonymisationTests(BaseTestCase):
    def setUp(self):
        make_household_with_history(self)
        self.untouched = make_household(
            self.gmina, self.programme, "Nowak", phone="500", notes="x"
        )
        rodo.request_erasure(self.household, today=date(2026, 7, 1))

    def counts(self):
        return [
            reports.households_report(self.gmina)[2],
            reports.equipment_report(self.gmina)[2],
        ]

    def test_not_before_the_end_of_archiving(self):
        self.assertEqual(rodo.retention_end(self.household), RETENTION_END)
        self.assertEqual(rodo.anonymise_due(today=RETENTION_END), 0)
        self.household.refresh_from_db()
        self.assertEqual(self.household.surname, "Gęślowska")
        self.assertIsNone(self.household.anonymised_at)

    def test_after_it_names_addresses_notes_and_files_go_and_counts_stay(self):
        before = self.counts()
        events = list(EquipmentEvent.objects.values_list("pk", "to_status"))
        photo, scan = self.inspection.photo, self.protocol.scan
        self.assertEqual(rodo.anonymise_due(today=RETENTION_END + timedelta(days=1)), 1)
        h = Household.objects.get(pk=self.household.pk)
        self.assertEqual(str(h), f"Gospodarstwo #{h.pk}")
        self.assertEqual(
            (h.first_name, h.address, h.basis_note, h.phone, h.email, h.notes),
            ("", "", "", "", "", ""),
        )
        self.assertIsNotNone(h.anonymised_at)
        self.assertEqual(h.village.name, "Łąki")
        self.assertEqual(h.documents, ["umowa użyczenia"])
        self.inspection.refresh_from_db()
        self.assertEqual((self.inspection.note, self.inspection.photo), ("", ""))
        protocol = Protocol.objects.get(pk=self.protocol.pk)
        self.assertEqual((protocol.number, protocol.scan), ("PP/2026/001", ""))
        self.assertFalse(private_files.storage().exists(photo))
        self.assertFalse(private_files.storage().exists(scan))
        self.assertEqual(list(h.equipment.all()), [self.item])
        self.assertEqual(
            list(EquipmentEvent.objects.values_list("pk", "to_status")), events
        )
        self.assertEqual(self.counts(), before)
        # The household that asked for nothing keeps everything.
        self.untouched.refresh_from_db()
        self.assertEqual(
            (self.untouched.surname, self.untouched.phone), ("Nowak", "500")
        )

    def test_it_runs_once(self):
        later = RETENTION_END + timedelta(days=3)
        self.assertEqual(rodo.anonymise_due(today=later), 1)
        stamp = Household.objects.get(pk=self.household.pk).anonymised_at
        self.assertEqual(rodo.anonymise_due(today=later), 0)
        self.assertFalse(rodo.anonymise(self.household))
        self.assertEqual(
            Household.objects.get(pk=self.household.pk).anonymised_at, stamp
        )

    @override_settings(INCLUSION_ARCHIVE_YEARS=10)
    def test_the_archiving_period_is_a_setting(self):
        self.assertEqual(rodo.retention_end(self.household), date(2040, 1, 10))
        self.assertEqual(rodo.anonymise_due(today=date(2035, 6, 1)), 0)

    def test_a_programme_without_durability_waits(self):
        self.programme.durability_start = None
        self.programme.save(update_fields=["durability_start"])
        self.household.refresh_from_db()
        self.assertIsNone(rodo.retention_end(self.household))
        self.assertEqual(rodo.anonymise_due(today=date(2099, 1, 1)), 0)

    def test_the_worker_task_runs_it(self):
        with time_machine.travel(date(2035, 1, 12)):
            self.assertEqual(tasks.anonymise_households.call_local(), 1)


class RegistryTests(BaseTestCase):
    def test_no_inclusion_field_is_left_not_built(self):
        entries = {
            label: reason
            for label, reason in personal_data.exempt().items()
            if label.startswith("inclusion.")
        }
        self.assertTrue(entries)
        for label, reason in entries.items():
            self.assertNotIn("NOT BUILT", reason, label)

    def test_every_personal_household_field_has_a_decision(self):
        decided = {
            *(f"inclusion.Household.{name}" for name in rodo.ERASED_AT_ONCE),
            *rodo.KEPT_UNTIL_RETENTION_END,
        }
        personal = {
            label
            for label in personal_data.personal_fields()
            if label.startswith("inclusion.Household.")
        }
        self.assertTrue(personal)
        self.assertLessEqual(personal, decided)


class StatementsAndTrainingsInTheRightsTests(BaseTestCase):
    """The household's yearly statements and training attendance are in its
    export; its anonymisation clears the statements' notes."""

    def setUp(self):
        make_household_with_history(self)
        self.cora = make_member(self.gmina, "cora", Membership.Role.COORDINATOR)
        self.client.force_login(self.cora)
        campaign = StatementCampaign.objects.create(
            gmina=self.gmina,
            programme=self.programme,
            year=2026,
            window_start=date(2026, 11, 1),
            window_end=date(2026, 11, 30),
        )
        self.statement = Statement.objects.create(
            campaign=campaign,
            household=self.household,
            submitted_on=date(2026, 11, 5),
            note="Złożyła córka, pani Żaneta jest w szpitalu.",
        )
        training = make_training(self.gmina, self.programme, title="Bankowość w sieci")
        Participant.objects.create(
            training=training, household=self.household, attended=True,
            hours_attended=Decimal("3.5"),
        )  # fmt: skip

    def test_the_export_holds_them_and_anonymisation_clears_the_note(self):
        data = json.loads(
            zipfile.ZipFile(io.BytesIO(rodo.export_household(self.household))).read(
                "dane.json"
            )
        )
        [statement] = data["oswiadczenia"]
        self.assertEqual(
            statement["note"], "Złożyła córka, pani Żaneta jest w szpitalu."
        )
        self.assertEqual(statement["okno"], "2026-11-01–2026-11-30")
        [participation] = data["szkolenia"]
        self.assertEqual(participation["szkolenie"], "Bankowość w sieci")
        self.assertEqual(participation["hours_attended"], "3.5")

        self.assertTrue(rodo.anonymise(self.household))
        self.statement.refresh_from_db()
        self.assertEqual(self.statement.note, "")
        self.assertEqual(self.statement.submitted_on, date(2026, 11, 5))
