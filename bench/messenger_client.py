"""One client process of the messenger benchmark (started by bench/messenger.py).

    python bench/messenger_client.py '<json config>'

role "staff": log in through the admin login form, keep the inbox stream
open, record every batch it shows (time, last message id, references), and
every few seconds answer a random conversation of the inbox list through the
conversation's reply form.

role "residents": for each resident open a conversation through the real
form (GET + CSRF + POST, as if behind a proxy that names the resident's own
address), keep the conversation's stream open, and send a message every few
seconds through the JSON path of the reply form, with a fresh client_id;
now and then submit the same message twice (at once, or again after the
answer) to check that it is stored once.

Protocol with the coordinator: print "ready" when set up, then read
"go <end> <stop>" (time.monotonic() seconds): send until <end>, keep the
streams open until <stop>, write the result JSON, exit.
"""

from __future__ import annotations

import asyncio
import json
import random
import re
import secrets
import sys
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.messenger_stats import REPLY_MARKER, SSEParser

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
FORM_CLIENT_ID = re.compile(r'name="client_id" value="([^"]*)"')
LAST_ID = re.compile(r'data-last-id="(\d+)"')
CONVERSATION_LINK = re.compile(r'href="/admin/rozmowy/(\d+)/"')
TIMEOUT = httpx.Timeout(30.0)
STREAM_TIMEOUT = httpx.Timeout(30.0, read=60.0)


class Run:
    def __init__(self, config):
        self.config = config
        self.base = config["base"]
        self.errors: list[dict] = []
        self.sends: list[dict] = []
        self.retries: list[dict] = []
        self.replies: list[dict] = []
        self.reply_seen: dict[str, float] = {}
        self.staff_streams: list[list] = []
        self.reconnects = 0
        self.end = self.stop = float("inf")
        self.stopping = asyncio.Event()

    def error(self, what, status=None, detail=""):
        self.errors.append(
            {
                "what": what,
                "status": status,
                "detail": str(detail)[:300],
                "at": round(time.monotonic(), 3),
            }
        )

    def client(self, **headers) -> httpx.AsyncClient:
        return httpx.AsyncClient(
            base_url=self.base, timeout=TIMEOUT, headers=headers, follow_redirects=False
        )

    async def sleep_until(self, when: float) -> bool:
        """Sleep until `when` or the stop; False when stopped first."""
        delay = when - time.monotonic()
        if delay <= 0:
            return not self.stopping.is_set()
        try:
            await asyncio.wait_for(self.stopping.wait(), delay)
            return False
        except TimeoutError:
            return True

    async def read_stream(self, client, path, last_id, on_event, what):
        """Keep one event stream open until the stop, reconnecting with
        Last-Event-ID when the server closes it."""
        while not self.stopping.is_set():
            parser = SSEParser()
            headers = {"Accept": "text/event-stream"}
            if last_id:
                headers["Last-Event-ID"] = str(last_id)
            try:
                async with client.stream(
                    "GET", path, headers=headers, timeout=STREAM_TIMEOUT
                ) as response:
                    if response.status_code != 200:
                        self.error(what, response.status_code)
                        await asyncio.sleep(1)
                        continue
                    async for line in response.aiter_lines():
                        event = parser.feed(line)
                        if event is not None:
                            last_id = on_event(event, time.monotonic()) or last_id
                self.reconnects += 1
            except httpx.HTTPError as e:
                if self.stopping.is_set():
                    return
                self.error(what, None, repr(e))
                await asyncio.sleep(1)

    # --- residents ------------------------------------------------------------

    async def resident(self, index: int, setup: asyncio.Semaphore, ready: list):
        config = self.config
        proc = config["proc"]
        number = config["offset"] + index
        # The address a proxy (trusted by the server) names: one per resident.
        address = f"10.{number // 65536 % 256}.{number // 256 % 256}.{number % 256}"
        async with self.client(**{"X-Forwarded-For": address}) as client:
            async with setup:
                path, csrf, last_id = await self.open_conversation(client, proc, index)
            ready.append(index)
            if path is None:
                return
            stream = asyncio.create_task(
                self.read_stream(
                    client, path + "zdarzenia/", last_id, self.on_resident_event,
                    "resident stream",
                )
            )  # fmt: skip
            await self.started.wait()
            low, high = config["interval"]
            when = time.monotonic() + random.uniform(0, low)
            seq = 0
            while when < self.end and await self.sleep_until(when):
                seq += 1
                await self.send(client, path, csrf, f"m-{proc}x{index}x{seq}", seq)
                when = max(when + random.uniform(low, high), time.monotonic())
            await self.stopping.wait()
            stream.cancel()
            await asyncio.gather(stream, return_exceptions=True)

    async def open_conversation(self, client, proc, index):
        prefix = self.config["prefix"]
        try:
            page = await client.get(f"{prefix}/napisz/")
            if page.status_code != 200:
                self.error("write form", page.status_code, page.text[:200])
                return None, None, 0
            marker = f"m-{proc}x{index}x0"
            client_id = FORM_CLIENT_ID.search(page.text)
            form = {
                "body": f"Dzień dobry, jak zgłosić sprawę nr {index}? [bench {marker}]",
                "name": f"Mieszkaniec {index}",
                "email": "",
                "phone": "",
                "website": "",
                "client_id": client_id.group(1) if client_id else "",
                "csrfmiddlewaretoken": CSRF.search(page.text).group(1),
            }
            t0 = time.monotonic()
            sent = await client.post(f"{prefix}/napisz/", data=form)
            if sent.status_code != 303:
                self.error("write post", sent.status_code, sent.text[:200])
                return None, None, 0
            self.sends.append(
                {"marker": marker, "t0": t0, "status": 303, "id": None,
                 "during_run": False}
            )  # fmt: skip
            path = sent.headers["location"]
            page = await client.get(path)
            if page.status_code != 200:
                self.error("conversation page", page.status_code, page.text[:200])
                return None, None, 0
            last = LAST_ID.search(page.text)
            csrf = CSRF.search(page.text).group(1)
            return path, csrf, int(last.group(1)) if last else 0
        except (httpx.HTTPError, AttributeError, KeyError) as e:
            self.error("open conversation", None, repr(e))
            return None, None, 0

    async def post_message(self, client, path, csrf, body, client_id):
        """(status, id or None, seconds it took)."""
        t0 = time.monotonic()
        try:
            response = await client.post(
                path,
                data={
                    "body": body,
                    "client_id": client_id,
                    "csrfmiddlewaretoken": csrf,
                },
                # As a browser's FormData: multipart, with the empty file input.
                files={"attachment": ("", b"", "application/octet-stream")},
                headers={"Accept": "application/json"},
            )
        except httpx.HTTPError as e:
            self.error("resident post", None, repr(e))
            return None, None, t0
        if response.status_code != 200:
            self.error("resident post", response.status_code, response.text[:200])
            return response.status_code, None, t0
        try:
            return 200, int(response.json()["id"]), t0
        except (ValueError, KeyError, TypeError) as e:
            self.error("resident post", 200, f"{e!r}: {response.text[:200]}")
            return 200, None, t0

    async def send(self, client, path, csrf, marker, seq):
        body = f"Wiadomość {seq}: czy mogę jeszcze dopytać? [bench {marker}]"
        client_id = secrets.token_urlsafe(18)
        retry = random.random() < self.config["retry_p"]
        together = retry and random.random() < 0.5
        if together:  # a double click: both submits in flight at once
            first, second = await asyncio.gather(
                self.post_message(client, path, csrf, body, client_id),
                self.post_message(client, path, csrf, body, client_id),
            )
        else:
            first = await self.post_message(client, path, csrf, body, client_id)
            second = None
            if retry:  # the answer was lost: the browser sends it again
                second = await self.post_message(client, path, csrf, body, client_id)
        status, message_id, t0 = first
        if message_id is None and second is not None:
            # The first submit failed (counted as an error); the retry's answer
            # is what the browser shows.
            message_id = second[1]
        self.sends.append(
            {"marker": marker, "t0": t0, "status": status, "id": message_id,
             "during_run": True, "ack_s": round(time.monotonic() - t0, 4)}
        )  # fmt: skip
        if second is not None:
            self.retries.append(
                {"marker": marker, "first_id": first[1], "id": second[1],
                 "status": second[0], "together": together}
            )  # fmt: skip

    def on_resident_event(self, event, now):
        if not event["data"]:
            return None
        try:
            data = json.loads(event["data"])
        except ValueError:
            self.error("resident stream", None, event["data"][:200])
            return None
        for marker in REPLY_MARKER.findall(data.get("html", "")):
            self.reply_seen.setdefault(marker, now)
        return data.get("id")

    # --- staff -------------------------------------------------------------------

    async def staff(self, username, password, ready: list):
        async with self.client() as client:
            if not await self.log_in(client, username, password):
                ready.append(username)
                return
            events: list = []
            self.staff_streams.append(events)
            gmina = self.config["gmina_id"]

            def on_event(event, now):
                if event["id"] is None or not event["id"].isdigit():
                    return None
                if event["data"] is None:
                    events.append((now, int(event["id"]), None))
                else:
                    try:
                        data = json.loads(event["data"])
                    except ValueError:
                        self.error("inbox stream", None, event["data"][:200])
                        return None
                    if "new" in data:
                        events.append((now, int(event["id"]), data["new"]))
                return int(event["id"])

            stream = asyncio.create_task(
                self.read_stream(
                    client, f"/admin/rozmowy/gmina/{gmina}/na-zywo/", 0, on_event,
                    "inbox stream",
                )
            )  # fmt: skip
            # Ready once the stream has said where it starts.
            deadline = time.monotonic() + 30
            while not events and time.monotonic() < deadline:
                await asyncio.sleep(0.05)
            ready.append(username)
            await self.started.wait()
            low, high = self.config["reply_every"]
            when = time.monotonic() + random.uniform(0, high)
            while when < self.end and await self.sleep_until(when):
                await self.reply(client, gmina)
                when = max(when + random.uniform(low, high), time.monotonic())
            await self.stopping.wait()
            stream.cancel()
            await asyncio.gather(stream, return_exceptions=True)

    async def log_in(self, client, username, password) -> bool:
        try:
            page = await client.get("/admin/login/")
            form = {
                "username": username,
                "password": password,
                "next": "/admin/",
                "csrfmiddlewaretoken": CSRF.search(page.text).group(1),
            }
            response = await client.post("/admin/login/", data=form)
        except (httpx.HTTPError, AttributeError) as e:
            self.error("staff login", None, repr(e))
            return False
        if response.status_code != 302:
            self.error("staff login", response.status_code, response.text[:200])
            return False
        return True

    async def reply(self, client, gmina):
        try:
            rows = await client.get(f"/admin/rozmowy/gmina/{gmina}/?fragment=1")
            pks = CONVERSATION_LINK.findall(rows.text)
            if rows.status_code != 200 or not pks:
                self.error("inbox rows", rows.status_code, rows.text[:200])
                return
            path = f"/admin/rozmowy/{random.choice(pks)}/"
            page = await client.get(path)
            if page.status_code != 200:
                self.error("staff conversation", page.status_code, page.text[:200])
                return
            marker = secrets.token_hex(8)
            form = {
                "body": f"Dzień dobry, odpowiadamy: bench-reply-{marker}",
                "client_id": secrets.token_urlsafe(18),
                "send_date": "",
                "send_time": "",
                "csrfmiddlewaretoken": CSRF.search(page.text).group(1),
            }
            t0 = time.monotonic()
            # The reply form's own URL (one view per action).
            response = await client.post(f"{path}odpowiedz/", data=form)
        except (httpx.HTTPError, AttributeError) as e:
            self.error("staff reply", None, repr(e))
            return
        if response.status_code not in (302, 303):
            self.error("staff reply", response.status_code, response.text[:200])
        self.replies.append(
            {"marker": marker, "t0": t0, "status": response.status_code,
             "ack_s": round(time.monotonic() - t0, 4)}
        )  # fmt: skip

    # --- the run --------------------------------------------------------------------

    async def main(self):
        self.started = asyncio.Event()
        config = self.config
        ready: list = []
        if config["role"] == "staff":
            tasks = [
                asyncio.create_task(self.staff(user, password, ready))
                for user, password in config["users"]
            ]
            total = len(config["users"])
        else:
            setup = asyncio.Semaphore(config["setup_concurrency"])
            tasks = [
                asyncio.create_task(self.resident(i, setup, ready))
                for i in range(config["count"])
            ]
            total = config["count"]
        while len(ready) < total:
            await asyncio.sleep(0.05)
        print("ready", flush=True)
        loop = asyncio.get_running_loop()
        line = await loop.run_in_executor(None, sys.stdin.readline)
        _go, end, stop = line.split()
        self.end, self.stop = float(end), float(stop)
        self.started.set()
        await asyncio.sleep(max(0.0, self.stop - time.monotonic()))
        self.stopping.set()
        await asyncio.gather(*tasks, return_exceptions=True)
        Path(config["result"]).write_text(
            json.dumps(
                {
                    "sends": self.sends,
                    "retries": self.retries,
                    "replies": self.replies,
                    "reply_seen": self.reply_seen,
                    "staff_streams": self.staff_streams,
                    "errors": self.errors,
                    "reconnects": self.reconnects,
                }
            )
        )


if __name__ == "__main__":
    asyncio.run(Run(json.loads(sys.argv[1])).main())
