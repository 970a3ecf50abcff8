"""Consents to each channel: the texts residents agree to, and their proof.

Every `Consent` row is written here: given when a resident signs up,
confirmed when they prove the address, withdrawn when they leave. The text
shown is stored with its version (RODO art. 7 ust. 1), so the proof stays
true when the wording later changes.
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from ratusz.outbox.models import Channel

from .models import Consent, Follower

EMAIL_CONSENT_VERSION = "email-2026-11"
SMS_CONSENT_VERSION = "sms-1"
PUSH_CONSENT_VERSION = "push-1"


def email_consent_text(gmina) -> str:
    """The consent as shown beside the checkbox; stored with every consent."""
    return (
        f"Zgadzam się na otrzymywanie od {gmina.name_genitive} wiadomości e-mail z "
        "aktualnościami i komunikatami gminy na podany adres. Zgodę mogę wycofać "
        "w każdej chwili jednym kliknięciem w linku w każdej wiadomości."
    )


def sms_consent_text(gmina) -> str:
    return _(
        "Chcę otrzymywać od %(gmina)s SMS-y z komunikatami gminy na podany numer "
        "telefonu. Zgodę mogę wycofać w każdej chwili, odpowiadając STOP "
        "lub na stronie ustawień powiadomień."
    ) % {"gmina": gmina.name_genitive}


def push_consent_text(gmina) -> str:
    return _(
        "Chcę otrzymywać od %(gmina)s powiadomienia w tej przeglądarce o nowych "
        "wiadomościach z wybranych tematów i sołectw. Zgodę mogę wycofać w każdej "
        "chwili przyciskiem „Wyłącz” albo w ustawieniach przeglądarki."
    ) % {"gmina": gmina.name_genitive}


# channel → (version of its current text, the text for a gmina)
CURRENT = {
    Channel.EMAIL: (EMAIL_CONSENT_VERSION, email_consent_text),
    Channel.SMS: (SMS_CONSENT_VERSION, sms_consent_text),
    Channel.PUSH: (PUSH_CONSENT_VERSION, push_consent_text),
}


def _record(follower, channel, action, *, source, text_version="", text="", at=None):
    return Consent.objects.create(
        follower=follower,
        channel=channel,
        action=action,
        text_version=text_version,
        text=text,
        source=source[:200],
        at=at or timezone.now(),
    )


def record_given(follower: Follower, channel: str, *, gmina, source: str, at=None):
    """The resident ticked the consent: store the channel's current text."""
    version, text = CURRENT[channel]
    return _record(
        follower,
        channel,
        Consent.Action.GIVEN,
        text_version=version,
        text=text(gmina),
        source=source,
        at=at,
    )


def record_confirmed(follower: Follower, channel: str, *, source: str, at=None):
    """The resident proved the address: the consent they gave is confirmed.

    It repeats the text last given (the wording may have changed since).
    """
    given = (
        follower.consents.filter(channel=channel, action=Consent.Action.GIVEN)
        .order_by("-at", "-pk")
        .first()
    )
    if given is not None:
        version, text = given.text_version, given.text
    else:
        version, current = CURRENT[channel]
        text = current(follower.gmina)
    return _record(
        follower,
        channel,
        Consent.Action.CONFIRMED,
        text_version=version,
        text=text,
        source=source,
        at=at,
    )


def record_withdrawn(
    follower: Follower, channel: str, *, source: str, text_version="", at=None
):
    """The resident left the channel."""
    return _record(
        follower,
        channel,
        Consent.Action.WITHDRAWN,
        text_version=text_version,
        source=source,
        at=at,
    )
