"""Inbound e-mail: what a resident wrote, and an SMTP server to receive it.

A plain helper, not an integration: e-mail has no provider to adapt to (the
outgoing side, an SMTP transport of the outbox, is `integrations/email`); the
messenger, which owns what residents write, reads mail with it.

`parse(raw)` reads a message with Python's `email` package (policy=default)
into the parts the messenger needs: who sent it, to which addresses, which
earlier messages it answers (In-Reply-To, References), and the new text
only — the text/plain part (or the HTML part turned into text through nh3),
without the quoted previous message ("W dniu … napisał(a):", "> " lines,
"-----Original Message-----") and without the signature. Attachments are
only named, never kept.

`MailServer` is an aiosmtpd server an MTA (Postfix `relay_transport`, a
`transport_maps` entry) forwards to: it refuses recipients the `accept`
callable does not know (550) and answers 250 only after `store` has
committed the raw message, so the MTA keeps and retries anything that was
not stored (451).
"""

from __future__ import annotations

import html as html_lib
import logging
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.errors import MessageError
from email.header import decode_header, make_header
from email.message import EmailMessage
from email.utils import getaddresses, parseaddr

import nh3
from aiosmtpd.controller import Controller
from asgiref.sync import sync_to_async

logger = logging.getLogger(__name__)

# Bigger messages are refused at the door (SMTP 552) or dropped.
MAX_BYTES = 10 * 1024 * 1024
MAX_NAME_CHARS = 100

# What the email package raises on malformed input besides its own errors.
_PARSE_ERRORS = (
    ValueError,
    TypeError,
    LookupError,
    AttributeError,
    AssertionError,
    MessageError,
)
_MESSAGE_ID = re.compile(r"<[^<>\s@]{1,200}@[^<>\s@]{1,200}>")
_VERB = r"(napisał|napisała|napisał\(a\)|pisze|wrote)"
_QUOTE_HEADERS = [
    # "W dniu 24.11.2026 o 18:02, Gmina <a@b> pisze:" (Thunderbird),
    # "wt., 24 lis 2026 o 18:02 Gmina <a@b> napisał(a):" (Gmail), "On … wrote:".
    re.compile(rf"^\s*(W dniu|Dnia|Dn\.|On) .{{0,300}}{_VERB}\s*:\s*$"),
    re.compile(rf"^.{{0,300}}(\d{{4}}|\d:\d\d|@).{{0,200}}{_VERB}\s*:\s*$"),
    re.compile(
        r"^\s*-{2,}\s*(Original Message|Oryginalna wiadomość|Wiadomość oryginalna|"
        r"Forwarded message|Wiadomość przekazana dalej)\s*-{2,}\s*$",
        re.IGNORECASE,
    ),
]
# The verb wrapped onto a line of its own.
_VERB_LINE = re.compile(rf"^\s*{_VERB}\s*:\s*$")
_OUTLOOK_RULE = re.compile(r"^\s*_{8,}\s*$")
_OUTLOOK_FROM = re.compile(r"^\s*(Od|From)\s*:", re.IGNORECASE)
_BLOCK_TAGS = re.compile(
    r"(?i)<\s*(br|/p|/div|/li|/tr|/h[1-6]|/blockquote|p|div|li|tr|h[1-6])\b[^>]*>"
)
_QUOTE_BLOCK = re.compile(r"(?is)<blockquote\b.*?</blockquote\s*>")


@dataclass
class ParsedEmail:
    message_id: str
    sender: str  # the address, lower-case; "" when there is none
    sender_name: str
    recipients: list[str]  # envelope and header recipients, as written
    subject: str
    in_reply_to: list[str]
    references: list[str]
    text: str  # the new text, quotes and signature removed
    attachments: list[str] = field(default_factory=list)  # file names
    automatic: bool = False  # an auto-reply, a bounce, a list message


def message_ids(value) -> list[str]:
    return _MESSAGE_ID.findall(str(value or ""))


def _header(msg: EmailMessage, name: str) -> str:
    try:
        value = msg.get(name, "")
        return str(value) if value is not None else ""
    except _PARSE_ERRORS:  # a header the parser cannot make sense of
        logger.info("unreadable %s header", name)
        return ""


def _plain(text: str, limit: int) -> str:
    """One line of printable text: no CR/LF or control characters."""
    text = "".join(
        ch if unicodedata.category(ch)[0] != "C" else " " for ch in text or ""
    )
    return " ".join(text.split())[:limit]


def html_to_text(html: str) -> str:
    """Text of an HTML mail body: blocks become lines, everything else goes.

    Quoted blocks (<blockquote>) are the previous message: dropped. nh3 with
    no allowed tags keeps only text (script and style contents removed);
    entities are then decoded — the result is text, shown escaped.
    """
    html = _QUOTE_BLOCK.sub("", html or "")
    html = _BLOCK_TAGS.sub("\n", html)
    text = html_lib.unescape(nh3.clean(html, tags=set()))
    return re.sub(r"[ \t\xa0]+", " ", text)


def strip_quoted(text: str) -> str:
    """The new part of a reply: up to the quoted message, without "> " lines
    and the signature ("-- ")."""
    lines = (text or "").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    kept: list[str] = []
    for index, line in enumerate(lines):
        following = lines[index + 1] if index + 1 < len(lines) else ""
        candidates = [line]
        if _VERB_LINE.match(following):
            candidates.append(line + " " + following.strip())
        if any(p.match(c) for p in _QUOTE_HEADERS for c in candidates):
            break
        if _OUTLOOK_RULE.match(line) and any(
            _OUTLOOK_FROM.match(following) for following in lines[index + 1 : index + 3]
        ):
            break
        if line.rstrip() == "--":  # "-- " signature delimiter
            break
        if line.lstrip().startswith(">"):
            continue
        kept.append(line.rstrip())
    return "\n".join(kept).strip()


def _content(part) -> str:
    try:
        return part.get_content()
    except _PARSE_ERRORS:  # unknown charset, broken transfer encoding
        payload = part.get_payload(decode=True) or b""
        return payload.decode("utf-8", "replace")


def _body(msg: EmailMessage) -> str:
    """The new text of the plain part, or of the HTML part when the plain
    one is missing or empty."""
    for kind in ("plain", "html"):
        try:
            part = msg.get_body(preferencelist=(kind,))
        except _PARSE_ERRORS:
            part = None
        if part is None:
            continue
        content = _content(part)
        if not isinstance(content, str):
            continue
        if kind == "html":
            content = html_to_text(content)
        text = strip_quoted(content)
        if text:
            return text
    return ""


def _attachments(msg: EmailMessage, body_part) -> list[str]:
    names = []
    for part in msg.walk():
        if part.is_multipart() or part is body_part:
            continue
        disposition = part.get_content_disposition()
        if disposition == "attachment" or (
            disposition != "inline" and part.get_content_maintype() != "text"
        ):
            name = _plain(part.get_filename() or "", MAX_NAME_CHARS)
            names.append(name or part.get_content_type())
    return names


def _automatic(msg: EmailMessage, sender: str) -> bool:
    """RFC 3834 auto-replies, bounces and list mail: never a resident's word."""
    auto = _header(msg, "Auto-Submitted").strip().lower()
    if auto and auto != "no":
        return True
    if _header(msg, "Precedence").strip().lower() in ("bulk", "junk", "list"):
        return True
    if _header(msg, "X-Autoreply") or _header(msg, "X-Autorespond"):
        return True
    if msg.get_content_type() == "multipart/report":
        return True
    local = sender.partition("@")[0]
    return local in ("mailer-daemon", "postmaster") or not sender


def _sender(msg: EmailMessage) -> tuple[str, str]:
    try:
        header = msg["From"]
        addresses = header.addresses if header is not None else ()
    except _PARSE_ERRORS:  # a header the parser refuses
        addresses = ()
    if addresses:
        return addresses[0].display_name, addresses[0].addr_spec
    # The parser refuses some names (CR/LF hidden in an encoded word): read
    # the raw value; the name is made one plain line by the caller.
    raw = next((v for k, v in msg.raw_items() if k.lower() == "from"), "")
    name, address = parseaddr(str(raw))
    try:
        name = str(make_header(decode_header(name)))
    except _PARSE_ERRORS:
        pass
    return name, address


def parse(raw: bytes, envelope_to: Iterable[str] = ()) -> ParsedEmail:
    msg = message_from_bytes(raw, policy=policy.default)
    name, sender = _sender(msg)
    sender = _plain(sender, 254).lower()
    if "@" not in sender:
        sender = ""
    # As written: a plus-address may carry a case-sensitive token.
    recipients = [_plain(a, 254) for a in envelope_to]
    for header in ("To", "Cc", "Delivered-To", "X-Original-To", "Envelope-To"):
        for _, address in getaddresses([_header(msg, header)]):
            address = _plain(address, 254)
            if address and address not in recipients:
                recipients.append(address)
    try:
        body_part = msg.get_body(preferencelist=("plain", "html"))
    except _PARSE_ERRORS:
        body_part = None
    found = message_ids(_header(msg, "Message-ID"))
    return ParsedEmail(
        message_id=found[0] if found else "",
        sender=sender,
        sender_name=_plain(name, MAX_NAME_CHARS),
        recipients=recipients,
        subject=_plain(_header(msg, "Subject"), 200),
        in_reply_to=message_ids(_header(msg, "In-Reply-To")),
        references=message_ids(_header(msg, "References")),
        text=_body(msg),
        attachments=_attachments(msg, body_part),
        automatic=_automatic(msg, sender),
    )


class _Handler:
    def __init__(self, accept: Callable[[str], bool], store: Callable):
        self.accept = sync_to_async(accept, thread_sensitive=True)
        self.store = sync_to_async(store, thread_sensitive=True)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        try:
            known = await self.accept(address)
        except Exception:
            logger.exception("checking recipient %r failed", address)
            return "451 4.3.0 Temporary failure, try again later"
        if not known:
            return "550 5.1.1 No such recipient here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        raw = envelope.original_content or envelope.content
        if isinstance(raw, str):
            raw = raw.encode("utf-8", "surrogateescape")
        if len(raw) > MAX_BYTES:
            return "552 5.3.4 Message too big"
        try:
            await self.store(raw, envelope.rcpt_tos, envelope.mail_from or "")
        except Exception:
            # Not stored: the MTA keeps the message and tries again.
            logger.exception("storing an inbound e-mail failed")
            return "451 4.3.0 Temporary failure, try again later"
        return "250 Message accepted"


class MailServer:
    """`with MailServer(accept, store, port=2525): ...` or start()/stop()."""

    def __init__(
        self,
        accept: Callable[[str], bool],
        store: Callable[[bytes, list[str], str], object],
        *,
        host: str = "127.0.0.1",
        port: int = 2525,
    ):
        self.controller = Controller(
            _Handler(accept, store),
            hostname=host,
            port=port,
            data_size_limit=MAX_BYTES,
            ident="Ratusz inbound mail",
        )

    @property
    def host(self) -> str:
        return self.controller.hostname

    @property
    def port(self) -> int:
        return self.controller.port

    def start(self) -> MailServer:
        self.controller.start()
        return self

    def stop(self) -> None:
        if self.controller.server is not None:
            self.controller.stop()

    def __enter__(self) -> MailServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
