"""The demo step: the founding story's programme with its households,
equipment and events, in durability, and idempotent."""

from collections import Counter
from datetime import date

from ratusz.inclusion import demo
from ratusz.inclusion.equipment import Equipment, EquipmentEvent, Protocol, Status
from ratusz.inclusion.households import Household
from ratusz.inclusion.models import Programme
from ratusz.lib import demo as demo_steps
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
        [erased] = Household.objects.filter(erasure_requested_on__isnull=False)
        self.assertEqual((erased.phone, erased.email, erased.notes), ("", "", ""))
        self.assertIsNone(erased.anonymised_at)
