"""Residents are told about their conversation through the outbox: a real
SMTP server on loopback, the SMSAPI fake, a worker run."""

import re
from datetime import timedelta

from django.core.cache import cache
from django.test import override_settings
from django.utils import timezone
from playwright.sync_api import sync_playwright

from ratusz.integrations.sms.models import SmsSettings
from ratusz.integrations.sms.tests.fake_smsapi import FakeSmsApiServer
from ratusz.messenger import notifications, services
from ratusz.messenger.models import Conversation
from ratusz.outbox import services as outbox
from ratusz.outbox.models import Delivery
from ratusz.test import BaseTestCase
from ratusz.testing.smtp import SmtpSink
from ratusz.website.tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, PHONE
from ratusz.website.tests.browser.helpers import axe_violations, describe_violations

State = Delivery.State
ADDRESS = "ala@example.org"
ALLOWED_HEADERS = {
    "subject", "from", "to", "reply-to", "date", "message-id", "mime-version",
    "content-type", "content-transfer-encoding", "auto-submitted", "in-reply-to",
    "references", "x-ratusz-gmina",
}  # fmt: skip


def subject(mail) -> str:
    # A long encoded Subject is folded; mail programs unfold it.
    return " ".join(str(mail["Subject"]).split())


class MailTestCase(BaseTestCase):
    def setUp(self):
        super().setUp()
        self.sink = SmtpSink().__enter__()
        self.addCleanup(self.sink.__exit__, None, None, None)
        overrides = override_settings(
            **self.sink.settings(), DEFAULT_FROM_EMAIL="ratusz@localhost"
        )
        overrides.enable()
        self.addCleanup(overrides.disable)

    def open(self, **fields):
        fields.setdefault("resident_email", ADDRESS)
        fields.setdefault("notify", Conversation.Notify.EMAIL)
        fields.setdefault("consent_version", "2026-11")
        conversation, message, _ = services.open_conversation(
            self.gmina, body=fields.pop("body", "Kiedy odbiór gabarytów?"), **fields
        )
        return conversation, message

    def deliver(self):
        return outbox.deliver_due()


class AcknowledgementTests(MailTestCase):
    def test_it_emails_the_private_link_of_a_new_conversation(self):
        conversation, message = self.open()
        row = Delivery.objects.get()
        self.assertEqual(
            (row.item, row.channel, row.recipient),
            (f"message:{message.pk}", "email", f"conversation:{conversation.pk}"),
        )
        self.deliver()
        row.refresh_from_db()
        self.assertEqual(row.state, State.SENT)
        [mail] = self.sink.messages
        self.assertEqual(
            subject(mail),
            f"Twoja wiadomość dotarła — sprawa {conversation.reference}",
        )
        self.assertEqual(mail["To"], ADDRESS)
        self.assertEqual(mail["From"].addresses[0].display_name, "Gmina Zawada")
        self.assertEqual(
            mail["Reply-To"], f"sprawa+{conversation.reply_token}@localhost"
        )
        self.assertEqual(
            mail["Message-ID"], notifications.message_id(message, self.gmina)
        )
        self.assertEqual(mail["Auto-Submitted"], "auto-generated")
        text = mail.get_body(("plain",)).get_content()
        self.assertIn(notifications.conversation_url(conversation), text)
        self.assertTrue(
            notifications.conversation_url(conversation).startswith("http://localhost")
        )
        self.assertIn(conversation.token, text)

    def test_it_sends_nothing_without_email_consent(self):
        self.open(notify="")
        self.open(resident_email="", notify="")
        self.assertFalse(Delivery.objects.exists())

    def test_a_retried_submit_is_acknowledged_once(self):
        self.open(client_id="abcdefgh-123")
        self.open(client_id="abcdefgh-123")
        self.assertEqual(Delivery.objects.count(), 1)

    def test_the_worker_sends_it_after_commit(self):
        # Huey runs immediately in tests: commit → dispatch → the SMTP server.
        with self.captureOnCommitCallbacks(execute=True):
            self.open()
        self.assertEqual(len(self.sink.messages), 1)
        self.assertEqual(Delivery.objects.get().state, State.SENT)

    def test_a_withdrawn_address_cancels_it(self):
        conversation, _ = self.open()
        Conversation.objects.filter(pk=conversation.pk).update(resident_email="")
        self.deliver()
        self.assertEqual(Delivery.objects.get().state, State.CANCELLED)
        self.assertEqual(self.sink.messages, [])


class ReplyByEmailTests(MailTestCase):
    def test_it_emails_the_reply_in_the_same_thread(self):
        conversation, first = self.open()
        self.deliver()
        reply, _ = services.reply(conversation, self.alice, "Odbiór jest w piątek.")
        self.deliver()
        ack, mail = self.sink.messages
        self.assertEqual(
            subject(mail), f"Odpowiedź urzędu w sprawie {conversation.reference}"
        )
        self.assertEqual(
            mail["Message-ID"], notifications.message_id(reply, self.gmina)
        )
        self.assertEqual(mail["In-Reply-To"], ack["Message-ID"])
        self.assertEqual(mail["References"], ack["Message-ID"])
        self.assertEqual(
            mail["Reply-To"], f"sprawa+{conversation.reply_token}@localhost"
        )
        self.assertIsNone(mail["Auto-Submitted"])
        self.assertIn("Odbiór jest w piątek.", mail.get_body(("plain",)).get_content())

        services.receive(conversation, "Dziękuję, a w sobotę?")
        second, _ = services.reply(conversation, self.alice, "W sobotę nie.")
        self.deliver()
        third = self.sink.messages[2]
        self.assertEqual(third["In-Reply-To"], mail["Message-ID"])
        self.assertEqual(
            third["References"].split(), [ack["Message-ID"], mail["Message-ID"]]
        )

    def test_the_reply_text_is_escaped_in_html(self):
        conversation, _ = self.open()
        services.reply(
            conversation, self.alice, '<script>alert(1)</script> & <b onclick="x">'
        )
        self.deliver()
        html = self.sink.messages[-1].get_body(("html",)).get_content()
        self.assertNotIn("<script>", html)
        self.assertNotIn("<b onclick", html)
        self.assertIn("&lt;script&gt;alert(1)&lt;/script&gt; &amp;", html)

    def test_notes_and_scheduled_replies_wait(self):
        conversation, _ = self.open()
        self.deliver()
        services.add_note(conversation, self.alice, "Sprawdzić harmonogram.")
        later = timezone.now() + timedelta(hours=8)
        services.reply(conversation, self.alice, "Rano odpowiemy.", send_at=later)
        self.assertEqual(Delivery.objects.count(), 1)
        services.publish_due_replies(now=later + timedelta(minutes=1))
        self.assertEqual(Delivery.objects.count(), 2)
        self.deliver()
        self.assertIn(
            "Rano odpowiemy.",
            self.sink.messages[-1].get_body(("plain",)).get_content(),
        )

    def test_crlf_in_a_name_adds_no_header(self):
        conversation, _ = self.open(resident_name="Jan Kowalski")
        # Past the form's cleaning, straight into the row (an import, a bug).
        Conversation.objects.filter(pk=conversation.pk).update(
            resident_name="Jan\r\nBcc: evil@example.org\r\nX-Evil: 1",
            subject="Temat\r\nCc: evil@example.org",
        )
        conversation.refresh_from_db()
        services.reply(conversation, self.alice, "Odpowiedź\r\nBcc: evil@example.org")
        self.deliver()
        self.assertEqual(len(self.sink.messages), 2)
        for mail, (_, rcpt) in zip(
            self.sink.messages, self.sink.envelopes, strict=True
        ):
            self.assertEqual(rcpt, [ADDRESS])
            names = {k.lower() for k in mail.keys()}
            self.assertLessEqual(names, ALLOWED_HEADERS)
            self.assertNotIn("evil", str(mail["Subject"]) + str(mail["To"]))
        self.assertEqual(Delivery.objects.filter(state=State.SENT).count(), 2)


class ReplyBySmsTests(BaseTestCase):
    def setUp(self):
        super().setUp()
        cache.clear()
        self.server = FakeSmsApiServer().__enter__()
        self.addCleanup(self.server.__exit__, None, None, None)
        overrides = override_settings(
            SMSAPI_URL=self.server.url, HTTP_ALLOW_PRIVATE_HOSTS=["127.0.0.1"]
        )
        overrides.enable()
        self.addCleanup(overrides.disable)
        SmsSettings.objects.create(
            gmina=self.gmina, token="token-ok", sender="GminaZawada"
        )

    def test_it_texts_a_short_note_with_the_link(self):
        conversation, _, _ = services.open_conversation(
            self.gmina,
            body="Czy mogę zapłacić podatek przelewem?",
            resident_phone="+48600123456",
            notify=Conversation.Notify.SMS,
            consent_version="2026-11",
        )
        self.assertFalse(Delivery.objects.exists())  # no SMS for "it arrived"
        services.reply(conversation, self.alice, "Tak, na konto gminy.")
        outbox.deliver_due()
        row = Delivery.objects.get()
        self.assertEqual((row.channel, row.state), ("sms", State.SENT))
        [sent] = self.server.api.sent
        self.assertEqual(sent["to"], "48600123456")
        self.assertEqual(
            sent["message"],
            f"Urząd odpowiedział w sprawie {conversation.reference}: "
            f"{notifications.conversation_url(conversation)}",
        )

    def test_it_needs_sms_consent(self):
        conversation, _, _ = services.open_conversation(
            self.gmina, body="Pytanie", resident_phone="+48600123456"
        )
        services.reply(conversation, self.alice, "Odpowiedź.")
        self.assertFalse(Delivery.objects.exists())


class EmailAccessibilityTests(MailTestCase):
    def test_the_reply_email_has_no_axe_violations(self):
        conversation, _ = self.open()
        services.reply(
            conversation,
            self.alice,
            "Odbiór gabarytów: piątek.\nProsimy wystawić rano.",
        )
        self.deliver()
        htmls = [m.get_body(("html",)).get_content() for m in self.sink.messages]
        self.assertEqual(len(htmls), 2)

        assert CHROMIUM.exists(), f"{CHROMIUM} is missing: apt-get install -y chromium"
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=str(CHROMIUM), args=CHROMIUM_ARGS
            )
            try:
                for html in htmls:
                    for viewport in (PHONE, {"width": 1280, "height": 800}):
                        page = browser.new_page(viewport=viewport)
                        page.set_content(html)
                        violations = axe_violations(page)
                        self.assertEqual(
                            violations, [], describe_violations(violations)
                        )
                        self.assertTrue(
                            re.search(
                                r"RZ/\d{4}/\d{6}", page.locator("h1").inner_text()
                            )
                            or "dotarła" in page.locator("h1").inner_text()
                        )
                        page.close()
            finally:
                browser.close()
