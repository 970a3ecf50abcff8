"""The automatic reply outside office hours reaches residents who wrote by
e-mail (a real SMTP server on loopback) or on Messenger (the Send API fake),
the way they wrote; web-form residents read it on the page only."""

from datetime import UTC, datetime, timedelta

import time_machine

from ratusz.integrations.facebook.tests.fake_send_api import use_fake_send_api
from ratusz.integrations.facebook.tests.test_webhook import (
    PSID,
    WebhookTestCase,
    message_event,
    webhook_body,
)
from ratusz.messenger import notifications, services
from ratusz.messenger.models import Conversation, Message, OfficeHours
from ratusz.outbox import services as outbox
from ratusz.outbox.models import Delivery
from ratusz.website.tests.factory_procedures import make_procedure

from .test_hours import at
from .test_inbound_email import RESIDENT, ReceiveTestCase, mail
from .test_notifications import MailTestCase, subject

# Tuesday 24 November 2026: the office closed at 15:30, opens on Wednesday.
EVENING = at(2026, 11, 24, 22, 0)
OPENS = "w środę 25 listopada po godz. 7:30"


def auto_replies(sink) -> list:
    return [m for m in sink.messages if m["Auto-Submitted"] == "auto-replied"]


def system_messages(conversation) -> list[Message]:
    return list(
        conversation.messages.filter(author=Message.Author.SYSTEM).order_by("pk")
    )


class EmailAutoReplyTests(MailTestCase, ReceiveTestCase):
    """Mail in through `receive_email`, the outbox worker, mail out to the sink."""

    def write(self, when, body="Dzień dobry, mam pytanie.", **kwargs):
        with time_machine.travel(when, tick=True):
            self.receive(mail(body, **kwargs), kwargs.get("to", "napisz@localhost"))
            self.deliver()

    def test_an_evening_email_gets_one_automatic_reply_in_its_thread(self):
        self.write(EVENING, "Kiedy odbiór gabarytów?", message_id="<q-1@example.org>")
        conversation = Conversation.objects.get()
        self.assertEqual(conversation.source, Conversation.Source.EMAIL)
        (reply,) = system_messages(conversation)

        [mail_out] = auto_replies(self.sink)
        self.assertEqual(mail_out["To"], RESIDENT)
        self.assertEqual(
            subject(mail_out), f"Automatyczna odpowiedź: {conversation.reference}"
        )
        self.assertEqual(
            mail_out["Message-ID"], notifications.message_id(reply, self.gmina)
        )
        # Threaded to the resident's e-mail, answers go to the conversation.
        self.assertEqual(mail_out["In-Reply-To"], "<q-1@example.org>")
        self.assertIn("<q-1@example.org>", mail_out["References"].split())
        self.assertEqual(
            mail_out["Reply-To"], notifications.reply_address(conversation)
        )
        text = mail_out.get_body(("plain",)).get_content()
        self.assertIn(f"Odpowiemy {OPENS}.", text)
        self.assertIn("automatyczna odpowiedź", text)
        self.assertNotIn("urząd odpowiedział", text)
        self.assertIn(notifications.conversation_url(conversation), text)
        html = mail_out.get_body(("html",)).get_content()
        self.assertIn(OPENS, html)
        # The "received" acknowledgement went out too, as before.
        self.assertEqual(len(self.sink.messages), 2)
        self.assertEqual(Delivery.objects.filter(state=Delivery.State.SENT).count(), 2)

    def test_a_second_email_the_same_evening_gets_none(self):
        self.write(EVENING, message_id="<q-1@example.org>")
        conversation = Conversation.objects.get()
        self.write(
            EVENING + timedelta(minutes=50),
            "Jeszcze jedno: czy trzeba się zapisać?",
            to=notifications.reply_address(conversation),
            message_id="<q-2@example.org>",
        )
        self.assertEqual(conversation.messages.filter(author="resident").count(), 2)
        self.assertEqual(len(system_messages(conversation)), 1)
        self.assertEqual(len(auto_replies(self.sink)), 1)
        self.assertEqual(Delivery.objects.count(), 2)

        # The next evening is a new closed period: a new reply, answering
        # the e-mail that caused it.
        self.write(
            at(2026, 11, 25, 19, 0),
            "Nikt nie odpisał.",
            to=notifications.reply_address(conversation),
            message_id="<q-3@example.org>",
        )
        first, second = auto_replies(self.sink)
        self.assertEqual(second["In-Reply-To"], "<q-3@example.org>")
        self.assertIn(first["Message-ID"], second["References"].split())
        self.assertIn(
            "w czwartek 26 listopada po godz. 7:30",
            second.get_body(("plain",)).get_content(),
        )

    def test_a_staff_reply_is_still_the_first_response(self):
        self.write(EVENING)
        conversation = Conversation.objects.get()
        self.assertIsNone(conversation.first_response_at)
        morning = at(2026, 11, 25, 8, 0)
        with time_machine.travel(morning, tick=True):
            reply, _ = services.reply(conversation, self.alice, "Odbiór jest w piątek.")
            self.deliver()
        conversation.refresh_from_db()
        self.assertEqual(conversation.first_response_at, reply.published_at)
        self.assertLess(conversation.first_response_at - morning, timedelta(minutes=1))
        staff = self.sink.messages[-1]
        self.assertEqual(
            subject(staff), f"Odpowiedź urzędu w sprawie {conversation.reference}"
        )
        self.assertIsNone(staff["Auto-Submitted"])
        self.assertEqual(len(auto_replies(self.sink)), 1)

    def test_html_stays_text_in_the_html_email(self):
        OfficeHours.objects.create(
            gmina=self.gmina,
            auto_reply='Odpiszemy {kiedy} <script>alert("a")</script> & '
            "<b onclick=x>\nGodziny: https://localhost/godziny-pracy/",
        )
        self.write(
            EVENING,
            '<script>alert(1)</script> <img src=x onerror="alert(2)"> & pytanie',
            message_id="<q-1@example.org>",
        )
        [mail_out] = auto_replies(self.sink)
        html = mail_out.get_body(("html",)).get_content()
        for raw in ("<script", "<b onclick", "<img"):
            self.assertNotIn(raw, html)
        self.assertIn("&lt;script&gt;alert(&quot;a&quot;)&lt;/script&gt; &amp;", html)
        # Several lines, and the link can be clicked.
        self.assertIn("<br>", html)
        self.assertIn('<a href="https://localhost/godziny-pracy/"', html)
        # The plain text is the text as written.
        text = mail_out.get_body(("plain",)).get_content()
        self.assertIn('<script>alert("a")</script>', text)
        for sent in self.sink.messages:
            self.assertNotIn("<img", sent.get_body(("html",)).get_content())


class WebFormTests(MailTestCase):
    def test_a_web_form_conversation_gets_no_automatic_email(self):
        with time_machine.travel(EVENING, tick=True):
            with self.captureOnCommitCallbacks(execute=True):
                conversation, message = self.open()
            self.deliver()
        # The reply is on the page…
        (reply,) = system_messages(conversation)
        self.assertIn(OPENS, reply.body)
        # …and only the "received" e-mail went out.
        row = Delivery.objects.get()
        self.assertEqual(row.item, f"message:{message.pk}")
        [ack] = self.sink.messages
        self.assertEqual(ack["Auto-Submitted"], "auto-generated")

    def test_its_email_answer_gets_none_either(self):
        conversation, _ = self.open()  # the web form, any time
        self.deliver()
        with time_machine.travel(EVENING, tick=True):
            with self.captureOnCommitCallbacks(execute=True):
                services.receive(
                    conversation,
                    "Odpowiadam e-mailem",
                    channel=Message.Channel.EMAIL,
                    external_id="<w-1@example.org>",
                )
            self.deliver()
        self.assertTrue(system_messages(conversation))
        self.assertEqual(auto_replies(self.sink), [])
        self.assertEqual(Delivery.objects.count(), 1)


class MessengerAutoReplyTests(WebhookTestCase):
    """Webhook in, the outbox worker, the Send API fake on loopback."""

    def setUp(self):
        super().setUp()
        self.server = use_fake_send_api(self)
        self.api = self.server.api

    def write(self, when, mid="m_1", text="Dzień dobry, kiedy wywóz śmieci?"):
        with time_machine.travel(when, tick=True):
            self.api.user_wrote(PSID, datetime.now(UTC))
            self.post(webhook_body(message_event(mid, text)))
            outbox.deliver_due()

    def test_a_message_outside_hours_gets_the_reply_on_messenger(self):
        page = make_procedure(
            self.gmina,
            "Odbiór odpadów komunalnych",
            summary="Harmonogram wywozu śmieci w gminie.",
        )
        self.write(EVENING, text="Kiedy wywóz śmieci? Odpady komunalne")
        conversation = Conversation.objects.get()
        (reply,) = system_messages(conversation)
        self.assertEqual(self.api.problems, [])
        [sent] = self.api.sent
        self.assertEqual(
            (sent.psid, sent.text, sent.messaging_type), (PSID, reply.body, "RESPONSE")
        )
        self.assertIn(f"Odpowiemy {OPENS}.", sent.text)
        # Several lines with a link to the procedure.
        self.assertIn("\n", sent.text)
        self.assertIn(page.get_full_url(), sent.text)
        row = Delivery.objects.get()
        self.assertEqual(
            (row.item, row.channel, row.state, row.remote_id),
            (f"message:{reply.pk}", "messenger", "sent", sent.id),
        )

        # The same evening: no second reply.
        self.write(EVENING + timedelta(minutes=30), "m_2", "A gabaryty?")
        self.assertEqual(len(self.api.sent), 1)
        self.assertEqual(Delivery.objects.count(), 1)

        # A staff reply is the first response, and it is sent as well.
        with time_machine.travel(at(2026, 11, 25, 8, 0), tick=True):
            services.reply(conversation, self.alice, "Wywóz jest we wtorki.")
            outbox.deliver_due()
        conversation.refresh_from_db()
        self.assertIsNotNone(conversation.first_response_at)
        self.assertEqual(self.api.sent[-1].text, "Wywóz jest we wtorki.")
        self.assertEqual(len(self.api.sent), 2)

    def test_a_long_automatic_reply_fits_the_send_api(self):
        OfficeHours.objects.create(
            gmina=self.gmina, auto_reply="Odpiszemy {kiedy}.\n" + "bla " * 700
        )
        self.write(EVENING)
        self.assertEqual(self.api.problems, [])
        [sent] = self.api.sent
        self.assertLessEqual(len(sent.text), notifications.MESSENGER_TEXT_LIMIT)
        self.assertTrue(sent.text.startswith(f"Odpiszemy {OPENS}."))
        conversation = Conversation.objects.get()
        self.assertTrue(
            sent.text.endswith(notifications.conversation_url(conversation))
        )

    def test_inside_office_hours_nothing_is_sent(self):
        self.write(at(2026, 11, 24, 10, 0))
        self.assertEqual(system_messages(Conversation.objects.get()), [])
        self.assertEqual(self.api.sent, [])
        self.assertFalse(Delivery.objects.exists())
