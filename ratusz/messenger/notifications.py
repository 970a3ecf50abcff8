"""Telling residents about their conversation, through the outbox.

Three moments (two receivers of `messenger.signals`, one call from `hours`):

- a new conversation with an e-mail address and e-mail consent → "Twoja
  wiadomość dotarła — sprawa RZ/…" with the private link;
- the automatic reply outside office hours (`on_auto_reply`), for residents
  who wrote by e-mail or on Messenger: they never see the conversation page
  unless they open the link. An e-mail one says so (`Auto-Submitted:
  auto-replied`, RFC 3834) and answers the resident's e-mail in its thread;
  web-form residents see it on the page at once and get nothing more;
- a staff reply becomes visible → the resident's chosen channel: e-mail
  (Reply-To carries the conversation's reply-only token, so answering the
  e-mail lands in the same conversation; the Message-ID is signed, see
  `message_id`), SMS (a short note with the link; only with SMS
  consent) or, for conversations that came from Facebook, the Messenger Send
  API (`integrations.facebook.transport.ReplyTransport`).

Each is one `outbox.Delivery` (item `message:<id>`, recipient
`conversation:<id>`), planned in the transaction that stored the message:
exactly once or `unknown`, retries and pauses as for every delivery. The
composer below builds the message at send time from the conversation as it
is then: a resident who withdrew their address gets nothing.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.text import Truncator

from ratusz.outbox import services as outbox
from ratusz.outbox.models import Channel, Delivery
from ratusz.outbox.transports import Envelope

from .models import Conversation, Message

ITEM_KIND = "message"
# The outbox channel of Facebook Messenger replies (Send API).
MESSENGER_CHANNEL = "messenger"
# Facebook refuses longer texts (Send API: 2000 characters).
MESSENGER_TEXT_LIMIT = 2000
# How many earlier Message-IDs a notification names in References.
REFERENCES_KEPT = 10
_MESSAGE_ID = re.compile(r"<[^<>\s@]{1,200}@[^<>\s@]{1,200}>")
# <message-<message pk>.<conversation pk>.<signature>@host>
SIGNED_MESSAGE_ID = re.compile(
    r"<message-(\d{1,18})\.(\d{1,18})\.([0-9a-f]{32})@[^<>\s@]+>"
)
# Domain separation: this HMAC key serves nothing else.
MESSAGE_ID_SALT = "ratusz.messenger.notifications.message_id"


def recipient_key(conversation: Conversation) -> str:
    return f"conversation:{conversation.pk}"


def conversation_url(conversation: Conversation) -> str:
    """The resident's private link, as a full URL on the gmina's site."""
    # Polish, whatever language the worker or a request left active.
    with translation.override(settings.LANGUAGE_CODE):
        path = reverse("messenger-resident", args=[conversation.token])
    return conversation.gmina.absolute_url(path)


def mail_host(gmina) -> str:
    return gmina.site.hostname or "ratusz.localhost"


def reply_address(conversation: Conversation) -> str:
    """sprawa+<reply token>@<domain>: a reply to it lands in this conversation.

    The reply-only token, never the page token: whoever has the page link
    cannot write e-mails into the conversation as the resident."""
    domain = settings.MESSENGER_REPLY_DOMAIN or mail_host(conversation.gmina)
    local = settings.MESSENGER_REPLY_LOCALPART
    return f"{local}+{conversation.reply_token}@{domain}"


def _signature(message_pk: int, conversation: Conversation, secret=None) -> str:
    # The reply token is part of the signed value: rotating it revokes the
    # Message-IDs already sent as well.
    value = (
        f"{message_pk}.{conversation.pk}.{conversation.gmina_id}."
        f"{conversation.reply_token}"
    )
    mac = salted_hmac(MESSAGE_ID_SALT, value, secret=secret, algorithm="sha256")
    return mac.hexdigest()[:32]  # 128 bits


def message_id(message: Message, gmina) -> str:
    """Deterministic, so every attempt of a delivery carries the same id, and
    signed (HMAC of the message and its conversation), so a reply naming it
    in In-Reply-To/References proves its sender saw our e-mail."""
    conversation = message.conversation
    signature = _signature(message.pk, conversation)
    return f"<message-{message.pk}.{conversation.pk}.{signature}@{mail_host(gmina)}>"


def signed_conversation(mid: str) -> Conversation | None:
    """The conversation a Message-ID of ours names, if its signature holds.

    Unsigned (older) or forged ids give None."""
    found = SIGNED_MESSAGE_ID.fullmatch(mid or "")
    if not found:
        return None
    message_pk, conversation_pk, signature = found.groups()
    conversation = Conversation.objects.filter(
        pk=int(conversation_pk), messages__pk=int(message_pk)
    ).first()
    if conversation is None:
        return None
    keys = [settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS]
    if any(
        constant_time_compare(
            signature, _signature(int(message_pk), conversation, secret)
        )
        for secret in keys
    ):
        return conversation
    return None


def valid_message_id(value: str) -> str:
    value = (value or "").strip()
    return value if _MESSAGE_ID.fullmatch(value) else ""


# Planning ------------------------------------------------------------------


def channel_for_reply(conversation: Conversation) -> str | None:
    """Where the resident wants to hear about a reply (None: nowhere)."""
    if conversation.source == Conversation.Source.FACEBOOK:
        return MESSENGER_CHANNEL if conversation.external_id else None
    if conversation.notify == Conversation.Notify.EMAIL and conversation.resident_email:
        return Channel.EMAIL
    if (
        conversation.notify == Conversation.Notify.SMS
        and conversation.resident_phone
        and conversation.notify_consent_at
    ):
        return Channel.SMS
    return None


def plan(conversation: Conversation, message: Message, channel: str) -> None:
    """One delivery per message and channel; inside the caller's transaction."""
    outbox.enqueue(
        [
            Delivery(
                gmina_id=conversation.gmina_id,
                item=f"{ITEM_KIND}:{message.pk}",
                channel=channel,
                recipient=recipient_key(conversation),
            )
        ]
    )


def on_resident_wrote(sender, conversation, message, created=False, **kwargs):
    if not created or conversation.source == Conversation.Source.FACEBOOK:
        return
    if conversation.notify == Conversation.Notify.EMAIL and conversation.resident_email:
        plan(conversation, message, Channel.EMAIL)


# Residents who wrote from outside the site: the automatic reply goes back the
# way they came. Web-form residents read it on the page; no SMS for it.
AUTO_REPLY_SOURCES = {Conversation.Source.EMAIL, Conversation.Source.FACEBOOK}
AUTO_REPLY_CHANNELS = {Channel.EMAIL, MESSENGER_CHANNEL}


def on_auto_reply(conversation: Conversation, message: Message) -> None:
    """Send the office-hours automatic reply (a SYSTEM message just added by
    `hours.maybe_auto_reply`) to a resident who wrote by e-mail or on
    Messenger; inside the caller's transaction."""
    if message.author != Message.Author.SYSTEM or message.internal:
        return
    if conversation.source not in AUTO_REPLY_SOURCES:
        return
    channel = channel_for_reply(conversation)
    if channel in AUTO_REPLY_CHANNELS:
        plan(conversation, message, channel)


def on_staff_replied(sender, conversation, message, **kwargs):
    if message.internal:
        return
    channel = channel_for_reply(conversation)
    if channel:
        plan(conversation, message, channel)


# Composing (the outbox calls this at send time) ------------------------------


def compose(delivery: Delivery) -> Envelope | None:
    """The notification for one delivery; None when it no longer applies."""
    _, _, pk = delivery.item.partition(":")
    message = (
        Message.objects.select_related("conversation__gmina__site")
        .filter(pk=int(pk) if pk.isdigit() else 0)
        .first()
    )
    if message is None or not message.visible_to_resident:
        return None
    conversation = message.conversation
    if conversation.gmina_id != delivery.gmina_id:
        return None
    if delivery.channel == Channel.EMAIL:
        return _email(delivery, conversation, message)
    if delivery.channel == Channel.SMS:
        return _sms(conversation, message)
    if delivery.channel == MESSENGER_CHANNEL:
        return _messenger(conversation, message)
    return None


def _email(delivery, conversation: Conversation, message: Message):
    if conversation.notify != Conversation.Notify.EMAIL:
        return None
    address = conversation.resident_email
    if not address:
        return None
    gmina = conversation.gmina
    first = message.author == Message.Author.RESIDENT
    automatic = message.author == Message.Author.SYSTEM
    url = conversation_url(conversation)
    context = {
        "gmina": gmina,
        "conversation": conversation,
        "message": message,
        "url": url,
        "reply_address": reply_address(conversation),
    }
    name = "received" if first else "auto-reply" if automatic else "reply"
    subject = render_to_string(f"messenger/email/{name}-subject.txt", context)
    headers = {"Reply-To": context["reply_address"]}
    earlier = _thread(delivery, conversation)
    if automatic:
        # RFC 3834 3.1.5: an automatic reply answers the resident's e-mail
        # that caused it, whatever went out in between.
        answered = _answered_email(conversation, message)
        if answered:
            earlier = [mid for mid in earlier if mid != answered] + [answered]
    if earlier:
        headers["In-Reply-To"] = earlier[-1]
        headers["References"] = " ".join(earlier[-REFERENCES_KEPT:])
    if first:
        # RFC 3834: an automatic answer; vacation responders stay quiet.
        headers["Auto-Submitted"] = "auto-generated"
    elif automatic:
        headers["Auto-Submitted"] = "auto-replied"
    return Envelope(
        # One line, whatever a template does: no header can be smuggled in.
        subject=" ".join(subject.split()),
        text=render_to_string(f"messenger/email/{name}-body-text.txt", context),
        html=render_to_string(f"messenger/email/{name}-body-html.html", context),
        url=url,
        message_id=message_id(message, gmina),
        headers=headers,
        extra={"to": address},
    )


def _thread(delivery, conversation: Conversation) -> list[str]:
    """Message-IDs of the conversation's earlier e-mails, oldest first: our
    notifications that went out and the resident's own e-mails."""
    ours = (
        Delivery.objects.filter(
            gmina_id=conversation.gmina_id,
            channel=Channel.EMAIL,
            recipient=recipient_key(conversation),
            item__startswith=f"{ITEM_KIND}:",
            state=Delivery.State.SENT,
        )
        .exclude(pk=delivery.pk)
        .values_list("sent_at", "remote_id")
    )
    theirs = conversation.messages.filter(
        author=Message.Author.RESIDENT,
        channel=Message.Channel.EMAIL,
        external_id__isnull=False,
    ).values_list("created_at", "external_id")
    found = sorted(
        (when, valid_message_id(mid))
        for when, mid in [*ours, *theirs]
        if when and valid_message_id(mid)
    )
    return list(dict.fromkeys(mid for _, mid in found))


def _answered_email(conversation: Conversation, message: Message) -> str:
    """The Message-ID of the resident's last e-mail before `message` ("")."""
    found = (
        conversation.messages.filter(
            author=Message.Author.RESIDENT,
            channel=Message.Channel.EMAIL,
            external_id__isnull=False,
            pk__lt=message.pk,
        )
        .order_by("-pk")
        .values_list("external_id", flat=True)
        .first()
    )
    return valid_message_id(found or "")


def sms_text(conversation: Conversation) -> str:
    return (
        f"Urząd odpowiedział w sprawie {conversation.reference}: "
        f"{conversation_url(conversation)}"
    )


def _sms(conversation: Conversation, message: Message):
    if (
        conversation.notify != Conversation.Notify.SMS
        or not conversation.resident_phone
        or not conversation.notify_consent_at
    ):
        return None
    return Envelope(
        subject="",
        text=sms_text(conversation),
        url=conversation_url(conversation),
        extra={"to": conversation.resident_phone},
    )


def messenger_text(conversation: Conversation, body: str) -> str:
    if len(body) <= MESSENGER_TEXT_LIMIT:
        return body
    url = conversation_url(conversation)
    tail = f"\n\nCała odpowiedź: {url}"
    return Truncator(body).chars(MESSENGER_TEXT_LIMIT - len(tail)) + tail


def _messenger(conversation: Conversation, message: Message):
    if conversation.source != Conversation.Source.FACEBOOK:
        return None
    if not conversation.external_id:
        return None
    return Envelope(
        subject="",
        text=messenger_text(conversation, message.body),
        url=conversation_url(conversation),
        extra={"psid": conversation.external_id, "conversation": conversation.pk},
    )
