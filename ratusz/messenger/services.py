"""The messenger's business rules: opening a conversation, a resident's
message, a staff reply or note, "send later", and catching up.

Every change is committed before anyone is told (the caller's response, the
live event on commit), and retries are harmless: a message carrying a
`client_id` (from the sender's browser) or an `external_id` (from a
provider) is stored once, and a retry returns the stored one.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from ratusz.lib import live

from . import signals
from .models import (
    CASE_PREFIX,
    MAX_MESSAGE_CHARS,
    MAX_NAME_CHARS,
    Attachment,
    CaseCounter,
    Conversation,
    Message,
    new_token,
)

SUBJECT_CHARS = 120
_CLIENT_ID = re.compile(r"[A-Za-z0-9_-]{8,64}")
# Control and formatting characters (but line breaks and tabs) that have no
# business in a message: bidi overrides, zero-width tricks, NULs.
_UNWANTED = {"Cc", "Cf", "Co", "Cs", "Cn"}
_KEEP = {"\n", "\t"}


def inbox_group(gmina_id: int) -> str:
    return live.group_name("inbox", gmina_id)


def conversation_group(conversation_id: int) -> str:
    return live.group_name("conversation", conversation_id)


def clean_text(text: str, *, max_chars: int, field: str = "Wiadomość") -> str:
    """Normalized text, or a Polish ValidationError a form can show."""
    text = unicodedata.normalize("NFC", text or "").replace("\r\n", "\n")
    text = "".join(
        ch
        for ch in text
        if ch in _KEEP
        or unicodedata.category(ch) not in _UNWANTED
        # Keep the zero-width joiner: emoji sequences need it.
        or ch == "\u200d"
    )
    text = re.sub(r"\n{3,}", "\n\n", text).strip()
    if not text:
        raise ValidationError(f"{field}: pole nie może być puste.", code="required")
    if len(text) > max_chars:
        raise ValidationError(
            f"{field}: najwyżej {max_chars} znaków (jest {len(text)}).",
            code="max_length",
        )
    return text


def clean_name(name: str) -> str:
    if not (name or "").strip():
        return ""
    return clean_text(name, max_chars=MAX_NAME_CHARS, field="Imię i nazwisko").replace(
        "\n", " "
    )


def valid_client_id(raw) -> str | None:
    """The browser's id of a submit, if it looks like one; anything else is ignored."""
    if isinstance(raw, str) and _CLIENT_ID.fullmatch(raw):
        return raw
    return None


def subject_from(body: str) -> str:
    first_line = body.strip().splitlines()[0] if body.strip() else ""
    if len(first_line) <= SUBJECT_CHARS:
        return first_line
    return first_line[: SUBJECT_CHARS - 1].rstrip() + "…"


def lock_conversation(conversation_id: int) -> None:
    """Call before adding a message to an existing conversation.

    The conversation's writers take turns until they commit, so its message
    ids become visible in the order they were given: the resident's page
    and the staff's conversation view catch up with "everything after the
    last id I saw" and cannot skip one. A retried submit, waiting here,
    then finds the message its twin stored. The gmina-wide order the inbox
    needs is `Message.seq`, given at commit by the database (migration
    messenger 0002), so writers of different conversations never wait for
    each other.
    """
    list(
        Conversation.objects.select_for_update(no_key=True)
        .filter(pk=conversation_id)
        .values_list("pk", flat=True)
    )


def next_case_number(gmina, year: int) -> int:
    """The next number of the gmina's year, inside the caller's transaction."""
    counter, _ = CaseCounter.objects.select_for_update().get_or_create(
        gmina=gmina, year=year
    )
    CaseCounter.objects.filter(pk=counter.pk).update(last=F("last") + 1)
    counter.refresh_from_db(fields=["last"])
    return counter.last


def case_reference(year: int, number: int) -> str:
    return f"{CASE_PREFIX}/{year}/{number:06d}"


# "RZ/2026/000123" anywhere in a text, however spaced or cased ("rz 2026/123").
_CASE_REFERENCE = re.compile(
    rf"(?<![\w/]){CASE_PREFIX}\s*[/ ]\s*(\d{{4}})\s*/\s*(\d{{1,9}})(?![\w/])",
    re.IGNORECASE,
)


def find_case_reference(text: str) -> tuple[int, int] | None:
    """The (year, number) of the first case reference in `text`, or None."""
    match = _CASE_REFERENCE.search(text or "")
    if match is None:
        return None
    return int(match.group(1)), int(match.group(2))


@transaction.atomic
def open_conversation(
    gmina,
    *,
    body: str,
    source: str = Conversation.Source.WEB,
    channel: str = Message.Channel.WEB,
    resident_name: str = "",
    resident_email: str = "",
    resident_phone: str = "",
    notify: str = Conversation.Notify.NONE,
    consent_version: str = "",
    client_id: str | None = None,
    external_id: str | None = None,
    conversation_external_id: str = "",
    created_by=None,
    category=None,
    village=None,
    subject: str = "",
    now=None,
) -> tuple[Conversation, Message, bool]:
    """A new conversation with the resident's first message.

    Returns (conversation, message, created). A retried submit (same
    `client_id` within this gmina) returns the conversation it created.
    The subject is the body's first line unless the caller names one (a
    form about one thing, e.g. a fault report from an item's label).
    """
    now = now or timezone.now()
    body = clean_text(body, max_chars=MAX_MESSAGE_CHARS)
    client_id = valid_client_id(client_id)
    # The gmina's new conversations take turns on the year's case counter,
    # so a retried submit waits here and then finds what its twin opened.
    CaseCounter.objects.select_for_update().get_or_create(gmina=gmina, year=now.year)
    if client_id:
        earlier = (
            Message.objects.filter(
                conversation__gmina=gmina,
                client_id=client_id,
                author=Message.Author.RESIDENT,
            )
            .select_related("conversation")
            .first()
        )
        if earlier is not None:
            return earlier.conversation, earlier, False
    number = next_case_number(gmina, now.year)
    conversation = Conversation.objects.create(
        gmina=gmina,
        year=now.year,
        number=number,
        reference=case_reference(now.year, number),
        source=source,
        subject=subject[:SUBJECT_CHARS] or subject_from(body),
        resident_name=clean_name(resident_name),
        resident_email=resident_email.strip(),
        resident_phone=resident_phone.strip(),
        notify=notify,
        notify_consent_at=now if notify else None,
        notify_consent_version=consent_version if notify else "",
        external_id=conversation_external_id,
        created_by=created_by,
        category=category,
        village=village,
        created_at=now,
        last_message_at=now,
        last_resident_message_at=now,
    )
    message = Message.objects.create(
        conversation=conversation,
        author=Message.Author.RESIDENT,
        channel=channel,
        body=body,
        client_id=client_id,
        external_id=external_id or None,
        created_at=now,
        published_at=now,
    )
    _announce(conversation, message)
    signals.resident_wrote.send(
        sender=Conversation, conversation=conversation, message=message, created=True
    )
    return conversation, message, True


def receive(
    conversation: Conversation,
    body: str,
    *,
    channel: str = Message.Channel.WEB,
    client_id: str | None = None,
    external_id: str | None = None,
    now=None,
) -> tuple[Message, bool]:
    """A resident's message in an existing conversation: (message, created).

    A resolved or waiting conversation opens again: the resident has more
    to say.
    """
    now = now or timezone.now()
    body = clean_text(body, max_chars=MAX_MESSAGE_CHARS)
    client_id = valid_client_id(client_id)
    try:
        with transaction.atomic():
            lock_conversation(conversation.pk)
            # A retried submit finds its twin here (it committed before the
            # lock let us in).
            earlier = _earlier(conversation, client_id, channel, external_id)
            if earlier is not None:
                return earlier, False
            changes = {
                "status": Conversation.Status.OPEN,
                "resolved_at": None,
                "last_message_at": now,
                "last_resident_message_at": now,
            }
            Conversation.objects.filter(pk=conversation.pk).update(**changes)
            for field, value in changes.items():
                setattr(conversation, field, value)
            message = Message.objects.create(
                conversation=conversation,
                author=Message.Author.RESIDENT,
                channel=channel,
                body=body,
                client_id=client_id,
                external_id=external_id or None,
                created_at=now,
                published_at=now,
            )
            _announce(conversation, message)
            signals.resident_wrote.send(
                sender=Conversation,
                conversation=conversation,
                message=message,
                created=False,
            )
    except IntegrityError:
        # Two retries raced past the lookup: the other one stored it.
        earlier = _earlier(conversation, client_id, channel, external_id)
        if earlier is None:
            raise
        return earlier, False
    return message, True


def _earlier(conversation, client_id, channel, external_id) -> Message | None:
    if client_id:
        found = Message.objects.filter(
            conversation=conversation, client_id=client_id
        ).first()
        if found is not None:
            return found
    if external_id:
        return Message.objects.filter(channel=channel, external_id=external_id).first()
    return None


@transaction.atomic
def reply(
    conversation: Conversation,
    user,
    body: str,
    *,
    send_at=None,
    client_id: str | None = None,
    now=None,
) -> tuple[Message, bool]:
    """A staff reply: visible to the resident now, or at `send_at` (later)."""
    now = now or timezone.now()
    body = clean_text(body, max_chars=MAX_MESSAGE_CHARS, field="Odpowiedź")
    client_id = valid_client_id(client_id)
    lock_conversation(conversation.pk)
    earlier = _earlier(conversation, client_id, Message.Channel.STAFF, None)
    if earlier is not None:
        return earlier, False
    if send_at is not None and send_at <= now:
        send_at = None
    if send_at is None:
        _mark_replied(conversation, now)
    message = Message.objects.create(
        conversation=conversation,
        author=Message.Author.STAFF,
        staff_user=user,
        channel=Message.Channel.STAFF,
        body=body,
        client_id=client_id,
        created_at=now,
        send_at=send_at,
        published_at=now if send_at is None else None,
    )
    if send_at is None:
        _replied(conversation, message)
    else:
        _announce(conversation, message, to_resident=False)
    return message, True


@transaction.atomic
def add_note(conversation: Conversation, user, body: str, *, now=None) -> Message:
    """An internal note: staff see it, the resident never does."""
    now = now or timezone.now()
    body = clean_text(body, max_chars=MAX_MESSAGE_CHARS, field="Notatka")
    lock_conversation(conversation.pk)
    message = Message.objects.create(
        conversation=conversation,
        author=Message.Author.STAFF,
        staff_user=user,
        channel=Message.Channel.STAFF,
        body=body,
        internal=True,
        created_at=now,
        published_at=now,
    )
    _announce(conversation, message, to_resident=False)
    return message


@transaction.atomic
def add_system_message(conversation: Conversation, body: str, *, now=None) -> Message:
    """An automatic reply (office hours); it is not a staff response."""
    now = now or timezone.now()
    lock_conversation(conversation.pk)
    message = Message.objects.create(
        conversation=conversation,
        author=Message.Author.SYSTEM,
        channel=Message.Channel.STAFF,
        body=body,
        created_at=now,
        published_at=now,
    )
    _announce(conversation, message)
    return message


def _mark_replied(conversation: Conversation, now) -> None:
    """The conversation's side of a reply the resident sees from `now`."""
    # Under the conversation's lock (the caller took it): what is read here
    # stays true until the commit.
    conversation.refresh_from_db()
    changes = {"last_message_at": now}
    if conversation.status == Conversation.Status.OPEN:
        changes["status"] = Conversation.Status.WAITING
    if conversation.first_response_at is None:
        changes["first_response_at"] = now
    Conversation.objects.filter(pk=conversation.pk).update(**changes)
    for field, value in changes.items():
        setattr(conversation, field, value)


def _replied(conversation: Conversation, message: Message) -> None:
    _announce(conversation, message)
    signals.staff_replied.send(
        sender=Conversation, conversation=conversation, message=message
    )


def publish_due_replies(now=None) -> int:
    """Release "send later" replies whose time has come (a periodic job)."""
    now = now or timezone.now()
    released = 0
    due = (
        Message.objects.filter(
            published_at__isnull=True, send_at__isnull=False, send_at__lte=now
        )
        .order_by("send_at", "pk")
        .values_list("pk", "conversation_id")
    )
    for pk, conversation_id in list(due[:500]):
        with transaction.atomic():
            lock_conversation(conversation_id)
            message = (
                Message.objects.select_for_update()
                .select_related("conversation")
                .filter(pk=pk, published_at__isnull=True)
                .first()
            )
            if message is None:  # another worker released it, or staff withdrew it
                continue
            _mark_replied(message.conversation, now)
            released_message = _as_new_message(message, now)
            _replied(message.conversation, released_message)
            released += 1
    return released


def _as_new_message(draft: Message, now) -> Message:
    """The scheduled reply as a new row, with the draft's attachments.

    Its id must come after everything the resident has seen by now: a page
    catching up "after the last id" would never show a reply that goes out
    under the id it was given when it was written, hours ago.
    """
    client_id = draft.client_id
    # The client id is unique per conversation: the draft lets go of it first.
    Message.objects.filter(pk=draft.pk).update(client_id=None)
    released = Message.objects.create(
        conversation=draft.conversation,
        author=draft.author,
        staff_user_id=draft.staff_user_id,
        channel=draft.channel,
        body=draft.body,
        internal=draft.internal,
        client_id=client_id,
        created_at=draft.created_at,
        send_at=draft.send_at,
        published_at=now,
    )
    Attachment.objects.filter(message_id=draft.pk).update(message=released)
    Message.objects.filter(pk=draft.pk).delete()
    return released


@transaction.atomic
def cancel_scheduled(message: Message) -> bool:
    """Withdraw a "send later" reply that has not gone out yet."""
    deleted, _ = Message.objects.filter(
        pk=message.pk, published_at__isnull=True, send_at__isnull=False
    ).delete()
    if deleted:
        _announce(message.conversation, message, to_resident=False)
    return bool(deleted)


@transaction.atomic
def set_status(
    conversation: Conversation, status: str, *, resolved_in_chat=None, now=None
):
    now = now or timezone.now()
    conversation.status = status
    conversation.resolved_at = now if status == Conversation.Status.RESOLVED else None
    if resolved_in_chat is not None:
        conversation.resolved_in_chat = resolved_in_chat
    conversation.save(update_fields=["status", "resolved_at", "resolved_in_chat"])
    publish_changed(conversation)


@transaction.atomic
def assign_conversation(conversation: Conversation, assignee) -> None:
    """Name who handles the case (None: nobody); open pages refresh."""
    conversation.assignee = assignee
    conversation.save(update_fields=["assignee"])
    publish_changed(conversation)


@transaction.atomic
def categorise_conversation(conversation: Conversation, *, category, village) -> None:
    """Set the case's category and village (either may be None)."""
    conversation.category = category
    conversation.village = village
    conversation.save(update_fields=["category", "village"])
    publish_changed(conversation)


@transaction.atomic
def rotate_reply_token(conversation: Conversation, *, by) -> None:
    """A new reply-only e-mail token: the Reply-To addresses and Message-IDs
    of the e-mails sent so far stop adding to this conversation (a reply to
    them opens a new one). The next e-mail carries the new address."""
    lock_conversation(conversation.pk)
    conversation.reply_token = new_token()
    conversation.save(update_fields=["reply_token"])
    add_note(
        conversation,
        by,
        "Zmieniono adres do odpowiedzi e-mailem: odpowiedzi na wcześniejsze "
        "e-maile nie trafią już do tej sprawy.",
    )


def resident_messages(conversation: Conversation, after_id: int = 0):
    """What the resident sees, oldest first, after the last id they saw."""
    return (
        conversation.messages.filter(
            internal=False, published_at__isnull=False, pk__gt=after_id
        )
        .prefetch_related("attachments")
        .order_by("pk")
    )


def staff_messages(conversation: Conversation, after_id: int = 0):
    """What staff see: everything, including notes and scheduled replies."""
    return (
        conversation.messages.filter(pk__gt=after_id)
        .select_related("staff_user")
        .prefetch_related("attachments")
        .order_by("pk")
    )


def mark_seen_by_staff(conversation: Conversation, message_id: int) -> None:
    Conversation.objects.filter(
        pk=conversation.pk, staff_seen_message_id__lt=message_id
    ).update(staff_seen_message_id=message_id)


def mark_seen_by_resident(conversation: Conversation, message_id: int) -> None:
    Conversation.objects.filter(
        pk=conversation.pk, resident_seen_message_id__lt=message_id
    ).update(resident_seen_message_id=message_id)


def _announce(conversation: Conversation, message: Message, *, to_resident=True):
    events = [
        (
            inbox_group(conversation.gmina_id),
            {"conversation": conversation.pk, "message": message.pk},
        )
    ]
    if to_resident:
        events.append((conversation_group(conversation.pk), {"message": message.pk}))
    live.publish_many(*events)


def publish_changed(conversation: Conversation) -> None:
    """Tell the inbox and the conversation's pages that it changed (status,
    assignee, category), once the transaction commits."""
    live.publish_many(
        (inbox_group(conversation.gmina_id), {"conversation": conversation.pk}),
        (conversation_group(conversation.pk), {"conversation": conversation.pk}),
    )


def resident_limit_reached(
    conversation, client_id: str | None, with_attachment: bool
) -> str | None:
    """Why a resident cannot add to this conversation now (None: they can).

    A retry of a message already stored is never refused (it is answered
    with what was stored). Counted in the database, so every web process
    sees the same numbers.
    """
    now = timezone.now()
    mine = Message.objects.filter(
        conversation=conversation, author=Message.Author.RESIDENT
    )
    if client_id and mine.filter(client_id=client_id).exists():
        return None
    if (
        mine.filter(created_at__gte=now - timedelta(hours=1)).count()
        >= settings.MESSENGER_REPLIES_PER_HOUR
    ):
        return "replies"
    if with_attachment and (
        Attachment.objects.filter(
            message__in=mine, message__created_at__gte=now - timedelta(days=1)
        ).count()
        >= settings.MESSENGER_UPLOADS_PER_DAY
    ):
        return "uploads"
    return None
