"""Every look at a household's data is logged (who, what, when); exports
are formula-safe; the log is readable by the register's keepers only."""

import csv
import io

from django.urls import reverse
from openpyxl import load_workbook

from ratusz.gminas.models import Membership
from ratusz.gminas.tests.factory import make_member
from ratusz.inclusion.access_log import AccessLog
from ratusz.inclusion.tests.factory import (
    hand_over,
    make_household,
    make_item,
    make_programme,
)
from ratusz.test import BaseTestCase, make_village


class AccessLogTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.cora = make_member(cls.gmina, "cora", Membership.Role.COORDINATOR)
        cls.programme = make_programme(cls.gmina)
        cls.village = make_village(cls.gmina, "Łąki")
        cls.household = make_household(
            cls.gmina,
            cls.programme,
            '=HYPERLINK("http://zly.example")',
            first_name="Żaneta",
            village=cls.village,
        )
        cls.item = make_item(cls.gmina, cls.programme, "EI/001", "+SN-1")
        cls.protocol = hand_over(cls.household, cls.item)

    def setUp(self):
        self.client.force_login(self.cora)

    def entries(self):
        return list(
            AccessLog.objects.filter(gmina=self.gmina).values_list(
                "user__username", "login", "action", "subject"
            )
        )

    def test_each_screen_with_personal_data_is_logged(self):
        g = self.gmina.pk
        self.client.get(reverse("inclusion-household", args=[g, self.household.pk]))
        self.client.get(reverse("inclusion-equipment", args=[g, self.item.pk]))
        self.client.get(reverse("inclusion-households", args=[g]) + "?q=Ż")
        self.client.get(reverse("inclusion-protocol-pdf", args=[g, self.protocol.pk]))
        self.assertEqual(
            self.entries(),
            [
                ("cora", "cora", "pdf", f"protokół #{self.protocol.pk} (PP/2026/001)"),
                ("cora", "cora", "list", "gospodarstwa q=%C5%BB"),
                ("cora", "cora", "view", f"sprzęt #{self.item.pk}"),
                ("cora", "cora", "view", f"gospodarstwo #{self.household.pk}"),
            ],
        )
        self.assertIsNotNone(AccessLog.objects.first().at)

    def test_nothing_is_logged_for_a_refused_look(self):
        self.client.force_login(self.alice)  # editor: programmes only
        self.client.get(
            reverse("inclusion-household", args=[self.gmina.pk, self.household.pk])
        )
        self.assertEqual(self.entries(), [])

    def test_the_log_names_no_one_but_the_staff_member(self):
        self.client.get(
            reverse("inclusion-household", args=[self.gmina.pk, self.household.pk])
        )
        (entry,) = AccessLog.objects.all()
        self.assertNotIn("HYPERLINK", entry.subject)

    def test_exports_are_logged_and_formula_safe(self):
        url = reverse("inclusion-households", args=[self.gmina.pk])
        response = self.client.get(url + "?format=csv")
        text = response.content.decode("utf-8-sig")
        rows = list(csv.reader(io.StringIO(text)))
        self.assertEqual(rows[1][0], '\'=HYPERLINK("http://zly.example")')
        self.assertEqual(rows[1][1], "Żaneta")
        self.assertEqual(rows[1][3], "Łąki")
        response = self.client.get(
            reverse("inclusion-equipment-list", args=[self.gmina.pk]) + "?format=xlsx"
        )
        sheet = load_workbook(io.BytesIO(response.content)).active
        values = [cell.value for cell in sheet[2]]
        self.assertEqual(values[1], "'+SN-1")
        self.assertEqual(values[7], '\'=HYPERLINK("http://zly.example") Żaneta')
        self.assertEqual(
            [(e[2], e[3]) for e in self.entries()],
            [
                ("export", "sprzęt (xlsx) format=xlsx"),
                ("export", "gospodarstwa (csv) format=csv"),
            ],
        )

    def test_the_keepers_read_the_log(self):
        self.client.get(
            reverse("inclusion-household", args=[self.gmina.pk, self.household.pk])
        )
        response = self.client.get(
            reverse("inclusion-access-log", args=[self.gmina.pk])
        )
        self.assertContains(response, f"gospodarstwo #{self.household.pk}")
        self.client.force_login(self.charlie)
        response = self.client.get(
            reverse("inclusion-access-log", args=[self.gmina.pk])
        )
        self.assertEqual(response.status_code, 404)
