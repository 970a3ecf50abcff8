"""The visitor key: hash(daily salt, gmina, IP, User-Agent), the Plausible way.

The salt is 32 random bytes made on the day's first view and shared by every
process through the database; it is deleted once its day is over (by the
first flush of the next day and by the nightly roll-up), after which no key
of that day can be recomputed from an IP and a User-Agent. Processes keep
today's salt in memory and drop it when the day changes.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import date

from django.db import IntegrityError, transaction

from .models import DailySalt

SALT_BYTES = 32

_salts: dict[date, bytes] = {}


def salt_for(day: date) -> bytes:
    """The salt of `day` (today), made once per day across processes."""
    salt = _salts.get(day)
    if salt is not None:
        return salt
    _salts.clear()
    # Yesterday's salt goes as soon as anyone counts today.
    DailySalt.objects.filter(day__lt=day).delete()
    row = DailySalt.objects.filter(day=day).first()
    if row is None:
        try:
            with transaction.atomic():
                row = DailySalt.objects.create(
                    day=day, salt=secrets.token_bytes(SALT_BYTES)
                )
        except IntegrityError:
            # Another process made it first: use theirs.
            row = DailySalt.objects.get(day=day)
    salt = _salts[day] = bytes(row.salt)
    return salt


def forget_salts() -> None:
    """Drop salts held in this process (the day changed, or a test)."""
    _salts.clear()


def visitor_key(salt: bytes, gmina_id: int, ip: str, user_agent: str) -> str:
    digest = hashlib.blake2b(
        f"{gmina_id}\x00{ip}\x00{user_agent}".encode("utf-8", "replace"),
        key=salt[:64],
        digest_size=16,
    )
    return digest.hexdigest()
