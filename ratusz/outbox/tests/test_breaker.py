"""The circuit breaker (SECURITY.md C13): 10 failures in a row pause a channel 60 s."""

from datetime import timedelta

import time_machine
from django.test import override_settings
from django.utils import timezone

from ratusz.fans.models import ChannelState, Follower
from ratusz.outbox import services
from ratusz.outbox.models import Channel, CircuitBreaker, Delivery
from ratusz.outbox.tasks import dispatch
from ratusz.test import BaseTestCase, make_article
from ratusz.testing.smtp import SmtpSink

State = Delivery.State
BUSY = "421 4.3.2 Service not available, try later"


class BreakerTestCase(BaseTestCase):
    def setUp(self):
        self.sink = SmtpSink().start()
        self.addCleanup(self.sink.stop)
        overrides = override_settings(**self.sink.settings())
        overrides.enable()
        self.addCleanup(overrides.disable)

    def campaign(self, count, title="Przerwa w dostawie wody"):
        Follower.objects.bulk_create(
            Follower(
                gmina=self.gmina,
                email=f"osoba{n:03}@example.org",
                email_state=ChannelState.ACTIVE,
            )
            for n in range(count)
        )
        self.article = make_article(self.gmina, title)
        return list(
            Delivery.objects.filter(page=self.article)
            .order_by("pk")
            .values_list("follower__email", flat=True)
        )

    def breaker(self):
        return CircuitBreaker.objects.filter(
            gmina=self.gmina, channel=Channel.EMAIL
        ).first()

    def attempts(self):
        return sorted(
            Delivery.objects.filter(page=self.article).values_list(
                "attempts", flat=True
            )
        )

    def test_it_opens_after_ten_transient_failures_and_pauses_the_rest(self):
        self.campaign(15)
        self.sink.data_reply = BUSY
        now = timezone.now()
        with time_machine.travel(now, tick=False):
            tally = services.deliver_due()
        self.assertEqual(tally, {"retry": 10, "paused": 5})
        breaker = self.breaker()
        self.assertEqual(breaker.failures, 10)
        self.assertEqual(breaker.open_until, now + timedelta(seconds=60))
        self.assertIn("421", breaker.last_error)
        # The 5 never tried lost no attempt and are free for later...
        self.assertEqual(self.attempts(), [0] * 5 + [1] * 10)
        untried = Delivery.objects.filter(page=self.article, attempts=0)
        self.assertEqual(
            set(untried.values_list("state", "claimed_by", "lease_until")),
            {(State.PENDING, "", None)},
        )
        # ...but no worker takes them while the breaker is open.
        with time_machine.travel(now + timedelta(seconds=59), tick=False):
            self.assertFalse(services.has_due())
            self.assertEqual(services.claim(), [])
        with time_machine.travel(now + timedelta(seconds=61), tick=False):
            self.assertTrue(services.has_due())
            # The 5 untried and the 10 whose backoff (15–30 s) has ended.
            self.assertEqual(len(services.claim()), 15)

    def test_permanent_errors_neither_count_nor_reset(self):
        emails = self.campaign(16)
        # 5 transient, 6 permanent (one address each), 5 transient: 10 in a row.
        for email in emails[:5] + emails[11:]:
            self.sink.reply_for[email] = "450 4.2.1 Mailbox busy"
        for email in emails[5:11]:
            self.sink.reply_for[email] = "550 5.1.1 No such user"
        services.deliver_due()
        breaker = self.breaker()
        self.assertEqual(breaker.failures, 10)
        self.assertTrue(breaker.is_open())
        states = Delivery.objects.filter(page=self.article).values_list(
            "state", flat=True
        )
        self.assertEqual(list(states).count(State.FAILED), 6)

    def test_permanent_errors_alone_never_open_it(self):
        emails = self.campaign(12)
        for email in emails:
            self.sink.reply_for[email] = "550 5.1.1 No such user"
        self.assertEqual(services.deliver_due(), {"failed": 12})
        self.assertIsNone(self.breaker())

    def test_a_success_closes_it_and_resets_the_count(self):
        emails = self.campaign(14)
        # 9 failures, a success, 4 failures: never 10 in a row.
        for email in emails[:9] + emails[10:]:
            self.sink.reply_for[email] = "451 4.3.0 Try later"
        self.assertEqual(services.deliver_due(), {"retry": 13, "sent": 1})
        breaker = self.breaker()
        self.assertEqual((breaker.failures, breaker.open_until), (4, None))

    def test_after_the_pause_one_failure_reopens_and_one_success_closes(self):
        self.campaign(13)
        self.sink.data_reply = BUSY
        services.deliver_due()
        self.assertTrue(self.breaker().is_open())
        # Half-open: the first try after the pause fails, so it pauses again.
        # (From when it opened, not from before the sending: ten failed
        # SMTP sessions take seconds on a loaded machine.)
        later = self.breaker().open_until + timedelta(seconds=1)
        with time_machine.travel(later, tick=False):
            # The 10 that failed are due again too (backoff 15–30 s).
            self.assertEqual(services.deliver_due(), {"retry": 1, "paused": 12})
            breaker = self.breaker()
            self.assertEqual(breaker.failures, 11)
            self.assertEqual(breaker.open_until, later + timedelta(seconds=60))
        self.sink.data_reply = None
        # Past the new pause and the retried row's backoff (30–60 s).
        with time_machine.travel(later + timedelta(seconds=61), tick=False):
            tally = services.deliver_due()
        self.assertEqual(tally, {"sent": 13})
        breaker = self.breaker()
        self.assertEqual((breaker.failures, breaker.open_until), (0, None))

    def test_a_pause_another_worker_started_is_honoured_at_once(self):
        self.campaign(5)
        rows = services.claim()
        # Another process opened the breaker after this one leased its rows.
        CircuitBreaker.objects.create(
            gmina=self.gmina,
            channel=Channel.EMAIL,
            failures=10,
            open_until=timezone.now() + timedelta(seconds=60),
        )
        self.assertEqual(services.send_batch(rows), {"paused": 5})
        self.assertEqual(self.attempts(), [0] * 5)
        self.assertEqual(self.sink.messages, [])

    def test_it_pauses_one_gmina_and_channel_only(self):
        self.campaign(3)
        CircuitBreaker.objects.create(
            gmina=self.other_gmina,
            channel=Channel.EMAIL,
            failures=10,
            open_until=timezone.now() + timedelta(seconds=60),
        )
        CircuitBreaker.objects.create(
            gmina=self.gmina,
            channel=Channel.SMS,
            failures=10,
            open_until=timezone.now() + timedelta(seconds=60),
        )
        self.assertEqual(services.deliver_due(), {"sent": 3})

    def test_opening_schedules_a_wake_up_for_when_it_closes(self):
        dispatch.huey.storage.flush_schedule()
        self.campaign(10)
        self.sink.data_reply = BUSY
        now = timezone.now()
        with (
            time_machine.travel(now, tick=False),
            self.captureOnCommitCallbacks(execute=True),
        ):
            services.deliver_due()
        self.addCleanup(dispatch.huey.storage.flush_schedule)
        scheduled = [
            t for t in dispatch.huey.scheduled() if isinstance(t, dispatch.task_class)
        ]
        self.assertEqual(len(scheduled), 1)
        self.assertEqual(
            scheduled[0].eta.replace(tzinfo=None),
            (now + timedelta(seconds=60)).replace(tzinfo=None),
        )

    def test_421_from_the_server_pauses_sending_then_everything_goes_out(self):
        """The real SMTP server answers 421 to everything for a while."""
        emails = self.campaign(30)
        self.sink.data_reply = BUSY
        start = timezone.now()
        with time_machine.travel(start, tick=False):
            services.deliver_due()
        self.assertEqual(self.attempts(), [0] * 20 + [1] * 10)
        self.assertEqual(self.sink.messages, [])

        # For 60 s nothing is tried, however often the worker runs.
        for seconds in (1, 15, 30, 45, 59):
            with time_machine.travel(start + timedelta(seconds=seconds), tick=False):
                self.assertEqual(services.deliver_due(), {})
        self.assertEqual(self.attempts(), [0] * 20 + [1] * 10)

        # The server is back; the pause is over; the failed ones are due too
        # (their backoff, 15–30 s, ended during the pause).
        self.sink.data_reply = None
        with time_machine.travel(start + timedelta(seconds=61), tick=False):
            self.assertEqual(services.deliver_due(), {"sent": 30})
        self.assertEqual(
            Delivery.objects.filter(page=self.article, state=State.SENT).count(), 30
        )
        self.assertEqual(self.attempts(), [1] * 20 + [2] * 10)
        ids = [m["Message-ID"] for m in self.sink.messages]
        self.assertEqual(len(set(ids)), 30)
        self.assertEqual(sorted(m["To"] for m in self.sink.messages), sorted(emails))
        self.assertEqual(self.breaker().failures, 0)


class PausedChannelsTestCase(BaseTestCase):
    """What the "Powiadomienia" screen (fans) asks: which channels wait, till when."""

    def pause(self, gmina, channel, seconds):
        return CircuitBreaker.objects.create(
            gmina=gmina,
            channel=channel,
            failures=10,
            open_until=timezone.now() + timedelta(seconds=seconds),
        )

    def test_open_breakers_of_the_gmina_soonest_reopening_first(self):
        sms = self.pause(self.gmina, Channel.SMS, 50)
        email = self.pause(self.gmina, Channel.EMAIL, 20)
        self.pause(self.gmina, Channel.PUSH, -1)  # closed again
        self.pause(self.other_gmina, Channel.MASTODON, 30)
        self.assertEqual(services.paused_channels(self.gmina), [email, sms])
