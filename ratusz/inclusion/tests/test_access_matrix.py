"""Every register screen × every role, with two gminas.

Roles: anonymous; cora (coordinator, A); dora (administrator, A); alice
(editor, A); bob (author, A); charlie (editor, B); erin (coordinator, B);
admin (superuser). All objects belong to gmina A.

Outcomes:
    ok      200
    login   redirect to the login page
    denied  Wagtail's "no permission" redirect to the dashboard
    404     the gmina or object is not the user's
"""

import tempfile
from datetime import date, timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from ratusz.gminas.models import Membership
from ratusz.gminas.tests.factory import make_member
from ratusz.inclusion import checks, statements, trainings
from ratusz.inclusion.equipment import Equipment, Status
from ratusz.inclusion.tests.factory import (
    hand_over,
    make_holder,
    make_household,
    make_item,
    make_ppgr,
    make_programme,
    make_training,
)
from ratusz.test import BaseTestCase

ROLES = ["anonymous", "cora", "dora", "alice", "bob", "charlie", "erin", "admin"]
READERS = {"cora", "dora", "alice", "bob", "admin"}  # programmes
KEEPERS = {"cora", "dora", "admin"}  # households, equipment, protocols, log

# name: (url, who gets 200)
VIEWS = {
    "index": (lambda t: reverse("inclusion-index"), None),
    "programmes": (
        lambda t: reverse("inclusion-programmes", args=[t.gmina.pk]),
        READERS,
    ),
    "programme": (
        lambda t: reverse("inclusion-programme", args=[t.gmina.pk, t.programme.pk]),
        READERS,
    ),
    "programme-add": (
        lambda t: reverse("inclusion-programme-add", args=[t.gmina.pk]) + "?wzor=ppgr",
        KEEPERS,
    ),
    "programme-edit": (
        lambda t: reverse(
            "inclusion-programme-edit", args=[t.gmina.pk, t.programme.pk]
        ),
        KEEPERS,
    ),
    "households": (
        lambda t: reverse("inclusion-households", args=[t.gmina.pk]),
        KEEPERS,
    ),
    "households-csv": (
        lambda t: reverse("inclusion-households", args=[t.gmina.pk]) + "?format=csv",
        KEEPERS,
    ),
    "household": (
        lambda t: reverse("inclusion-household", args=[t.gmina.pk, t.household.pk]),
        KEEPERS,
    ),
    "household-add": (
        lambda t: reverse("inclusion-household-add", args=[t.gmina.pk]),
        KEEPERS,
    ),
    "household-edit": (
        lambda t: reverse(
            "inclusion-household-edit", args=[t.gmina.pk, t.household.pk]
        ),
        KEEPERS,
    ),
    "protocol-add": (
        lambda t: reverse("inclusion-protocol-add", args=[t.gmina.pk, t.household.pk]),
        KEEPERS,
    ),
    "equipment-list": (
        lambda t: reverse("inclusion-equipment-list", args=[t.gmina.pk]),
        KEEPERS,
    ),
    "equipment-xlsx": (
        lambda t: (
            reverse("inclusion-equipment-list", args=[t.gmina.pk])
            + "?format=xlsx&status=lent"
        ),
        KEEPERS,
    ),
    "equipment": (
        lambda t: reverse("inclusion-equipment", args=[t.gmina.pk, t.item.pk]),
        KEEPERS,
    ),
    "equipment-add": (
        lambda t: reverse("inclusion-equipment-add", args=[t.gmina.pk]),
        KEEPERS,
    ),
    "equipment-edit": (
        lambda t: reverse("inclusion-equipment-edit", args=[t.gmina.pk, t.item.pk]),
        KEEPERS,
    ),
    "protocol": (
        lambda t: reverse("inclusion-protocol", args=[t.gmina.pk, t.protocol.pk]),
        KEEPERS,
    ),
    "protocol-pdf": (
        lambda t: reverse("inclusion-protocol-pdf", args=[t.gmina.pk, t.protocol.pk]),
        KEEPERS,
    ),
    "access-log": (
        lambda t: reverse("inclusion-access-log", args=[t.gmina.pk]),
        KEEPERS,
    ),
    "checks": (lambda t: reverse("inclusion-checks", args=[t.gmina.pk]), KEEPERS),
    "import": (lambda t: reverse("inclusion-import", args=[t.gmina.pk]), KEEPERS),
    "import-template": (
        lambda t: reverse("inclusion-import-template", args=[t.gmina.pk]),
        KEEPERS,
    ),
    "reports": (lambda t: reverse("inclusion-reports", args=[t.gmina.pk]), KEEPERS),
    "report-csv": (
        lambda t: reverse(
            "inclusion-report-download", args=[t.gmina.pk, "trwalosc", "csv"]
        ),
        KEEPERS,
    ),
    "reports-pdf": (
        lambda t: reverse("inclusion-reports-pdf", args=[t.gmina.pk]),
        KEEPERS,
    ),
    "household-export": (
        lambda t: reverse(
            "inclusion-household-export", args=[t.gmina.pk, t.household.pk]
        ),
        KEEPERS,
    ),
    "household-erase": (
        lambda t: reverse(
            "inclusion-household-erase", args=[t.gmina.pk, t.household.pk]
        ),
        KEEPERS,
    ),
    "inspection-add": (
        lambda t: reverse(
            "inclusion-inspection-add", args=[t.gmina.pk, t.household.pk]
        ),
        KEEPERS,
    ),
    "equipment-labels": (
        lambda t: reverse("inclusion-equipment-labels", args=[t.gmina.pk]),
        KEEPERS,
    ),
    "trainings": (
        lambda t: reverse("inclusion-trainings", args=[t.gmina.pk]),
        KEEPERS,
    ),
    "training-add": (
        lambda t: reverse("inclusion-training-add", args=[t.gmina.pk]),
        KEEPERS,
    ),
    "training": (
        lambda t: reverse("inclusion-training", args=[t.gmina.pk, t.training.pk]),
        KEEPERS,
    ),
    "training-edit": (
        lambda t: reverse("inclusion-training-edit", args=[t.gmina.pk, t.training.pk]),
        KEEPERS,
    ),
    "inspection-photo": (
        lambda t: reverse(
            "inclusion-inspection-photo", args=[t.gmina.pk, t.inspection.pk]
        ),
        KEEPERS,
    ),
    "statements": (
        lambda t: reverse("inclusion-statements", args=[t.gmina.pk]),
        KEEPERS,
    ),
    "statement-campaign": (
        lambda t: reverse(
            "inclusion-statement-campaign", args=[t.gmina.pk, t.campaign.pk]
        ),
        KEEPERS,
    ),
    "statement-campaign-xlsx": (
        lambda t: (
            reverse("inclusion-statement-campaign", args=[t.gmina.pk, t.campaign.pk])
            + "?format=xlsx"
        ),
        KEEPERS,
    ),
    "statement-followup": (
        lambda t: reverse(
            "inclusion-statement-followup", args=[t.gmina.pk, t.campaign.pk]
        ),
        KEEPERS,
    ),
    "statement-letters": (
        lambda t: reverse(
            "inclusion-statement-letters", args=[t.gmina.pk, t.campaign.pk]
        ),
        KEEPERS,
    ),
    "statement-followup-letters": (
        lambda t: reverse(
            "inclusion-statement-followup-letters", args=[t.gmina.pk, t.campaign.pk]
        ),
        KEEPERS,
    ),
    "statement-record": (
        lambda t: reverse(
            "inclusion-statement-record", args=[t.gmina.pk, t.statement.pk]
        ),
        KEEPERS,
    ),
}


def expected(role, allowed):
    if role == "anonymous":
        return "login"
    if allowed is None:  # the index: any member, redirected to their gmina
        return "ok"
    if role in allowed:
        return "ok"
    if role in {"charlie", "erin"}:
        return "404"
    return "denied"


# The smallest PNG (1×1).
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


@override_settings(PRIVATE_FILES_DIR=tempfile.mkdtemp(prefix="ratusz-inclusion-"))
class AccessMatrixTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.cora = make_member(cls.gmina, "cora", Membership.Role.COORDINATOR)
        cls.dora = make_member(cls.gmina, "dora", Membership.Role.ADMIN)
        cls.erin = make_member(cls.other_gmina, "erin", Membership.Role.COORDINATOR)
        cls.programme = make_programme(cls.gmina)
        cls.other_programme = make_programme(cls.other_gmina)
        cls.household = make_household(cls.gmina, cls.programme, "Zawadzka")
        cls.item = make_item(cls.gmina, cls.programme)
        cls.protocol = hand_over(cls.household, cls.item)
        cls.training = make_training(cls.gmina, cls.programme)
        trainings.add_participant(cls.training, cls.household)
        cls.inspection = checks.record_inspection(
            cls.household,
            checked_on=date(2026, 5, 4),
            result="ok",
            photo=SimpleUploadedFile("p.png", PNG),
        )
        cls.ppgr = make_ppgr(cls.gmina)
        make_holder(cls.gmina, cls.ppgr, "Oświadczająca", "PP/1")
        cls.campaign, _ = statements.create_campaign(
            cls.ppgr, cls.ppgr.windows()[0], 2026
        )
        cls.statement = cls.campaign.statements.get()

    def outcome(self, response):
        if response.status_code == 200:
            return "ok"
        if response.status_code == 404:
            return "404"
        if response.status_code == 302:
            location = response["Location"]
            if "/login/" in location:
                return "login"
            if location.rstrip("/").endswith("/admin"):
                return "denied"
            if location.startswith("/admin/e-integracja/"):
                return "ok"  # the index sends a member to their gmina
        return f"{response.status_code} {response.get('Location', '')}"

    def test_every_role_on_every_screen(self):
        for role in ROLES:
            if role != "anonymous":
                self.client.force_login(getattr(self, role))
            for name, (url, allowed) in VIEWS.items():
                with self.subTest(role=role, view=name):
                    response = self.client.get(url(self))
                    self.assertEqual(
                        self.outcome(response), expected(role, allowed), url(self)
                    )
            self.client.logout()

    def test_a_guessed_id_under_ones_own_gmina_is_404(self):
        self.client.force_login(self.erin)
        other = self.other_gmina.pk
        for url in [
            reverse("inclusion-household", args=[other, self.household.pk]),
            reverse("inclusion-equipment", args=[other, self.item.pk]),
            reverse("inclusion-protocol", args=[other, self.protocol.pk]),
            reverse("inclusion-protocol-pdf", args=[other, self.protocol.pk]),
            reverse("inclusion-protocol-scan", args=[other, self.protocol.pk]),
            reverse("inclusion-programme", args=[other, self.programme.pk]),
            reverse("inclusion-training", args=[other, self.training.pk]),
            reverse("inclusion-training-edit", args=[other, self.training.pk]),
            reverse("inclusion-household-export", args=[other, self.household.pk]),
            reverse("inclusion-household-erase", args=[other, self.household.pk]),
        ]:
            with self.subTest(url=url):
                self.assertEqual(self.client.get(url).status_code, 404)
        response = self.client.post(
            reverse("inclusion-equipment-status", args=[other, self.item.pk]),
            {"status": Status.IN_REPAIR},
        )
        self.assertEqual(response.status_code, 404)
        response = self.client.post(
            reverse("inclusion-household-erase", args=[other, self.household.pk]),
            {"confirm": "on"},
        )
        self.assertEqual(response.status_code, 404)
        self.household.refresh_from_db()
        self.assertIsNone(self.household.erasure_requested_on)
        self.item.refresh_from_db()
        self.assertEqual(self.item.status, Status.LENT)

    def test_an_erasure_needs_the_register_role(self):
        url = reverse(
            "inclusion-household-erase", args=[self.gmina.pk, self.household.pk]
        )
        for role in ["alice", "bob", "charlie", "erin"]:
            self.client.force_login(getattr(self, role))
            self.client.post(url, {"confirm": "on"})
            self.household.refresh_from_db()
            self.assertIsNone(self.household.erasure_requested_on, role)

    def test_posts_need_the_register_role(self):
        url = reverse("inclusion-equipment-status", args=[self.gmina.pk, self.item.pk])
        for role, changed in [("alice", False), ("charlie", False), ("cora", True)]:
            self.client.force_login(getattr(self, role))
            self.client.post(url, {"status": Status.IN_REPAIR, "note": "serwis"})
            self.item.refresh_from_db()
            self.assertEqual(self.item.status == Status.IN_REPAIR, changed, role)

    def test_the_form_refuses_a_programme_of_another_gmina(self):
        self.client.force_login(self.cora)
        response = self.client.post(
            reverse("inclusion-equipment-add", args=[self.gmina.pk]),
            {
                "programme": self.other_programme.pk,
                "inventory_number": "X/1",
                "serial_number": "X1",
                "kind": "laptop",
            },
        )
        self.assertEqual(response.status_code, 200)
        self.assertFalse(Equipment.objects.filter(inventory_number="X/1").exists())


@override_settings(PRIVATE_FILES_DIR=tempfile.mkdtemp(prefix="ratusz-inclusion-"))
class ScreensTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.cora = make_member(cls.gmina, "cora", Membership.Role.COORDINATOR)
        cls.programme = make_programme(cls.gmina)

    def setUp(self):
        self.client.force_login(self.cora)

    def test_it_adds_a_programme_from_a_template(self):
        url = reverse("inclusion-programme-add", args=[self.gmina.pk])
        response = self.client.get(url + "?wzor=ppgr")
        form = response.context["form"]
        self.assertEqual(form["durability_years"].value(), 2)
        self.assertEqual(form["handover"].value(), "given")
        data = {k: v for k, v in form.initial.items() if v is not None}
        data.update(
            name="Granty PPGR",
            durability_start="2023-03-15",
            household_checks="",
        )
        response = self.client.post(url, data)
        self.assertEqual(response.status_code, 302)
        response = self.client.get(response["Location"])
        self.assertContains(response, "15.03.2025")

    def test_a_programme_in_durability_shows_a_countdown(self):
        self.programme.durability_start = timezone.localdate() - timedelta(days=10)
        self.programme.save()
        response = self.client.get(
            reverse("inclusion-programme", args=[self.gmina.pk, self.programme.pk])
        )
        self.assertContains(response, "w okresie trwałości")
        self.assertContains(response, "zostało")

    def test_it_adds_a_household_with_documents(self):
        response = self.client.post(
            reverse("inclusion-household-add", args=[self.gmina.pk]),
            {
                "programme": self.programme.pk,
                "surname": "Gęślowska",
                "first_name": "Żaneta",
                "address": "ul. Źródlana 3",
                "basis": "income",
                "documents": ["umowa użyczenia"],
                "consent": "on",
                "consent_on": "2026-01-05",
            },
        )
        self.assertEqual(response.status_code, 302)
        household = self.programme.households.get()
        self.assertEqual(household.documents, ["umowa użyczenia"])
        self.assertEqual(household.created_by, self.cora)

    def test_consent_needs_its_date(self):
        response = self.client.post(
            reverse("inclusion-household-add", args=[self.gmina.pk]),
            {
                "programme": self.programme.pk,
                "surname": "Nowak",
                "first_name": "Jan",
                "address": "ul. Polna 1",
                "basis": "income",
                "consent": "on",
            },
        )
        self.assertContains(response, "Podaj datę zgody.")

    def test_a_refused_status_change_says_why_in_polish(self):
        item = make_item(self.gmina, self.programme)
        url = reverse("inclusion-equipment-status", args=[self.gmina.pk, item.pk])
        response = self.client.post(url, {"status": Status.LENT}, follow=True)
        self.assertContains(response, "tylko na podstawie protokołu")
        item.refresh_from_db()
        self.assertEqual(item.status, Status.IN_STOCK)

    def test_a_protocol_is_drawn_up_and_handed_over_from_the_screens(self):
        household = make_household(self.gmina, self.programme)
        item = make_item(self.gmina, self.programme)
        response = self.client.post(
            reverse("inclusion-protocol-add", args=[self.gmina.pk, household.pk]),
            {"handed_on": "2026-12-01", "items": [item.pk]},
        )
        self.assertEqual(response.status_code, 302)
        protocol = household.protocols.get()
        self.client.post(
            reverse("inclusion-protocol-hand-over", args=[self.gmina.pk, protocol.pk])
        )
        item.refresh_from_db()
        self.assertEqual((item.status, item.protocol), (Status.LENT, protocol))
        self.assertEqual(item.household, household)

    def test_the_signed_scan_is_kept_and_served_after_the_check(self):
        household = make_household(self.gmina, self.programme)
        protocol = hand_over(household, make_item(self.gmina, self.programme))
        url = reverse("inclusion-protocol-scan", args=[self.gmina.pk, protocol.pk])
        self.assertEqual(self.client.get(url).status_code, 404)  # none yet
        scan = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
        self.client.post(url, {"scan": SimpleUploadedFile("skan.jpg", scan)})
        protocol.refresh_from_db()
        self.assertEqual(protocol.scan_type, "application/pdf")
        self.assertTrue(protocol.scan.endswith(".pdf"))
        response = self.client.get(url)
        self.assertEqual(b"".join(response.streaming_content), scan)
        self.assertEqual(
            response["Content-Security-Policy"], "default-src 'none'; sandbox"
        )
        self.assertIn("attachment", response["Content-Disposition"])

    def test_it_refuses_a_scan_that_is_not_one(self):
        household = make_household(self.gmina, self.programme)
        protocol = hand_over(household, make_item(self.gmina, self.programme))
        url = reverse("inclusion-protocol-scan", args=[self.gmina.pk, protocol.pk])
        response = self.client.post(
            url,
            {"scan": SimpleUploadedFile("skan.pdf", b"<script>alert(1)</script>")},
            follow=True,
        )
        self.assertContains(response, "Skan musi być plikiem PDF, JPEG lub PNG.")
        with self.settings(INCLUSION_SCAN_MAX_BYTES=100):
            response = self.client.post(
                url,
                {"scan": SimpleUploadedFile("s.pdf", b"%PDF-1.4\n" + b"0" * 500)},
                follow=True,
            )
        self.assertContains(response, "Skan może mieć najwyżej")
        protocol.refresh_from_db()
        self.assertEqual(protocol.scan, "")
