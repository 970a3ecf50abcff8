"""The SMS provider: SMSAPI's part of following, replies such as STOP, settings.

Following by SMS (consent, code, confirmation) is `ratusz.fans.following`; this
module sends its codes (`SmsProvider`, registered in `apps.SmsConfig.ready`)
and keeps the raw replies residents send.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from datetime import UTC, datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ratusz.fans import following
from ratusz.fans.models import Follower
from ratusz.fans.providers import CodeNotSent, Provider
from ratusz.lib.phones import PhoneError, national_number, normalize_phone
from ratusz.outbox.models import Channel
from ratusz.outbox.transports import TransportError

from .models import INBOUND_SMS_RETENTION, InboundSms, SmsSettings
from .models import new_webhook_secret as make_webhook_secret
from .transport import InvalidNumber, SmsApi

logger = logging.getLogger(__name__)

STOP_WORDS = {"stop", "stop sms", "stopsms", "nie"}


# The provider of following by SMS -------------------------------------------


def settings_for(gmina) -> SmsSettings | None:
    if gmina is None:
        return None
    return SmsSettings.objects.configured().filter(gmina=gmina).first()


def is_available(gmina) -> bool:
    """Residents can sign up for SMS when the gmina connected SMSAPI."""
    config = settings_for(gmina)
    return config is not None and not config.token_error


def send_code(gmina, phone: str, text: str, *, idx: str) -> None:
    """Text a confirmation code; CodeNotSent says in Polish what went wrong."""
    config = settings_for(gmina)
    if config is None:
        raise CodeNotSent(_("Ta gmina nie wysyła jeszcze SMS-ów."))
    api = SmsApi(gmina, config)
    try:
        api.send(phone, text, idx=idx)
    except InvalidNumber as error:
        raise CodeNotSent(
            _("Operator nie przyjął tego numeru. Sprawdź go i spróbuj ponownie.")
        ) from error
    except TransportError as error:
        raise CodeNotSent(
            _("Nie udało się wysłać SMS-a z kodem. Spróbuj ponownie później.")
        ) from error
    finally:
        api.close()


def inbound_sms_of(follower: Follower):
    """The raw SMS the follower's number sent to their gmina, oldest first.

    SMSAPI writes the sender as "48600123456" and the follower's number is
    stored as "+48600123456"; numbers are compared digit by digit, over all
    the gmina's rows (kept 30 days: tens, not millions), so that no way of
    writing the number escapes an export or an erasure.
    """
    number = national_number(follower.phone)
    if not number:
        return InboundSms.objects.none()
    senders = InboundSms.objects.filter(gmina_id=follower.gmina_id)
    ids = [
        pk
        for pk, sender in senders.values_list("pk", "sender").iterator()
        if national_number(sender) == number
    ]
    return InboundSms.objects.filter(pk__in=ids).order_by("received_at", "pk")


class SmsProvider(Provider):
    def is_available(self, gmina) -> bool:
        return is_available(gmina)

    def send_code(self, gmina, to: str, text: str, *, idx: str) -> None:
        send_code(gmina, to, text, idx=idx)

    def received_from(self, follower):
        return inbound_sms_of(follower)

    def forget_received_from(self, follower) -> None:
        inbound_sms_of(follower).delete()


# Replies -----------------------------------------------------------------------


def normalize_reply(text: str) -> str:
    """Lower case, no diacritics, no punctuation, single spaces."""
    text = unicodedata.normalize("NFKD", text or "").casefold()
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.replace("ł", "l")
    text = re.sub(r"[^\w\s]", " ", text)
    return " ".join(text.split())


def is_stop(text: str) -> bool:
    return normalize_reply(text) in STOP_WORDS


def record_inbound(gmina, data, raw=None) -> tuple[InboundSms | None, bool]:
    """Store an SMSAPI callback (`raw` kept as it came); (event, created).

    A repeated callback (same MsgId) hits the unique constraint and is
    dropped: (None, False). The caller queues `tasks.process_inbound` for a
    new event after commit.
    """
    raw = data if raw is None else raw
    payload = {key: str(raw.get(key, ""))[:2000] for key in list(raw.keys())[:50]}
    try:
        with transaction.atomic():
            event = InboundSms.objects.create(
                gmina=gmina,
                provider_id=data["MsgId"][:100],
                sender=data.get("sms_from", "")[:32],
                recipient=data.get("sms_to", "")[:32],
                text=data.get("sms_text", "")[:2000],
                sent_at=_timestamp(data.get("sms_date", "")),
                payload=payload,
            )
    except IntegrityError:
        return None, False
    return event, True


def _timestamp(value: str):
    if not value or not value.isdigit():
        return None
    try:
        return datetime.fromtimestamp(int(value), tz=UTC)
    except (OverflowError, OSError, ValueError):
        return None


@transaction.atomic
def process_inbound(event_id: int) -> str | None:
    """Act on one stored reply (once): STOP unsubscribes that number from SMS.

    Claimed and acted on in one transaction: a crash leaves it unprocessed
    for the periodic sweep instead of silently dropping a STOP.
    """
    claimed = InboundSms.objects.filter(pk=event_id, processed_at__isnull=True).update(
        processed_at=timezone.now()
    )
    if not claimed:
        return None
    event = InboundSms.objects.select_related("gmina").get(pk=event_id)
    result = InboundSms.Result.IGNORED
    if is_stop(event.text):
        result = InboundSms.Result.UNKNOWN_NUMBER
        try:
            phone = normalize_phone(event.sender)
        except PhoneError:
            phone = ""
        follower = (
            Follower.objects.filter(gmina=event.gmina, phone=phone).first()
            if phone
            else None
        )
        if follower is not None:
            following.unsubscribe(follower, Channel.SMS, source="SMS STOP")
            result = InboundSms.Result.STOPPED
    InboundSms.objects.filter(pk=event_id).update(result=result)
    return result


def process_pending_inbound() -> int:
    """Replies whose task was lost (e.g. the queue was flushed)."""
    ids = list(
        InboundSms.objects.filter(processed_at__isnull=True).values_list(
            "pk", flat=True
        )[:500]
    )
    for event_id in ids:
        process_inbound(event_id)
    return len(ids)


def purge_inbound_sms(now=None) -> int:
    """Delete raw SMS replies older than INBOUND_SMS_RETENTION; return how many.

    A reply still unprocessed by then (its task and the 5-minute sweep kept
    failing) is processed once more first, so a STOP is never just dropped.
    """
    now = now or timezone.now()
    overdue = InboundSms.objects.filter(received_at__lt=now - INBOUND_SMS_RETENTION)
    for event_id in overdue.filter(processed_at__isnull=True).values_list(
        "pk", flat=True
    ):
        try:
            process_inbound(event_id)
        except Exception:  # retention must go on
            logger.exception("Inbound SMS %s failed before its deletion", event_id)
    deleted, _count = overdue.delete()
    return deleted


# Staff ---------------------------------------------------------------------------


@transaction.atomic
def update_settings(
    config: SmsSettings,
    *,
    sender: str,
    test_mode: bool,
    new_token: str = "",
    remove_token: bool = False,
    new_webhook_secret: bool = False,
) -> SmsSettings:
    """Save a gmina's SMS settings; a new token clears a refused one's error."""
    config.sender = sender
    config.test_mode = test_mode
    if remove_token:
        config.token = ""
        config.token_error = ""
    elif new_token:
        config.token = new_token
        config.token_error = ""
    if new_webhook_secret or not config.webhook_secret:
        config.webhook_secret = make_webhook_secret()
    config.save()
    return config
