"""The e-mail transport against a real SMTP server on loopback: what goes out,
and which refusals are permanent."""

import socket
from types import SimpleNamespace

from django.test import SimpleTestCase, override_settings

from ratusz.integrations.email.transport import Transport
from ratusz.lib.mailbox import GMINA_HEADER
from ratusz.outbox.transports import Envelope, TransportError
from ratusz.testing.smtp import SmtpSink

GMINA = SimpleNamespace(pk=7, name="Gmina Zawada")


def delivery_to(email="ala@example.org"):
    """A delivery row's face as the transport sees it: a follower, or none."""
    if email is None:
        return SimpleNamespace(follower=None, follower_id=None)
    return SimpleNamespace(follower=SimpleNamespace(email=email), follower_id=1)


def message(**fields):
    fields.setdefault("message_id", "<article-1.7@zawada.localhost>")
    return Envelope(subject="Nowy artykuł", text="Treść.", **fields)


class TransportTestCase(SimpleTestCase):
    def setUp(self):
        self.sink = SmtpSink().start()
        self.addCleanup(self.sink.stop)
        settings = override_settings(
            **self.sink.settings(), DEFAULT_FROM_EMAIL="Ratusz <ratusz@localhost>"
        )
        settings.enable()
        self.addCleanup(settings.disable)
        self.transport = Transport(GMINA)
        self.addCleanup(self.transport.close)


class SendTests(TransportTestCase):
    def test_it_sends_from_the_gmina_with_our_message_id(self):
        sent = self.transport.send(
            delivery_to(),
            message(html="<p>Treść.</p>", headers={"List-Unsubscribe": "<https://x>"}),
        )
        self.assertEqual(sent, "<article-1.7@zawada.localhost>")
        [mail] = self.sink.messages
        self.assertEqual(mail["From"], "Gmina Zawada <ratusz@localhost>")
        self.assertEqual(mail["To"], "ala@example.org")
        self.assertEqual(mail["Message-ID"], "<article-1.7@zawada.localhost>")
        self.assertEqual(mail[GMINA_HEADER], "7")
        self.assertEqual(mail["List-Unsubscribe"], "<https://x>")
        self.assertEqual(mail.get_content_type(), "multipart/alternative")

    def test_without_a_follower_the_composer_names_the_address(self):
        self.transport.send(delivery_to(None), message(extra={"to": "jan@example.org"}))
        self.assertEqual(self.sink.envelopes[0][1], ["jan@example.org"])

    def test_no_address_is_a_permanent_failure(self):
        with self.assertRaises(TransportError) as raised:
            self.transport.send(delivery_to(None), message())
        self.assertTrue(raised.exception.permanent)
        self.assertEqual(self.sink.messages, [])

    def test_one_connection_serves_a_batch(self):
        self.transport.send(delivery_to("a@example.org"), message())
        connection = self.transport.connection
        self.transport.send(delivery_to("b@example.org"), message())
        self.assertIs(self.transport.connection, connection)
        self.assertEqual(len(self.sink.messages), 2)


class RefusalTests(TransportTestCase):
    def test_a_5xx_refusal_is_permanent_and_says_what_the_server_said(self):
        self.sink.reply_for["zly@example.org"] = "550 5.1.1 No such user"
        with self.assertRaises(TransportError) as raised:
            self.transport.send(delivery_to("zly@example.org"), message())
        self.assertTrue(raised.exception.permanent)
        self.assertIn("550", raised.exception.message)
        self.assertIn("No such user", raised.exception.message)

    def test_a_4xx_refusal_is_retried_on_a_fresh_connection(self):
        self.sink.reply_for["pelna@example.org"] = "452 4.2.2 Mailbox full"
        with self.assertRaises(TransportError) as raised:
            self.transport.send(delivery_to("pelna@example.org"), message())
        self.assertFalse(raised.exception.permanent)
        self.assertIsNone(self.transport.connection)
        self.transport.send(delivery_to(), message())
        self.assertEqual(len(self.sink.messages), 1)

    def test_a_refused_data_is_classified_by_its_code(self):
        self.sink.data_reply = "554 5.7.1 Rejected as spam"
        with self.assertRaises(TransportError) as raised:
            self.transport.send(delivery_to(), message())
        self.assertTrue(raised.exception.permanent)


class NetworkTests(SimpleTestCase):
    def test_no_server_is_transient_and_named_in_polish(self):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        # Nothing listens on `port` now: the connection is refused.
        with override_settings(
            EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
            EMAIL_HOST="127.0.0.1",
            EMAIL_PORT=port,
            EMAIL_USE_TLS=False,
        ):
            transport = Transport(GMINA)
            with self.assertRaises(TransportError) as raised:
                transport.send(delivery_to(), message())
        self.assertFalse(raised.exception.permanent)
        self.assertIn("serwer odmówił połączenia", raised.exception.message)
