"""Messages from outside: inbound e-mail and Facebook Messenger webhooks.

1. The door (the SMTP server, `receive_email`, the webhook view) stores the
   raw event as an `InboundEvent` (provider id unique: a redelivery is
   dropped there) and answers at once; on commit the worker is woken.
2. The worker (`process_inbound_event`) turns the event into a message in
   the right conversation — `services.receive` / `open_conversation` with
   the provider's id, so even a second event carrying the same message is
   stored once — and marks the event done or failed (with a reason).
3. `process_pending_inbound` (every minute) picks up events whose wake-up
   was lost; `purge_inbound_events` (hourly) deletes processed raw events
   after `MESSENGER_INBOUND_RETENTION_DAYS` (30): they hold personal data.

E-mail threading, first match wins (the From header proves nothing: anyone
can write any address there):
1. the reply-only token in a plus-address (`sprawa+<reply token>@…`, the
   Reply-To of our notifications; 256 random bits, never the page token);
2. In-Reply-To / References naming one of our notification Message-IDs whose
   HMAC signature holds (`notifications.signed_conversation`), and only when
   the sender is the conversation's address. Unsigned ids (an older format,
   a resident's own earlier e-mail) and forged ones never thread;
3. otherwise a new conversation, for mail to a gmina's inbox address
   (`napisz@<hostname>` or the gmina's own e-mail once confirmed by the link
   sent to it; an address naming several gminas is refused) or to a
   plus-address that
   matches no reply token: an old Reply-To (it carried the page token; that
   conversation's gmina), a rotated token or a typo (the gmina of the
   address's domain). So a resident's mail is never lost, and never lands in
   a conversation it cannot prove it belongs to.
Anything else, and automatic mail (auto-replies, bounces), is dropped with a
log line.
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import re
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from ratusz.gminas.models import Gmina
from ratusz.lib import inbound_mail

from . import networks, notifications, services
from .models import MAX_MESSAGE_CHARS, Conversation, InboundEvent, Message

logger = logging.getLogger(__name__)

PENDING_GRACE = timedelta(minutes=1)
_TOKEN = re.compile(r"[A-Za-z0-9_-]{20,64}")


class Unprocessable(Exception):
    """An event that can never be processed (the reason is stored)."""


# The door ------------------------------------------------------------------


def _store(source: str, external_id: str, payload: str) -> InboundEvent | None:
    """A new raw event, or None when it is a redelivery."""
    try:
        with transaction.atomic():
            event = InboundEvent.objects.create(
                source=source, external_id=external_id[:300], payload=payload
            )
    except IntegrityError:
        logger.info("inbound %s %s: a duplicate, dropped", source, external_id)
        return None
    transaction.on_commit(lambda: process_inbound_event(event.pk))
    return event


@transaction.atomic
def store_email(raw: bytes, envelope_to=(), mail_from: str = "") -> InboundEvent | None:
    """Keep a raw e-mail for the worker; None for a duplicate (or too big)."""
    if len(raw) > inbound_mail.MAX_BYTES:
        logger.warning("inbound e-mail of %s bytes dropped: too big", len(raw))
        return None
    found = inbound_mail.message_ids(_header_value(raw, b"message-id")) or [
        f"<sha256-{hashlib.sha256(raw).hexdigest()}@ratusz.invalid>"
    ]
    payload = json.dumps(
        {
            "envelope_to": [str(a)[:254] for a in envelope_to][:50],
            "mail_from": str(mail_from)[:254],
            "raw": base64.b64encode(raw).decode("ascii"),
        }
    )
    return _store(InboundEvent.Source.EMAIL, found[0], payload)


def _header_value(raw: bytes, name: bytes) -> str:
    """One header's raw value from the header block (enough for Message-ID)."""
    head = raw.split(b"\r\n\r\n", 1)[0].split(b"\n\n", 1)[0]
    lines = head.replace(b"\r\n", b"\n").split(b"\n")
    for index, line in enumerate(lines):
        key, sep, value = line.partition(b":")
        if sep and key.strip().lower() == name:
            for more in lines[index + 1 :]:
                if more[:1] not in (b" ", b"\t"):
                    break
                value += more
            return value.decode("ascii", "replace")
    return ""


def accepts_address(address: str) -> bool:
    """Whether mail to `address` is ours to take (the SMTP server's RCPT)."""
    address = (address or "").strip()
    if _token_in(address):
        return True
    try:
        return _inbox_gmina([address]) is not None
    except AmbiguousInbox:
        return False


@transaction.atomic
def store_facebook(body: dict) -> int:
    """One raw event per messaging event of a (verified) webhook body.

    Delivery and read receipts and echoes of the Page's own messages are not
    kept. Returns how many new events were stored.
    """
    stored = 0
    if not isinstance(body, dict) or body.get("object") != "page":
        return 0
    for entry in body.get("entry") or []:
        if not isinstance(entry, dict):
            continue
        page_id = str(entry.get("id") or "")
        for event in entry.get("messaging") or []:
            if not isinstance(event, dict) or not _worth_keeping(event):
                continue
            item = event.get("message") or event.get("postback") or {}
            mid = str(item.get("mid") or "")
            if not mid:
                digest = hashlib.sha256(
                    json.dumps(event, sort_keys=True).encode()
                ).hexdigest()
                mid = f"sha256:{digest}"
            payload = json.dumps({"page_id": page_id, "event": event})
            if _store(InboundEvent.Source.FACEBOOK, mid, payload) is not None:
                stored += 1
    return stored


def _worth_keeping(event: dict) -> bool:
    message = event.get("message")
    if isinstance(message, dict):
        return not message.get("is_echo")
    return isinstance(event.get("postback"), dict)


# The worker ----------------------------------------------------------------


def process_event(pk: int) -> str | None:
    """Turn one pending event into messages; return its final state."""
    with transaction.atomic():
        event = (
            InboundEvent.objects.select_for_update()
            .filter(pk=pk, state=InboundEvent.State.PENDING)
            .first()
        )
        if event is None:  # done already, or purged
            return None
        handler = _email if event.source == InboundEvent.Source.EMAIL else _facebook
        try:
            with transaction.atomic():
                note = handler(event) or ""
            event.state, event.error = InboundEvent.State.DONE, note
        except Unprocessable as error:
            logger.warning("inbound event %s not processed: %s", pk, error)
            event.state, event.error = InboundEvent.State.FAILED, str(error)
        except Exception as error:
            logger.exception("inbound event %s failed", pk)
            event.state = InboundEvent.State.FAILED
            event.error = f"Nieoczekiwany błąd: {type(error).__name__}"
        event.processed_at = timezone.now()
        event.save(update_fields=["state", "error", "processed_at", "gmina"])
        return event.state


def _fit(text: str) -> str:
    if len(text) <= MAX_MESSAGE_CHARS:
        return text
    return text[: MAX_MESSAGE_CHARS - 40].rstrip() + "\n\n[… wiadomość skrócona]"


# E-mail


def _token_in(address: str) -> str:
    local = address.partition("@")[0]
    prefix = settings.MESSENGER_REPLY_LOCALPART.lower() + "+"
    if not local.lower().startswith(prefix):
        return ""
    # Local parts are case-insensitive in practice, tokens are not: the
    # token is taken from the address as written.
    token = address[len(prefix) :].partition("@")[0]
    return token if _TOKEN.fullmatch(token) else ""


class AmbiguousInbox(Exception):
    """An address that names several gminas' inboxes: mail to it goes nowhere."""


def _inbox_gminas(address: str) -> list[Gmina]:
    """The gminas (at most two, enough to tell) whose inbox `address` is."""
    local, _, domain = address.strip().lower().partition("@")
    if not domain:
        return []
    # napisz@<hostname>, or the e-mail address the gmina confirmed by its link
    # (never one only typed into the settings: see gminas.services.email_changed).
    named = Q(inbound_email__iexact=address.strip())
    if local == settings.MESSENGER_INBOX_LOCALPART.lower():
        named |= Q(site__hostname__iexact=domain)
    return list(Gmina.objects.filter(named).order_by("pk")[:2])


def _inbox_gmina(addresses) -> Gmina | None:
    """The one gmina whose inbox the mail was sent to (None: no inbox).

    Raises AmbiguousInbox when an address names more than one gmina (sites
    sharing a host name on different ports): the mail is refused, never
    given to whichever the database lists first.
    """
    found = None
    for address in addresses:
        gminas = _inbox_gminas(address)
        if len(gminas) > 1:
            logger.warning(
                "inbound e-mail to %r refused: it names gminas %s",
                address,
                [g.pk for g in gminas],
            )
            raise AmbiguousInbox(address)
        if gminas and found is None:
            found = gminas[0]
    return found


def _by_token(recipients: list[str]) -> Conversation | None:
    for address in recipients:
        token = _token_in(address.strip())
        if token:
            found = Conversation.objects.filter(reply_token=token).first()
            if found is not None:
                return found
    return None


def _by_thread(parsed) -> Conversation | None:
    """The conversation a signed Message-ID of ours in In-Reply-To/References
    names, if the sender is its resident."""
    for mid in parsed.in_reply_to + parsed.references[::-1]:
        conversation = notifications.signed_conversation(mid)
        if conversation is None:
            continue
        if parsed.sender and parsed.sender == conversation.resident_email.lower():
            return conversation
        logger.info("In-Reply-To names %s but the sender is someone else", mid)
    return None


def _unmatched_reply_gmina(recipients: list[str]) -> Gmina | None:
    """The gmina of a plus-address whose token is no (longer a) reply token.

    An e-mail sent before reply tokens existed has the page token there: it
    names the gmina, nothing more. Otherwise the address's domain may be a
    gmina's site."""
    for address in recipients:
        token = _token_in(address.strip())
        if not token:
            continue
        legacy = (
            Conversation.objects.filter(token=token).select_related("gmina").first()
        )
        if legacy is not None:
            return legacy.gmina
        domain = address.strip().rpartition("@")[2]
        gmina = Gmina.objects.filter(site__hostname__iexact=domain).first()
        if gmina is not None:
            return gmina
    return None


def _email(event: InboundEvent) -> str:
    data = json.loads(event.payload)
    raw = base64.b64decode(data["raw"])
    envelope_to = [str(a) for a in data.get("envelope_to") or []]
    parsed = inbound_mail.parse(raw, envelope_to)
    if parsed.automatic:
        logger.info("inbound e-mail %s dropped: automatic", event.external_id)
        return "Pominięto: wiadomość automatyczna (autoodpowiedź, zwrotka)."
    body = parsed.text
    if parsed.attachments:
        names = ", ".join(parsed.attachments[:10])
        body = (body + "\n\n" if body else "") + (
            f"[Do e-maila dołączono pliki ({names}); nie zostały zapisane.]"
        )
    if not body.strip():
        return "Pominięto: pusta wiadomość."
    body = _fit(body)
    conversation = _by_token(parsed.recipients) or _by_thread(parsed)
    if conversation is not None:
        event.gmina_id = conversation.gmina_id
        message, created = services.receive(
            conversation,
            body,
            channel=Message.Channel.EMAIL,
            external_id=event.external_id,
        )
        if created and parsed.attachments:
            _attachment_note(conversation)
        return ""
    try:
        gmina = _inbox_gmina(parsed.recipients) or _unmatched_reply_gmina(
            parsed.recipients
        )
    except AmbiguousInbox as error:
        raise Unprocessable(
            f"Adres {str(error)[:254]} pasuje do skrzynek kilku gmin; wiadomości "
            "nie przekazano żadnej."
        ) from None
    if gmina is None:
        logger.info("inbound e-mail %s matches nothing: dropped", event.external_id)
        return "Pominięto: adres nie pasuje do żadnej rozmowy ani skrzynki gminy."
    try:
        validate_email(parsed.sender)
    except ValidationError:
        raise Unprocessable("Nieprawidłowy adres nadawcy.") from None
    event.gmina = gmina
    conversation, _, created = services.open_conversation(
        gmina,
        body=body,
        source=Conversation.Source.EMAIL,
        channel=Message.Channel.EMAIL,
        resident_name=parsed.sender_name,
        resident_email=parsed.sender,
        # Whoever writes by e-mail expects the answer by e-mail.
        notify=Conversation.Notify.EMAIL,
        consent_version="e-mail od mieszkańca",
        external_id=event.external_id,
        conversation_external_id=event.external_id,
    )
    if created and parsed.attachments:
        _attachment_note(conversation)
    return ""


def _attachment_note(conversation: Conversation) -> None:
    services.add_system_message(
        conversation,
        "Załączniki wysłane e-mailem nie są zapisywane. Zdjęcie lub PDF możesz "
        f"dodać na stronie rozmowy: {notifications.conversation_url(conversation)}",
    )


# Facebook Messenger


ATTACHMENT_KINDS = {
    "image": "zdjęcie",
    "video": "film",
    "audio": "nagranie głosowe",
    "file": "plik",
    "location": "lokalizację",
    "fallback": "link",
    "sticker": "naklejkę",
}


def _event_time(event: dict):
    now = timezone.now()
    try:
        when = datetime.fromtimestamp(int(event["timestamp"]) / 1000, tz=UTC)
    except (KeyError, TypeError, ValueError, OverflowError, OSError):
        return now
    # A webhook is not older than Facebook's retries, nor from the future.
    return min(max(when, now - timedelta(days=7)), now)


def facebook_text(event: dict) -> str:
    if isinstance(event.get("postback"), dict):
        return str(event["postback"].get("title") or event["postback"].get("payload"))
    message = event.get("message") or {}
    parts = []
    if message.get("text"):
        parts.append(str(message["text"]))
    for attachment in message.get("attachments") or []:
        if not isinstance(attachment, dict):
            continue
        kind = ATTACHMENT_KINDS.get(str(attachment.get("type")), "załącznik")
        payload = attachment.get("payload") or {}
        url = str(payload.get("url") or "") if isinstance(payload, dict) else ""
        # The URL is shown as text; nothing is fetched from it.
        line = f"[Mieszkaniec wysłał {kind}"
        if url.startswith("https://"):
            line += f": {url[:500]}"
        parts.append(line + "]")
    return "\n".join(parts)


def _facebook(event: InboundEvent) -> str:
    data = json.loads(event.payload)
    page_id, messaging = str(data.get("page_id") or ""), data.get("event") or {}
    facebook = networks.network(Conversation.Source.FACEBOOK)
    if facebook is None:
        raise Unprocessable("Integracja z Facebookiem nie jest zainstalowana.")
    # Exactly one gmina, or nobody: a Page id matching several gminas (rows
    # saved before ids were unique) must not pick one of them.
    owners = facebook.page_owners(page_id) if page_id else []
    if len(owners) != 1:
        logger.warning(
            "Messenger event %s for page %r refused: %s gminas have that page",
            event.external_id,
            page_id,
            len(owners) or "no",
        )
        if owners:
            raise Unprocessable(
                f"Strona o identyfikatorze {page_id} jest przypisana do kilku gmin; "
                "wiadomość nie została nikomu przekazana."
            )
        raise Unprocessable(f"Żadna gmina nie ma strony o identyfikatorze {page_id}.")
    gmina = owners[0]
    event.gmina = gmina
    psid = str((messaging.get("sender") or {}).get("id") or "")
    message = messaging.get("message") or {}
    if not psid or psid == page_id or message.get("is_echo"):
        return "Pominięto: echo wiadomości strony."
    text = facebook_text(messaging).strip()
    if not text:
        return "Pominięto: zdarzenie bez treści."
    when = _event_time(messaging)
    conversation = (
        Conversation.objects.for_gmina(gmina)
        .open()
        .filter(source=Conversation.Source.FACEBOOK, external_id=psid)
        .order_by("-last_message_at")
        .first()
    )
    if conversation is not None:
        services.receive(
            conversation,
            _fit(text),
            channel=Message.Channel.FACEBOOK,
            external_id=event.external_id,
            now=when,
        )
    else:
        services.open_conversation(
            gmina,
            body=_fit(text),
            source=Conversation.Source.FACEBOOK,
            channel=Message.Channel.FACEBOOK,
            external_id=event.external_id,
            conversation_external_id=psid,
            now=when,
        )
    return ""


# Huey ----------------------------------------------------------------------


@db_task()
def process_inbound_event(pk: int):
    process_event(pk)


def process_pending(now=None) -> int:
    """Events nobody woke the worker for (a lost wake-up); returns how many."""
    now = now or timezone.now()
    ids = list(
        InboundEvent.objects.filter(
            state=InboundEvent.State.PENDING, received_at__lte=now - PENDING_GRACE
        )
        .order_by("pk")
        .values_list("pk", flat=True)[:200]
    )
    for pk in ids:
        process_event(pk)
    return len(ids)


def purge(now=None) -> int:
    """Delete processed raw events older than the retention; returns how many."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.MESSENGER_INBOUND_RETENTION_DAYS)
    deleted, _ = (
        InboundEvent.objects.exclude(state=InboundEvent.State.PENDING)
        .filter(received_at__lt=cutoff)
        .delete()
    )
    return deleted


@db_periodic_task(crontab(minute="*"))
def process_pending_inbound():
    process_pending()


@db_periodic_task(crontab(minute="17"))
def purge_inbound_events():
    purge()
