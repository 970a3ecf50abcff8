"""The worker's checks against real devices on loopback: a TCP listener and
an HTTP server that go down and come back, the allow-list that keeps each
gmina's checks inside its own network, and the alerts (once per outage)."""

from datetime import datetime, timedelta

import time_machine
from django.core import mail
from django.test import override_settings

from ratusz.gminas.models import Membership
from ratusz.gminas.tests.factory import make_member
from ratusz.inclusion import network_alerts, network_checks
from ratusz.inclusion.network import AccessPoint, CheckDay, Outage
from ratusz.lib.dates import WARSAW
from ratusz.outbox import services as outbox
from ratusz.outbox.models import Delivery
from ratusz.test import BaseTestCase

from .devices import HttpDevice, TcpDevice
from .factory import make_access_point

T0 = datetime(2026, 11, 16, 12, 0, tzinfo=WARSAW)
STEP = timedelta(minutes=5)

NETWORK = override_settings(
    # Gmina A (host "localhost") may reach 127.0.0.1; gmina B nothing private.
    NETWORK_CHECK_ALLOW={"localhost": ["127.0.0.1/32"]},
    NETWORK_CHECK_TIMEOUT=1,
    NETWORK_CHECK_INTERVAL=300,
    NETWORK_ALERT_AFTER=600,
    HTTP_ALLOW_PRIVATE_HOSTS=[],
)


def check_at(when) -> int:
    with time_machine.travel(when, tick=False):
        return network_checks.check_due()


@NETWORK
class TcpCheckTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.dora = make_member(cls.gmina, "dora", Membership.Role.ADMIN)

    def setUp(self):
        self.device = TcpDevice().up()
        self.addCleanup(self.device.down)
        self.point = make_access_point(
            self.gmina,
            check_method=AccessPoint.CheckMethod.TCP,
            check_target=self.device.target,
        )

    def alerts(self):
        return list(
            Delivery.objects.filter(item__startswith="hotspot:")
            .order_by("pk")
            .values_list("item", "recipient")
        )

    def test_it_follows_a_device_that_goes_down_and_comes_back(self):
        self.assertEqual(check_at(T0), 1)
        self.point.refresh_from_db()
        self.assertEqual(self.point.state, AccessPoint.State.UP)
        self.assertEqual(self.device.connections_after(1), 1)

        self.device.down()
        check_at(T0 + STEP)
        self.point.refresh_from_db()
        self.assertEqual(self.point.state, AccessPoint.State.DOWN)
        self.assertEqual(self.point.state_since, T0 + STEP)
        self.assertIn("127.0.0.1", self.point.last_error)
        outage = Outage.objects.get(access_point=self.point)
        self.assertIsNone(outage.ended_at)
        self.assertEqual(self.alerts(), [], "not yet past the threshold")

        check_at(T0 + 2 * STEP)
        self.assertEqual(self.alerts(), [], "down for 5 minutes of 10")
        check_at(T0 + 3 * STEP)
        down = f"hotspot:{outage.pk}:down"
        self.assertEqual(self.alerts(), [(down, f"user:{self.dora.pk}")])
        check_at(T0 + 4 * STEP)
        self.assertEqual(len(self.alerts()), 1, "once per outage, not per check")

        self.device.up()
        check_at(T0 + 5 * STEP)
        self.point.refresh_from_db()
        outage.refresh_from_db()
        self.assertEqual(self.point.state, AccessPoint.State.UP)
        self.assertEqual(outage.ended_at, T0 + 5 * STEP)
        up = f"hotspot:{outage.pk}:up"
        self.assertEqual([a for a, _r in self.alerts()], [down, up])
        check_at(T0 + 6 * STEP)
        self.assertEqual(len(self.alerts()), 2)

        day = CheckDay.objects.get(access_point=self.point)
        self.assertEqual((day.day, day.checks, day.failures), (T0.date(), 7, 4))

    def test_a_second_outage_is_told_again(self):
        for outage_number in (1, 2):
            start = T0 + timedelta(hours=outage_number)
            self.device.down()
            for n in range(4):
                check_at(start + n * STEP)
            self.device.up()
            check_at(start + 4 * STEP)
            self.assertEqual(len(self.alerts()), 2 * outage_number)
        self.assertEqual(Outage.objects.filter(access_point=self.point).count(), 2)

    def test_a_short_outage_tells_nobody(self):
        check_at(T0)
        self.device.down()
        check_at(T0 + STEP)
        self.device.up()
        check_at(T0 + 2 * STEP)
        self.assertEqual(self.alerts(), [])
        outage = Outage.objects.get(access_point=self.point)
        self.assertEqual(outage.ended_at, T0 + 2 * STEP)

    def test_the_alerts_reach_the_administrators_by_email(self):
        make_member(self.gmina, "edek", Membership.Role.EDITOR)
        self.device.down()
        for n in range(3):
            check_at(T0 + n * STEP)
        self.device.up()
        check_at(T0 + 3 * STEP)
        with time_machine.travel(T0 + 4 * STEP, tick=False):
            outbox.deliver_due()
        self.assertEqual(
            sorted((m.to[0], m.subject) for m in mail.outbox),
            [
                (
                    "dora@example.org",
                    "Punkt dostępowy „Rynek” nie działa od 16 listopada 12:00",
                ),
                ("dora@example.org", "Punkt dostępowy „Rynek” znów działa"),
            ],
        )
        body = next(m.body for m in mail.outbox if "znów" in m.subject)
        self.assertIn("Przerwa trwała od 16 listopada 2026, 12:00 (15 min)", body)
        self.assertIn(f"/admin/darmowy-internet/inspect/{self.point.pk}/", body)

    def test_an_alert_for_someone_no_longer_an_administrator_is_dropped(self):
        self.device.down()
        for n in range(3):
            check_at(T0 + n * STEP)
        delivery = Delivery.objects.get(item__endswith=":down")
        self.assertIsNotNone(network_alerts.compose(delivery))
        Membership.objects.filter(user=self.dora).update(role=Membership.Role.EDITOR)
        self.assertIsNone(network_alerts.compose(delivery))

    def test_a_claimed_access_point_is_not_checked_twice(self):
        self.assertEqual(check_at(T0), 1)
        self.assertEqual(check_at(T0 + timedelta(minutes=4)), 0)
        self.assertEqual(check_at(T0 + STEP), 1)
        self.assertEqual(self.device.connections_after(2), 2)

    def test_only_access_points_in_service_with_a_check_are_checked(self):
        make_access_point(self.gmina, "Bez sprawdzania")
        for status in ("planned", "suspended", "retired"):
            make_access_point(
                self.gmina,
                status,
                status=status,
                check_method=AccessPoint.CheckMethod.TCP,
                check_target=self.device.target,
            )
        self.assertEqual(check_at(T0), 1)
        self.assertEqual(self.device.connections_after(1), 1)


@NETWORK
class HttpCheckTestCase(BaseTestCase):
    def setUp(self):
        self.device = HttpDevice().up()
        self.addCleanup(self.device.down)
        self.point = make_access_point(
            self.gmina,
            check_method=AccessPoint.CheckMethod.HTTP,
            check_target=self.device.url,
        )

    def state_at(self, when):
        check_at(when)
        self.point.refresh_from_db()
        return self.point.state

    def test_it_follows_a_server_that_goes_down_and_comes_back(self):
        self.assertEqual(self.state_at(T0), "up")
        self.device.status = 401  # a login page: the device is there
        self.assertEqual(self.state_at(T0 + STEP), "up")
        self.device.status = 503
        self.assertEqual(self.state_at(T0 + 2 * STEP), "down")
        self.assertIn("503", self.point.last_error)
        self.device.down()
        self.assertEqual(self.state_at(T0 + 3 * STEP), "down")
        self.device.status = 200
        self.device.up()
        self.assertEqual(self.state_at(T0 + 4 * STEP), "up")
        self.assertEqual(self.device.hits, 4)
        outage = Outage.objects.get(access_point=self.point)
        self.assertEqual(
            (outage.started_at, outage.ended_at), (T0 + 2 * STEP, T0 + 4 * STEP)
        )


@NETWORK
class AllowListTestCase(BaseTestCase):
    def setUp(self):
        self.tcp = TcpDevice().up()
        self.http = HttpDevice().up()
        self.addCleanup(self.tcp.down)
        self.addCleanup(self.http.down)

    def assert_refused(self, point):
        point.refresh_from_db()
        self.assertEqual(point.state, AccessPoint.State.UNKNOWN)
        self.assertIn("sieci wewnętrznej", point.last_error)
        self.assertFalse(point.outages.exists(), "a refusal is not an outage")
        self.assertFalse(point.check_days.exists(), "nor a check")

    def test_another_gminas_network_is_not_reached(self):
        tcp = make_access_point(
            self.other_gmina, "TCP", check_method="tcp", check_target=self.tcp.target
        )
        web = make_access_point(
            self.other_gmina, "HTTP", check_method="http", check_target=self.http.url
        )
        self.assertEqual(check_at(T0), 2)
        self.assert_refused(tcp)
        self.assert_refused(web)
        self.assertEqual((self.tcp.connections, self.http.hits), (0, 0))

    def test_an_address_outside_the_gminas_networks_is_not_reached(self):
        point = make_access_point(
            self.gmina,
            check_method="http",
            check_target=self.http.url.replace("127.0.0.1", "127.0.0.2"),
        )
        check_at(T0)
        self.assert_refused(point)

    @override_settings(NETWORK_CHECK_ALLOW={"*": ["127.0.0.0/8"]})
    def test_the_installation_wide_list_covers_every_gmina(self):
        point = make_access_point(
            self.other_gmina, check_method="tcp", check_target=self.tcp.target
        )
        check_at(T0)
        point.refresh_from_db()
        self.assertEqual(point.state, AccessPoint.State.UP)
        self.assertEqual(self.tcp.connections_after(1), 1)

    def test_the_allow_list_does_not_open_other_fetches(self):
        from ratusz.lib import http

        with self.assertRaises(http.BlockedHost):
            http.fetch(self.http.url, max_bytes=100)
        with self.assertRaises(http.BlockedHost):
            http.probe_tcp("127.0.0.1", self.tcp.port, timeout=1)
        self.assertEqual((self.tcp.connections, self.http.hits), (0, 0))
