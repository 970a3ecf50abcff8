"""The free network's staff screens: who gets in (role × screen), another
gmina's ids are 404, the form's checks, filters and the access point's page."""

from datetime import date, timedelta

from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from ratusz.gminas.models import Membership
from ratusz.gminas.tests.factory import assert_not_shown, make_member
from ratusz.inclusion.network import AccessPoint, CheckDay, Outage
from ratusz.test import BaseTestCase

from .factory import make_access_point, make_wifi_programme

SCREENS = {
    "index": lambda t: reverse("inclusion_accesspoint:index"),
    "add": lambda t: reverse("inclusion_accesspoint:add"),
    "edit": lambda t: reverse("inclusion_accesspoint:edit", args=[t.point.pk]),
    "inspect": lambda t: reverse("inclusion_accesspoint:inspect", args=[t.point.pk]),
    "delete": lambda t: reverse("inclusion_accesspoint:delete", args=[t.point.pk]),
    "history": lambda t: reverse("inclusion_accesspoint:history", args=[t.point.pk]),
}
# ok: 200 with gmina A's access point; denied: Wagtail's "no permission"
# redirect; 404; hidden: 200 without gmina A's access point (own list).
NOT_IN_SCOPE = {"inspect": "404", "delete": "404", "history": "404"}
EXPECTED = {
    "superuser": dict.fromkeys(SCREENS, "ok"),
    "admin": dict.fromkeys(SCREENS, "ok"),
    # Screens that load the row first find none in the user's scope (404),
    # as in gminas' own viewsets; the others refuse.
    "editor": {**dict.fromkeys(SCREENS, "denied"), **NOT_IN_SCOPE},
    "author": {**dict.fromkeys(SCREENS, "denied"), **NOT_IN_SCOPE},
    "other_admin": {
        "index": "hidden",
        "add": "hidden",
        "edit": "404",
        "inspect": "404",
        "delete": "404",
        "history": "404",
    },
}
MARK = "Przystanek-Zawada"


def form_data(**fields):
    data = {
        "name": "Boisko",
        "address": "ul. Sportowa 1",
        "latitude": "49.9341",
        "longitude": "20.2123",
        "ssid": "WiFi4EU",
        "status": "active",
        "how_to_connect": "",
        "programme": "",
        "wifi4eu_network_id": "6f1c1a52-3f43-4c59-9a3e-3f4f5d3e2a10",
        "installed_on": "2024-05-15",
        "equipment": "UniFi",
        "backhaul_mbps": "100",
        "isp_contract_end": "2027-12-31",
        "check_method": "tcp",
        "check_target": "127.0.0.1:8080",
    }
    data.update(fields)
    return data


@override_settings(NETWORK_CHECK_ALLOW={"localhost": ["127.0.0.1"]})
class AccessMatrixTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.dora = make_member(cls.gmina, "dora", Membership.Role.ADMIN)
        cls.eve = make_member(cls.other_gmina, "eve", Membership.Role.ADMIN)
        cls.point = make_access_point(cls.gmina, MARK)
        make_access_point(cls.other_gmina, "Punkt Brzezie")

    def user(self, role):
        return {
            "superuser": self.admin,
            "admin": self.dora,
            "editor": self.alice,
            "author": self.bob,
            "other_admin": self.eve,
        }[role]

    def test_every_role_on_every_screen(self):
        for role, screens in EXPECTED.items():
            self.client.force_login(self.user(role))
            for screen, expected in screens.items():
                with self.subTest(role=role, screen=screen):
                    response = self.client.get(SCREENS[screen](self))
                    self.assert_outcome(response, expected, screen)

    def assert_outcome(self, response, expected, screen):
        if expected == "denied":
            self.assertEqual(response.status_code, 302)
            self.assertEqual(response.url, reverse("wagtailadmin_home"))
        elif expected == "404":
            self.assertEqual(response.status_code, 404)
        else:
            self.assertEqual(response.status_code, 200)
            if expected == "hidden":
                assert_not_shown(response, MARK)
            elif screen not in ("add",):
                self.assertContains(response, MARK)

    def test_the_menu_shows_only_to_those_who_manage(self):
        for user, shown in ((self.dora, True), (self.alice, False)):
            self.client.force_login(user)
            response = self.client.get(reverse("wagtailadmin_home"))
            with self.subTest(user=user.username):
                self.assertEqual("/admin/darmowy-internet/" in response.text, shown)

    def test_another_gminas_admin_cannot_change_or_delete(self):
        self.client.force_login(self.eve)
        edit = self.client.post(SCREENS["edit"](self), form_data(name="Przejęty"))
        delete = self.client.post(SCREENS["delete"](self))
        self.assertEqual((edit.status_code, delete.status_code), (404, 404))
        self.point.refresh_from_db()
        self.assertEqual(self.point.name, MARK)

    def test_an_editor_cannot_add_or_delete(self):
        self.client.force_login(self.alice)
        self.client.post(SCREENS["add"](self), form_data())
        self.client.post(SCREENS["delete"](self))
        self.assertTrue(AccessPoint.objects.filter(pk=self.point.pk).exists())
        self.assertFalse(AccessPoint.objects.filter(name="Boisko").exists())


@override_settings(NETWORK_CHECK_ALLOW={"localhost": ["127.0.0.1"]})
class FormTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.dora = make_member(cls.gmina, "dora", Membership.Role.ADMIN)
        cls.programme = make_wifi_programme(cls.gmina)
        cls.foreign_programme = make_wifi_programme(cls.other_gmina, "Program Brzezia")

    def setUp(self):
        self.client.force_login(self.dora)

    def add(self, **fields):
        return self.client.post(
            reverse("inclusion_accesspoint:add"), form_data(**fields)
        )

    def test_it_adds_an_access_point_to_the_admins_gmina(self):
        response = self.add(programme=str(self.programme.pk), gmina=self.other_gmina.pk)
        self.assertEqual(response.status_code, 302)
        point = AccessPoint.objects.get(name="Boisko")
        self.assertEqual(point.gmina, self.gmina)
        self.assertEqual(point.programme, self.programme)
        self.assertEqual(str(point.wifi4eu_network_id)[:8], "6f1c1a52")
        self.assertEqual(point.installed_on, date(2024, 5, 15))

    def errors(self, response):
        self.assertEqual(response.status_code, 200)
        return response.context["form"].errors

    def test_it_refuses_another_gminas_programme(self):
        errors = self.errors(self.add(programme=str(self.foreign_programme.pk)))
        self.assertIn("programme", errors)

    def test_it_refuses_coordinates_out_of_range_or_alone(self):
        self.assertIn("latitude", self.errors(self.add(latitude="91")))
        self.assertIn("longitude", self.errors(self.add(longitude="-180.5")))
        errors = self.errors(self.add(longitude=""))
        self.assertIn("obie współrzędne", str(errors))

    def test_it_refuses_an_address_outside_the_gminas_networks(self):
        errors = self.errors(self.add(check_target="10.9.9.9:22"))
        self.assertIn("NETWORK_CHECK_ALLOW", str(errors["check_target"]))
        errors = self.errors(
            self.add(check_method="http", check_target="http://10.9.9.9/")
        )
        self.assertIn("check_target", errors)
        self.assertFalse(AccessPoint.objects.exists())

    def test_it_refuses_a_target_that_does_not_fit_the_method(self):
        for method, target in (
            ("tcp", "127.0.0.1"),
            ("tcp", "http://127.0.0.1/"),
            ("http", "ftp://127.0.0.1/"),
            ("http", "127.0.0.1:80"),
            ("tcp", ""),
        ):
            with self.subTest(method=method, target=target):
                errors = self.errors(self.add(check_method=method, check_target=target))
                self.assertIn("check_target", errors)

    def test_taking_an_access_point_out_of_service_ends_its_outage(self):
        point = AccessPoint.objects.create(
            gmina=self.gmina,
            name="Boisko",
            state="down",
            check_method="tcp",
            check_target="127.0.0.1:8080",
            next_check_at=timezone.now() + timedelta(minutes=4),
        )
        outage = Outage.objects.create(access_point=point, started_at=timezone.now())
        url = reverse("inclusion_accesspoint:edit", args=[point.pk])
        response = self.client.post(url, form_data(status="suspended"))
        self.assertEqual(response.status_code, 302)
        point.refresh_from_db()
        outage.refresh_from_db()
        self.assertEqual(point.state, AccessPoint.State.UNKNOWN)
        self.assertIsNotNone(outage.ended_at)
        self.assertIsNone(outage.down_alerted_at)

    def test_a_new_check_address_is_checked_at_the_next_run(self):
        point = AccessPoint.objects.create(
            gmina=self.gmina,
            name="Boisko",
            check_method="tcp",
            check_target="127.0.0.1:8080",
            next_check_at=timezone.now() + timedelta(minutes=4),
        )
        url = reverse("inclusion_accesspoint:edit", args=[point.pk])
        self.client.post(url, form_data(check_target="127.0.0.1:8081"))
        point.refresh_from_db()
        self.assertEqual(point.check_target, "127.0.0.1:8081")
        self.assertIsNone(point.next_check_at)

    def test_a_host_name_is_accepted_and_checked_later(self):
        self.assertEqual(self.add(check_target="ap.example.org:22").status_code, 302)


class ListAndPageTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.dora = make_member(cls.gmina, "dora", Membership.Role.ADMIN)
        cls.up = make_access_point(cls.gmina, "Działający", state="up")
        cls.down = make_access_point(cls.gmina, "Zepsuty", state="down")
        make_wifi_programme(cls.other_gmina, "Program-Brzezia")

    def setUp(self):
        self.client.force_login(self.dora)

    def test_it_filters_by_state_and_offers_only_own_programmes(self):
        response = self.client.get(
            reverse("inclusion_accesspoint:index"), {"state": "down"}
        )
        self.assertContains(response, "Zepsuty")
        assert_not_shown(response, "Działający")
        assert_not_shown(response, "Program-Brzezia")

    def test_the_page_shows_uptime_and_outages(self):
        CheckDay.objects.create(
            access_point=self.down, day=date.today(), checks=4, failures=1
        )
        Outage.objects.create(
            access_point=self.down,
            started_at="2026-01-05T10:00:00+01:00",
            ended_at="2026-01-05T10:45:00+01:00",
            error="<script>alert(1)</script>",
        )
        response = self.client.get(
            reverse("inclusion_accesspoint:inspect", args=[self.down.pk])
        )
        self.assertContains(response, "75,00%")
        self.assertContains(response, "45 min")
        self.assertContains(response, "&lt;script&gt;alert(1)&lt;/script&gt;")
        assert_not_shown(response, "<script>alert(1)")
        self.assertContains(response, "<svg")
