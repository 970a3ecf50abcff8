"""A question for people, asked only while a gmina's form is flooded.

"Napisz do urzędu" counts new conversations per client network and per
gmina. Refusing everyone once the gmina-wide count is reached would let one
attacker with a few dozen addresses close the office's door to all
residents; instead, past that count each new conversation needs the answer
to a small arithmetic question (text, so it works without JavaScript and
with a screen reader). The question travels signed in the form, expires
after an hour and can be answered once.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from django.core import signing
from django.core.cache import cache
from django.utils.translation import gettext as _

SALT = "ratusz.messenger.challenge"
MAX_AGE = 3600
_WORDS = [
    "zero", "jeden", "dwa", "trzy", "cztery", "pięć", "sześć", "siedem", "osiem",
    "dziewięć", "dziesięć", "jedenaście", "dwanaście", "trzynaście", "czternaście",
    "piętnaście", "szesnaście", "siedemnaście", "osiemnaście",
]  # fmt: skip


@dataclass(frozen=True)
class Challenge:
    token: str
    question: str


def new() -> Challenge:
    a, b = 1 + secrets.randbelow(9), 1 + secrets.randbelow(9)
    token = signing.dumps({"a": a, "b": b, "n": secrets.token_hex(8)}, salt=SALT)
    question = _("Ile to jest %(a)s plus %(b)s? Wpisz wynik cyframi lub słownie.") % {
        "a": _WORDS[a],
        "b": _WORDS[b],
    }
    return Challenge(token, question)


def _as_number(answer: str) -> int | None:
    answer = answer.strip().lower()
    if answer.isascii() and answer.isdigit() and len(answer) < 4:
        return int(answer)
    return _WORDS.index(answer) if answer in _WORDS else None


def passed(token: str, answer: str) -> bool:
    """True once for a right answer to an unexpired question."""
    try:
        data = signing.loads(token or "", salt=SALT, max_age=MAX_AGE)
    except signing.BadSignature:
        return False
    if _as_number(answer or "") != data["a"] + data["b"]:
        return False
    # One use per question: a solved one cannot be replayed by a script.
    return cache.add(f"messenger:challenge:{data['n']}", 1, timeout=MAX_AGE)
