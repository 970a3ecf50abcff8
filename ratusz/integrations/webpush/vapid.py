"""The installation's VAPID key pair (RFC 8292) and the headers it signs.

Production sets `VAPID_PRIVATE_KEY` (PEM, DER or the raw 32-byte key,
base64url) and `VAPID_PUBLIC_KEY`; otherwise a key is generated once into
`settings.VAPID_KEY_FILE`. Browsers subscribe with the public key, so losing
or changing the private key ends every subscription: back it up.
"""

from __future__ import annotations

import os
import tempfile
import time
from email.utils import parseaddr
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

from cryptography.hazmat.primitives import serialization
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.test.signals import setting_changed
from py_vapid import Vapid, VapidException
from py_vapid.utils import b64urlencode

# A signature is reused for this long; push services reject an `exp` more
# than 24 h ahead (RFC 8292 § 2).
TOKEN_LIFETIME = 12 * 3600
TOKEN_RENEW_BEFORE = 3600


class Keys:
    def __init__(self, vapid: Vapid, subject: str):
        self.vapid = vapid
        self.subject = subject
        self.public_key = b64urlencode(
            vapid.public_key.public_bytes(
                serialization.Encoding.X962,
                serialization.PublicFormat.UncompressedPoint,
            )
        )
        self._signed: dict[str, tuple[float, str]] = {}

    def authorization(self, endpoint: str, now: float | None = None) -> str:
        """The `Authorization: vapid t=…, k=…` value for a push endpoint."""
        parts = urlsplit(endpoint)
        audience = f"{parts.scheme}://{parts.netloc}"
        now = time.time() if now is None else now
        expires, header = self._signed.get(audience, (0.0, ""))
        if expires - now < TOKEN_RENEW_BEFORE:
            expires = int(now) + TOKEN_LIFETIME
            claims = {"aud": audience, "sub": self.subject, "exp": expires}
            header = self.vapid.sign(claims)["Authorization"]
            self._signed[audience] = (expires, header)
        return header


def _subject() -> str:
    subject = settings.VAPID_SUBJECT
    if not subject:
        _, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
        subject = f"mailto:{address or 'ratusz@localhost'}"
    return subject


def _load(value: str) -> Vapid:
    value = value.strip()
    try:
        if "-----BEGIN" in value:
            return Vapid.from_pem(value.encode())
        return Vapid.from_string(value)
    except (VapidException, ValueError, TypeError) as error:
        raise ImproperlyConfigured(
            "VAPID_PRIVATE_KEY is not a P-256 private key (PEM, DER or raw, base64url)."
        ) from error


def _generated(path: Path) -> Vapid:
    """Load the key file, creating it first if there is none.

    The web server and the worker may both start without one: the key is
    written to a temporary file and linked into place, so the one that links
    second reads the first one's key instead of replacing it.
    """
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        vapid = Vapid()
        vapid.generate_keys()
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".vapid-")
        try:
            os.fchmod(fd, 0o600)
            os.write(fd, vapid.private_pem())
            os.close(fd)
            try:
                os.link(tmp, path)
            except FileExistsError:
                pass
        finally:
            os.unlink(tmp)
    return Vapid.from_pem(path.read_bytes())


@cache
def keys() -> Keys:
    """The key pair in use (read once per process)."""
    if settings.VAPID_PRIVATE_KEY:
        vapid = _load(settings.VAPID_PRIVATE_KEY)
    else:
        vapid = _generated(Path(settings.VAPID_KEY_FILE))
    result = Keys(vapid, _subject())
    expected = settings.VAPID_PUBLIC_KEY.strip().rstrip("=")
    if expected and expected != result.public_key:
        raise ImproperlyConfigured(
            "VAPID_PUBLIC_KEY does not belong to VAPID_PRIVATE_KEY."
        )
    return result


def _forget(*, setting, **kwargs):
    if setting.startswith("VAPID_") or setting == "DEFAULT_FROM_EMAIL":
        keys.cache_clear()


setting_changed.connect(_forget)
