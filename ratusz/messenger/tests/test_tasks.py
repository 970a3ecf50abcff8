"""The worker's periodic job releases "send later" replies when due."""

from datetime import datetime, timedelta

import time_machine
from django.utils import timezone

from ratusz.messenger import services, tasks
from ratusz.messenger.models import Conversation
from ratusz.test import BaseTestCase


class PublishDueRepliesTaskTests(BaseTestCase):
    def test_runs_every_minute_and_releases_due_replies(self):
        every = tasks.publish_due_replies.task_class().validate_datetime
        for minute in (0, 7, 31, 59):
            self.assertTrue(every(datetime(2026, 11, 24, 7, minute)))
        conversation, _, _ = services.open_conversation(self.gmina, body="Pytanie")
        send_at = timezone.now() + timedelta(hours=8)
        message, _ = services.reply(
            conversation, self.alice, "Dzień dobry, rano", send_at=send_at
        )
        self.assertEqual(tasks.publish_due_replies.call_local(), 0)
        message.refresh_from_db()
        self.assertIsNone(message.published_at)
        with time_machine.travel(send_at + timedelta(seconds=30), tick=False):
            self.assertEqual(tasks.publish_due_replies.call_local(), 1)
            self.assertEqual(tasks.publish_due_replies.call_local(), 0)
        released = conversation.messages.get(body="Dzień dobry, rano")
        conversation.refresh_from_db()
        self.assertIsNotNone(released.published_at)
        self.assertEqual(conversation.status, Conversation.Status.WAITING)
