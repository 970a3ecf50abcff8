"""SMS deliveries through the outbox against a loopback SMSAPI."""

import socket
from datetime import timedelta
from unittest import mock

from django.utils import timezone

from ratusz.integrations.sms import transport
from ratusz.integrations.sms.models import SmsSettings
from ratusz.outbox.models import Delivery
from ratusz.outbox.services import deliver_due
from ratusz.test import make_article

from .base import SmsTestCase, make_sms_follower


class TransportTestCase(SmsTestCase):
    def publish_urgent(self, title="Awaria wodociągu w Kamionce"):
        article = make_article(self.gmina, title, is_urgent=True)
        return article, Delivery.objects.filter(
            item=f"article:{article.pk}", channel="sms"
        )

    def test_it_sends_an_urgent_article(self):
        follower = make_sms_follower(self.gmina)
        make_sms_follower(self.other_gmina)  # another gmina's resident
        article, deliveries = self.publish_urgent()
        self.assertEqual(deliveries.count(), 1)

        deliver_due()

        delivery = deliveries.get()
        self.assertEqual(delivery.state, Delivery.State.SENT, delivery.error)
        self.assertEqual(delivery.follower, follower)
        self.assertEqual(delivery.remote_id, "6A2B00000000")
        [request] = self.api.requests
        self.assertEqual(request.headers["authorization"], "Bearer token-ok")
        fields = request.fields
        self.assertEqual(fields["to"], "48600123456")
        self.assertEqual(fields["from"], "GminaZawada")
        self.assertEqual(fields["encoding"], "utf-8")
        self.assertEqual(fields["format"], "json")
        self.assertEqual(fields["idx"], str(delivery.pk))
        self.assertEqual(fields["check_idx"], "1")
        self.assertNotIn("test", fields)
        self.assertIn("Awaria wodociągu w Kamionce", fields["message"])
        self.assertIn(article.get_full_url(), fields["message"])

    def test_it_uses_the_editors_sms_text(self):
        make_sms_follower(self.gmina)
        make_article(self.gmina, "Zbiórka", sms_text="Jutro zbiórka gabarytów.")
        deliver_due()
        self.assertEqual(self.api.sent[0]["message"], "Jutro zbiórka gabarytów.")

    def test_it_marks_test_mode(self):
        SmsSettings.objects.filter(pk=self.config.pk).update(test_mode=True)
        make_sms_follower(self.gmina)
        self.publish_urgent()
        deliver_due()
        self.assertEqual(self.api.sent[0]["test"], "1")

    def test_it_stops_on_a_refused_token(self):
        for status in (200, 401):  # SMSAPI's error 101, in a 200 or a 401
            with self.subTest(status=status):
                Delivery.objects.all().delete()
                self.api.requests.clear()
                self.api.auth_status = status
                SmsSettings.objects.filter(pk=self.config.pk).update(
                    token="token-expired", token_error=""
                )
                make_sms_follower(self.gmina, f"+4860012345{status % 10}")
                make_sms_follower(self.gmina, f"+4860112345{status % 10}")
                _, deliveries = self.publish_urgent(f"Pilne {status}")

                deliver_due()

                self.assertEqual(
                    set(deliveries.values_list("state", flat=True)),
                    {Delivery.State.FAILED},
                )
                for delivery in deliveries:
                    self.assertEqual(delivery.error, transport.token_message())
                # The second row was not tried: the gmina's sending stopped.
                self.assertEqual(len(self.api.requests), 1)
                self.config.refresh_from_db()
                self.assertEqual(self.config.token_error, transport.token_message())

    def test_it_fails_an_invalid_number_for_good(self):
        make_sms_follower(self.gmina, "+48500000123")
        make_sms_follower(self.gmina, "+48600123456")
        _, deliveries = self.publish_urgent()

        deliver_due()

        bad = deliveries.get(follower__phone="+48500000123")
        self.assertEqual(bad.state, Delivery.State.FAILED)
        self.assertIn("Nieprawidłowy numer telefonu", bad.error)
        self.assertEqual(bad.attempts, 1)
        good = deliveries.get(follower__phone="+48600123456")
        self.assertEqual(good.state, Delivery.State.SENT)

    def test_it_fails_an_unknown_sender_with_a_reason(self):
        SmsSettings.objects.filter(pk=self.config.pk).update(sender="Nieznany")
        make_sms_follower(self.gmina)
        _, deliveries = self.publish_urgent()
        deliver_due()
        delivery = deliveries.get()
        self.assertEqual(delivery.state, Delivery.State.FAILED)
        self.assertIn("Nazwa nadawcy", delivery.error)

    def test_it_retries_429_and_500_with_the_same_idx(self):
        make_sms_follower(self.gmina)
        _, deliveries = self.publish_urgent()
        self.api.fail_next(
            429, {"message": "Too Many Requests"}, {"Retry-After": "120"}
        )
        before = timezone.now()

        deliver_due()

        delivery = deliveries.get()
        self.assertEqual(delivery.state, Delivery.State.PENDING)
        self.assertEqual(delivery.attempts, 1)
        self.assertIn("429", delivery.error)
        self.assertGreaterEqual(
            delivery.next_attempt_at, before + timedelta(seconds=120)
        )

        self.api.fail_next(500, {"message": "Internal Server Error"})
        deliveries.update(next_attempt_at=timezone.now())
        deliver_due()
        delivery.refresh_from_db()
        self.assertEqual(delivery.state, Delivery.State.PENDING)
        self.assertIn("500", delivery.error)

        deliveries.update(next_attempt_at=timezone.now())
        deliver_due()
        delivery.refresh_from_db()
        self.assertEqual(delivery.state, Delivery.State.SENT)
        self.assertEqual(delivery.attempts, 3)
        self.assertEqual([f["idx"] for f in self.api.sent], [str(delivery.pk)])

    def test_it_treats_a_timeout_as_transient(self):
        silent = socket.socket()
        silent.bind(("127.0.0.1", 0))
        silent.listen(5)  # accepts connections, never answers
        self.addCleanup(silent.close)
        make_sms_follower(self.gmina)
        _, deliveries = self.publish_urgent()
        url = f"http://127.0.0.1:{silent.getsockname()[1]}/"
        with (
            self.settings(SMSAPI_URL=url),
            mock.patch.object(transport, "TIMEOUT", 0.3),
        ):
            deliver_due()
        delivery = deliveries.get()
        self.assertEqual(delivery.state, Delivery.State.PENDING)
        self.assertIn("nie odpowiedziało", delivery.error)

    def test_it_fails_without_settings(self):
        SmsSettings.objects.all().delete()
        make_sms_follower(self.gmina)
        _, deliveries = self.publish_urgent()
        deliver_due()
        delivery = deliveries.get()
        self.assertEqual(delivery.state, Delivery.State.FAILED)
        self.assertIn("nie są skonfigurowane", delivery.error)
        self.assertEqual(self.api.requests, [])

    def test_it_refuses_a_private_address_without_permission(self):
        make_sms_follower(self.gmina)
        _, deliveries = self.publish_urgent()
        with self.settings(HTTP_ALLOW_PRIVATE_HOSTS=[]):
            deliver_due()
        delivery = deliveries.get()
        self.assertEqual(delivery.state, Delivery.State.FAILED)
        self.assertEqual(self.api.requests, [])


class ClassificationTests(SmsTestCase):
    """Each documented /sms.do error code ends as permanent or transient."""

    def classify(self, status, body):
        api = transport.SmsApi(self.gmina)
        response = transport.httpx.Response(status, json=body)
        with self.assertRaises(transport.TransportError) as raised:
            api._read(response)
        return raised.exception

    def test_request_errors_are_permanent(self):
        for code in sorted(transport.DOCUMENTED_PERMANENT):
            with self.subTest(code=code):
                error = self.classify(200, {"error": code, "message": "x"})
                self.assertTrue(error.permanent)

    def test_no_valid_numbers_is_an_invalid_number(self):
        body = {
            "invalid_numbers": [
                {"number": "48100", "submitted_number": "48100", "message": "Invalid"}
            ],
            "error": 13,
            "message": "No correct phone numbers",
        }
        self.assertIsInstance(self.classify(200, body), transport.InvalidNumber)

    def test_system_trouble_is_transient(self):
        for status, body in [(500, {}), (429, {}), (200, {"error": 201})]:
            with self.subTest(status=status, body=body):
                self.assertFalse(self.classify(status, body).permanent)
