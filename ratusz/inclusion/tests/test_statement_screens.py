"""The statement screens: starting a campaign (reminders sent), its
statements with counts and a logged CSV, recording a statement, the
follow-up list with contact data, the letters, the household's page; and
who may do what (editor refused, another gmina's ids unknown)."""

import io
from datetime import datetime

import time_machine
from django.urls import reverse
from pypdf import PdfReader

from ratusz.gminas.models import Membership
from ratusz.gminas.tests.factory import make_member
from ratusz.inclusion import statements
from ratusz.inclusion.access_log import AccessLog
from ratusz.inclusion.statements import Statement, StatementCampaign
from ratusz.inclusion.tests.factory import make_holder, make_ppgr
from ratusz.lib.dates import WARSAW
from ratusz.outbox.models import Delivery
from ratusz.test import BaseTestCase

NOW = datetime(2026, 6, 15, 10, 0, tzinfo=WARSAW)


class StatementScreensTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.cora = make_member(cls.gmina, "cora", Membership.Role.COORDINATOR)
        cls.erin = make_member(cls.other_gmina, "erin", Membership.Role.COORDINATOR)
        cls.ppgr = make_ppgr(cls.gmina)
        cls.ala = make_holder(
            cls.gmina, cls.ppgr, "Adamska", "PP/1", email="ala@example.org"
        )
        cls.bea = make_holder(
            cls.gmina, cls.ppgr, "Bielska", "PP/2", phone="600 100 200"
        )
        cls.winter, cls.summer, _ = cls.ppgr.windows()
        cls.past, _ = statements.create_campaign(cls.ppgr, cls.winter, 2026)

    def setUp(self):
        self.enterContext(time_machine.travel(NOW, tick=False))
        self.client.force_login(self.cora)

    def url(self, name, *args, gmina=None):
        return reverse(name, args=[(gmina or self.gmina).pk, *args])

    def logged(self, action):
        return list(
            AccessLog.objects.filter(action=action).values_list("subject", flat=True)
        )

    def test_it_starts_a_campaign_and_reminds_everyone(self):
        response = self.client.get(self.url("inclusion-statements"))
        key = f"{self.ppgr.pk}:1:2026"
        self.assertContains(response, f'value="{key}"')
        self.assertNotContains(response, f'value="{self.ppgr.pk}:0:2026"')  # started
        response = self.client.post(
            self.url("inclusion-statement-start"), {"window": key}
        )
        campaign = StatementCampaign.objects.get(window_start="2026-06-01")
        self.assertRedirects(
            response,
            self.url("inclusion-statement-campaign", campaign.pk),
            fetch_redirect_response=False,  # the message is for the next page
        )
        self.assertEqual(campaign.started_by, self.cora)
        self.assertEqual(
            dict(campaign.statements.values_list("household", "reminder_channel")),
            {self.ala.pk: "email", self.bea.pk: "letter"},
        )
        self.assertEqual(Delivery.objects.count(), 1)
        response = self.client.get(response["Location"])
        self.assertContains(
            response, "Przypomnienia: list do wydrukowania: 1, e-mail: 1."
        )
        self.assertContains(response, "Przypomnienia do wydrukowania (1, PDF)")
        # The second click reminds nobody again.
        response = self.client.post(
            self.url("inclusion-statement-remind", campaign.pk), follow=True
        )
        self.assertContains(response, "Nie wysłano nowych przypomnień.")
        self.assertEqual(Delivery.objects.count(), 1)

    def test_an_unknown_window_is_refused(self):
        response = self.client.post(
            self.url("inclusion-statement-start"),
            {"window": f"{self.ppgr.pk}:0:2026"},
            follow=True,
        )
        self.assertContains(response, "Wybierz okno z listy.")
        self.assertEqual(StatementCampaign.objects.count(), 1)

    def test_the_campaign_shows_counts_and_exports_a_logged_csv(self):
        url = self.url("inclusion-statement-campaign", self.past.pk)
        response = self.client.get(url)
        self.assertContains(response, "<div><dt>Brak</dt><dd>2</dd></div>", html=True)
        self.assertContains(response, "Adamska Anna")
        response = self.client.get(url + "?format=csv")
        text = response.content.decode("utf-8-sig")
        self.assertIn("Adamska,Anna,ul. Polna 1,,,ala@example.org,brak", text)
        self.assertEqual(
            self.logged(AccessLog.Action.EXPORT),
            [f"kampania oświadczeń #{self.past.pk} (csv) format=csv"],
        )
        response = self.client.get(url + "?status=submitted")
        self.assertContains(response, "Nie ma oświadczeń spełniających warunki.")

    def test_it_records_a_statement_in_time_or_late(self):
        statement = self.past.statements.get(household=self.ala)
        url = self.url("inclusion-statement-record", statement.pk)
        response = self.client.post(
            url, {"submitted_on": "2026-01-20", "received_how": "paper"}
        )
        self.assertContains(
            response, "Okno składania oświadczeń otwiera się 01.02.2026"
        )
        response = self.client.post(
            url,
            {"submitted_on": "2026-03-02", "received_how": "in_person", "note": "x"},
        )
        self.assertRedirects(
            response, self.url("inclusion-statement-campaign", self.past.pk)
        )
        statement.refresh_from_db()
        self.assertEqual(statement.status_on(NOW.date()), Statement.Status.LATE)
        self.assertEqual(
            (statement.received_how, statement.recorded_by, statement.note),
            ("in_person", self.cora, "x"),
        )
        self.assertIn(
            f"oświadczenie #{statement.pk}", self.logged(AccessLog.Action.EDIT)
        )

    def test_the_follow_up_lists_missing_and_late_with_contacts(self):
        statements.record_statement(
            self.past.statements.get(household=self.ala),
            submitted_on=NOW.date(),
            received_how="email",
            today=NOW.date(),
        )
        response = self.client.get(
            self.url("inclusion-statement-followup", self.past.pk)
        )
        self.assertContains(response, "złożone po terminie (15.06.2026)")
        self.assertContains(response, "600 100 200")
        self.assertContains(response, "ala@example.org")
        self.assertContains(response, "Wezwania do wydrukowania (1, PDF)")
        response = self.client.get(
            self.url("inclusion-statement-followup-letters", self.past.pk)
        )
        self.assertEqual(response["Content-Type"], "application/pdf")
        self.assertIn("private, no-store", response["Cache-Control"])
        reader = PdfReader(io.BytesIO(response.content))
        self.assertEqual(len(reader.pages), 1)
        self.assertIn("Bielska", reader.pages[0].extract_text())
        self.assertEqual(
            self.logged(AccessLog.Action.PDF),
            [f"kampania oświadczeń #{self.past.pk}: wezwania"],
        )

    def test_the_household_page_shows_its_statements(self):
        response = self.client.get(self.url("inclusion-household", self.bea.pk))
        self.assertContains(response, "01.02.2026–24.02.2026")
        self.assertContains(response, '<td data-label="Stan">brak</td>', html=True)
        # The title is the household's name alone (a table once leaked into it).
        self.assertNotContains(response, "<title>Bielska Anna – Gmina Zawada<table")

    def test_an_editor_is_refused_and_another_gmina_sees_nothing(self):
        statement = self.past.statements.first()
        gets = [
            self.url("inclusion-statements"),
            self.url("inclusion-statement-campaign", self.past.pk),
            self.url("inclusion-statement-followup", self.past.pk),
            self.url("inclusion-statement-letters", self.past.pk),
            self.url("inclusion-statement-record", statement.pk),
        ]
        start = self.url("inclusion-statement-start")
        remind = self.url("inclusion-statement-remind", self.past.pk)
        posts = [(start, {"window": f"{self.ppgr.pk}:1:2026"}), (remind, {})]
        self.client.force_login(self.alice)
        for url in gets:
            self.assertRedirects(self.client.get(url), "/admin/", msg_prefix=url)
        for url, data in posts:
            self.assertRedirects(self.client.post(url, data), "/admin/", msg_prefix=url)
        self.client.force_login(self.erin)
        for url in gets:
            self.assertEqual(self.client.get(url).status_code, 404, url)
        for url, data in posts:
            self.assertEqual(self.client.post(url, data).status_code, 404, url)
        # Gmina A's ids under erin's own gmina are unknown there too.
        mine = f"/gmina/{self.other_gmina.pk}/"
        for url in gets[1:]:
            other = url.replace(f"/gmina/{self.gmina.pk}/", mine)
            self.assertEqual(self.client.get(other).status_code, 404, other)
        other = remind.replace(f"/gmina/{self.gmina.pk}/", mine)
        self.assertEqual(self.client.post(other).status_code, 404, other)
        self.assertEqual(StatementCampaign.objects.count(), 1)
        self.assertFalse(
            self.past.statements.filter(reminded_at__isnull=False).exists()
        )
