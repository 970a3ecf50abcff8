"""A loopback SMSAPI.pl that checks `POST /sms.do` like the real one.

It answers as SMSAPI documents (format=json): `{"count": 1, "list": [...]}`,
or `{"error": <code>, "message": ...}` for a bad token (101), no valid
number (13, with `invalid_numbers`), a sender name not activated (14) and a
malformed request (8). `fail_next(status, body, headers)` scripts transient
trouble (429, 500) for the next requests.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs


@dataclass
class Received:
    headers: dict
    fields: dict
    accepted: bool


@dataclass
class FakeSmsApi:
    token: str = "token-ok"
    senders: tuple = ("GminaZawada",)
    requests: list[Received] = field(default_factory=list)
    script: list[tuple[int, dict, dict]] = field(default_factory=list)
    auth_status: int = 200  # the HTTP status that carries an error 101
    lock: threading.Lock = field(default_factory=threading.Lock)

    def fail_next(self, status: int, body: dict | None = None, headers=None):
        self.script.append((status, body or {}, headers or {}))

    @property
    def sent(self) -> list[dict]:
        return [r.fields for r in self.requests if r.accepted]

    # The protocol ----------------------------------------------------------

    def answer(self, method, path, headers, body: bytes):
        if method != "POST" or path != "/sms.do":
            return 404, {"error": 8, "message": "Not found"}, {}
        with self.lock:
            if self.script:
                status, answer, extra = self.script.pop(0)
                self.requests.append(Received(headers, {}, False))
                return status, answer, extra
        if headers.get("authorization") != f"Bearer {self.token}":
            self.requests.append(Received(headers, {}, False))
            return (
                self.auth_status,
                {
                    "error": 101,
                    "message": "Authorization failed",
                },
                {},
            )
        content_type = headers.get("content-type", "")
        if not content_type.startswith("application/x-www-form-urlencoded"):
            return 400, {"error": 8, "message": "Error in request"}, {}
        try:
            parsed = parse_qs(body.decode("utf-8"), strict_parsing=True)
        except (UnicodeDecodeError, ValueError):
            return 200, {"error": 8, "message": "Error in request"}, {}
        fields = {k: v[0] for k, v in parsed.items() if len(v) == 1}
        if len(fields) != len(parsed):
            return 200, {"error": 18, "message": "Invalid number of parameters"}, {}
        problems = self._check(fields)
        self.requests.append(Received(headers, fields, problems is None))
        if problems is not None:
            return 200, problems, {}
        with self.lock:
            number = len(self.sent) - 1
        return (
            200,
            {
                "count": 1,
                "list": [
                    {
                        "id": f"6A2B{number:08d}",
                        "points": 0.16,
                        "number": fields["to"],
                        "date_sent": 1764000000,
                        "submitted_number": fields["to"],
                        "status": "QUEUE",
                        "idx": fields.get("idx"),
                    }
                ],
            },
            {},
        )

    def _check(self, fields):
        for name in ("to", "message", "format", "encoding", "idx", "check_idx"):
            if not fields.get(name):
                # Our own transport always sends these; SMSAPI would default
                # some, but their absence here is a bug worth failing on.
                return {"error": 8, "message": f"Error in request: {name}"}
        if fields["format"] != "json" or fields["encoding"] != "utf-8":
            return {"error": 8, "message": "Error in request"}
        if fields["check_idx"] != "1" or len(fields["idx"]) > 255:
            return {"error": 27, "message": "Invalid idx"}
        if "from" in fields and fields["from"] not in self.senders:
            return {"error": 14, "message": "Invalid 'from' field"}
        number = fields["to"]
        if not (number.isdigit() and len(number) == 11 and number.startswith("48")):
            return {
                "invalid_numbers": [
                    {
                        "number": number,
                        "submitted_number": number,
                        "message": "Invalid phone number",
                    }
                ],
                "error": 13,
                "message": "No correct phone numbers",
            }
        if number.startswith("48500000"):  # a number the network refuses
            return {
                "invalid_numbers": [
                    {
                        "number": number,
                        "submitted_number": number,
                        "message": "Invalid phone number",
                    }
                ],
                "error": 13,
                "message": "No correct phone numbers",
            }
        return None


class FakeSmsApiServer:
    def __init__(self, api: FakeSmsApi | None = None):
        self.api = api or FakeSmsApi()
        api = self.api

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self):
                self._handle()

            def do_GET(self):
                self._handle()

            def _handle(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                headers = {k.lower(): v for k, v in self.headers.items()}
                status, answer, extra = api.answer(
                    self.command, self.path, headers, body
                )
                payload = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                for name, value in extra.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/"

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=5)
