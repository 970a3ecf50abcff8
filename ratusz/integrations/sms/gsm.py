"""How many SMS a text costs: GSM 03.38 (7-bit) or UCS-2, and its segments.

A text made only of the GSM 7-bit default alphabet travels 7 bits a
character: 160 in one SMS, 153 per part of a longer one (the rest holds the
concatenation header). Characters of the extension table (€, [, ], {, }, …)
take two septets (an escape and the character). Any other character switches
the whole message to UCS-2, and Polish diacritics are such characters: none of
ą ć ę ł ń ó ś ź ż (nor their capitals) is in the alphabet, which has é, è, ò
and ñ instead. UCS-2 means 70 characters in one SMS, 67 per part, counted in
UTF-16 code units (an emoji takes two). A part never splits an escape pair
or a surrogate pair.

    >>> count("Wywóz odpadów")
    SmsCount(encoding='UCS-2', length=13, segments=1, per_segment=70)

Editors' counters call `count`; it is pure and fast.
"""

from __future__ import annotations

from typing import NamedTuple

GSM7 = "GSM-7"
UCS2 = "UCS-2"

# 3GPP TS 23.038, the default alphabet (basic character set).
BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ"
    " !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§"
    "¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
# The basic set's escape (0x1B) is not text; a literal ESC is not sent.
BASIC = BASIC - {"\x1b"}
# The default extension table: each costs the escape plus itself.
EXTENSION = frozenset("\f^{}\\[~]|€")

SINGLE = {GSM7: 160, UCS2: 70}
MULTI = {GSM7: 153, UCS2: 67}


class SmsCount(NamedTuple):
    encoding: str
    length: int  # septets (GSM-7) or UTF-16 code units (UCS-2)
    segments: int
    per_segment: int  # the limit that applies: 160/153 or 70/67


def is_gsm7(text: str) -> bool:
    return all(ch in BASIC or ch in EXTENSION for ch in text)


def _units(text: str, encoding: str) -> list[int]:
    """Each character's size: septets for GSM-7, UTF-16 units for UCS-2."""
    if encoding == GSM7:
        return [2 if ch in EXTENSION else 1 for ch in text]
    return [2 if ord(ch) > 0xFFFF else 1 for ch in text]


def count(text: str) -> SmsCount:
    """Return (encoding, length, segments, per_segment) for `text`."""
    encoding = GSM7 if is_gsm7(text) else UCS2
    units = _units(text, encoding)
    length = sum(units)
    if length <= SINGLE[encoding]:
        return SmsCount(encoding, length, 1 if length else 0, SINGLE[encoding])
    limit = MULTI[encoding]
    segments, used = 1, 0
    for size in units:
        if used + size > limit:  # the pair moves whole into the next part
            segments += 1
            used = 0
        used += size
    return SmsCount(encoding, length, segments, limit)
