"""Retention: sign-ups never confirmed are forgotten after 7 days, and
confirmations past expiry are deleted (the Huey periodic task)."""

from datetime import timedelta

import time_machine
from django.utils import timezone

from ratusz.fans import following, retention, tasks
from ratusz.fans.models import (
    ChannelState,
    Confirmation,
    Consent,
    Follower,
    PushSubscription,
)
from ratusz.outbox.models import Delivery
from ratusz.test import BaseTestCase


def sign_up(gmina, email):
    follower, token = following.start_email_follow(
        gmina, email=email, topics=[], villages=[], rhythm="each", source="test"
    )
    return follower, token


class PurgeTestCase(BaseTestCase):
    def test_it_forgets_unconfirmed_sign_ups_after_7_days(self):
        start = timezone.now()
        with time_machine.travel(start, tick=False):
            never, _ = sign_up(self.gmina, "nigdy@example.org")
            confirmed, token = sign_up(self.gmina, "tak@example.org")
            following.confirm_email(
                following.find_email_confirmation(self.gmina, token), source="test"
            )
            # Confirmed once, then left: the proof of consent stays.
            left, token = sign_up(self.gmina, "byl@example.org")
            following.confirm_email(
                following.find_email_confirmation(self.gmina, token), source="test"
            )
            following.unsubscribe(left, "all", source="test")
            pushed = Follower.objects.create(gmina=self.gmina)
            PushSubscription.objects.create(
                follower=pushed,
                endpoint="https://push.example.org/1",
                p256dh="k",
                auth="a",
            )
            # A browser subscription, later switched off: it was a fan once.
            pushed_once = Follower.objects.create(gmina=self.gmina)
            Consent.objects.create(
                follower=pushed_once, channel="push", action="given", source="t"
            )
            Consent.objects.create(
                follower=pushed_once, channel="push", action="withdrawn", source="t"
            )
            sms = Follower.objects.create(
                gmina=self.gmina, phone="+48600123456", phone_state=ChannelState.ACTIVE
            )
            Delivery.objects.create(
                gmina=self.gmina,
                item="article:1",
                channel="email",
                recipient=f"follower:{never.pk}",
                follower=never,
                state=Delivery.State.FAILED,
                error="550 nigdy@example.org: no such user",
            )

        with time_machine.travel(start + timedelta(days=6, hours=23), tick=False):
            tasks.purge_unconfirmed.call_local()
            self.assertTrue(Follower.objects.filter(pk=never.pk).exists())
            # Expired links are gone already, used ones too once expired.
            self.assertEqual(Confirmation.objects.count(), 0)

        with time_machine.travel(start + timedelta(days=7, minutes=1), tick=False):
            tasks.purge_unconfirmed.call_local()
        self.assertFalse(Follower.objects.filter(pk=never.pk).exists())
        self.assertFalse(Consent.objects.filter(follower_id=never.pk).exists())
        kept = set(Follower.objects.values_list("pk", flat=True))
        self.assertEqual(
            kept, {confirmed.pk, left.pk, pushed.pk, pushed_once.pk, sms.pk}
        )
        delivery = Delivery.objects.get()
        self.assertIsNone(delivery.follower_id)
        self.assertNotIn("nigdy@example.org", delivery.error)

    def test_it_keeps_fresh_confirmations(self):
        with time_machine.travel(timezone.now(), tick=False):
            sign_up(self.gmina, "swiezy@example.org")
            self.assertEqual(retention.purge_unconfirmed(), (0, 0))
        self.assertEqual(Confirmation.objects.count(), 1)
