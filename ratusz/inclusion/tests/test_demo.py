"""The demo step: the founding story's programme with its households,
equipment and events, in durability, a statement campaign in progress, and
idempotent."""

from collections import Counter
from datetime import date

from ratusz.inclusion import demo
from ratusz.inclusion.equipment import Equipment, EquipmentEvent, Protocol, Status
from ratusz.inclusion.faults import FaultReport, item_history
from ratusz.inclusion.households import Household
from ratusz.inclusion.models import Programme
from ratusz.inclusion.statements import Statement, StatementCampaign
from ratusz.inclusion.trainings import Participant, Training, trainings_report
from ratusz.lib import demo as demo_steps
from ratusz.messenger.models import Conversation, Message
from ratusz.outbox.models import Delivery
from ratusz.test import BaseTestCase, make_village

TODAY = date(2026, 12, 3)


class DemoTests(BaseTestCase):
    def counts(self):
        return (
            Programme.objects.count(),
            Household.objects.count(),
            Equipment.objects.count(),
            Protocol.objects.count(),
            EquipmentEvent.objects.count(),
            Statement.objects.filter(submitted_on__isnull=False).count(),
            Statement.objects.filter(reminded_at__isnull=False).count(),
            Delivery.objects.count(),
            Training.objects.count(),
            Participant.objects.count(),
            FaultReport.objects.count(),
            Conversation.objects.count(),
        )

    def test_it_fills_the_register_once(self):
        for name in ["Zawada Górna", "Łąki", "Wólka"]:
            make_village(self.gmina, name)
        self.assertIn(demo.load, demo_steps._steps)  # registered by apps.py
        demo.load(self.gmina, today=TODAY)
        first = self.counts()
        demo.load(self.gmina, today=TODAY)
        self.assertEqual(self.counts(), first)
        programme = Programme.objects.get(gmina=self.gmina)
        self.assertEqual(programme.name, demo.PROGRAMME)
        self.assertEqual(programme.template, Programme.Template.POIG_83)
        self.assertEqual(programme.durability_state(TODAY), "running")
        self.assertEqual(first[1], demo.HOUSEHOLDS)
        statuses = Counter(Equipment.objects.values_list("status", flat=True))
        self.assertEqual(
            statuses,
            {
                Status.LENT: demo.HOUSEHOLDS - 3,
                Status.IN_REPAIR: 1,
                Status.RETURNED: 1,
                Status.LOST: 1,
                Status.IN_STOCK: 4,
            },
        )
        self.assertEqual(
            Household.objects.filter(village__isnull=False).count(), demo.HOUSEHOLDS
        )

    def test_a_statement_campaign_is_in_progress(self):
        demo.load(self.gmina, today=TODAY)
        past, current = StatementCampaign.objects.order_by("window_start")
        self.assertEqual((past.phase(TODAY), current.phase(TODAY)), ("closed", "open"))
        self.assertEqual(current.window_start, date(2026, 11, 13))
        self.assertEqual(current.window_end, date(2026, 12, 13))
        self.assertEqual(past.window_start, date(2025, 11, 13))
        S = Statement.Status
        now = current.counts(TODAY)
        self.assertGreater(now[S.SUBMITTED], 5)
        self.assertGreater(now[S.AWAITING], 10)
        self.assertEqual(now[S.LATE] + now[S.MISSING], 0)
        before = past.counts(TODAY)
        self.assertEqual((before[S.LATE], before[S.MISSING]), (3, 3))
        self.assertEqual(sum(before.values()), sum(now.values()))
        channels = Counter(
            current.statements.exclude(reminder_channel="").values_list(
                "reminder_channel", flat=True
            )
        )
        self.assertEqual(set(channels), {"email", "letter"})
        self.assertEqual(
            Delivery.objects.filter(item__startswith="statement:").count(),
            channels["email"],
        )

    def test_it_shows_trainings_and_a_fault_report(self):
        demo.load(self.gmina, today=TODAY)
        _title, _headers, rows = trainings_report(self.gmina)
        self.assertEqual(len(rows), len(demo.TRAININGS))
        self.assertEqual([row[3] for row in rows], [9, 7, 5])  # one absent each
        self.assertTrue(all(row[4] > 0 for row in rows))
        self.assertEqual(rows[0][4], 8 * 4 + 2)  # one left at half time
        self.assertEqual(rows[-1][4], 4 * 2.5 + 1)
        report = FaultReport.objects.get()
        item = report.equipment
        self.assertEqual(item.inventory_number, demo.FAULTY_ITEM)
        self.assertEqual(item.status, Status.IN_REPAIR)
        conversation = report.conversation
        self.assertEqual(conversation.gmina, self.gmina)
        self.assertEqual(conversation.subject, f"Usterka sprzętu {demo.FAULTY_ITEM}")
        self.assertTrue(
            conversation.messages.filter(author=Message.Author.STAFF).exists()
        )
        # The report came just before the repair it led to.
        kinds = [
            "report" if entry.report else entry.event.to_status
            for entry in item_history(item)
        ]
        self.assertEqual(kinds.index("report"), kinds.index(Status.IN_REPAIR) + 1)
        [erased] = Household.objects.filter(erasure_requested_on__isnull=False)
        self.assertEqual((erased.phone, erased.email, erased.notes), ("", "", ""))
        self.assertIsNone(erased.anonymised_at)
