"""The messenger's core rules: case references, idempotent submits, replies
now and later, notes, catching up."""

from datetime import datetime, timedelta
from unittest import mock
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError

from ratusz.messenger import services
from ratusz.messenger.models import Conversation, Message
from ratusz.test import (
    BaseTestCase,
    make_category,
    make_gmina,
    make_user,
    make_village,
)

WARSAW = ZoneInfo("Europe/Warsaw")


class CaseReferenceTests(BaseTestCase):
    def test_numbers_run_per_gmina_and_year(self):
        other = make_gmina("Gmina Inna", "inna.localhost")
        day = datetime(2026, 11, 24, 22, 0, tzinfo=WARSAW)
        refs = [
            services.open_conversation(self.gmina, body=f"Pytanie {i}", now=day)[0]
            for i in range(3)
        ]
        self.assertEqual(
            [c.reference for c in refs],
            ["RZ/2026/000001", "RZ/2026/000002", "RZ/2026/000003"],
        )
        elsewhere, _, _ = services.open_conversation(other, body="Pytanie", now=day)
        self.assertEqual(elsewhere.reference, "RZ/2026/000001")
        next_year, _, _ = services.open_conversation(
            self.gmina, body="Pytanie", now=day.replace(year=2027)
        )
        self.assertEqual(next_year.reference, "RZ/2027/000001")


class ResidentMessageTests(BaseTestCase):
    def test_a_retried_submit_is_stored_once(self):
        first = services.open_conversation(
            self.gmina, body="Kiedy odbiór gabarytów?", client_id="abc12345-xyz"
        )
        again = services.open_conversation(
            self.gmina, body="Kiedy odbiór gabarytów?", client_id="abc12345-xyz"
        )
        self.assertTrue(first[2])
        self.assertFalse(again[2])
        self.assertEqual(first[0].pk, again[0].pk)
        self.assertEqual(Conversation.objects.count(), 1)

        conversation = first[0]
        for _ in range(5):
            services.receive(conversation, "Dziękuję", client_id="retry-000001")
        # (Outside office hours an automatic reply joins them: not counted.)
        self.assertEqual(
            conversation.messages.filter(author=Message.Author.RESIDENT).count(), 2
        )

    def test_a_redelivered_provider_message_is_stored_once(self):
        conversation, _, _ = services.open_conversation(self.gmina, body="Dzień dobry")
        a, created_a = services.receive(
            conversation, "Zdjęcie", channel=Message.Channel.FACEBOOK, external_id="m_1"
        )
        b, created_b = services.receive(
            conversation, "Zdjęcie", channel=Message.Channel.FACEBOOK, external_id="m_1"
        )
        self.assertTrue(created_a)
        self.assertFalse(created_b)
        self.assertEqual(a.pk, b.pk)

    def test_bad_text_gets_a_polish_error_and_odd_characters_go(self):
        with self.assertRaisesMessage(ValidationError, "nie może być puste"):
            services.open_conversation(self.gmina, body=" \n\u200b ")
        with self.assertRaisesMessage(ValidationError, "najwyżej 5000 znaków"):
            services.open_conversation(self.gmina, body="x" * 5001)
        conversation, message, _ = services.open_conversation(
            self.gmina,
            body="Dzie\u0144 dobry\u202e<script>alert(1)</script>\x00 👩‍👩‍👧",
            resident_name="Anna\nKowalska",
        )
        self.assertEqual(message.body, "Dzień dobry<script>alert(1)</script> 👩‍👩‍👧")
        self.assertEqual(conversation.resident_name, "Anna Kowalska")

    def test_writing_again_reopens_a_resolved_conversation(self):
        conversation, _, _ = services.open_conversation(self.gmina, body="Pytanie")
        services.set_status(conversation, Conversation.Status.RESOLVED)
        services.receive(conversation, "Jeszcze jedno")
        conversation.refresh_from_db()
        self.assertEqual(conversation.status, Conversation.Status.OPEN)
        self.assertIsNone(conversation.resolved_at)


class StaffReplyTests(BaseTestCase):
    def setUp(self):
        self.clerk = make_user("urzedniczka")
        self.conversation, self.first, _ = services.open_conversation(
            self.gmina, body="Pytanie o podatek"
        )

    def test_a_reply_waits_for_the_resident_and_counts_as_first_response(self):
        message, _ = services.reply(self.conversation, self.clerk, "Odpowiedź")
        self.conversation.refresh_from_db()
        self.assertEqual(self.conversation.status, Conversation.Status.WAITING)
        self.assertEqual(self.conversation.first_response_at, message.published_at)
        seen = services.resident_messages(self.conversation, self.first.pk)
        self.assertEqual(list(seen.exclude(author=Message.Author.SYSTEM)), [message])

    def test_notes_stay_internal(self):
        note = services.add_note(self.conversation, self.clerk, "Zadzwonić jutro")
        self.assertNotIn(note, services.resident_messages(self.conversation))
        self.assertIn(note, services.staff_messages(self.conversation))
        self.conversation.refresh_from_db()
        self.assertIsNone(self.conversation.first_response_at)

    def test_a_reply_written_at_night_goes_out_in_the_morning(self):
        night = datetime(2026, 11, 24, 23, 30, tzinfo=WARSAW)
        morning = datetime(2026, 11, 25, 7, 30, tzinfo=WARSAW)
        message, _ = services.reply(
            self.conversation, self.clerk, "Rano", send_at=morning, now=night
        )
        self.assertNotIn(message, services.resident_messages(self.conversation))
        self.assertEqual(
            services.publish_due_replies(now=morning - timedelta(minutes=1)), 0
        )
        self.assertEqual(services.publish_due_replies(now=morning), 1)
        self.assertEqual(services.publish_due_replies(now=morning), 0)
        released = services.resident_messages(self.conversation).get(body="Rano")
        self.assertEqual(released.published_at, morning)
        self.assertEqual(released.staff_user, self.clerk)
        self.conversation.refresh_from_db()
        self.assertEqual(self.conversation.first_response_at, morning)

    def test_a_page_that_caught_up_overnight_still_gets_the_morning_reply(self):
        night = datetime(2026, 11, 24, 23, 30, tzinfo=WARSAW)
        morning = datetime(2026, 11, 25, 7, 30, tzinfo=WARSAW)
        draft, _ = services.reply(
            self.conversation,
            self.clerk,
            "Rano",
            send_at=morning,
            client_id="browser-draft-1",
            now=night,
        )
        # The resident writes again after the reply was scheduled; their page
        # has now seen an id above the draft's.
        later, _ = services.receive(
            self.conversation, "Jeszcze jedno", now=night + timedelta(minutes=5)
        )
        seen = max(m.pk for m in services.resident_messages(self.conversation))
        self.assertGreater(seen, draft.pk)
        services.publish_due_replies(now=morning)
        news = list(services.resident_messages(self.conversation, seen))
        self.assertEqual([m.body for m in news], ["Rano"])
        # Still one message for that submit: a retry finds the released one.
        again, created = services.reply(
            self.conversation, self.clerk, "Rano", client_id="browser-draft-1"
        )
        self.assertFalse(created)
        self.assertEqual(again.pk, news[0].pk)
        self.assertFalse(Message.objects.filter(pk=draft.pk).exists())

    def test_a_scheduled_reply_can_be_withdrawn(self):
        later = datetime(2030, 1, 1, tzinfo=WARSAW)
        message, _ = services.reply(
            self.conversation, self.clerk, "Potem", send_at=later
        )
        self.assertTrue(services.cancel_scheduled(message))
        self.assertFalse(Message.objects.filter(pk=message.pk).exists())


class CaseChangeTests(BaseTestCase):
    """Assigning and categorising: saved, and open pages woken once the
    transaction commits (an inbox and the conversation's own stream)."""

    def setUp(self):
        self.conversation, _, _ = services.open_conversation(self.gmina, body="Droga")

    def woken(self, change):
        with (
            mock.patch.object(services.live, "publish_many") as publish,
            self.captureOnCommitCallbacks(execute=True),
        ):
            change()
        groups = [group for call in publish.call_args_list for group, _e in call.args]
        return sorted(groups)

    def test_assign_conversation(self):
        groups = self.woken(
            lambda: services.assign_conversation(self.conversation, self.bob)
        )
        self.conversation.refresh_from_db()
        self.assertEqual(self.conversation.assignee, self.bob)
        self.assertEqual(
            groups,
            sorted(
                [
                    services.inbox_group(self.gmina.pk),
                    services.conversation_group(self.conversation.pk),
                ]
            ),
        )

    def test_categorise_conversation(self):
        category = make_category(self.gmina, "drogi")
        village = make_village(self.gmina, "Zawada Mała")
        groups = self.woken(
            lambda: services.categorise_conversation(
                self.conversation, category=category, village=village
            )
        )
        self.conversation.refresh_from_db()
        self.assertEqual(
            (self.conversation.category, self.conversation.village), (category, village)
        )
        self.assertIn(services.conversation_group(self.conversation.pk), groups)
