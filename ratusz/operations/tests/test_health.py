"""`/health/` and `manage.py health`: the verdict for anyone, the details
only for a token or a superuser."""

import json
from datetime import timedelta
from io import StringIO

from django.core.management import CommandError, call_command
from django.test import override_settings
from django.utils import timezone

from ratusz.operations import health
from ratusz.operations.models import WorkerBeat
from ratusz.outbox.models import Channel, Delivery
from ratusz.test import BaseTestCase

URL = "/health/"
TOKEN = "t0k3n-for-monitoring"


def beat(seconds_ago=5, lag=0.5):
    now = timezone.now()
    WorkerBeat.objects.update_or_create(
        worker="worker-host",
        defaults={
            "beat_at": now - timedelta(seconds=seconds_ago),
            "started_at": now - timedelta(hours=1),
            "lag_seconds": lag,
        },
    )


@override_settings(HEALTH_TOKEN=TOKEN)
class HealthViewTests(BaseTestCase):
    def delivery(self, *, due_seconds_ago=0, state=Delivery.State.PENDING, n=0):
        return Delivery.objects.create(
            gmina=self.gmina,
            item=f"article:{n}",
            channel=Channel.EMAIL,
            recipient=f"follower:{n}",
            state=state,
            next_attempt_at=timezone.now() - timedelta(seconds=due_seconds_ago),
        )

    def get(self, **headers):
        return self.client.get(URL, headers=headers)

    def test_anonymous_callers_get_the_verdict_only(self):
        beat()
        response = self.get()
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.json(), {"status": "ok"})
        self.assertIn("no-store", response["Cache-Control"])

        WorkerBeat.objects.all().delete()
        response = self.get()
        self.assertEqual(response.status_code, 503)
        # Nothing about what failed, nor about the set-up.
        self.assertEqual(response.json(), {"status": "fail"})

    def test_the_token_shows_every_check(self):
        beat(seconds_ago=12, lag=1.5)
        body = self.get(Authorization=f"Bearer {TOKEN}").json()
        self.assertEqual(body["status"], "ok")
        self.assertEqual(
            set(body["checks"]), {"database", "worker", "queue", "deliveries"}
        )
        self.assertTrue(body["checks"]["database"]["ok"])
        self.assertAlmostEqual(body["checks"]["worker"]["value"], 12, delta=3)
        self.assertEqual(body["checks"]["queue"]["value"], 1.5)

    def test_a_wrong_token_or_a_mere_editor_sees_no_details(self):
        beat()
        self.assertNotIn("checks", self.get(Authorization="Bearer nope").json())
        self.assertNotIn("checks", self.get(Authorization=TOKEN).json())
        self.client.force_login(self.alice)  # an editor of a gmina
        self.assertNotIn("checks", self.get().json())
        self.client.force_login(self.admin)  # the installation's superuser
        self.assertIn("checks", self.get().json())

    @override_settings(HEALTH_TOKEN="")
    def test_no_token_configured_means_no_token_works(self):
        beat()
        self.assertNotIn("checks", self.get(Authorization="Bearer ").json())

    def test_a_stale_worker_fails(self):
        beat(seconds_ago=181)
        body = self.get(Authorization=f"Bearer {TOKEN}").json()
        self.assertEqual(body["status"], "fail")
        self.assertFalse(body["checks"]["worker"]["ok"])
        self.assertIn("zadania w tle stoją", body["checks"]["worker"]["detail"])
        beat(seconds_ago=179)
        self.assertEqual(self.get().status_code, 200)

    def test_a_long_queue_fails(self):
        beat(lag=121)
        response = self.get(Authorization=f"Bearer {TOKEN}")
        self.assertEqual(response.status_code, 503)
        self.assertFalse(response.json()["checks"]["queue"]["ok"])

    def test_an_old_due_delivery_fails_and_a_fresh_one_does_not(self):
        beat()
        self.delivery(due_seconds_ago=60)
        self.assertEqual(self.get().status_code, 200)
        self.delivery(due_seconds_ago=901, n=1)
        response = self.get(Authorization=f"Bearer {TOKEN}")
        self.assertEqual(response.status_code, 503)
        check = response.json()["checks"]["deliveries"]
        self.assertFalse(check["ok"])
        self.assertAlmostEqual(check["value"], 901, delta=3)

    def test_many_failed_deliveries_in_an_hour_fail(self):
        beat()
        for n in range(19):
            self.delivery(state=Delivery.State.FAILED, n=n)
        self.assertEqual(self.get().status_code, 200)
        self.delivery(state=Delivery.State.FAILED, n=19)
        self.assertEqual(self.get().status_code, 503)

    def test_only_reads_are_allowed(self):
        self.assertEqual(self.client.post(URL).status_code, 405)
        self.assertEqual(self.client.head(URL).status_code, 503)

    def test_the_checks_are_json_numbers(self):
        beat()
        raw = self.get(Authorization=f"Bearer {TOKEN}").content
        for check in json.loads(raw)["checks"].values():
            self.assertIsInstance(check["value"], int | float)


class HealthCommandTests(BaseTestCase):
    def test_it_prints_every_check_and_fails_with_status_1(self):
        beat()
        out = StringIO()
        call_command("health", stdout=out)
        self.assertEqual(out.getvalue().count("OK  "), 4)

        WorkerBeat.objects.all().delete()
        out = StringIO()
        with self.assertRaises(CommandError):
            call_command("health", stdout=out)
        self.assertIn("BŁĄD worker", out.getvalue())

    def test_run_all_stops_at_a_dead_database(self):
        checks = health.run_all()
        self.assertEqual(checks[0].name, "database")
        self.assertEqual(len(checks), 4)
