"""Outgoing mail kept as files, for an installation with no SMTP server yet.

`make run` on a fresh machine has nowhere to send mail: rather than fail (and
tell a resident to check an inbox that will never get anything), the embedded
set-up writes every outgoing message as one `.eml` file into
`settings.EMAIL_FOLDER` (`var/mail/`). Staff read them in the admin ("Poczta
wychodząca (tryb demonstracyjny)"), a newcomer with any mail program. Setting
`EMAIL_HOST` switches to real SMTP.

Messages sent on behalf of a gmina carry `X-Ratusz-Gmina: <id>` (see
`gmina_headers`), so each gmina's staff see only their own.
"""

from __future__ import annotations

import os
import re
import secrets
import tempfile
from dataclasses import dataclass
from datetime import datetime
from email import message_from_bytes, policy
from email.message import EmailMessage
from email.utils import parsedate_to_datetime
from pathlib import Path

from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend
from django.utils import timezone

GMINA_HEADER = "X-Ratusz-Gmina"
# <UTC time with microseconds>-<random>.eml: sorts by time, cannot be guessed.
_NAME = re.compile(r"^\d{8}T\d{12}-[0-9a-f]{12}\.eml$")


def gmina_headers(gmina_id: int) -> dict[str, str]:
    """Headers that tie an outgoing message to the gmina it speaks for."""
    return {GMINA_HEADER: str(gmina_id)}


def folder() -> Path:
    return Path(settings.EMAIL_FOLDER)


class FolderEmailBackend(BaseEmailBackend):
    """Django e-mail backend: one file per message, written atomically."""

    def send_messages(self, email_messages):
        target = folder()
        target.mkdir(parents=True, exist_ok=True)
        sent = 0
        for message in email_messages:
            if not message.recipients():
                continue
            stamp = timezone.now().strftime("%Y%m%dT%H%M%S%f")
            name = f"{stamp}-{secrets.token_hex(6)}.eml"
            data = message.message().as_bytes(linesep="\n")
            fd, temporary = tempfile.mkstemp(dir=target, prefix=".", suffix=".tmp")
            try:
                with os.fdopen(fd, "wb") as handle:
                    handle.write(data)
                os.chmod(temporary, 0o600)  # confirmation links are secrets
                os.replace(temporary, target / name)
            except BaseException:
                Path(temporary).unlink(missing_ok=True)
                raise
            sent += 1
        return sent


@dataclass
class KeptMessage:
    name: str
    date: datetime | None
    sender: str
    to: str
    subject: str
    gmina_id: int | None
    text: str = ""


def _read(path: Path, with_body: bool) -> KeptMessage:
    parsed: EmailMessage = message_from_bytes(path.read_bytes(), policy=policy.default)
    try:
        date = parsedate_to_datetime(parsed["Date"]) if parsed["Date"] else None
    except (TypeError, ValueError):
        date = None
    raw_gmina = str(parsed.get(GMINA_HEADER, "")).strip()
    text = ""
    if with_body:
        body = parsed.get_body(preferencelist=("plain", "html"))
        text = body.get_content() if body is not None else ""
    return KeptMessage(
        name=path.name,
        date=date,
        sender=str(parsed.get("From", "")),
        to=str(parsed.get("To", "")),
        subject=str(parsed.get("Subject", "")),
        gmina_id=int(raw_gmina) if raw_gmina.isdigit() else None,
        text=text,
    )


def kept_messages(gmina_ids: set[int] | None, limit: int = 200) -> list[KeptMessage]:
    """The newest kept messages; `gmina_ids` None means every message."""
    target = folder()
    if not target.is_dir():
        return []
    names = sorted((n for n in os.listdir(target) if _NAME.match(n)), reverse=True)
    found = []
    for name in names:
        message = _read(target / name, with_body=False)
        if gmina_ids is None or message.gmina_id in gmina_ids:
            found.append(message)
            if len(found) == limit:
                break
    return found


def kept_message(name: str, gmina_ids: set[int] | None) -> KeptMessage | None:
    """One message by its file name, if the caller may read it."""
    if not _NAME.match(name):
        return None
    path = folder() / name
    if not path.is_file():
        return None
    message = _read(path, with_body=True)
    if gmina_ids is not None and message.gmina_id not in gmina_ids:
        return None
    return message
