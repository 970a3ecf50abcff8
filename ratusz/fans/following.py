"""Following a gmina, one entry point per channel, and leaving it.

- e-mail: `start_email_follow` → link → `confirm_email`;
- SMS: `start_sms_follow` → code sent by the SMS provider → `confirm_sms_code`;
- push: `subscribe_browser` (the browser's permission is the proof), and
  `replace_subscription` when the push service moves it;
- leaving: `unsubscribe` (a channel or all) and `unsubscribe_browser`.

Each records its consent (`consent.py`) and uses the same interests and
confirmation rules. What only a provider knows (sending the code) is asked
of the channel's provider (`providers.py`).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _

from ratusz.lib.ratelimit import over_limit
from ratusz.outbox.models import Channel, Delivery

from . import consent, providers
from .models import (
    CONFIRMATION_TTL,
    ChannelState,
    Confirmation,
    Follower,
    PushSubscription,
    hash_token,
    new_token,
)

# What a follower can leave from a link: one channel, or everything.
LEAVABLE_CHANNELS = {Channel.EMAIL, Channel.SMS, Channel.PUSH, "all"}
FOLLOW_SOURCE = "formularz /obserwuj/"
MAX_CODE_ATTEMPTS = 5


class SignupError(Exception):
    """A sign-up that cannot go on; the message says why, in Polish."""

    def __init__(self, message: str, *, rate_limited: bool = False):
        super().__init__(message)
        self.message = message
        self.rate_limited = rate_limited


class SubscribeError(Exception):
    """The subscription cannot be stored; the message says why, in Polish."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


# Interests ---------------------------------------------------------------------


def set_interests(follower: Follower, topics, villages) -> None:
    """Topics and villages the follower chose; none chosen means all of them."""
    topics, villages = list(topics or []), list(villages or [])
    follower.all_topics = not topics
    follower.all_villages = not villages
    follower.save(update_fields=["all_topics", "all_villages", "updated_at"])
    follower.topics.set(topics)
    follower.villages.set(villages)


@transaction.atomic
def update_preferences(follower: Follower, *, topics, villages, rhythm) -> None:
    follower.email_rhythm = rhythm
    follower.save(update_fields=["email_rhythm", "updated_at"])
    set_interests(follower, topics, villages)


# Confirmations (an e-mail link, or an SMS code behind a link) ------------------


def _start_confirmation(follower, channel, token, *, now, code_hash=""):
    return Confirmation.objects.create(
        follower=follower,
        channel=channel,
        token_hash=hash_token(token),
        code_hash=code_hash,
        created_at=now,
        expires_at=now + CONFIRMATION_TTL,
    )


def find_confirmation(gmina, channel: str, token: str) -> Confirmation | None:
    """The confirmation a link names, within the gmina (any state)."""
    if gmina is None or not token or len(token) > 100:
        return None
    return (
        Confirmation.objects.filter(
            token_hash=hash_token(token), channel=channel, follower__gmina=gmina
        )
        .select_related("follower")
        .first()
    )


def _use_confirmation(confirmation: Confirmation, now) -> bool:
    """Mark it used; False when it was used or expired meanwhile.

    The conditional UPDATE makes two concurrent uses count once.
    """
    return bool(
        Confirmation.objects.filter(
            pk=confirmation.pk, used_at__isnull=True, expires_at__gt=now
        ).update(used_at=now)
    )


# E-mail ------------------------------------------------------------------------


def normalize_email(address: str) -> str:
    local, _at, domain = address.strip().rpartition("@")
    return f"{local}@{domain.lower()}"


@transaction.atomic
def start_email_follow(gmina, *, email, topics, villages, rhythm, source):
    """Record a sign-up and its consent; return (follower, token or None).

    The token (for the confirmation link) is None when the address is already
    active: the caller then sends the settings link instead, and the choices
    of somebody who only knows the address are not applied.
    """
    email = normalize_email(email)
    follower = (
        Follower.objects.select_for_update()
        .filter(gmina=gmina, email__iexact=email)
        .first()
    )
    if follower is not None and follower.email_state == ChannelState.ACTIVE:
        return follower, None
    if follower is None:
        follower = Follower.objects.create(gmina=gmina, email=email)
    follower.email_state = ChannelState.PENDING
    follower.email_rhythm = rhythm
    follower.save(update_fields=["email_state", "email_rhythm", "updated_at"])
    set_interests(follower, topics, villages)
    now = timezone.now()
    consent.record_given(follower, Channel.EMAIL, gmina=gmina, source=source, at=now)
    token = new_token()
    _start_confirmation(follower, Channel.EMAIL, token, now=now)
    return follower, token


def find_email_confirmation(gmina, token: str) -> Confirmation | None:
    return find_confirmation(gmina, Channel.EMAIL, token)


@transaction.atomic
def confirm_email(confirmation: Confirmation, *, source: str) -> bool:
    """Use a confirmation link once: the address becomes active."""
    now = timezone.now()
    if not _use_confirmation(confirmation, now):
        return False
    follower = Follower.objects.select_for_update().get(pk=confirmation.follower_id)
    follower.email_state = ChannelState.ACTIVE
    follower.save(update_fields=["email_state", "updated_at"])
    consent.record_confirmed(follower, Channel.EMAIL, source=source, at=now)
    return True


# SMS ---------------------------------------------------------------------------


def is_sms_available(gmina) -> bool:
    """Residents can sign up for SMS when the gmina connected a provider."""
    return gmina is not None and providers.get(Channel.SMS).is_available(gmina)


def _code_hash(token: str, code: str) -> str:
    # Salted with the confirmation's own token (known only from the link), so
    # a database dump cannot be turned into codes with a 10⁶ lookup table.
    return hash_token(f"{token}:{code}")


def code_message(gmina, code: str) -> str:
    return _("%(code)s to kod potwierdzenia SMS-ów od %(gmina)s.") % {
        "code": code,
        "gmina": gmina.name_genitive,
    }


def start_sms_follow(gmina, phone: str, *, ip: str, source: str) -> str:
    """Record the consent and text a code to `phone`; return the link token.

    `phone` is already normalised (`lib.phones.normalize_phone`). Behaves the
    same whether or not the number is already known, so the form cannot be
    used to learn who follows the gmina. An active number stays active until
    the new code is confirmed (or never is).
    """
    if not is_sms_available(gmina):
        raise SignupError(_("Ta gmina nie wysyła jeszcze SMS-ów."))
    period = settings.SMS_CODE_RATE_PERIOD
    if over_limit(
        f"sms-code:ip:{ip}", settings.SMS_CODE_RATE_PER_IP, period
    ) or over_limit(
        f"sms-code:phone:{phone}", settings.SMS_CODE_RATE_PER_PHONE, period
    ):
        raise SignupError(
            _("Wysłaliśmy już kilka kodów. Spróbuj ponownie za godzinę."),
            rate_limited=True,
        )
    token = new_token()
    code = f"{secrets.randbelow(10**6):06d}"
    now = timezone.now()
    with transaction.atomic():
        follower = _follower_for_phone(gmina, phone)
        if follower.phone_state != ChannelState.ACTIVE:
            follower.phone_state = ChannelState.PENDING
            follower.save(update_fields=["phone_state", "updated_at"])
        consent.record_given(follower, Channel.SMS, gmina=gmina, source=source, at=now)
        # Only the latest code works.
        Confirmation.objects.filter(
            follower=follower, channel=Channel.SMS, used_at__isnull=True
        ).update(expires_at=now)
        confirmation = _start_confirmation(
            follower, Channel.SMS, token, now=now, code_hash=_code_hash(token, code)
        )
    try:
        providers.get(Channel.SMS).send_code(
            gmina, phone, code_message(gmina, code), idx=f"kod-{confirmation.pk}"
        )
    except providers.CodeNotSent as error:
        raise SignupError(error.message) from error
    return token


def _follower_for_phone(gmina, phone: str) -> Follower:
    try:
        with transaction.atomic():
            return Follower.objects.get_or_create(gmina=gmina, phone=phone)[0]
    except IntegrityError:  # created by a parallel request
        return Follower.objects.get(gmina=gmina, phone=phone)


def find_sms_confirmation(gmina, token: str) -> Confirmation | None:
    return find_confirmation(gmina, Channel.SMS, token)


@dataclass
class CodeResult:
    ok: bool
    message: str = ""


def confirm_sms_code(confirmation: Confirmation, token: str, code: str, *, source):
    """Check `code`; on success the number becomes active. Returns CodeResult.

    The attempt is counted with a conditional UPDATE before the comparison,
    so parallel guesses cannot get past the limit.
    """
    if not confirmation.is_usable():
        return CodeResult(
            False, _("Kod wygasł lub został już użyty. Zapisz się ponownie.")
        )
    counted = Confirmation.objects.filter(
        pk=confirmation.pk,
        used_at__isnull=True,
        attempts__lt=MAX_CODE_ATTEMPTS,
    ).update(attempts=F("attempts") + 1)
    if not counted:
        return CodeResult(
            False,
            _("Wykorzystano limit prób. Zapisz się ponownie, by dostać nowy kod."),
        )
    confirmation.refresh_from_db(fields=["attempts"])
    if not constant_time_compare(confirmation.code_hash, _code_hash(token, code)):
        left = MAX_CODE_ATTEMPTS - confirmation.attempts
        if left <= 0:
            return CodeResult(
                False,
                _("Nieprawidłowy kod. Wykorzystano limit prób — zapisz się ponownie."),
            )
        return CodeResult(
            False,
            _("Nieprawidłowy kod. Pozostałe próby: %(left)d.") % {"left": left},
        )
    with transaction.atomic():
        now = timezone.now()
        if not _use_confirmation(confirmation, now):
            return CodeResult(False, _("Ten kod został już użyty."))
        follower = Follower.objects.select_for_update().get(pk=confirmation.follower_id)
        follower.phone_state = ChannelState.ACTIVE
        follower.save(update_fields=["phone_state", "updated_at"])
        consent.record_confirmed(follower, Channel.SMS, source=source, at=now)
    confirmation.follower = follower
    return CodeResult(True)


# Push (a browser's subscription) -----------------------------------------------


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
        set_interests(follower, topics, villages)
    if existing is None:
        subscription = PushSubscription.objects.create(
            follower=follower, endpoint=endpoint, p256dh=p256dh, auth=auth
        )
    else:
        subscription = existing
        subscription.follower = follower
        subscription.p256dh, subscription.auth = p256dh, auth
        subscription.save(update_fields=["follower", "p256dh", "auth"])
    consent.record_given(follower, Channel.PUSH, gmina=gmina, source=source)
    return subscription


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
        _cancel_pending(Delivery.objects.filter(push_subscription=clash))
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
    _cancel_pending(Delivery.objects.filter(push_subscription=subscription))
    consent.record_withdrawn(
        subscription.follower,
        Channel.PUSH,
        source=source,
        text_version=consent.PUSH_CONSENT_VERSION,
    )
    subscription.delete()
    return True


# Leaving -----------------------------------------------------------------------


def _cancel_pending(deliveries) -> None:
    deliveries.filter(state=Delivery.State.PENDING).update(
        state=Delivery.State.CANCELLED, claimed_by="", lease_until=None
    )


@transaction.atomic
def unsubscribe(follower: Follower, channel: str, *, source: str) -> None:
    """Stop one channel (or all) at once; pending messages are cancelled.

    Idempotent: a second click (mail programs may POST twice) changes nothing.
    """
    channels = (
        [Channel.EMAIL, Channel.SMS, Channel.PUSH] if channel == "all" else [channel]
    )
    now = timezone.now()
    for name in channels:
        if _leave(follower, name):
            consent.record_withdrawn(follower, name, source=source, at=now)
    follower.save()
    _cancel_pending(Delivery.objects.filter(follower=follower, channel__in=channels))


def _leave(follower: Follower, channel: str) -> bool:
    """Leave one channel; True when it was active or pending."""
    if channel == Channel.EMAIL:
        was = follower.email_state in (ChannelState.ACTIVE, ChannelState.PENDING)
        if follower.email_state:
            follower.email_state = ChannelState.UNSUBSCRIBED
        return was
    if channel == Channel.SMS:
        was = follower.phone_state in (ChannelState.ACTIVE, ChannelState.PENDING)
        if follower.phone_state:
            follower.phone_state = ChannelState.UNSUBSCRIBED
        return was
    if channel == Channel.PUSH:
        deleted, _count = follower.push_subscriptions.all().delete()
        return bool(deleted)
    return False
