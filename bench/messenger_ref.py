"""The reference of the messenger benchmark: the same HTTP conversation as
the messenger (the same URLs, forms, JSON and Server-Sent Events), without
Django, a database or a channel layer.

Messages go into a list in memory and wake the in-process listeners at once
(an asyncio.Condition), so this is about the fastest the protocol can be
served by the same granian with one worker. Run:

    granian --interface asgi --workers 1 bench.messenger_ref:app
"""

from __future__ import annotations

import asyncio
import json
import re
import secrets
import time
from html import escape
from urllib.parse import parse_qs

KEEPALIVE = 15.0
GMINA_ID = 1


class Store:
    def __init__(self):
        self.messages: list[dict] = []  # id, conversation, author, body, client_id
        self.conversations: dict[str, dict] = {}  # token → pk, ref
        self.by_pk: dict[int, dict] = {}
        self.changed = asyncio.Condition()

    async def add(self, conversation, author, body, client_id=None) -> dict:
        if client_id:
            for message in self.messages:
                if (
                    message["conversation"] == conversation["pk"]
                    and message["client_id"] == client_id
                ):
                    return message
        message = {
            "id": len(self.messages) + 1,
            "conversation": conversation["pk"],
            "author": author,
            "body": body,
            "client_id": client_id,
        }
        self.messages.append(message)
        conversation["last"] = time.monotonic()
        async with self.changed:
            self.changed.notify_all()
        return message

    def open(self) -> dict:
        pk = len(self.conversations) + 1
        conversation = {
            "pk": pk,
            "token": secrets.token_urlsafe(32),
            "ref": f"RZ/2026/{pk:06d}",
            "last": time.monotonic(),
        }
        self.conversations[conversation["token"]] = conversation
        self.by_pk[pk] = conversation
        return conversation

    def after(self, after_id, conversation_pk=None) -> list[dict]:
        # Ids are list positions + 1: everything after `after_id` is a slice.
        rows = self.messages[after_id:]
        if conversation_pk is not None:
            rows = [m for m in rows if m["conversation"] == conversation_pk]
        return rows


STORE = Store()
FORM = (
    '<form method="post"><input type="hidden" name="csrfmiddlewaretoken" '
    'value="{csrf}"><input type="hidden" name="client_id" value="{client_id}">'
    '<textarea name="body"></textarea></form>'
)


async def body_of(scope, receive) -> dict[str, str]:
    """The fields of a urlencoded or multipart form (files ignored)."""
    chunks = []
    while True:
        event = await receive()
        chunks.append(event.get("body", b""))
        if not event.get("more_body"):
            break
    raw = b"".join(chunks)
    kind = header(scope, b"content-type")
    if not kind.startswith("multipart/form-data"):
        pairs = parse_qs(raw.decode(), keep_blank_values=True)
        return {k: v[0] for k, v in pairs.items()}
    boundary = kind.split("boundary=", 1)[1].strip('"').encode()
    fields = {}
    for part in raw.split(b"--" + boundary)[1:-1]:
        head, _, value = part.strip(b"\r\n").partition(b"\r\n\r\n")
        match = re.search(rb'name="([^"]*)"(; filename=)?', head)
        if match and not match.group(2):
            fields[match.group(1).decode()] = value.decode()
    return fields


async def respond(send, status, body=b"", content_type="text/html", headers=()):
    if isinstance(body, str):
        body = body.encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", content_type.encode()),
                (b"content-length", str(len(body)).encode()),
                *headers,
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


def cookie(name, value) -> tuple[bytes, bytes]:
    return (b"set-cookie", f"{name}={value}; Path=/; SameSite=Lax".encode())


def header(scope, name: bytes) -> str:
    for key, value in scope["headers"]:
        if key == name:
            return value.decode("latin-1")
    return ""


def message_html(message) -> str:
    return f'<li id="w{message["id"]}"><p>{escape(message["body"])}</p></li>'


async def stream(send, receive, rows_after, start_id, data_of, first=None):
    """Send what is new after `start_id`, then wait on the condition."""
    await send(
        {
            "type": "http.response.start",
            "status": 200,
            "headers": [
                (b"content-type", b"text/event-stream; charset=utf-8"),
                (b"cache-control", b"private, no-store"),
            ],
        }
    )
    disconnected = asyncio.Event()

    async def watch():
        while (await receive())["type"] != "http.disconnect":
            pass
        disconnected.set()
        async with STORE.changed:
            STORE.changed.notify_all()

    watcher = asyncio.create_task(watch())
    last = start_id
    try:
        if first:
            await send({"type": "http.response.body", "body": first, "more_body": True})
        while not disconnected.is_set():
            rows = rows_after(last)
            if rows:
                last = rows[-1]["id"]
                chunk = data_of(rows)
                await send(
                    {"type": "http.response.body", "body": chunk, "more_body": True}
                )
            elif last < len(STORE.messages):
                last = len(STORE.messages)  # other conversations' messages
            async with STORE.changed:
                if len(STORE.messages) > last or disconnected.is_set():
                    continue
                try:
                    await asyncio.wait_for(STORE.changed.wait(), KEEPALIVE)
                except TimeoutError:
                    await send(
                        {
                            "type": "http.response.body",
                            "body": b": keep-alive\n\n",
                            "more_body": True,
                        }
                    )
    except OSError:
        pass
    finally:
        watcher.cancel()


async def app(scope, receive, send):
    if scope["type"] == "lifespan":
        while True:
            event = await receive()
            if event["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif event["type"] == "lifespan.shutdown":
                await send({"type": "lifespan.shutdown.complete"})
                return
    path, method = scope["path"], scope["method"]
    parts = path.strip("/").split("/")
    csrf = "ref" + secrets.token_hex(16)

    if path == "/napisz/" and method == "GET":
        form = FORM.format(csrf=csrf, client_id=secrets.token_urlsafe(18))
        return await respond(send, 200, form, headers=[cookie("csrftoken", csrf)])
    if path == "/napisz/" and method == "POST":
        data = await body_of(scope, receive)
        conversation = STORE.open()
        await STORE.add(conversation, "resident", data["body"], data.get("client_id"))
        location = f"/napisz/r/{conversation['token']}/".encode()
        return await respond(send, 303, headers=[(b"location", location)])
    if parts[:2] == ["napisz", "r"] and len(parts) >= 3:
        conversation = STORE.conversations.get(parts[2])
        if conversation is None:
            return await respond(send, 404, "nie ma")
        if len(parts) == 4 and parts[3] == "zdarzenia":
            raw = header(scope, b"last-event-id")
            pk = conversation["pk"]

            def data_of(rows):
                return "".join(
                    f"id: {m['id']}\nevent: message\ndata: "
                    + json.dumps({"id": m["id"], "html": message_html(m)})
                    + "\n\n"
                    for m in rows
                ).encode()

            return await stream(
                send,
                receive,
                lambda after: STORE.after(after, pk),
                int(raw) if raw.isdigit() else 0,
                data_of,
                first=b"retry: 3000\n\n",
            )
        if method == "POST":
            data = await body_of(scope, receive)
            message = await STORE.add(
                conversation, "resident", data["body"], data.get("client_id")
            )
            answer = json.dumps({"id": message["id"], "html": message_html(message)})
            return await respond(send, 200, answer, "application/json")
        last = max(
            (
                m["id"]
                for m in STORE.messages
                if m["conversation"] == conversation["pk"]
            ),
            default=0,
        )
        page = f'<ol data-last-id="{last}"></ol>' + FORM.format(
            csrf=csrf, client_id=secrets.token_urlsafe(18)
        )
        return await respond(send, 200, page)

    if path == "/admin/login/":
        if method == "POST":
            await body_of(scope, receive)
            session = secrets.token_hex(16)
            return await respond(
                send,
                302,
                headers=[(b"location", b"/admin/"), cookie("sessionid", session)],
            )
        form = FORM.format(csrf=csrf, client_id="")
        return await respond(send, 200, form, headers=[cookie("csrftoken", csrf)])
    if path == f"/admin/rozmowy/gmina/{GMINA_ID}/na-zywo/":
        start = len(STORE.messages)

        def inbox_data(rows):
            refs = sorted(
                {
                    STORE.by_pk[m["conversation"]]["ref"]
                    for m in rows
                    if m["author"] == "resident"
                }
            )
            data = json.dumps({"new": refs})
            return f"id: {rows[-1]['id']}\ndata: {data}\n\n".encode()

        return await stream(
            send,
            receive,
            lambda after: STORE.after(after)[:200],
            start,
            inbox_data,
            first=f"retry: 3000\nid: {start}\n\n".encode(),
        )
    if path == f"/admin/rozmowy/gmina/{GMINA_ID}/":
        recent = sorted(STORE.by_pk.values(), key=lambda c: -c["last"])[:25]
        rows = "".join(
            f'<li><a href="/admin/rozmowy/{c["pk"]}/">{c["ref"]}</a></li>'
            for c in recent
        )
        return await respond(send, 200, f"<ul>{rows}</ul>")
    if parts[:2] == ["admin", "rozmowy"] and len(parts) >= 3 and parts[2].isdigit():
        conversation = STORE.by_pk.get(int(parts[2]))
        if conversation is None:
            return await respond(send, 404, "nie ma")
        # The reply form posts to the conversation's /odpowiedz/ URL.
        if method == "POST" and parts[3:] == ["odpowiedz"]:
            data = await body_of(scope, receive)
            await STORE.add(conversation, "staff", data["body"], data.get("client_id"))
            back = f"/admin/rozmowy/{parts[2]}/".encode()
            return await respond(send, 302, headers=[(b"location", back)])
        if len(parts) == 3:
            return await respond(send, 200, FORM.format(csrf=csrf, client_id=""))
    if path == "/bench-dump/":
        rows = [
            {
                "id": m["id"],
                "ref": STORE.by_pk[m["conversation"]]["ref"],
                "token": STORE.by_pk[m["conversation"]]["token"],
                "author": m["author"],
                "body": m["body"],
            }
            for m in STORE.messages
        ]
        return await respond(send, 200, json.dumps(rows), "application/json")
    return await respond(send, 404, "nie ma")
