"""Retention jobs with a frozen clock (SECURITY.md D23): after they run, no
row is past its retention date. Raw inbound SMS (with the sender's number)
are kept 30 days; unconfirmed sign-ups 7 days; expired confirmations not at
all."""

from datetime import timedelta

import time_machine
from django.db.models import Q
from django.utils import timezone

from ratusz.fans import tasks
from ratusz.fans.models import (
    UNCONFIRMED_RETENTION,
    ChannelState,
    Confirmation,
    Consent,
    Follower,
)
from ratusz.integrations.sms import services as sms_services
from ratusz.integrations.sms import tasks as sms_tasks
from ratusz.integrations.sms.models import INBOUND_SMS_RETENTION, InboundSms
from ratusz.test import BaseTestCase

DAY = timedelta(days=1)


def past_retention(now) -> dict[str, int]:
    """Rows past their retention date, counted independently of the jobs."""
    unconfirmed = (
        Follower.objects.filter(created_at__lt=now - UNCONFIRMED_RETENTION)
        .exclude(
            Q(email_state=ChannelState.ACTIVE) | Q(phone_state=ChannelState.ACTIVE)
        )
        .exclude(push_subscriptions__isnull=False)
        .exclude(consents__action=Consent.Action.CONFIRMED)
        .exclude(consents__channel="push")
    )
    return {
        "inbound sms": InboundSms.objects.filter(
            received_at__lt=now - timedelta(days=30)
        ).count(),
        "confirmations": Confirmation.objects.filter(expires_at__lt=now).count(),
        "unconfirmed followers": unconfirmed.count(),
    }


def run_retention_jobs():
    tasks.purge_unconfirmed.call_local()
    sms_tasks.purge_inbound_sms.call_local()


class RetentionTestCase(BaseTestCase):
    def inbound(self, received_at, *, text="Dziękuję", processed=True, **fields):
        n = InboundSms.objects.count() + 1
        return InboundSms.objects.create(
            gmina=self.gmina,
            provider_id=f"MO{n}",
            sender=fields.pop("sender", "48600123456"),
            text=text,
            received_at=received_at,
            processed_at=received_at if processed else None,
            result=InboundSms.Result.IGNORED if processed else "",
            **fields,
        )

    def test_the_period_is_30_days(self):
        self.assertEqual(INBOUND_SMS_RETENTION, timedelta(days=30))

    def test_no_row_is_past_its_retention_after_the_jobs(self):
        start = timezone.now()
        with time_machine.travel(start, tick=False):
            old = self.inbound(start - 45 * DAY)
            just_over = self.inbound(start - 30 * DAY - timedelta(seconds=1))
            just_under = self.inbound(start - 30 * DAY + timedelta(minutes=1))
            fresh = self.inbound(start - DAY)
            other_gmina = InboundSms.objects.create(
                gmina=self.other_gmina,
                provider_id="MO-B",
                sender="48600999888",
                received_at=start - 31 * DAY,
            )
            never = Follower.objects.create(
                gmina=self.gmina,
                email="nigdy@example.org",
                email_state=ChannelState.PENDING,
                created_at=start - 8 * DAY,
            )
            Confirmation.objects.create(
                follower=never,
                channel="email",
                token_hash="a" * 64,
                created_at=start - 8 * DAY,
                expires_at=start - 6 * DAY,
            )
            self.assertEqual(
                past_retention(start),
                {"inbound sms": 3, "confirmations": 1, "unconfirmed followers": 1},
            )

            run_retention_jobs()

            self.assertEqual(
                past_retention(start),
                {"inbound sms": 0, "confirmations": 0, "unconfirmed followers": 0},
            )
            remaining = set(InboundSms.objects.values_list("pk", flat=True))
            self.assertEqual(remaining, {just_under.pk, fresh.pk})
            for gone in (old, just_over, other_gmina):
                self.assertNotIn(gone.pk, remaining)

        # Two days later the row that was just under 30 days is due too.
        with time_machine.travel(start + 2 * DAY, tick=False):
            self.assertEqual(past_retention(timezone.now())["inbound sms"], 1)
            run_retention_jobs()
            self.assertEqual(
                past_retention(timezone.now()),
                {"inbound sms": 0, "confirmations": 0, "unconfirmed followers": 0},
            )
            self.assertEqual(list(InboundSms.objects.all()), [fresh])

    def test_an_unprocessed_stop_is_acted_on_before_it_is_deleted(self):
        start = timezone.now()
        follower = Follower.objects.create(
            gmina=self.gmina, phone="+48600123456", phone_state=ChannelState.ACTIVE
        )
        with time_machine.travel(start, tick=False):
            self.inbound(start - 31 * DAY, text="STOP", processed=False)
            self.assertEqual(sms_services.purge_inbound_sms(), 1)
        follower.refresh_from_db()
        self.assertEqual(follower.phone_state, ChannelState.UNSUBSCRIBED)
        self.assertTrue(
            follower.consents.filter(action=Consent.Action.WITHDRAWN).exists()
        )
        self.assertFalse(InboundSms.objects.exists())
