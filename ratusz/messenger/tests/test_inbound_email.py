"""A resident's e-mail lands in their conversation: threading,
duplicates, attachments, and the two real ways in (stdin, SMTP)."""

import io
import smtplib
from datetime import timedelta
from email.message import EmailMessage
from email.utils import format_datetime

import time_machine
from django.core.management import call_command
from django.test import TransactionTestCase
from django.urls import reverse
from django.utils import timezone

from ratusz.gminas import services as gmina_services
from ratusz.integrations.email.tests.test_inbound import GMAIL_REPLY, THUNDERBIRD_REPLY
from ratusz.lib.inbound_mail import MailServer
from ratusz.messenger import inbound, notifications, services
from ratusz.messenger.models import Attachment, Conversation, InboundEvent, Message
from ratusz.outbox.models import Delivery
from ratusz.test import BaseTestCase, make_gmina, make_user

from .test_notifications import MailTestCase

RESIDENT = "ala@example.org"


def written(conversation):
    """The resident's messages (automatic office-hours replies left out)."""
    return conversation.messages.filter(author=Message.Author.RESIDENT).order_by("pk")


def mail(
    body="Dzień dobry, mam pytanie.",
    *,
    to="napisz@localhost",
    sender=f"Alicja Nowak <{RESIDENT}>",
    message_id="<abc-1@example.org>",
    html=None,
    attach=None,
    **headers,
) -> bytes:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = to
    msg["Subject"] = "Re: sprawa"
    msg["Date"] = format_datetime(timezone.now())
    if message_id:
        msg["Message-ID"] = message_id
    for name, value in headers.items():
        msg[name.replace("_", "-")] = value
    msg.set_content(body)
    if html is not None:
        msg.add_alternative(html, subtype="html")
    for name, data, ctype in attach or []:
        main, sub = ctype.split("/")
        msg.add_attachment(data, maintype=main, subtype=sub, filename=name)
    return bytes(msg)


class ReceiveTestCase(BaseTestCase):
    def receive(self, raw: bytes, *recipients: str) -> str:
        out = io.StringIO()
        with self.captureOnCommitCallbacks(execute=True):
            call_command(
                "receive_email",
                *[f"--recipient={r}" for r in recipients],
                stdin=io.BytesIO(raw),
                stdout=out,
            )
        return out.getvalue().strip()

    def open(self, **fields):
        conversation, _, _ = services.open_conversation(
            self.gmina,
            body="Kiedy odbiór gabarytów?",
            resident_email=RESIDENT,
            notify=Conversation.Notify.EMAIL,
            consent_version="2026-11",
            **fields,
        )
        return conversation


class ThreadingTests(ReceiveTestCase):
    def test_a_reply_to_the_plus_address_lands_in_the_conversation(self):
        conversation = self.open()
        address = notifications.reply_address(conversation)
        raw = mail(THUNDERBIRD_REPLY, to=address, sender="inny@example.org")
        self.assertEqual(self.receive(raw, address), "stored")
        message = written(conversation).last()
        self.assertEqual(message.body, "Dziękuję, przyjdę w piątek.")
        self.assertEqual(
            (message.author, message.channel, message.external_id),
            (Message.Author.RESIDENT, Message.Channel.EMAIL, "<abc-1@example.org>"),
        )
        event = InboundEvent.objects.get()
        self.assertEqual(event.state, InboundEvent.State.DONE)
        self.assertEqual(event.gmina, self.gmina)

    def test_in_reply_to_threads_only_for_the_residents_address(self):
        conversation = self.open()
        reply, _ = services.reply(conversation, self.alice, "Odbiór w piątek.")
        ours = notifications.message_id(reply, self.gmina)
        self.receive(
            mail(GMAIL_REPLY, to="ratusz@localhost", In_Reply_To=ours), "x@localhost"
        )
        self.assertEqual(written(conversation).last().body, "A czy trzeba mieć dowód?")
        # Message-IDs can be guessed: a stranger naming one gets nowhere.
        self.receive(
            mail(
                "Wstrzyknięta treść",
                to="ratusz@localhost",
                sender="obcy@example.org",
                message_id="<abc-2@example.org>",
                References=ours,
            )
        )
        self.assertFalse(
            conversation.messages.filter(body__contains="Wstrzyk").exists()
        )
        event = InboundEvent.objects.get(external_id="<abc-2@example.org>")
        self.assertIn("nie pasuje", event.error)

    def test_the_residents_own_earlier_email_does_not_thread(self):
        # Not signed by us: anyone can write it into In-Reply-To. Sent to the
        # inbox, the e-mail opens a new conversation instead; nothing is lost.
        conversation = self.open()
        services.receive(
            conversation,
            "Pierwszy e-mail",
            channel=Message.Channel.EMAIL,
            external_id="<first@example.org>",
        )
        self.receive(
            mail(
                "Jeszcze jedno",
                to="napisz@localhost",
                In_Reply_To="<first@example.org>",
            )
        )
        self.assertEqual(written(conversation).last().body, "Pierwszy e-mail")
        new = Conversation.objects.exclude(pk=conversation.pk).get()
        self.assertEqual(written(new).get().body, "Jeszcze jedno")

    def test_mail_to_the_gminas_inbox_opens_a_conversation(self):
        self.receive(mail("Czy urząd jest otwarty w sobotę?"), "napisz@localhost")
        conversation = Conversation.objects.get()
        self.assertEqual(conversation.gmina, self.gmina)
        self.assertEqual(conversation.source, Conversation.Source.EMAIL)
        self.assertEqual(conversation.resident_email, RESIDENT)
        self.assertEqual(conversation.resident_name, "Alicja Nowak")
        self.assertEqual(conversation.notify, Conversation.Notify.EMAIL)
        # The resident gets the private link back (outside office hours the
        # automatic reply goes out as well).
        first = written(conversation).get()
        self.assertEqual(
            Delivery.objects.get(item=f"message:{first.pk}").channel, "email"
        )

    def test_the_gminas_own_address_is_an_inbox_once_confirmed(self):
        other = make_gmina("Gmina Trzecia", hostname="trzecia.localhost")
        other.email = "sekretariat@trzecia.example.pl"
        other.save()
        address = "Sekretariat@Trzecia.example.pl"
        # Typed into the settings only: the SMTP server refuses it, mail to it
        # opens nothing (any gmina could type another's address).
        self.assertFalse(inbound.accepts_address(address))
        self.receive(mail(to=address, message_id="<przed@example.org>"))
        self.assertFalse(Conversation.objects.exists())

        token = gmina_services.email_confirmation_token(other, other.email)
        gmina_services.confirm_email(token)
        self.assertTrue(inbound.accepts_address(address))
        self.receive(mail(to=address, message_id="<po@example.org>"))
        self.assertEqual(Conversation.objects.get().gmina, other)

    def test_an_address_naming_two_gminas_is_refused(self):
        # Two sites on one host name (different ports): napisz@ names both.
        gmina_services.create_gmina(
            name="Gmina Druga", short_name="Druga", hostname="localhost", port=8080
        )
        self.assertFalse(inbound.accepts_address("napisz@localhost"))
        with self.assertLogs("ratusz.messenger.inbound", "WARNING") as logs:
            self.receive(mail(to="napisz@localhost"))
        self.assertIn("'napisz@localhost' refused", logs.output[0])
        event = InboundEvent.objects.get()
        self.assertEqual(event.state, InboundEvent.State.FAILED)
        self.assertIn("pasuje do skrzynek kilku gmin", event.error)
        self.assertFalse(Conversation.objects.exists())

    def test_mail_matching_nothing_is_dropped(self):
        self.assertEqual(self.receive(mail(to="ktos@gdzies.pl")), "stored")
        self.assertFalse(Conversation.objects.exists())
        event = InboundEvent.objects.get()
        self.assertEqual(event.state, InboundEvent.State.DONE)
        self.assertIn("Pominięto", event.error)

    def test_a_wrong_token_finds_nothing(self):
        conversation = self.open()
        wrong = "sprawa+" + "A" * 43 + "@localhost"
        self.receive(mail(to=wrong), wrong)
        self.assertEqual(written(conversation).count(), 1)

    def test_a_redelivered_mail_is_stored_once(self):
        conversation = self.open()
        address = notifications.reply_address(conversation)
        raw = mail("Dziękuję", to=address)
        self.assertEqual(self.receive(raw), "stored")
        self.assertEqual(self.receive(raw), "duplicate")
        self.assertEqual(InboundEvent.objects.count(), 1)
        self.assertEqual(written(conversation).count(), 2)

    def test_auto_replies_are_dropped(self):
        conversation = self.open()
        address = notifications.reply_address(conversation)
        self.receive(
            mail(
                "Jestem na urlopie do 1.12.", to=address, Auto_Submitted="auto-replied"
            )
        )
        self.receive(
            mail(
                "x", to=address, sender="MAILER-DAEMON@example.org", message_id="<b@x>"
            )
        )
        self.assertEqual(written(conversation).count(), 1)

    def test_attachments_are_noted_not_kept(self):
        conversation = self.open()
        address = notifications.reply_address(conversation)
        raw = mail(
            "W załączniku zdjęcie dziury w drodze.",
            to=address,
            attach=[
                ("dziura.jpg", b"\xff\xd8\xff\xe0" + b"0" * 100, "image/jpeg"),
                ("wirus.exe", b"MZ\x90\x00", "application/octet-stream"),
            ],
        )
        self.receive(raw)
        resident = written(conversation).last()
        note = conversation.messages.filter(body__contains="Załączniki").get()
        self.assertIn("W załączniku zdjęcie dziury w drodze.", resident.body)
        self.assertIn("dziura.jpg, wirus.exe", resident.body)
        self.assertEqual(note.author, Message.Author.SYSTEM)
        self.assertIn(notifications.conversation_url(conversation), note.body)
        self.assertFalse(Attachment.objects.exists())

    def test_an_html_reply_is_read_as_text(self):
        conversation = self.open()
        raw = mail(
            "",
            to=notifications.reply_address(conversation),
            html="<div>Zgoda.</div><blockquote>stary tekst</blockquote>",
        )
        self.receive(raw)
        # The plain part is empty: the HTML part is read instead.
        self.assertEqual(written(conversation).last().body, "Zgoda.")

    def test_garbage_does_not_crash(self):
        self.assertEqual(self.receive(b"\x00\xff not a mail at all"), "stored")
        self.assertEqual(InboundEvent.objects.get().state, InboundEvent.State.DONE)
        self.assertFalse(Conversation.objects.exists())


class ImpersonationTests(MailTestCase, ReceiveTestCase):
    """Security review, issue 10 (4): the From header and a Message-ID shaped
    like ours used to be enough to write into someone's conversation.

    Our e-mails go out through the real SMTP sink; the replies come back
    through `receive_email`."""

    def setUp(self):
        super().setUp()
        self.conversation = ReceiveTestCase.open(self)
        self.reply, _ = services.reply(
            self.conversation, self.alice, "Odbiór jest w piątek."
        )
        self.deliver()
        self.sent = self.sink.messages[-1]

    def others(self):
        return Conversation.objects.exclude(pk=self.conversation.pk)

    def assert_kept_elsewhere(self, body):
        self.assertFalse(self.conversation.messages.filter(body=body).exists())
        new = self.others().get()
        self.assertEqual(new.gmina, self.gmina)
        self.assertEqual(written(new).get().body, body)

    def test_our_message_ids_are_signed(self):
        ours = self.sent["Message-ID"]
        self.assertEqual(ours, notifications.message_id(self.reply, self.gmina))
        self.assertRegex(
            ours,
            rf"^<message-{self.reply.pk}\.{self.conversation.pk}\.[0-9a-f]{{32}}@localhost>$",
        )
        self.assertEqual(notifications.signed_conversation(ours), self.conversation)

    def test_a_guessed_message_id_does_not_append_as_the_resident(self):
        reply_pk, conversation_pk = self.reply.pk, self.conversation.pk
        for number, guessed in enumerate(
            [
                # The old unsigned format, the signed one with a made-up
                # signature, and a real signature moved to another message.
                f"<message-{reply_pk}.{self.gmina.pk}@localhost>",
                f"<message-{reply_pk}.{conversation_pk}.{'0' * 32}@localhost>",
                self.sent["Message-ID"].replace(
                    f"-{reply_pk}.", f"-{self.conversation.messages.first().pk}."
                ),
            ]
        ):
            with self.subTest(guessed=guessed):
                body = f"Proszę anulować moje zgłoszenie ({number})."
                self.receive(
                    mail(
                        body,
                        sender=f"Alicja Nowak <{RESIDENT}>",  # forged From
                        message_id=f"<forged-{number}@example.org>",
                        In_Reply_To=guessed,
                        References=guessed,
                    ),
                    "napisz@localhost",
                )
                self.assertFalse(self.conversation.messages.filter(body=body).exists())
                # Not lost: the inbox opened a new conversation with it.
                self.assertTrue(
                    Message.objects.filter(
                        body=body, conversation__gmina=self.gmina
                    ).exists()
                )

    def test_the_signed_message_id_from_the_resident_threads(self):
        self.receive(
            mail("Dziękuję.", In_Reply_To=self.sent["Message-ID"]), "napisz@localhost"
        )
        self.assertEqual(written(self.conversation).last().body, "Dziękuję.")
        self.assertFalse(self.others().exists())

    def test_the_page_token_is_not_the_reply_address(self):
        page_token = self.conversation.token
        self.assertNotIn(page_token, self.sent["Reply-To"])
        self.assertEqual(
            self.sent["Reply-To"],
            f"sprawa+{self.conversation.reply_token}@localhost",
        )
        # Whoever has the page link cannot write e-mails in the resident's
        # name; an old Reply-To (it carried the page token) opens a new case.
        old_reply_to = f"sprawa+{page_token}@localhost"
        self.receive(mail("Stary adres.", to=old_reply_to), old_reply_to)
        self.assert_kept_elsewhere("Stary adres.")

    def test_the_reply_address_works_from_any_sender(self):
        address = self.sent["Reply-To"]
        self.receive(mail("Z innej skrzynki.", to=address, sender="ala@praca.pl"))
        self.assertEqual(written(self.conversation).last().body, "Z innej skrzynki.")

    def test_staff_rotate_the_reply_address(self):
        old_address, old_id = self.sent["Reply-To"], self.sent["Message-ID"]
        self.client.force_login(self.alice)
        response = self.client.post(
            reverse("messenger-conversation", args=[self.conversation.pk]),
            {"action": "rotate_reply_token"},
            follow=True,
        )
        self.assertContains(response, "Zmieniono adres do odpowiedzi e-mailem")
        self.conversation.refresh_from_db()
        self.assertNotIn(self.conversation.reply_token, old_address)
        self.assertIsNone(notifications.signed_conversation(old_id))

        self.receive(mail("Po zmianie.", to=old_address), old_address)
        self.assert_kept_elsewhere("Po zmianie.")
        self.receive(
            mail("Wątek.", message_id="<w@example.org>", In_Reply_To=old_id),
            "napisz@localhost",
        )
        self.assertFalse(self.conversation.messages.filter(body="Wątek.").exists())

        services.reply(self.conversation, self.alice, "Nowy adres.")
        self.deliver()
        new_address = self.sink.messages[-1]["Reply-To"]
        self.assertEqual(new_address, notifications.reply_address(self.conversation))
        self.receive(mail("Nowy działa.", to=new_address, message_id="<n@example.org>"))
        self.assertEqual(written(self.conversation).last().body, "Nowy działa.")

    def test_another_gminas_staff_cannot_rotate(self):
        token = self.conversation.reply_token
        self.client.force_login(self.charlie)
        response = self.client.post(
            reverse("messenger-conversation", args=[self.conversation.pk]),
            {"action": "rotate_reply_token"},
        )
        self.assertEqual(response.status_code, 404)
        self.conversation.refresh_from_db()
        self.assertEqual(self.conversation.reply_token, token)


class RetentionTests(BaseTestCase):
    def test_processed_raw_events_go_after_30_days(self):
        start = timezone.now()
        with time_machine.travel(start, tick=False):
            with self.captureOnCommitCallbacks(execute=True):
                inbound.store_email(mail(to="nikt@nigdzie.pl"))
            pending = InboundEvent.objects.create(
                source="email", external_id="<pending@x>", payload="{}"
            )
        with time_machine.travel(start + timedelta(days=29), tick=False):
            self.assertEqual(inbound.purge(), 0)
        with time_machine.travel(start + timedelta(days=31), tick=False):
            self.assertEqual(inbound.purge(), 1)
        # Never processed: kept for the worker (and picked up by it).
        self.assertEqual(list(InboundEvent.objects.all()), [pending])

    def test_lost_wake_ups_are_caught_up(self):
        inbound.store_email(mail(to="napisz@localhost"))  # no commit callbacks run
        event = InboundEvent.objects.get()
        self.assertEqual(inbound.process_pending(), 0)  # too fresh
        later = timezone.now() + timedelta(minutes=2)
        self.assertEqual(inbound.process_pending(now=later), 1)
        event.refresh_from_db()
        self.assertEqual(event.state, InboundEvent.State.DONE)
        self.assertEqual(Conversation.objects.count(), 1)


class SmtpServerTests(TransactionTestCase):
    """The aiosmtpd server the MTA forwards to, on loopback, sent to with smtplib."""

    # Flush without post_migrate and restore the migrations' data afterwards,
    # as the suite's other transactional tests expect.
    serialized_rollback = True

    def setUp(self):
        self.gmina = make_gmina("Gmina Zawada", hostname="localhost")
        self.conversation, _, _ = services.open_conversation(
            self.gmina, body="Pytanie", resident_email=RESIDENT
        )
        self.server = MailServer(
            inbound.accepts_address, inbound.store_email, port=_free_port()
        ).start()
        self.addCleanup(self.server.stop)

    def test_it_takes_a_reply_and_refuses_strangers(self):
        address = notifications.reply_address(self.conversation)
        with smtplib.SMTP(self.server.host, self.server.port, timeout=30) as smtp:
            with self.assertRaises(smtplib.SMTPRecipientsRefused) as refused:
                smtp.sendmail(RESIDENT, ["ktos@obcy.pl"], mail(to="ktos@obcy.pl"))
            self.assertEqual(refused.exception.recipients["ktos@obcy.pl"][0], 550)
            smtp.sendmail(
                RESIDENT, [address], mail("Dziękuję za odpowiedź.", to=address)
            )
            smtp.sendmail(
                RESIDENT, [address], mail("Dziękuję za odpowiedź.", to=address)
            )
        self.assertEqual(
            list(written(self.conversation).values_list("body", flat=True)),
            ["Pytanie", "Dziękuję za odpowiedź."],
        )
        self.assertEqual(InboundEvent.objects.get().state, InboundEvent.State.DONE)

    def test_a_forged_thread_through_the_door_opens_a_new_conversation(self):
        staff = make_user("urzednik")
        reply, _ = services.reply(self.conversation, staff, "Odpowiedź.")
        guessed = f"<message-{reply.pk}.{self.gmina.pk}@localhost>"
        forged = mail("Wstrzyknięta treść", to="napisz@localhost", In_Reply_To=guessed)
        with smtplib.SMTP(self.server.host, self.server.port, timeout=30) as smtp:
            smtp.sendmail(RESIDENT, ["napisz@localhost"], forged)
        self.assertFalse(
            self.conversation.messages.filter(body="Wstrzyknięta treść").exists()
        )
        self.assertEqual(
            Conversation.objects.exclude(pk=self.conversation.pk).get().gmina,
            self.gmina,
        )


def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
