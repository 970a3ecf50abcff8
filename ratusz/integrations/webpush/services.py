"""Browsers that follow a gmina: subscribing and leaving."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ratusz.fans.models import Consent, Follower, PushSubscription
from ratusz.outbox.models import Channel, Delivery

CONSENT_TEXT_VERSION = "push-1"


class SubscribeError(Exception):
    """The subscription cannot be stored; the message says why, in Polish."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def consent_text(gmina) -> str:
    return _(
        "Chcę otrzymywać od %(gmina)s powiadomienia w tej przeglądarce o nowych "
        "wiadomościach z wybranych tematów i sołectw. Zgodę mogę wycofać w każdej "
        "chwili przyciskiem „Wyłącz” albo w ustawieniach przeglądarki."
    ) % {"gmina": gmina.name_genitive}


@transaction.atomic
def subscribe_browser(
    gmina,
    *,
    endpoint: str,
    p256dh: str,
    auth: str,
    topics=None,
    villages=None,
    follower: Follower | None = None,
    source: str,
) -> PushSubscription:
    """Store a browser's subscription and the consent given for it.

    1. The follower is the one named (from their private link), else the one
       this browser already belongs to, else a new one with `topics` and
       `villages` (empty: all of them).
    2. The subscription (unique by endpoint) gets the browser's current keys.
    3. The consent is recorded with its text and version (RODO art. 7 ust. 1).
    """
    existing = (
        PushSubscription.objects.select_for_update()
        .select_related("follower")
        .filter(endpoint=endpoint)
        .first()
    )
    if existing is not None and existing.follower.gmina_id != gmina.pk:
        raise SubscribeError(_("Ta subskrypcja należy do innej gminy."))
    if follower is None:
        if existing is not None:
            follower = existing.follower
        else:
            follower = Follower.objects.create(gmina=gmina)
        _choose(follower, topics, villages)
    if existing is None:
        subscription = PushSubscription.objects.create(
            follower=follower, endpoint=endpoint, p256dh=p256dh, auth=auth
        )
    else:
        subscription = existing
        subscription.follower = follower
        subscription.p256dh, subscription.auth = p256dh, auth
        subscription.save(update_fields=["follower", "p256dh", "auth"])
    Consent.objects.create(
        follower=follower,
        channel=Channel.PUSH,
        action=Consent.Action.GIVEN,
        text_version=CONSENT_TEXT_VERSION,
        text=consent_text(gmina),
        source=source[:200],
        at=timezone.now(),
    )
    return subscription


def _choose(follower: Follower, topics, villages) -> None:
    topics, villages = list(topics or []), list(villages or [])
    follower.all_topics = not topics
    follower.all_villages = not villages
    follower.save(update_fields=["all_topics", "all_villages", "updated_at"])
    follower.topics.set(topics)
    follower.villages.set(villages)


@transaction.atomic
def replace_subscription(
    gmina, *, old_endpoint: str, endpoint: str, p256dh: str, auth: str
) -> PushSubscription | None:
    """Give a known subscription the endpoint and keys its browser moved to.

    The push service replaced the browser's subscription
    (`pushsubscriptionchange`); the row is updated in place, so the follower
    (topics, villages, consent) and the messages waiting for it stay. Only an
    endpoint this gmina knows can be replaced: returns None otherwise. No new
    consent is recorded: the resident did nothing, the one given goes on.
    """
    old = (
        PushSubscription.objects.select_for_update()
        .filter(endpoint=old_endpoint, follower__gmina=gmina)
        .first()
    )
    if old is None:
        return None
    clash = (
        PushSubscription.objects.select_for_update()
        .select_related("follower")
        .filter(endpoint=endpoint)
        .exclude(pk=old.pk)
        .first()
    )
    if clash is not None:
        if clash.follower.gmina_id != gmina.pk:
            raise SubscribeError(_("Ta subskrypcja należy do innej gminy."))
        # The page stored the new subscription first; the old row keeps the
        # resident's choices, so the newer duplicate goes.
        Delivery.objects.filter(
            push_subscription=clash, state=Delivery.State.PENDING
        ).update(state=Delivery.State.CANCELLED, claimed_by="", lease_until=None)
        clash.delete()
    old.endpoint, old.p256dh, old.auth = endpoint, p256dh, auth
    old.save(update_fields=["endpoint", "p256dh", "auth"])
    return old


@transaction.atomic
def unsubscribe_browser(gmina, endpoint: str, *, source: str) -> bool:
    """Forget one browser's subscription; its pending messages are cancelled.

    Idempotent: returns False when there was nothing to forget.
    """
    subscription = (
        PushSubscription.objects.select_for_update()
        .select_related("follower")
        .filter(endpoint=endpoint, follower__gmina=gmina)
        .first()
    )
    if subscription is None:
        return False
    Delivery.objects.filter(
        push_subscription=subscription, state=Delivery.State.PENDING
    ).update(state=Delivery.State.CANCELLED, claimed_by="", lease_until=None)
    Consent.objects.create(
        follower=subscription.follower,
        channel=Channel.PUSH,
        action=Consent.Action.WITHDRAWN,
        text_version=CONSENT_TEXT_VERSION,
        source=source[:200],
        at=timezone.now(),
    )
    subscription.delete()
    return True
