"""SMSAPI's callback for received SMS: STOP unsubscribes, repeats are dropped."""

from ratusz.fans.models import ChannelState, Consent
from ratusz.integrations.sms import services
from ratusz.integrations.sms.models import InboundSms, SmsSettings
from ratusz.outbox.models import Delivery
from ratusz.test import make_article

from .base import SmsTestCase, make_sms_follower


class WebhookTestCase(SmsTestCase):
    def setUp(self):
        super().setUp()
        self.follower = make_sms_follower(self.gmina, "+48600123456")
        self.url = f"/sms/smsapi/{self.config.webhook_secret}/"
        self.msg_ids = iter(range(1, 10**6))

    def callback(self, text="STOP", sender="48600123456", url=None, **fields):
        data = {
            "sms_to": "48799000111",
            "sms_from": sender,
            "sms_text": text,
            "sms_date": "1764000000",
            "username": "gmina.zawada",
            "MsgId": f"MO{next(self.msg_ids)}",
            **fields,
        }
        with self.captureOnCommitCallbacks(execute=True):
            return self.client.post(url or self.url, data)

    def test_it_unsubscribes_on_stop(self):
        make_article(self.gmina, "Zbiórka", sms_text="Jutro zbiórka.", publish=True)
        pending = Delivery.objects.get(channel="sms", follower=self.follower)

        response = self.callback("STOP")

        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.content, b"OK")
        self.follower.refresh_from_db()
        self.assertEqual(self.follower.phone_state, ChannelState.UNSUBSCRIBED)
        withdrawn = self.follower.consents.get(action=Consent.Action.WITHDRAWN)
        self.assertEqual(withdrawn.channel, "sms")
        self.assertEqual(withdrawn.source, "SMS STOP")
        pending.refresh_from_db()
        self.assertEqual(pending.state, Delivery.State.CANCELLED)
        event = InboundSms.objects.get()
        self.assertEqual(event.result, InboundSms.Result.STOPPED)
        self.assertEqual(event.payload["username"], "gmina.zawada")
        self.assertEqual(event.sent_at.timestamp(), 1764000000)

    def test_it_understands_stop_however_written(self):
        for text in ("stop", " Stop. ", "STOP SMS", "stop-sms", "NIE", "nie!", "Stóp"):
            with self.subTest(text=text):
                self.follower.phone_state = ChannelState.ACTIVE
                self.follower.save()
                self.callback(text)
                self.follower.refresh_from_db()
                self.assertEqual(self.follower.phone_state, ChannelState.UNSUBSCRIBED)

    def test_it_ignores_other_replies(self):
        for text in ("Dziękuję", "stop proszę nie", "nie wiem", ""):
            self.callback(text)
        self.follower.refresh_from_db()
        self.assertEqual(self.follower.phone_state, ChannelState.ACTIVE)
        self.assertEqual(
            set(InboundSms.objects.values_list("result", flat=True)),
            {InboundSms.Result.IGNORED},
        )

    def test_it_drops_repeated_callbacks(self):
        first = self.callback("STOP", MsgId="MO-same")
        self.follower.phone_state = ChannelState.ACTIVE
        self.follower.save()
        second = self.callback("STOP", MsgId="MO-same")

        self.assertEqual((first.content, second.content), (b"OK", b"OK"))
        self.assertEqual(InboundSms.objects.count(), 1)
        self.follower.refresh_from_db()
        self.assertEqual(self.follower.phone_state, ChannelState.ACTIVE)
        self.assertEqual(
            self.follower.consents.filter(action=Consent.Action.WITHDRAWN).count(), 1
        )

    def test_it_stores_first_and_processes_later(self):
        response = self.client.post(
            self.url, {"sms_from": "48600123456", "sms_text": "STOP", "MsgId": "M1"}
        )  # the worker's task never ran (on_commit not executed)
        self.assertEqual(response.content, b"OK")
        event = InboundSms.objects.get()
        self.assertIsNone(event.processed_at)
        self.follower.refresh_from_db()
        self.assertEqual(self.follower.phone_state, ChannelState.ACTIVE)

        self.assertEqual(services.process_pending_inbound(), 1)
        self.follower.refresh_from_db()
        self.assertEqual(self.follower.phone_state, ChannelState.UNSUBSCRIBED)
        self.assertIsNone(services.process_inbound(event.pk))  # only once

    def test_it_checks_the_secret(self):
        for url in ("/sms/smsapi/zly-sekret-zly-sekret-zly/", "/sms/smsapi/x/"):
            self.assertEqual(self.callback(url=url).status_code, 404)
        self.assertFalse(InboundSms.objects.exists())
        self.follower.refresh_from_db()
        self.assertEqual(self.follower.phone_state, ChannelState.ACTIVE)

    def test_it_keeps_gminas_apart(self):
        neighbour = make_sms_follower(self.other_gmina, "+48600123456")
        other = SmsSettings.objects.create(gmina=self.other_gmina, token="b")
        self.assertNotEqual(other.webhook_secret, self.config.webhook_secret)
        self.assertGreaterEqual(len(other.webhook_secret), 22)  # ≥128 bits

        self.callback("STOP")

        neighbour.refresh_from_db()
        self.assertEqual(neighbour.phone_state, ChannelState.ACTIVE)
        self.follower.refresh_from_db()
        self.assertEqual(self.follower.phone_state, ChannelState.UNSUBSCRIBED)

    def test_it_records_stop_from_an_unknown_number(self):
        self.callback("STOP", sender="48601999888")
        event = InboundSms.objects.get()
        self.assertEqual(event.result, InboundSms.Result.UNKNOWN_NUMBER)

    def test_it_rejects_bad_input(self):
        for data in (
            {},
            {"sms_from": "48600123456", "sms_text": "STOP"},  # no MsgId
            {"MsgId": "M1", "sms_text": "STOP"},  # no sender
            {"MsgId": "x" * 101, "sms_from": "48600123456"},
        ):
            with self.subTest(data=data):
                response = self.client.post(self.url, data)
                self.assertEqual(response.status_code, 400)
        self.assertEqual(self.client.put(self.url).status_code, 405)
        self.assertFalse(InboundSms.objects.exists())
