"""The delivery engine against a real SMTP server: retries, failures, recovery."""

from datetime import timedelta

import time_machine
from django.test import Client, override_settings
from django.utils import timezone

from ratusz.fans.models import ChannelState, Consent, Follower
from ratusz.outbox import services
from ratusz.outbox.models import Delivery
from ratusz.test import BaseTestCase, make_article
from ratusz.testing.smtp import SmtpSink

State = Delivery.State


class EngineTestCase(BaseTestCase):
    def setUp(self):
        self.sink = SmtpSink().start()
        self.addCleanup(self.sink.stop)
        overrides = override_settings(**self.sink.settings())
        overrides.enable()
        self.addCleanup(overrides.disable)

    def follow(self, email, gmina=None):
        return Follower.objects.create(
            gmina=gmina or self.gmina, email=email, email_state=ChannelState.ACTIVE
        )

    def publish(self, title="Zebranie wiejskie"):
        # Planned in the publish transaction; nothing sent until we run the engine.
        return make_article(self.gmina, title)

    def row(self, email):
        return Delivery.objects.get(follower__email=email)

    def test_a_temporary_refusal_is_retried_later_with_backoff(self):
        self.follow("ala@example.org")
        self.sink.reply_for["ala@example.org"] = "450 4.2.1 Mailbox busy"
        self.publish()
        services.deliver_due()
        row = self.row("ala@example.org")
        self.assertEqual((row.state, row.attempts), (State.PENDING, 1))
        self.assertIn("450", row.error)
        delay = (row.next_attempt_at - timezone.now()).total_seconds()
        self.assertTrue(10 <= delay <= 31, delay)
        # Not due yet: nothing happens.
        services.deliver_due()
        self.assertEqual(self.row("ala@example.org").attempts, 1)

        del self.sink.reply_for["ala@example.org"]
        with time_machine.travel(timezone.now() + timedelta(seconds=40)):
            services.deliver_due()
        row = self.row("ala@example.org")
        self.assertEqual((row.state, row.attempts, row.error), (State.SENT, 2, ""))
        self.assertEqual(len(self.sink.messages), 1)

    def test_a_permanent_refusal_fails_at_once_with_the_reason(self):
        self.follow("ala@example.org")
        self.follow("olek@example.org")
        self.sink.reply_for["ala@example.org"] = "550 5.1.1 No such user"
        self.publish()
        services.deliver_due()
        row = self.row("ala@example.org")
        self.assertEqual((row.state, row.attempts), (State.FAILED, 1))
        self.assertIn("550", row.error)
        self.assertIn("No such user", row.error)
        # The batch went on after the failure, over a fresh connection.
        self.assertEqual(self.row("olek@example.org").state, State.SENT)

    def test_an_unreachable_server_is_a_temporary_error(self):
        self.follow("ala@example.org")
        self.publish()
        self.sink.stop()
        services.deliver_due()
        row = self.row("ala@example.org")
        self.assertEqual(row.state, State.PENDING)
        # Plain Polish for the editor's screen, no Python class names.
        self.assertEqual(
            row.error, "Brak połączenia z serwerem poczty (serwer odmówił połączenia)."
        )

    def test_attempts_run_out(self):
        self.follow("ala@example.org")
        self.sink.reply_for["ala@example.org"] = "451 4.3.0 Try later"
        self.publish()
        Delivery.objects.update(attempts=services.MAX_ATTEMPTS - 1)
        services.deliver_due()
        row = self.row("ala@example.org")
        self.assertEqual(
            (row.state, row.attempts), (State.FAILED, services.MAX_ATTEMPTS)
        )

    def test_an_editor_can_retry_failed_ones(self):
        self.follow("ala@example.org")
        self.sink.reply_for["ala@example.org"] = "550 5.7.1 Blocked"
        article = self.publish()
        services.deliver_due()
        del self.sink.reply_for["ala@example.org"]
        with self.captureOnCommitCallbacks(execute=True):
            self.assertEqual(services.retry(Delivery.objects.filter(page=article)), 1)
        self.assertEqual(self.row("ala@example.org").state, State.SENT)
        self.assertEqual(
            services.progress(Delivery.objects.filter(page=article)),
            {"email": {"sent": 1}},
        )

    def test_an_unsubscribed_follower_is_skipped(self):
        follower = self.follow("ala@example.org")
        self.publish()
        follower.email_state = ChannelState.UNSUBSCRIBED
        follower.save()
        services.deliver_due()
        self.assertEqual(self.row("ala@example.org").state, State.CANCELLED)
        self.assertEqual(self.sink.messages, [])

    def test_two_claims_never_share_a_row(self):
        for n in range(5):
            self.follow(f"osoba{n}@example.org")
        self.publish()
        first = services.claim(limit=3)
        second = services.claim(limit=3)
        third = services.claim(limit=3)
        self.assertEqual((len(first), len(second), len(third)), (3, 2, 0))
        self.assertFalse({r.pk for r in first} & {r.pk for r in second})
        # A lease lapses on its own.
        later = timezone.now() + services.LEASE + timedelta(seconds=1)
        self.assertEqual(len(services.claim(limit=10, now=later)), 5)


class RecoveryTestCase(BaseTestCase):
    def setUp(self):
        Follower.objects.create(
            gmina=self.gmina, email="ala@example.org", email_state=ChannelState.ACTIVE
        )
        self.article = make_article(self.gmina, "Zebranie")
        self.row = Delivery.objects.get()

    def in_flight(self, claimed_by, minutes_ago=0):
        Delivery.objects.filter(pk=self.row.pk).update(
            state=State.SENDING,
            claimed_by=claimed_by,
            updated_at=timezone.now() - timedelta(minutes=minutes_ago),
        )

    def test_a_row_of_a_dead_worker_becomes_unknown_and_stays_so(self):
        host = services.worker_id().split(":")[0]
        self.in_flight(f"{host}:999999:12345#abc")
        self.assertEqual(services.recover_interrupted(), 1)
        self.row.refresh_from_db()
        self.assertEqual(self.row.state, State.UNKNOWN)
        self.assertIn("mogła dotrzeć", self.row.error)
        # Never claimed again by itself.
        self.assertEqual(services.claim(), [])

    def test_a_row_of_a_live_worker_is_left_alone(self):
        self.in_flight(f"{services.worker_id()}#abc", minutes_ago=60)
        self.assertEqual(services.recover_interrupted(), 0)
        self.row.refresh_from_db()
        self.assertEqual(self.row.state, State.SENDING)

    def test_another_machines_row_is_given_up_after_a_while(self):
        self.in_flight("elsewhere:42:7#abc", minutes_ago=1)
        self.assertEqual(services.recover_interrupted(), 0)
        self.in_flight("elsewhere:42:7#abc", minutes_ago=11)
        self.assertEqual(services.recover_interrupted(), 1)

    def test_leases_of_a_dead_worker_are_freed_at_once(self):
        host = services.worker_id().split(":")[0]
        Delivery.objects.update(
            claimed_by=f"{host}:999999:1#x",
            lease_until=timezone.now() + timedelta(minutes=4),
        )
        self.assertEqual(services.claim(), [])
        services.recover_interrupted()
        self.assertEqual(len(services.claim()), 1)


class UnsubscribeTestCase(BaseTestCase):
    def setUp(self):
        self.follower = Follower.objects.create(
            gmina=self.gmina, email="ala@example.org", email_state=ChannelState.ACTIVE
        )
        make_article(self.gmina, "Zebranie")
        self.client = Client(enforce_csrf_checks=True)
        self.url = f"/obserwuj/wypisz/{self.follower.token}/email/"

    def test_one_click_post_needs_no_session_and_is_idempotent(self):
        for _ in range(2):
            r = self.client.post(self.url, {"List-Unsubscribe": "One-Click"})
            self.assertEqual(r.status_code, 200)
        self.follower.refresh_from_db()
        self.assertEqual(self.follower.email_state, ChannelState.UNSUBSCRIBED)
        self.assertEqual(
            list(self.follower.consents.values_list("channel", "action")),
            [("email", "withdrawn")],
        )
        self.assertEqual(Delivery.objects.get().state, State.CANCELLED)

    def test_the_link_asks_before_it_acts(self):
        r = self.client.get(self.url)
        self.assertContains(r, "Wypisz mnie")
        self.follower.refresh_from_db()
        self.assertEqual(self.follower.email_state, ChannelState.ACTIVE)

    def test_other_gminas_and_guessed_tokens_find_nothing(self):
        r = self.client.post(
            self.url,
            {"List-Unsubscribe": "One-Click"},
            headers={"host": "brzezie.localhost"},
        )
        self.assertEqual(r.status_code, 404)
        self.assertEqual(
            self.client.post("/obserwuj/wypisz/zgadniete/email/").status_code, 404
        )
        r = self.client.post(f"/obserwuj/wypisz/{self.follower.token}/telegram/")
        self.assertEqual(r.status_code, 404)
        self.follower.refresh_from_db()
        self.assertEqual(self.follower.email_state, ChannelState.ACTIVE)
        self.assertFalse(Consent.objects.exists())
