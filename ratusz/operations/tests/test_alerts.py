"""Alert e-mails: one per incident, an all-clear when it is over, retried
when the mail server refuses — through a real SMTP server on loopback."""

from datetime import timedelta

from django.test import override_settings
from django.utils import timezone

from ratusz.operations import alerts
from ratusz.operations.models import Alert, WorkerBeat
from ratusz.outbox.models import Channel, Delivery
from ratusz.test import BaseTestCase
from ratusz.testing.smtp import SmtpSink

OPS = "it@gmina.example.org"


def beat(seconds_ago):
    now = timezone.now()
    WorkerBeat.objects.update_or_create(
        worker="worker-host",
        defaults={"beat_at": now - timedelta(seconds=seconds_ago), "started_at": now},
    )


class AlertTests(BaseTestCase):
    def setUp(self):
        self.sink = SmtpSink().start()
        self.addCleanup(self.sink.stop)
        overrides = override_settings(
            **self.sink.settings(),
            DEFAULT_FROM_EMAIL="ratusz@localhost",
            OPS_ALERT_EMAILS=[OPS],
        )
        overrides.enable()
        self.addCleanup(overrides.disable)

    def subjects(self):
        return [str(message["Subject"]).strip() for message in self.sink.messages]

    def test_a_stopped_worker_is_announced_once_and_its_return_once(self):
        beat(seconds_ago=600)
        alerts.evaluate()
        alerts.evaluate()
        alerts.evaluate()
        self.assertEqual(self.subjects(), ["[Ratusz] Zadania w tle nie działają"])
        self.assertEqual(self.sink.envelopes[0][1], [OPS])
        self.assertIn("600 s", self.sink.messages[0].get_content())

        beat(seconds_ago=3)
        alerts.evaluate()
        alerts.evaluate()
        self.assertEqual(
            self.subjects(),
            [
                "[Ratusz] Zadania w tle nie działają",
                "[Ratusz] Zadania w tle znów działają",
            ],
        )
        alert = Alert.objects.get()
        self.assertIsNotNone(alert.closed_at)

        # A new incident is a new alert and a new e-mail.
        beat(seconds_ago=600)
        alerts.evaluate()
        self.assertEqual(len(self.sink.messages), 3)
        self.assertEqual(Alert.objects.count(), 2)

    def test_deliveries_that_wait_too_long_are_announced(self):
        beat(seconds_ago=3)
        Delivery.objects.create(
            gmina=self.gmina,
            item="article:1",
            channel=Channel.EMAIL,
            recipient="follower:1",
            next_attempt_at=timezone.now() - timedelta(hours=1),
        )
        alerts.evaluate()
        self.assertEqual(
            self.subjects(), ["[Ratusz] Wysyłki do mieszkańców nie wychodzą"]
        )
        Delivery.objects.update(state=Delivery.State.SENT)
        alerts.evaluate()
        self.assertEqual(len(self.sink.messages), 2)

    def test_a_refused_e_mail_is_tried_again_at_the_next_check(self):
        beat(seconds_ago=600)
        self.sink.data_reply = "451 4.3.0 Try again later"
        alerts.evaluate()
        self.assertEqual(self.sink.messages, [])
        self.assertIsNone(Alert.objects.get().notified_at)

        self.sink.data_reply = None
        alerts.evaluate()
        self.assertEqual(len(self.sink.messages), 1)
        self.assertIsNotNone(Alert.objects.get().notified_at)

    def test_an_incident_nobody_heard_of_gets_no_all_clear(self):
        beat(seconds_ago=600)
        self.sink.data_reply = "451 4.3.0 Try again later"
        alerts.evaluate()
        beat(seconds_ago=3)
        self.sink.data_reply = None
        alerts.evaluate()
        self.assertEqual(self.sink.messages, [])
        self.assertIsNotNone(Alert.objects.get().closed_at)

    @override_settings(OPS_ALERT_EMAILS=[])
    def test_without_a_setting_the_superusers_are_told(self):
        beat(seconds_ago=600)
        alerts.evaluate()
        self.assertEqual(self.sink.envelopes[0][1], ["admin@example.org"])

    def test_only_one_alert_per_kind_stays_open(self):
        beat(seconds_ago=600)
        first = alerts._open(Alert.Kind.WORKER, "a", timezone.now())
        second = alerts._open(Alert.Kind.WORKER, "b", timezone.now())
        self.assertEqual(first.pk, second.pk)
