"""Pages catch up with "everything after the last one I saw", so messages
must become visible in the order they are numbered.

On PostgreSQL an id is allocated at insert and shown at commit. Within one
conversation the writers take turns (`services.lock_conversation`), so ids
work for the resident's page. Across the gmina (the staff inbox) writers do
not wait for each other: the inbox follows `Message.seq`, numbered by the
database inside COMMIT under the gmina's row lock (migration 0002).
"""

import threading
import time
from unittest import mock

import time_machine
from django.db import connection, transaction
from django.test import TransactionTestCase

from ratusz.messenger import hours, services
from ratusz.messenger.models import Message
from ratusz.messenger.staff import live as staff_live
from ratusz.test import make_gmina

from .test_hours import at

# Tuesday 24 November 2026 in Warsaw: open at 10:00, closed at 22:00.
DAY, EVENING = at(2026, 11, 24, 10, 0), at(2026, 11, 24, 22, 0)


def _in_thread(function):
    errors = []

    def run():
        try:
            function()
        except Exception as error:  # noqa: BLE001 - reported by the test
            errors.append(error)
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread, errors


def _hold_a_write(conversation, body):
    """A writer that adds a message and keeps its transaction open until
    released: returns (thread, errors, inserted, release)."""
    inserted, release = threading.Event(), threading.Event()

    def slow_writer():
        with transaction.atomic():
            services.receive(conversation, body)
            inserted.set()
            release.wait(10)

    thread, errors = _in_thread(slow_writer)
    return thread, errors, inserted, release


class MessageOrderTests(TransactionTestCase):
    serialized_rollback = True

    def test_the_inbox_follows_the_commit_order_without_waiting(self):
        gmina = make_gmina("Ordery")
        first, _, _ = services.open_conversation(gmina, body="Pierwsza sprawa")
        second, _, _ = services.open_conversation(gmina, body="Druga sprawa")
        start = staff_live.inbox_news(gmina.pk, 0)[-1][0]
        slow, slow_errors, inserted, release = _hold_a_write(first, "wolny")
        self.assertTrue(inserted.wait(10))
        try:
            started = time.monotonic()
            services.receive(second, "szybki")
            # Another conversation's writer does not wait for the slow one…
            self.assertLess(time.monotonic() - started, 2)
            news = staff_live.inbox_news(gmina.pk, start)
            self.assertEqual([ref for _seq, ref, _a, _i in news], [second.reference])
            seen = news[-1][0]
        finally:
            release.set()
            slow.join(10)
        self.assertEqual(slow_errors, [])
        # …and a page that saw the quick one still gets the slow one, although
        # its id is lower: it was numbered when it committed.
        slow_id = Message.objects.get(body="wolny").pk
        self.assertLess(slow_id, Message.objects.get(body="szybki").pk)
        news = staff_live.inbox_news(gmina.pk, seen)
        self.assertEqual([ref for _seq, ref, _a, _i in news], [first.reference])

    def test_writers_of_one_conversation_take_turns(self):
        gmina = make_gmina("Ordery")
        conversation, _, _ = services.open_conversation(gmina, body="Sprawa")
        slow, slow_errors, inserted, release = _hold_a_write(conversation, "wolny")
        self.assertTrue(inserted.wait(10))
        quick, quick_errors = _in_thread(
            lambda: services.receive(conversation, "szybki")
        )
        time.sleep(0.5)
        # The quick one has not committed past the slow one's uncommitted id.
        self.assertFalse(Message.objects.filter(body="szybki").exists())
        self.assertTrue(quick.is_alive())
        release.set()
        slow.join(10)
        quick.join(10)
        self.assertEqual(slow_errors + quick_errors, [])
        slow_id = Message.objects.get(body="wolny").pk
        self.assertLess(slow_id, Message.objects.get(body="szybki").pk)

    def test_a_retried_first_message_opens_one_conversation(self):
        gmina = make_gmina("Ordery")
        inserted, release = threading.Event(), threading.Event()

        def slow_first():
            with transaction.atomic():
                services.open_conversation(gmina, body="Pytanie", client_id="k" * 16)
                inserted.set()
                release.wait(10)

        slow, slow_errors = _in_thread(slow_first)
        self.assertTrue(inserted.wait(10))
        retry, retry_errors = _in_thread(
            lambda: services.open_conversation(
                gmina, body="Pytanie", client_id="k" * 16
            )
        )
        time.sleep(0.5)
        self.assertTrue(retry.is_alive())  # it waits for its twin…
        release.set()
        slow.join(10)
        retry.join(10)
        self.assertEqual(slow_errors + retry_errors, [])
        # …and finds the conversation it opened.
        self.assertEqual(gmina.conversations.count(), 1)


def _slow_auto_reply_text(entered, release):
    """hours.auto_reply_text whose first call signals `entered` and waits for
    `release`; later calls are quick."""
    real = hours.auto_reply_text

    def slow(*args, **kwargs):
        if not entered.is_set():
            entered.set()
            release.wait(10)
        return real(*args, **kwargs)

    return mock.patch.object(hours, "auto_reply_text", slow)


class AutoReplyLockTests(TransactionTestCase):
    """The automatic reply (office hours, procedure search) is written after
    the resident's message commits: the message reaches the inbox at once,
    and one evening still gets one reply."""

    serialized_rollback = True

    def test_the_message_is_committed_before_its_automatic_reply(self):
        gmina = make_gmina("Ordery")
        with time_machine.travel(DAY, tick=True):
            first, _, _ = services.open_conversation(gmina, body="Pierwsza sprawa")
            second, _, _ = services.open_conversation(gmina, body="Druga sprawa")
        with time_machine.travel(EVENING, tick=True):
            entered, release = threading.Event(), threading.Event()
            with _slow_auto_reply_text(entered, release):
                writer, errors = _in_thread(
                    lambda: services.receive(first, "Kiedy wywóz?")
                )
                try:
                    self.assertTrue(entered.wait(10))
                    # The resident's message is committed (the inbox shows it)…
                    self.assertTrue(
                        Message.objects.filter(body="Kiedy wywóz?").exists()
                    )
                    started = time.monotonic()
                    services.receive(second, "Nie czekam")
                    # …and nobody else waits while its reply is written.
                    self.assertLess(time.monotonic() - started, 2)
                finally:
                    release.set()
                    writer.join(10)
        self.assertEqual(errors, [])
        self.assertEqual(first.messages.filter(author=Message.Author.SYSTEM).count(), 1)

    def test_two_messages_at_once_get_one_automatic_reply(self):
        gmina = make_gmina("Ordery")
        with time_machine.travel(DAY, tick=True):
            conversation, _, _ = services.open_conversation(gmina, body="Pytanie")
        with time_machine.travel(EVENING, tick=True):
            entered, release = threading.Event(), threading.Event()
            with _slow_auto_reply_text(entered, release):
                one, one_errors = _in_thread(
                    lambda: services.receive(conversation, "Pierwsza")
                )
                self.assertTrue(entered.wait(10))
                two, two_errors = _in_thread(
                    lambda: services.receive(conversation, "Druga")
                )
                time.sleep(0.5)
                release.set()
                one.join(10)
                two.join(10)
        self.assertEqual(one_errors + two_errors, [])
        self.assertEqual(conversation.messages.count(), 4)
        self.assertEqual(
            conversation.messages.filter(author=Message.Author.SYSTEM).count(), 1
        )


# SQLite has one writer for the whole file, so the order holds by itself; the
# suite's in-memory SQLite also fails a second writer at once instead of
# letting it wait. These tests exist on PostgreSQL only (the suite allows no
# skips).
if connection.vendor != "postgresql":
    del MessageOrderTests, AutoReplyLockTests
