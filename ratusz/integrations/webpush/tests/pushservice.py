"""A push service on loopback that checks requests as RFC 8030/8291/8292 say.

Like a browser, `subscribe()` makes an ECDH P-256 key pair and a 16-byte auth
secret and returns what `PushSubscription.toJSON()` gives. Each POST to an
endpoint is checked: the VAPID `Authorization: vapid t=JWT, k=KEY` (ES256
signature by KEY, `aud` = the endpoint's origin, `exp` in the future and at
most 24 h away, `sub` a mailto: or https: URL), a `TTL`, `Urgency` if given,
`Content-Encoding: aes128gcm`, at most 4096 bytes; then the body is
decrypted with the subscriber's private key. A request that fails a check
gets the status a push service answers (400/401/403/413) and lands in
`problems`; a good one is recorded in `received` and answered 201 with a
`Location`, unless the test queued other answers with `answer()`.
"""

from __future__ import annotations

import base64
import json
import secrets
import threading
import time
from collections import defaultdict, deque
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import http_ece
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from py_vapid import jwt as vapid_jwt

URGENCIES = {"very-low", "low", "normal", "high"}


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64(value: str) -> bytes:
    return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))


class Rejected(Exception):
    def __init__(self, status: int, reason: str):
        super().__init__(reason)
        self.status, self.reason = status, reason


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128


class PushService:
    def __init__(self, *, vapid_public_key: str | None = None, decrypt=True):
        self.vapid_public_key = vapid_public_key
        self.decrypt = decrypt
        self.subscribers: dict[str, tuple[ec.EllipticCurvePrivateKey, bytes]] = {}
        self.received: list[dict] = []
        self.problems: list[str] = []
        self.hits: list[str] = []
        self.answers: dict[str, deque] = defaultdict(deque)
        self.delay = 0.0
        self.lock = threading.Lock()
        service = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive, like real services

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                status, headers, text = service.handle(self.path, self.headers, body)
                if service.delay:
                    time.sleep(service.delay)
                data = text.encode()
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.httpd = _Server(("127.0.0.1", 0), Handler)
        self.port = self.httpd.server_address[1]
        self.origin = f"http://127.0.0.1:{self.port}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    # The browser's side ------------------------------------------------

    def subscribe(self) -> dict:
        """A new subscription, as `PushSubscription.toJSON()` returns it."""
        key = ec.generate_private_key(ec.SECP256R1())
        auth = secrets.token_bytes(16)
        path = f"/wpush/v2/{secrets.token_urlsafe(24)}"
        with self.lock:
            self.subscribers[path] = (key, auth)
        public = key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        return {
            "endpoint": self.origin + path,
            "keys": {"p256dh": b64(public), "auth": b64(auth)},
        }

    def answer(self, endpoint: str, status: int, headers=None, text="") -> None:
        """Answer the next request to `endpoint` with this instead of 201."""
        path = endpoint.removeprefix(self.origin)
        self.answers[path].append((status, dict(headers or {}), text))

    # The service's side ------------------------------------------------

    def handle(self, path, headers, body) -> tuple[int, dict, str]:
        with self.lock:
            self.hits.append(path)
            subscriber = self.subscribers.get(path)
        if subscriber is None:
            return 404, {}, "No such subscription"
        try:
            record = self.check(path, headers, body, subscriber)
        except Rejected as error:
            with self.lock:
                self.problems.append(f"{error.status} {error.reason}")
            return error.status, {"Content-Type": "text/plain"}, error.reason
        with self.lock:
            queued = self.answers[path].popleft() if self.answers[path] else None
            if queued is None:
                self.received.append(record)
        if queued is not None:
            return queued
        return 201, {"Location": f"{self.origin}/m/{secrets.token_hex(8)}"}, ""

    def check(self, path, headers, body, subscriber) -> dict:
        claims = self.check_vapid(headers.get("Authorization", ""))
        ttl = headers.get("TTL", "")
        if not ttl.isdigit():
            raise Rejected(400, "Missing or invalid TTL header")
        urgency = headers.get("Urgency", "normal")
        if urgency not in URGENCIES:
            raise Rejected(400, f"Invalid Urgency {urgency!r}")
        if headers.get("Content-Encoding") != "aes128gcm":
            raise Rejected(400, "Content-Encoding must be aes128gcm")
        if len(body) > 4096:
            raise Rejected(413, "Payload too large")
        payload = None
        if self.decrypt:
            key, auth = subscriber
            try:
                plain = http_ece.decrypt(
                    body, private_key=key, auth_secret=auth, version="aes128gcm"
                )
                payload = json.loads(plain)
            except Exception as error:  # any failure is the sender's fault
                raise Rejected(400, f"Cannot decrypt: {error!r}") from error
        return {
            "path": path,
            "payload": payload,
            "ttl": int(ttl),
            "urgency": urgency,
            "claims": claims,
        }

    def check_vapid(self, authorization: str) -> dict:
        scheme, _, params = authorization.partition(" ")
        if scheme.lower() != "vapid":
            raise Rejected(401, "Authorization must use the vapid scheme")
        parts = dict(p.strip().split("=", 1) for p in params.split(",") if "=" in p)
        token, key = parts.get("t", ""), parts.get("k", "")
        if not token or not key:
            raise Rejected(401, "vapid needs t= and k=")
        if self.vapid_public_key and key != self.vapid_public_key.rstrip("="):
            raise Rejected(403, "Key does not match the subscription's")
        try:
            header = json.loads(unb64(token.split(".")[0]))
            claims = vapid_jwt.decode(token, key)
        except (InvalidSignature, ValueError) as error:
            raise Rejected(401, "Invalid JWT signature") from error
        if header.get("alg") != "ES256":
            raise Rejected(401, "JWT alg must be ES256")
        if claims.get("aud") != self.origin:
            raise Rejected(401, f"aud {claims.get('aud')!r} is not {self.origin}")
        exp = claims.get("exp")
        if not isinstance(exp, int) or not time.time() < exp <= time.time() + 86400:
            raise Rejected(401, "exp must be in the next 24 hours")
        sub = str(claims.get("sub", ""))
        if not sub.startswith(("mailto:", "https://")):
            raise Rejected(401, "sub must be a mailto: or https: URL")
        return claims

    def __enter__(self) -> PushService:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=5)
