"""Staff replies on Messenger through the Send API fake: the 24-hour and
7-day windows, Facebook's errors, and the inbox's warning."""

from datetime import UTC, datetime, timedelta

import time_machine
from django.template.loader import render_to_string

from ratusz.integrations.facebook.models import FacebookPage
from ratusz.integrations.facebook.transport import reply_window
from ratusz.messenger import services
from ratusz.messenger.models import Conversation, Message, OfficeHours
from ratusz.outbox import services as outbox
from ratusz.outbox.models import Delivery
from ratusz.test import BaseTestCase

from .fake_graph import expired_token_error, graph_error
from .fake_send_api import rate_limit_613, use_fake_send_api

PSID = "2468013579"
START = datetime(2026, 11, 24, 18, 0, tzinfo=UTC)
State = Delivery.State


class SendTestCase(BaseTestCase):
    def setUp(self):
        super().setUp()
        self.server = use_fake_send_api(self)
        self.api = self.server.api
        self.config = FacebookPage.objects.create(
            gmina=self.gmina, page_id=self.api.page_id, access_token=self.api.token
        )
        # START is a Tuesday evening: somebody is answering, so no automatic
        # reply goes out on Messenger besides the replies these tests send.
        OfficeHours.objects.create(
            gmina=self.gmina, available_until=START + timedelta(days=30)
        )
        self.conversation, _, _ = services.open_conversation(
            self.gmina,
            body="Czy mogę odebrać dowód w sobotę?",
            source=Conversation.Source.FACEBOOK,
            channel=Message.Channel.FACEBOOK,
            external_id="m_first",
            conversation_external_id=PSID,
            now=START,
        )
        self.api.user_wrote(PSID, START)

    def reply_at(self, when, text="Tak, do 12:00."):
        with time_machine.travel(when, tick=True):
            services.reply(self.conversation, self.alice, text)
            outbox.deliver_due()
        return Delivery.objects.order_by("pk").last()


class WindowTests(SendTestCase):
    def test_within_24_hours_it_is_a_response(self):
        row = self.reply_at(START + timedelta(hours=23))
        self.assertEqual(row.state, State.SENT)
        [sent] = self.api.sent
        self.assertEqual((sent.messaging_type, sent.tag), ("RESPONSE", ""))
        self.assertEqual(self.api.problems, [])

    def test_after_24_hours_it_goes_as_a_human_agent(self):
        row = self.reply_at(START + timedelta(days=3))
        self.assertEqual(row.state, State.SENT)
        [sent] = self.api.sent
        self.assertEqual(
            (sent.messaging_type, sent.tag), ("MESSAGE_TAG", "HUMAN_AGENT")
        )

    def test_after_7_days_it_fails_at_once_with_a_reason(self):
        row = self.reply_at(START + timedelta(days=7, minutes=1))
        self.assertEqual(row.state, State.FAILED)
        self.assertEqual(row.attempts, 1)
        self.assertIn("ponad 7 dni", row.error)
        self.assertEqual(self.api.requests, [])

    def test_facebooks_own_window_refusal_is_permanent(self):
        # Our clock says 23 h, Facebook's record says the person wrote earlier.
        self.api.user_wrote(PSID, START - timedelta(days=2))
        row = self.reply_at(START + timedelta(hours=23))
        self.assertEqual(row.state, State.FAILED)
        self.assertIn("minęło okno odpowiedzi", row.error)

    def test_the_window_function(self):
        c = self.conversation
        self.assertEqual(
            reply_window(c, START + timedelta(hours=22)),
            (START + timedelta(hours=24), "standard"),
        )
        self.assertEqual(
            reply_window(c, START + timedelta(hours=24)),
            (START + timedelta(days=7), "human_agent"),
        )
        self.assertEqual(
            reply_window(c, START + timedelta(days=8)),
            (START + timedelta(days=7), "closed"),
        )
        c.last_resident_message_at = None
        self.assertEqual(reply_window(c, START), (None, "closed"))

    def test_a_resident_message_reopens_the_window(self):
        with time_machine.travel(START + timedelta(days=10), tick=True):
            services.receive(
                self.conversation,
                "Jeszcze jedno pytanie",
                channel=Message.Channel.FACEBOOK,
                external_id="m_later",
            )
        self.api.user_wrote(PSID, START + timedelta(days=10))
        row = self.reply_at(START + timedelta(days=10, hours=1))
        self.assertEqual(row.state, State.SENT)
        self.assertEqual(self.api.sent[0].messaging_type, "RESPONSE")

    def test_a_long_reply_is_cut_with_the_link(self):
        self.reply_at(START + timedelta(hours=1), "Długa odpowiedź. " * 200)
        [sent] = self.api.sent
        self.assertLessEqual(len(sent.text), 2000)
        self.assertIn(self.conversation.token, sent.text)


class WarningTests(SendTestCase):
    def render(self, now):
        with time_machine.travel(now, tick=False):
            self.conversation.refresh_from_db()
            return render_to_string(
                "messenger/admin/_facebook_window.html",
                {"conversation": self.conversation},
            )

    def test_it_warns_before_the_window_closes(self):
        html = self.render(START + timedelta(hours=22))
        self.assertIn("Okno odpowiedzi na Messengerze zamyka się za 2 godz.", html)
        self.assertIn('data-fb-window="standard"', html)
        self.assertIn("messenger-fb-window--urgent", html)
        html = self.render(START + timedelta(hours=1))
        self.assertIn("zamyka się za 23 godz.", html)
        self.assertNotIn("--urgent", html)

    def test_it_explains_the_human_agent_and_closed_windows(self):
        self.assertIn("HUMAN_AGENT", self.render(START + timedelta(days=2)))
        self.assertIn("jest zamknięte", self.render(START + timedelta(days=8)))

    def test_it_says_nothing_for_other_conversations(self):
        other, _, _ = services.open_conversation(self.gmina, body="Pytanie ze strony")
        html = render_to_string(
            "messenger/admin/_facebook_window.html", {"conversation": other}
        )
        self.assertEqual(html.strip(), "")


class ErrorTests(SendTestCase):
    def test_an_expired_token_stops_sending_with_a_reason(self):
        self.api.fail_next(400, expired_token_error())
        row = self.reply_at(START + timedelta(hours=1))
        self.assertEqual(row.state, State.FAILED)
        self.config.refresh_from_db()
        self.assertIn("Token Facebooka", self.config.token_error)
        self.assertEqual(row.error, self.config.token_error)

    def test_rate_limits_and_outages_are_retried(self):
        for status, body in (
            (400, rate_limit_613()),
            (429, graph_error("Too many calls", 4)),
            (500, graph_error("An unexpected error has occurred.", 2)),
        ):
            with self.subTest(status=status):
                self.api.fail_next(status, body)
                row = self.reply_at(START + timedelta(hours=1))
                self.assertEqual(row.state, State.PENDING)
                self.assertEqual(row.attempts, 1)
                self.assertTrue(row.error)
                # The retry goes through, once.
                with time_machine.travel(START + timedelta(hours=8), tick=True):
                    outbox.deliver_due()
                row.refresh_from_db()
                self.assertEqual(row.state, State.SENT)
        self.assertEqual(len(self.api.sent), 3)

    def test_a_person_who_blocked_the_page_fails_permanently(self):
        self.api.unavailable.add(PSID)
        row = self.reply_at(START + timedelta(hours=1))
        self.assertEqual(row.state, State.FAILED)
        self.assertIn("niedostępna na Messengerze", row.error)

    def test_it_never_sends_twice_once_facebook_answered(self):
        row = self.reply_at(START + timedelta(hours=1))
        # An editor retries a row that did reach Facebook (say it was unknown).
        rows = Delivery.objects.filter(pk=row.pk)
        rows.update(state=State.UNKNOWN)
        with time_machine.travel(START + timedelta(hours=2), tick=True):
            # retry() makes the row due "now": the test's now, not the wall clock.
            self.assertEqual(outbox.retry(rows), 1)
            outbox.deliver_due()
        row.refresh_from_db()
        self.assertEqual(row.state, State.SENT)
        self.assertEqual(len(self.api.sent), 1)
