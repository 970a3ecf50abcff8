"""Equipment: status transitions and their refusals, handover only under a
protocol, inventory and serial numbers unique within a gmina."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from ratusz.inclusion import equipment as register
from ratusz.inclusion.equipment import (
    TRANSITIONS,
    Equipment,
    EquipmentEvent,
    Status,
    TransitionRefused,
)
from ratusz.inclusion.staff.forms import EquipmentForm
from ratusz.inclusion.tests.factory import (
    hand_over,
    make_household,
    make_item,
    make_programme,
)
from ratusz.test import BaseTestCase


class TransitionTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.programme = make_programme(cls.gmina)  # POIG 8.3: lent
        cls.household = make_household(cls.gmina, cls.programme)

    def test_it_hands_over_under_a_protocol(self):
        item = make_item(self.gmina, self.programme)
        protocol = hand_over(self.household, item)
        item.refresh_from_db()
        self.assertEqual(item.status, Status.LENT)
        self.assertEqual(item.household, self.household)
        self.assertEqual(item.protocol, protocol)
        self.assertEqual(
            list(item.events.values_list("from_status", "to_status")),
            [(Status.IN_STOCK, Status.LENT), ("", Status.IN_STOCK)],
        )
        self.assertIsNotNone(protocol.handed_over_at)
        self.assertEqual(protocol.number, "PP/2026/001")

    def test_it_refuses_a_handover_without_a_protocol(self):
        item = make_item(self.gmina, self.programme)
        with self.assertRaises(TransitionRefused) as caught:
            register.change_status(item, Status.LENT)
        self.assertIn("tylko na podstawie protokołu", caught.exception.messages[0])
        item.refresh_from_db()
        self.assertEqual(item.status, Status.IN_STOCK)
        self.assertEqual(item.events.count(), 1)

    def test_it_refuses_a_protocol_that_does_not_list_the_item(self):
        item = make_item(self.gmina, self.programme)
        other = make_item(self.gmina, self.programme, "EI/002")
        protocol = register.create_protocol(
            self.household, [other], handed_on=date(2026, 5, 4)
        )
        with self.assertRaises(TransitionRefused):
            register.change_status(item, Status.LENT, protocol=protocol)

    def test_it_refuses_the_other_form_of_handover(self):
        item = make_item(self.gmina, self.programme)
        protocol = register.create_protocol(
            self.household, [item], handed_on=date(2026, 5, 4)
        )
        with self.assertRaises(TransitionRefused) as caught:
            register.change_status(item, Status.GIVEN, protocol=protocol)
        self.assertIn("dotyczy formy „użyczony”", caught.exception.messages[0])

    def test_it_refuses_moves_the_table_does_not_allow(self):
        item = make_item(self.gmina, self.programme)
        register.change_status(item, Status.WRITTEN_OFF, note="spalony")
        for target in Status.values:
            with self.assertRaises(TransitionRefused) as caught:
                register.change_status(item, target)
        self.assertIn(
            "Sprzętu w stanie „zlikwidowany” nie można oznaczyć jako",
            caught.exception.messages[0],
        )
        item = make_item(self.gmina, self.programme, "EI/002")
        with self.assertRaises(TransitionRefused):
            register.change_status(item, Status.IN_STOCK)  # already there
        with self.assertRaises(TransitionRefused):
            register.change_status(item, Status.RETURNED)  # never handed out

    def test_a_lent_item_goes_to_repair_and_back_to_its_household(self):
        item = make_item(self.gmina, self.programme)
        protocol = hand_over(self.household, item)
        register.change_status(item, Status.IN_REPAIR, note="serwis")
        item.refresh_from_db()
        self.assertEqual(item.household, self.household)
        register.change_status(item, Status.LENT)
        item.refresh_from_db()
        self.assertEqual((item.status, item.protocol), (Status.LENT, protocol))

    def test_a_returned_item_leaves_the_household_and_can_be_lent_again(self):
        item = make_item(self.gmina, self.programme)
        hand_over(self.household, item)
        register.change_status(item, Status.RETURNED)
        item.refresh_from_db()
        self.assertIsNone(item.household)
        self.assertIsNone(item.protocol)
        neighbour = make_household(self.gmina, self.programme, "Nowak")
        hand_over(neighbour, item)
        item.refresh_from_db()
        self.assertEqual(item.household, neighbour)

    def test_a_lost_item_may_turn_up(self):
        item = make_item(self.gmina, self.programme)
        hand_over(self.household, item)
        register.change_status(item, Status.LOST)
        self.assertEqual(TRANSITIONS[Status.LOST], {Status.RETURNED})
        register.change_status(item, Status.RETURNED, note="odnaleziony")
        item.refresh_from_db()
        self.assertEqual(item.status, Status.RETURNED)

    def test_a_protocol_takes_only_available_items_of_the_programme(self):
        item = make_item(self.gmina, self.programme)
        hand_over(self.household, item)
        with self.assertRaises(ValidationError) as caught:
            register.create_protocol(self.household, [item], handed_on=date.today())
        self.assertIn("nie można go przekazać", caught.exception.messages[0])
        ppgr = make_programme(self.gmina, "PPGR", template="ppgr")
        foreign = make_item(self.gmina, ppgr, "PG/001")
        with self.assertRaises(ValidationError):
            register.create_protocol(self.household, [foreign], handed_on=date.today())

    def test_a_ppgr_item_is_given(self):
        ppgr = make_programme(self.gmina, "PPGR", template="ppgr")
        family = make_household(self.gmina, ppgr, "Wiśniewska")
        item = make_item(self.gmina, ppgr, "PG/001")
        hand_over(family, item)
        item.refresh_from_db()
        self.assertEqual(item.status, Status.GIVEN)

    def test_a_protocol_is_handed_over_once(self):
        item = make_item(self.gmina, self.programme)
        protocol = hand_over(self.household, item)
        with self.assertRaises(ValidationError):
            register.hand_over(protocol)
        self.assertEqual(EquipmentEvent.objects.filter(equipment=item).count(), 2)


class UniquenessTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.programme = make_programme(cls.gmina)
        cls.other_programme = make_programme(cls.other_gmina)
        make_item(cls.gmina, cls.programme, "EI/001", "SN1")

    def test_another_gmina_may_use_the_same_numbers(self):
        make_item(self.other_gmina, self.other_programme, "EI/001", "SN1")
        self.assertEqual(Equipment.objects.filter(serial_number="SN1").count(), 2)

    def test_the_database_refuses_a_duplicate_within_a_gmina(self):
        for inventory, serial in [("EI/001", "SN2"), ("EI/002", "SN1")]:
            with self.assertRaises(IntegrityError), transaction.atomic():
                Equipment.objects.create(
                    gmina=self.gmina,
                    programme=self.programme,
                    inventory_number=inventory,
                    serial_number=serial,
                    kind="laptop",
                )

    def test_the_form_says_so_in_polish(self):
        data = {
            "programme": self.programme.pk,
            "inventory_number": "EI/001",
            "serial_number": " SN1 ",
            "kind": "laptop",
        }
        form = EquipmentForm(data, instance=Equipment(), gmina=self.gmina)
        self.assertFalse(form.is_valid())
        self.assertEqual(
            form.errors["inventory_number"],
            ["Ten numer inwentarzowy jest już w rejestrze gminy."],
        )
        self.assertEqual(
            form.errors["serial_number"],
            ["Ten numer seryjny jest już w rejestrze gminy."],
        )
        form = EquipmentForm(data, instance=Equipment(), gmina=self.other_gmina)
        self.assertIn("programme", form.errors)  # not the other gmina's programme
        data["programme"] = self.other_programme.pk
        form = EquipmentForm(data, instance=Equipment(), gmina=self.other_gmina)
        self.assertTrue(form.is_valid(), form.errors)

    def test_editing_an_item_keeps_its_own_numbers(self):
        item = Equipment.objects.get(inventory_number="EI/001")
        data = {
            "programme": self.programme.pk,
            "inventory_number": "EI/001",
            "serial_number": "SN1",
            "kind": "tablet",
        }
        form = EquipmentForm(data, instance=item, gmina=self.gmina)
        self.assertTrue(form.is_valid(), form.errors)
