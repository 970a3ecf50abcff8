"""Polish phone numbers: one parser for sign-up forms and for matching senders."""

import re

from django.utils.translation import gettext as _

# Polish mobile ranges (UKE numbering plan); landlines cannot receive SMS.
MOBILE_PREFIXES = {
    "45", "50", "51", "53", "57", "60", "66", "69", "72", "73", "78", "79", "88"
}  # fmt: skip


class PhoneError(ValueError):
    """The number cannot be used; the message says why, in Polish."""


def _without_country_code(number: str) -> str:
    """`number` without a leading +48, 0048 or (with 9 digits after it) 48."""
    if number.startswith("+48"):
        return number[3:]
    if number.startswith("0048"):
        return number[4:]
    if len(number) == 11 and number.startswith("48"):
        return number[2:]
    return number


def normalize_phone(value: str) -> str:
    """A Polish mobile number as E.164 (+48XXXXXXXXX), or PhoneError."""
    raw = re.sub(r"[\s\-./()]", "", value or "")
    if not raw:
        raise PhoneError(_("Podaj numer telefonu komórkowego."))
    if raw.startswith("+") and not raw.startswith("+48"):
        raise PhoneError(_("Przyjmujemy tylko polskie numery (+48)."))
    raw = _without_country_code(raw)
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


def national_number(value: str) -> str:
    """The 9 digits of a Polish number however written ("" if not one).

    Lenient where `normalize_phone` is strict: it compares numbers a
    provider wrote ("48600123456") with stored ones ("+48600123456").
    """
    digits = _without_country_code(re.sub(r"\D", "", value or ""))
    return digits if len(digits) == 9 else ""
