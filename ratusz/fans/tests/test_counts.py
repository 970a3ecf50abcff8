"""Counting fans: unique followers with an active channel, per day and channel."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import time_machine

from ratusz.fans import counts
from ratusz.fans.models import ChannelState, FanCount, Follower, PushSubscription
from ratusz.test import BaseTestCase

WARSAW = ZoneInfo("Europe/Warsaw")
_n = iter(range(10**6))


def follower(gmina, *, email=False, sms=False, push=0, **fields):
    n = next(_n)
    f = Follower.objects.create(
        gmina=gmina,
        email=f"fan{n}@example.org" if email else "",
        email_state=ChannelState.ACTIVE if email else "",
        phone=f"+4860000{n:04d}" if sms else "",
        phone_state=ChannelState.ACTIVE if sms else "",
        **fields,
    )
    for i in range(push):
        PushSubscription.objects.create(
            follower=f,
            endpoint=f"https://push.example.net/{n}/{i}",
            p256dh="k",
            auth="a",
        )
    return f


def stored(gmina, day):
    return dict(
        FanCount.objects.filter(gmina=gmina, day=day).values_list("channel", "count")
    )


class CountFansTestCase(BaseTestCase):
    def test_a_fan_with_two_channels_counts_once_in_total(self):
        follower(self.gmina, email=True, push=2)
        result = counts.count_fans(self.gmina, date(2026, 11, 24))
        self.assertEqual(result, {"all": 1, "email": 1, "push": 1, "sms": 0})
        self.assertEqual(stored(self.gmina, date(2026, 11, 24)), result)

    def test_it_counts_only_active_channels(self):
        follower(self.gmina, email=True)
        follower(self.gmina, sms=True)
        follower(self.gmina, email=True, sms=True, push=1)
        # Unconfirmed, unsubscribed and another gmina's followers are no fans.
        Follower.objects.create(
            gmina=self.gmina,
            email="czeka@example.org",
            email_state=ChannelState.PENDING,
        )
        Follower.objects.create(
            gmina=self.gmina,
            email="odszedl@example.org",
            email_state=ChannelState.UNSUBSCRIBED,
            phone="+48600999999",
            phone_state=ChannelState.PENDING,
        )
        follower(self.other_gmina, email=True, push=1)
        result = counts.count_fans(self.gmina, date(2026, 11, 24))
        self.assertEqual(result, {"all": 3, "email": 2, "push": 1, "sms": 2})
        self.assertEqual(
            counts.count_fans(self.other_gmina, date(2026, 11, 24)),
            {"all": 1, "email": 1, "push": 1, "sms": 0},
        )

    def test_it_is_idempotent_per_day(self):
        day = date(2026, 11, 24)
        follower(self.gmina, email=True)
        counts.count_fans(self.gmina, day)
        follower(self.gmina, sms=True)
        counts.count_fans(self.gmina, day)
        self.assertEqual(FanCount.objects.filter(gmina=self.gmina).count(), 4)
        self.assertEqual(
            stored(self.gmina, day), {"all": 2, "email": 1, "push": 0, "sms": 1}
        )

    def test_it_counts_today_by_default(self):
        follower(self.gmina, email=True)
        # 23:30 UTC is already the next day in Warsaw.
        with time_machine.travel(
            datetime(2026, 11, 24, 23, 30, tzinfo=ZoneInfo("UTC"))
        ):
            counts.count_fans(self.gmina)
        self.assertEqual(stored(self.gmina, date(2026, 11, 25))["all"], 1)

    def test_the_queries_do_not_grow_with_followers(self):
        for _ in range(3):
            follower(self.gmina, email=True, push=1)
        with self.assertNumQueries(4):
            counts.current_counts(self.gmina)
        for _ in range(5):
            follower(self.gmina, sms=True)
        with self.assertNumQueries(4):
            counts.current_counts(self.gmina)


class DailyJobTestCase(BaseTestCase):
    def test_the_periodic_task_keeps_a_row_per_day_for_every_gmina(self):
        follower(self.gmina, email=True)
        with time_machine.travel(datetime(2026, 11, 23, 23, 50, tzinfo=WARSAW)):
            counts.count_fans_periodic.call_local()
        follower(self.gmina, push=1)
        follower(self.other_gmina, sms=True)
        with time_machine.travel(datetime(2026, 11, 24, 10, 50, tzinfo=WARSAW)):
            counts.count_fans_periodic.call_local()
        follower(self.gmina, sms=True)
        with time_machine.travel(datetime(2026, 11, 24, 23, 50, tzinfo=WARSAW)):
            counts.count_fans_periodic.call_local()

        self.assertEqual(
            stored(self.gmina, date(2026, 11, 23)),
            {"all": 1, "email": 1, "push": 0, "sms": 0},
        )
        # The day keeps its last count.
        self.assertEqual(
            stored(self.gmina, date(2026, 11, 24)),
            {"all": 3, "email": 1, "push": 1, "sms": 1},
        )
        self.assertEqual(stored(self.other_gmina, date(2026, 11, 23))["all"], 0)
        self.assertEqual(stored(self.other_gmina, date(2026, 11, 24))["all"], 1)
        self.assertEqual(FanCount.objects.count(), 16)

    def test_it_is_registered_as_a_periodic_task(self):
        from huey.contrib.djhuey import HUEY

        task_class = counts.count_fans_periodic.task_class

        def runs_at(hour, minute):
            due = HUEY.read_periodic(datetime(2026, 1, 1, hour, minute))
            return any(type(task) is task_class for task in due)

        # Hourly: today's row is kept fresh, and a worker that was down for
        # part of the day still counts that day.
        self.assertTrue(runs_at(5, 50))
        self.assertTrue(runs_at(22, 50))
        self.assertFalse(runs_at(5, 51))


class MilestonesTestCase(BaseTestCase):
    def test_it_finds_the_first_day_of_each_threshold(self):
        for day, n in [(1, 40), (2, 120), (3, 90), (4, 130), (5, 600), (6, 1500)]:
            FanCount.objects.create(
                gmina=self.gmina, day=date(2026, 3, day), channel="all", count=n
            )
        FanCount.objects.create(
            gmina=self.gmina, day=date(2026, 2, 1), channel="email", count=5000
        )
        FanCount.objects.create(
            gmina=self.other_gmina, day=date(2026, 1, 1), channel="all", count=5000
        )
        with self.assertNumQueries(1):
            result = counts.milestones(self.gmina)
        self.assertEqual(
            result,
            [
                (100, date(2026, 3, 2)),
                (500, date(2026, 3, 5)),
                (1000, date(2026, 3, 6)),
            ],
        )
