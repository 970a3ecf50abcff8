"""Retention: sign-ups never confirmed and used-up confirmations are forgotten."""

from __future__ import annotations

from django.utils import timezone

from ratusz.outbox.models import Channel

from .data_rights import erase_follower
from .models import UNCONFIRMED_RETENTION, ChannelState, Confirmation, Consent, Follower


def purge_unconfirmed(now=None) -> tuple[int, int]:
    """Forget sign-ups never confirmed in time and confirmations past expiry.

    Returns (followers deleted, confirmations deleted).
    """
    now = now or timezone.now()
    stale = (
        Follower.objects.filter(created_at__lt=now - UNCONFIRMED_RETENTION)
        .exclude(email_state=ChannelState.ACTIVE)
        .exclude(phone_state=ChannelState.ACTIVE)
        .exclude(push_subscriptions__isnull=False)
        .exclude(consents__action=Consent.Action.CONFIRMED)
        # A browser's subscription needs no confirmation: it was a fan.
        .exclude(consents__channel=Channel.PUSH)
    )
    followers = 0
    for follower in stale.distinct():
        erase_follower(follower)
        followers += 1
    confirmations, _ = Confirmation.objects.filter(expires_at__lt=now).delete()
    return followers, confirmations
