"""Reminding households of their statement: the channel each has (e-mail,
SMS when the gmina connected it, a matching messenger conversation, else a
letter), real outbox rows that go out once (to a real SMTP server and the
loopback SMSAPI fake), and the printable letters (pypdf reads them back)."""

import io
from datetime import date

from django.test import override_settings
from pypdf import PdfReader

from ratusz.gminas.models import Membership
from ratusz.gminas.tests.factory import make_member
from ratusz.inclusion import statement_reminders as reminders
from ratusz.inclusion import statements
from ratusz.inclusion.statements import Statement
from ratusz.inclusion.tests.factory import make_holder, make_ppgr
from ratusz.integrations.sms.models import SmsSettings
from ratusz.integrations.sms.tests.base import SmsTestCase
from ratusz.messenger import services as messenger
from ratusz.messenger.models import Message
from ratusz.outbox.models import Delivery
from ratusz.test import BaseTestCase
from ratusz.testing.smtp import SmtpSink

TODAY = date(2026, 6, 15)
C = Statement.Channel


def pdf_text(pdf: bytes) -> tuple[int, str]:
    reader = PdfReader(io.BytesIO(pdf))
    text = " ".join(page.extract_text() for page in reader.pages)
    return len(reader.pages), " ".join(text.split())


class HouseholdsMixin:
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.cora = make_member(cls.gmina, "cora", Membership.Role.COORDINATOR)
        cls.ppgr = make_ppgr(cls.gmina)
        cls.summer = cls.ppgr.windows()[1]
        g, p = cls.gmina, cls.ppgr
        cls.mail = make_holder(
            g, p, "Mailowa", "PP/1", email="ala@example.org", phone="600 100 201"
        )
        cls.mobile = make_holder(g, p, "Komórkowa", "PP/2", phone="600 100 202")
        cls.landline = make_holder(g, p, "Stacjonarna", "PP/3", phone="12 345 67 89")
        cls.talker = make_holder(g, p, "Rozmowna", "PP/4", phone="+48 600-100-203")
        cls.letter = make_holder(
            g, p, "Gęślowska", "PP/5", first_name="Żaneta", address="ul. Źródlana 3"
        )
        cls.conversation, _, _ = messenger.open_conversation(
            cls.gmina, body="Pytanie o laptopa", resident_phone="+48600100203"
        )

    def start(self, today=TODAY):
        return reminders.start_campaign(
            self.ppgr, self.summer, 2026, by=self.cora, today=today
        )

    def channels(self, campaign):
        return dict(
            campaign.statements.values_list("household__surname", "reminder_channel")
        )


class ChannelTests(HouseholdsMixin, BaseTestCase):
    def test_each_household_is_reminded_on_the_channel_it_has(self):
        campaign, added, sent = self.start()
        self.assertEqual(added, 5)
        self.assertEqual(
            self.channels(campaign),
            {
                "Mailowa": C.EMAIL,
                "Komórkowa": C.LETTER,  # no SMS connected: the letter
                "Stacjonarna": C.LETTER,
                "Rozmowna": C.MESSENGER,
                "Gęślowska": C.LETTER,
            },
        )
        self.assertEqual(sent, {C.LETTER: 3, C.EMAIL: 1, C.SMS: 0, C.MESSENGER: 1})
        statement = campaign.statements.get(household=self.mail)
        row = Delivery.objects.get()
        self.assertEqual(
            (row.item, row.channel, row.recipient, row.gmina),
            (
                f"statement:{statement.pk}",
                "email",
                f"household:{self.mail.pk}",
                self.gmina,
            ),
        )
        reply = self.conversation.messages.get(author=Message.Author.STAFF)
        self.assertEqual(reply.staff_user, self.cora)
        self.assertIn("Termin mija 30.06.2026", reply.body)
        self.assertIn("SN-PP/4", reply.body)
        self.assertEqual(
            list(
                reminders.letter_statements(campaign).values_list(
                    "household__surname", flat=True
                )
            ),
            ["Gęślowska", "Komórkowa", "Stacjonarna"],
        )

    def test_sms_goes_to_mobiles_when_the_gmina_connected_it(self):
        SmsSettings.objects.create(gmina=self.gmina, token="t")
        campaign, _, sent = self.start()
        channels = self.channels(campaign)
        self.assertEqual(channels["Komórkowa"], C.SMS)
        self.assertEqual(channels["Rozmowna"], C.SMS)
        self.assertEqual(channels["Stacjonarna"], C.LETTER)  # a landline
        self.assertEqual(channels["Mailowa"], C.EMAIL)  # e-mail comes first
        self.assertEqual(
            sorted(Delivery.objects.values_list("channel", flat=True)),
            ["email", "sms", "sms"],
        )

    def test_starting_again_reminds_nobody_twice(self):
        campaign, _, _ = self.start()
        reminded = dict(campaign.statements.values_list("pk", "reminded_at"))
        again, added, sent = self.start()
        self.assertEqual((again, added), (campaign, 0))
        self.assertEqual(set(sent.values()), {0})
        self.assertEqual(Delivery.objects.count(), 1)
        self.assertEqual(
            self.conversation.messages.filter(author=Message.Author.STAFF).count(), 1
        )
        self.assertEqual(
            dict(campaign.statements.values_list("pk", "reminded_at")), reminded
        )
        # A household handed equipment since is added and reminded alone.
        late = make_holder(self.gmina, self.ppgr, "Nowa", "PP/6", email="n@example.org")
        _, added, sent = self.start()
        self.assertEqual((added, sent[C.EMAIL], sum(sent.values())), (1, 1, 1))
        self.assertTrue(
            Delivery.objects.filter(recipient=f"household:{late.pk}").exists()
        )

    def test_a_statement_already_in_is_not_reminded(self):
        campaign, _ = statements.create_campaign(self.ppgr, self.summer, 2026)
        statements.record_statement(
            campaign.statements.get(household=self.mail),
            submitted_on=date(2026, 6, 2),
            received_how=Statement.Received.IN_PERSON,
            today=TODAY,
        )
        _, _, sent = self.start()
        self.assertEqual(sent[C.EMAIL], 0)
        self.assertFalse(Delivery.objects.exists())

    def test_a_closed_window_reminds_nobody(self):
        campaign, added, sent = self.start(today=date(2026, 7, 1))
        self.assertEqual(added, 5)
        self.assertEqual(set(sent.values()), {0})
        self.assertFalse(campaign.statements.filter(reminded_at__isnull=False).exists())
        self.assertFalse(Delivery.objects.exists())

    def test_the_email_is_dropped_once_the_statement_is_in(self):
        campaign, _, _ = self.start()
        row = Delivery.objects.get()
        self.assertIsNotNone(reminders.compose(row))
        statements.record_statement(
            campaign.statements.get(household=self.mail),
            submitted_on=date(2026, 6, 16),
            received_how=Statement.Received.EMAIL,
            today=date(2026, 6, 16),
        )
        self.assertIsNone(reminders.compose(row))

    def test_the_letters_are_polish_and_list_the_serials(self):
        campaign, _, _ = self.start()
        pages, text = pdf_text(
            reminders.letters_pdf(reminders.letter_statements(campaign), today=TODAY)
        )
        self.assertEqual(pages, 3)
        for expected in [
            "Gmina Zawada",
            "ul. Rynek 1",
            "Żaneta Gęślowska",
            "ul. Źródlana 3",
            "Przypomnienie o corocznym oświadczeniu",
            "oświadczam",
            "SN-PP/5",
            "SN-PP/2",
            "Termin mija 30.06.2026",
            "przekazany na własność",
        ]:
            self.assertIn(expected, text)
        # Follow-up letters: the missing ones once the window has closed.
        late_day = date(2026, 7, 2)
        missing = reminders.follow_up_letter_statements(campaign, late_day)
        self.assertEqual(missing.count(), 5)
        pages, text = pdf_text(
            reminders.letters_pdf(missing, today=late_day, follow_up=True)
        )
        self.assertEqual(pages, 5)
        self.assertIn("Ponowne wezwanie do złożenia oświadczenia", text)
        self.assertIn("nie wpłynęło", text)


class EmailSendingTests(HouseholdsMixin, BaseTestCase):
    def setUp(self):
        self.sink = SmtpSink().start()
        self.addCleanup(self.sink.stop)
        self.enterContext(override_settings(**self.sink.settings()))

    def test_the_email_reaches_the_household_once(self):
        for _attempt in range(2):
            with self.captureOnCommitCallbacks(execute=True):
                campaign, _, _ = self.start()
        self.assertEqual(len(self.sink.messages), 1)
        message = self.sink.messages[0]
        statement = campaign.statements.get(household=self.mail)
        self.assertEqual(message["To"], "ala@example.org")
        self.assertIn("Gmina Zawada", message["From"])
        self.assertEqual(
            # A long Polish subject is folded: the parser keeps the fold's space.
            message["Subject"].strip(),
            "Gmina Zawada: oświadczenie o posiadaniu i wykorzystaniu sprzętu "
            "do 30.06.2026",
        )
        self.assertEqual(
            message["Message-ID"],
            f"<statement-{statement.pk}.household-{self.mail.pk}.email@localhost>",
        )
        body = message.get_body(("plain",)).get_content()
        self.assertIn("nr seryjny SN-PP/1", body)
        self.assertIn("01.06.2026–30.06.2026", body)
        self.assertEqual(Delivery.objects.get().state, Delivery.State.SENT)


class SmsSendingTests(HouseholdsMixin, SmsTestCase):
    def test_the_sms_reaches_the_mobile_once(self):
        for _attempt in range(2):
            with self.captureOnCommitCallbacks(execute=True):
                self.start()
        numbers = sorted(sent["to"] for sent in self.api.sent)
        self.assertEqual(numbers, ["48600100202", "48600100203"])
        text = self.api.sent[0]["message"]
        self.assertIn("oświadczenia", text)
        self.assertIn("do 30.06.2026", text)
        self.assertEqual(
            set(Delivery.objects.filter(channel="sms").values_list("state", flat=True)),
            {Delivery.State.SENT},
        )
