"""Residents and SMS: signing up with a code, and replies such as STOP."""

from __future__ import annotations

import re
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _

from ratusz.fans import services as fans_services
from ratusz.fans.models import (
    CONFIRMATION_TTL,
    ChannelState,
    Confirmation,
    Consent,
    Follower,
    hash_token,
    new_token,
)
from ratusz.lib.ratelimit import over_limit
from ratusz.outbox.models import Channel
from ratusz.outbox.transports import TransportError

from .models import InboundSms, SmsSettings

MAX_CODE_ATTEMPTS = 5
CONSENT_TEXT_VERSION = "sms-1"
# Polish mobile ranges (UKE numbering plan); landlines cannot receive SMS.
MOBILE_PREFIXES = {
    "45", "50", "51", "53", "57", "60", "66", "69", "72", "73", "78", "79", "88"
}  # fmt: skip
STOP_WORDS = {"stop", "stop sms", "stopsms", "nie"}


class PhoneError(ValueError):
    """The number cannot be used; the message says why, in Polish."""


class SignupError(Exception):
    def __init__(self, message: str, *, rate_limited: bool = False):
        super().__init__(message)
        self.message = message
        self.rate_limited = rate_limited


# Phone numbers ---------------------------------------------------------------


def normalize_phone(value: str) -> str:
    """A Polish mobile number as E.164 (+48XXXXXXXXX), or PhoneError."""
    raw = re.sub(r"[\s\-./()]", "", value or "")
    if not raw:
        raise PhoneError(_("Podaj numer telefonu komórkowego."))
    if raw.startswith("+"):
        if not raw.startswith("+48"):
            raise PhoneError(_("Przyjmujemy tylko polskie numery (+48)."))
        raw = raw[3:]
    elif raw.startswith("0048"):
        raw = raw[4:]
    elif len(raw) == 11 and raw.startswith("48"):
        raw = raw[2:]
    if not raw.isdigit() or not raw.isascii():
        raise PhoneError(_("Numer telefonu może zawierać tylko cyfry."))
    if len(raw) != 9:
        raise PhoneError(
            _("Polski numer komórkowy ma 9 cyfr, np. 600 123 456 (podano %(n)d).")
            % {"n": len(raw)}
        )
    if raw[:2] not in MOBILE_PREFIXES:
        raise PhoneError(
            _("To nie wygląda na numer komórkowy — SMS-y dochodzą tylko na komórki.")
        )
    return "+48" + raw


# Signing up --------------------------------------------------------------------


def settings_for(gmina) -> SmsSettings | None:
    if gmina is None:
        return None
    return SmsSettings.objects.configured().filter(gmina=gmina).first()


def is_available(gmina) -> bool:
    """Residents can sign up for SMS when the gmina connected SMSAPI."""
    config = settings_for(gmina)
    return config is not None and not config.token_error


def consent_text(gmina) -> str:
    return _(
        "Chcę otrzymywać od %(gmina)s SMS-y z komunikatami gminy na podany numer "
        "telefonu. Zgodę mogę wycofać w każdej chwili, odpowiadając STOP "
        "lub na stronie ustawień powiadomień."
    ) % {"gmina": gmina.name_genitive}


def _code_hash(token: str, code: str) -> str:
    # Salted with the confirmation's own token (known only from the link), so
    # a database dump cannot be turned into codes with a 10⁶ lookup table.
    return hash_token(f"{token}:{code}")


def code_message(gmina, code: str) -> str:
    return _("%(code)s to kod potwierdzenia SMS-ów od %(gmina)s.") % {
        "code": code,
        "gmina": gmina.name_genitive,
    }


def start_signup(gmina, phone: str, *, ip: str, source: str) -> str:
    """Record the consent and text a code to `phone`; return the link token.

    Behaves the same whether or not the number is already known, so the
    form cannot be used to learn who follows the gmina. An active number
    stays active until the new code is confirmed (or never is).
    """
    config = settings_for(gmina)
    if config is None:
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
        follower = _follower_for(gmina, phone)
        if follower.phone_state != ChannelState.ACTIVE:
            follower.phone_state = ChannelState.PENDING
            follower.save(update_fields=["phone_state", "updated_at"])
        Consent.objects.create(
            follower=follower,
            channel=Channel.SMS,
            action=Consent.Action.GIVEN,
            text_version=CONSENT_TEXT_VERSION,
            text=consent_text(gmina),
            source=source[:200],
            at=now,
        )
        # Only the latest code works.
        Confirmation.objects.filter(
            follower=follower, channel=Channel.SMS, used_at__isnull=True
        ).update(expires_at=now)
        confirmation = Confirmation.objects.create(
            follower=follower,
            channel=Channel.SMS,
            token_hash=hash_token(token),
            code_hash=_code_hash(token, code),
            created_at=now,
            expires_at=now + CONFIRMATION_TTL,
        )
    from .transport import InvalidNumber, SmsApi

    api = SmsApi(gmina, config)
    try:
        api.send(phone, code_message(gmina, code), idx=f"kod-{confirmation.pk}")
    except InvalidNumber as error:
        raise SignupError(
            _("Operator nie przyjął tego numeru. Sprawdź go i spróbuj ponownie.")
        ) from error
    except TransportError as error:
        raise SignupError(
            _("Nie udało się wysłać SMS-a z kodem. Spróbuj ponownie później.")
        ) from error
    finally:
        api.close()
    return token


def _follower_for(gmina, phone: str) -> Follower:
    try:
        with transaction.atomic():
            return Follower.objects.get_or_create(gmina=gmina, phone=phone)[0]
    except IntegrityError:  # created by a parallel request
        return Follower.objects.get(gmina=gmina, phone=phone)


def find_confirmation(gmina, token: str) -> Confirmation | None:
    if gmina is None or not token:
        return None
    return (
        Confirmation.objects.filter(
            token_hash=hash_token(token),
            channel=Channel.SMS,
            follower__gmina=gmina,
        )
        .select_related("follower")
        .first()
    )


@dataclass
class CodeResult:
    ok: bool
    message: str = ""


def confirm_code(confirmation: Confirmation, token: str, code: str, *, source: str):
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
        used = Confirmation.objects.filter(
            pk=confirmation.pk, used_at__isnull=True
        ).update(used_at=timezone.now())
        if not used:
            return CodeResult(False, _("Ten kod został już użyty."))
        follower = Follower.objects.select_for_update().get(pk=confirmation.follower_id)
        follower.phone_state = ChannelState.ACTIVE
        follower.save(update_fields=["phone_state", "updated_at"])
        given = (
            follower.consents.filter(channel=Channel.SMS, action=Consent.Action.GIVEN)
            .order_by("-at", "-pk")
            .first()
        )
        Consent.objects.create(
            follower=follower,
            channel=Channel.SMS,
            action=Consent.Action.CONFIRMED,
            text_version=given.text_version if given else CONSENT_TEXT_VERSION,
            text=given.text if given else "",
            source=source[:200],
        )
    confirmation.follower = follower
    return CodeResult(True)


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
    dropped: (None, False).
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
    transaction.on_commit(lambda: _enqueue(event.pk))
    return event, True


def _enqueue(event_id: int) -> None:
    from .tasks import process_inbound

    process_inbound(event_id)


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
            fans_services.unsubscribe(follower, Channel.SMS, source="SMS STOP")
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
    from .models import new_webhook_secret as make_secret

    config.sender = sender
    config.test_mode = test_mode
    if remove_token:
        config.token = ""
        config.token_error = ""
    elif new_token:
        config.token = new_token
        config.token_error = ""
    if new_webhook_secret or not config.webhook_secret:
        config.webhook_secret = make_secret()
    config.save()
    return config
