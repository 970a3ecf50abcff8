"""The daily staff reminders: each durability check announced once before
its due date and once after it, each campaign's closing window once; the
e-mails go through the outbox to the gmina's coordinators and
administrators only."""

from datetime import date

from django.core import mail
from django.test import override_settings

from ratusz.gminas.models import Membership
from ratusz.gminas.tests.factory import make_member
from ratusz.inclusion import checks, staff_reminders, statements
from ratusz.inclusion.reminders import CheckReminder, StaffReminder
from ratusz.inclusion.statements import Statement
from ratusz.inclusion.tests.factory import (
    make_holder,
    make_household,
    make_ppgr,
    make_programme,
)
from ratusz.outbox import services as outbox
from ratusz.outbox.models import Delivery
from ratusz.test import BaseTestCase

DAY = date(2026, 12, 10)


def announced():
    return sorted(
        (r.household.surname, r.kind, r.due_on)
        for r in CheckReminder.objects.select_related("household")
    )


@override_settings(
    INCLUSION_CHECK_REMINDER_DAYS=14, INCLUSION_STATEMENT_REMINDER_DAYS=7
)
class CheckRemindersTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.cora = make_member(cls.gmina, "cora", Membership.Role.COORDINATOR)
        cls.dora = make_member(cls.gmina, "dora", Membership.Role.ADMIN)
        cls.poig = make_programme(cls.gmina, durability_start=date(2024, 2, 29))
        cls.never = make_household(cls.gmina, cls.poig, "Nigdy")
        cls.late = make_household(cls.gmina, cls.poig, "Spóźniona")
        cls.soon = make_household(cls.gmina, cls.poig, "Wkrótce")
        cls.later = make_household(cls.gmina, cls.poig, "Później")
        checks.record_inspection(cls.late, checked_on=date(2025, 12, 1), result="ok")
        checks.record_inspection(cls.soon, checked_on=date(2025, 12, 20), result="ok")
        checks.record_inspection(cls.later, checked_on=date(2026, 6, 1), result="ok")
        # Another gmina's household stays in its own gmina's e-mail.
        other = make_programme(cls.other_gmina, durability_start=date(2024, 2, 29))
        make_household(cls.other_gmina, other, "Obca")

    def test_each_check_is_announced_once_before_and_once_after(self):
        self.assertEqual(staff_reminders.run(DAY), 2)  # one e-mail per gmina
        self.assertEqual(
            [row for row in announced() if row[0] != "Obca"],
            [
                ("Nigdy", "overdue", date(2024, 2, 29)),
                ("Spóźniona", "overdue", date(2026, 12, 1)),
                ("Wkrótce", "due", date(2026, 12, 20)),
            ],
        )
        first = announced()
        self.assertEqual(staff_reminders.run(DAY), 0)
        self.assertEqual(staff_reminders.run(date(2026, 12, 15)), 0)
        self.assertEqual(announced(), first)
        # Past its date, "Wkrótce" is overdue: said once more.
        self.assertEqual(staff_reminders.run(date(2026, 12, 21)), 1)
        new = set(announced()) - set(first)
        self.assertEqual(new, {("Wkrótce", "overdue", date(2026, 12, 20))})
        # A visit gives a new due date, announced when it comes near.
        checks.record_inspection(self.late, checked_on=date(2026, 12, 22), result="ok")
        renewed = ("Spóźniona", "due", date(2027, 12, 22))
        staff_reminders.run(date(2027, 12, 7))
        self.assertNotIn(renewed, announced())
        staff_reminders.run(date(2027, 12, 8))
        self.assertIn(renewed, announced())

    def test_the_email_reaches_coordinators_and_administrators_once(self):
        with self.captureOnCommitCallbacks(execute=True):
            staff_reminders.run(DAY)
        with self.captureOnCommitCallbacks(execute=True):
            staff_reminders.run(DAY)
        mine = [m for m in mail.outbox if "Gmina Zawada" in m.subject]
        self.assertEqual(
            sorted(m.to[0] for m in mine), ["cora@example.org", "dora@example.org"]
        )
        body = mine[0].body
        self.assertIn("Nigdy Anna: po terminie, od 29.02.2024", body)
        self.assertIn("Wkrótce Anna: termin 20.12.2026", body)
        self.assertNotIn("Obca", body)
        self.assertNotIn("Później", body)
        self.assertIn(f"/admin/e-integracja/gmina/{self.gmina.pk}/kontrole/", body)

    def test_someone_no_longer_a_coordinator_gets_nothing(self):
        staff_reminders.run(DAY)
        row = Delivery.objects.get(recipient=f"user:{self.cora.pk}")
        self.assertIsNotNone(staff_reminders.compose(row))
        Membership.objects.filter(user=self.cora).update(role=Membership.Role.EDITOR)
        self.assertIsNone(staff_reminders.compose(row))
        self.assertFalse(
            Delivery.objects.filter(recipient=f"user:{self.alice.pk}").exists()
        )


@override_settings(INCLUSION_STATEMENT_REMINDER_DAYS=7)
class CampaignEndRemindersTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.cora = make_member(cls.gmina, "cora", Membership.Role.COORDINATOR)
        cls.ppgr = make_ppgr(cls.gmina)
        cls.ala = make_holder(cls.gmina, cls.ppgr, "Adamska", "PP/1")
        cls.bea = make_holder(cls.gmina, cls.ppgr, "Bielska", "PP/2")
        cls.campaign, _ = statements.create_campaign(
            cls.ppgr, cls.ppgr.windows()[1], 2026
        )  # 01.06–30.06.2026

    def test_the_awaiting_statements_are_listed_once_a_week_before_the_end(self):
        statements.record_statement(
            self.campaign.statements.get(household=self.ala),
            submitted_on=date(2026, 6, 3),
            received_how=Statement.Received.PAPER,
            today=date(2026, 6, 3),
        )
        self.assertEqual(staff_reminders.run(date(2026, 6, 22)), 0)
        with self.captureOnCommitCallbacks(execute=True):
            self.assertEqual(staff_reminders.run(date(2026, 6, 23)), 1)
        self.assertEqual(staff_reminders.run(date(2026, 6, 24)), 0)
        reminder = StaffReminder.objects.get()
        self.assertEqual(
            (reminder.kind, reminder.campaign), ("statements", self.campaign)
        )
        (message,) = mail.outbox
        self.assertEqual(message.to, ["cora@example.org"])
        self.assertIn("okno oświadczeń kończy się 30.06.2026", message.subject)
        self.assertIn("Bielska Anna", message.body)
        self.assertNotIn("Adamska", message.body)

    def test_nothing_when_every_statement_is_in(self):
        for household in (self.ala, self.bea):
            statements.record_statement(
                self.campaign.statements.get(household=household),
                submitted_on=date(2026, 6, 3),
                received_how=Statement.Received.PAPER,
                today=date(2026, 6, 3),
            )
        self.assertEqual(staff_reminders.run(date(2026, 6, 25)), 0)
        self.assertFalse(StaffReminder.objects.exists())
        outbox.deliver_due()
        self.assertEqual(mail.outbox, [])
