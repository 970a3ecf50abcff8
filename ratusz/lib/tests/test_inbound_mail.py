"""Reading a resident's e-mail (`parse`) and the SMTP door (`MailServer`).

Where a parsed mail goes (threading, inboxes) is the messenger's business:
`messenger/tests/test_inbound_email.py`.
"""

import smtplib
import socket
from email.message import EmailMessage

from django.test import SimpleTestCase

from ratusz.lib.inbound_mail import (
    MailServer,
    html_to_text,
    message_ids,
    parse,
    strip_quoted,
)

THUNDERBIRD_REPLY = """Dziękuję, przyjdę w piątek.

W dniu 24.11.2026 o 18:02, Gmina Zawada pisze:
> urząd odpowiedział w sprawie RZ/2026/000001:
> Odbiór jest w piątek.
"""

GMAIL_REPLY = """A czy trzeba mieć dowód?

wt., 24 lis 2026 o 18:02 Gmina Zawada <ratusz@localhost>
napisał(a):

> urząd odpowiedział
"""

OUTLOOK_REPLY = """Dobrze, dziękuję.

--\x20
Jan Kowalski
tel. 600 100 200

________________________________
Od: Gmina Zawada <ratusz@localhost>
Wysłano: wtorek, 24 listopada 2026 18:02
"""


def mail(body="Dzień dobry.", *, sender="Alicja Nowak <Ala@Example.org>", **headers):
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = "napisz@zawada.localhost"
    msg["Subject"] = "Pytanie"
    msg["Message-ID"] = "<abc-1@example.org>"
    for name, value in headers.items():
        msg[name.replace("_", "-")] = value
    msg.set_content(body)
    return msg


class QuoteStrippingTests(SimpleTestCase):
    def test_it_keeps_only_the_new_text(self):
        self.assertEqual(strip_quoted(THUNDERBIRD_REPLY), "Dziękuję, przyjdę w piątek.")
        self.assertEqual(strip_quoted(GMAIL_REPLY), "A czy trzeba mieć dowód?")
        self.assertEqual(strip_quoted(OUTLOOK_REPLY), "Dobrze, dziękuję.")
        self.assertEqual(
            strip_quoted(
                "Tak.\n\n-----Original Message-----\nFrom: Gmina\nTreść poprzednia"
            ),
            "Tak.",
        )
        self.assertEqual(
            strip_quoted("On Tue, 24 Nov 2026 Gmina <a@b.pl> wrote:\n> x"), ""
        )
        self.assertEqual(strip_quoted("> cytat\nMoje zdanie\n> cytat"), "Moje zdanie")

    def test_html_becomes_text_without_script(self):
        text = html_to_text(
            "<p>Pierwszy&nbsp;akapit &amp; więcej</p><script>alert(1)</script>"
            "<style>p{}</style><div>Drugi<br>wiersz</div>"
            "<blockquote>stara wiadomość</blockquote>"
        )
        self.assertEqual(
            [line.strip() for line in text.split("\n") if line.strip()],
            ["Pierwszy akapit & więcej", "Drugi", "wiersz"],
        )

    def test_an_html_only_mail_is_read(self):
        msg = EmailMessage()
        msg["From"] = "ala@example.org"
        msg["To"] = "napisz@localhost"
        msg.set_content("<p>Tylko <b>HTML</b></p><p>&lt;script&gt;</p>", subtype="html")
        parsed = parse(bytes(msg))
        self.assertEqual(parsed.text, "Tylko HTML\n\n<script>")

    def test_crlf_in_headers_stays_out(self):
        parsed = parse(
            b"From: =?utf-8?q?Jan=0D=0ABcc=3A_x=40evil=2Eorg?= <jan@example.org>\r\n"
            b"To: napisz@localhost\r\nSubject: =?utf-8?q?a=0D=0Ab?=\r\n\r\nTekst\r\n"
        )
        self.assertEqual(parsed.sender, "jan@example.org")
        self.assertNotIn("\n", parsed.sender_name + parsed.subject)
        self.assertNotIn("\r", parsed.sender_name + parsed.subject)


class ParseTests(SimpleTestCase):
    def test_it_reads_the_sender_recipients_and_thread(self):
        msg = mail(
            Cc="Sekretariat <sekretariat@zawada.localhost>",
            In_Reply_To="<m-1@zawada.localhost>",
            References="<m-0@zawada.localhost> <m-1@zawada.localhost>",
        )
        parsed = parse(bytes(msg), envelope_to=["sprawa+AbC@zawada.localhost"])
        self.assertEqual(parsed.sender, "ala@example.org")
        self.assertEqual(parsed.sender_name, "Alicja Nowak")
        self.assertEqual(parsed.message_id, "<abc-1@example.org>")
        self.assertEqual(parsed.subject, "Pytanie")
        # Envelope first, as written (a reply token is case-sensitive).
        self.assertEqual(
            parsed.recipients,
            [
                "sprawa+AbC@zawada.localhost",
                "napisz@zawada.localhost",
                "sekretariat@zawada.localhost",
            ],
        )
        self.assertEqual(parsed.in_reply_to, ["<m-1@zawada.localhost>"])
        self.assertEqual(
            parsed.references, ["<m-0@zawada.localhost>", "<m-1@zawada.localhost>"]
        )
        self.assertEqual(parsed.text, "Dzień dobry.")
        self.assertFalse(parsed.automatic)

    def test_attachments_are_named_not_kept(self):
        msg = mail()
        msg.add_attachment(
            b"%PDF-1.4", maintype="application", subtype="pdf", filename="wniosek.pdf"
        )
        msg.add_attachment(b"\x89PNG", maintype="image", subtype="png")
        parsed = parse(bytes(msg))
        self.assertEqual(parsed.attachments, ["wniosek.pdf", "image/png"])
        self.assertEqual(parsed.text, "Dzień dobry.")

    def test_automatic_mail_is_recognised(self):
        for headers in (
            {"Auto_Submitted": "auto-replied"},
            {"Precedence": "bulk"},
            {"X_Autoreply": "yes"},
            {"sender": "MAILER-DAEMON@example.org"},
        ):
            with self.subTest(headers=headers):
                self.assertTrue(parse(bytes(mail(**headers))).automatic)
        self.assertFalse(parse(bytes(mail(Auto_Submitted="no"))).automatic)

    def test_a_mail_without_a_sender_address_is_automatic(self):
        parsed = parse(bytes(mail(sender="nikt")))
        self.assertEqual(parsed.sender, "")
        self.assertTrue(parsed.automatic)

    def test_message_ids_are_found_in_a_header_value(self):
        self.assertEqual(message_ids("<a@b> tekst <c.d@e>"), ["<a@b>", "<c.d@e>"])
        self.assertEqual(message_ids(None), [])


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class MailServerTests(SimpleTestCase):
    """The door answers by what `accept` and `store` say, nothing else."""

    def setUp(self):
        self.stored = []
        self.broken = False

        def store(raw, recipients, mail_from):
            if self.broken:
                raise RuntimeError("database away")
            self.stored.append((raw, recipients, mail_from))

        def accept(address):
            return address.startswith("napisz@")

        self.server = MailServer(accept, store, port=free_port()).start()
        self.addCleanup(self.server.stop)

    def send(self, to):
        with smtplib.SMTP(self.server.host, self.server.port, timeout=10) as smtp:
            return smtp.sendmail("ala@example.org", [to], bytes(mail()))

    def test_it_stores_mail_for_an_accepted_address(self):
        self.assertEqual(self.send("napisz@zawada.localhost"), {})
        [(raw, recipients, mail_from)] = self.stored
        self.assertEqual(recipients, ["napisz@zawada.localhost"])
        self.assertEqual(mail_from, "ala@example.org")
        self.assertEqual(parse(raw).text, "Dzień dobry.")

    def test_it_refuses_an_unknown_recipient(self):
        with self.assertRaises(smtplib.SMTPRecipientsRefused) as raised:
            self.send("obcy@zawada.localhost")
        code, _ = raised.exception.recipients["obcy@zawada.localhost"]
        self.assertEqual(code, 550)
        self.assertEqual(self.stored, [])

    def test_a_failed_store_asks_the_sender_to_try_again(self):
        self.broken = True
        with self.assertRaises(smtplib.SMTPDataError) as raised:
            self.send("napisz@zawada.localhost")
        self.assertEqual(raised.exception.smtp_code, 451)
