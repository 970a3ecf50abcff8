"""A loopback Mastodon instance that checks status posts like the real one.

Per https://docs.joinmastodon.org/methods/statuses/#create and
…/methods/accounts/#verify_credentials: `Authorization: Bearer <token>`
(401 `{"error": "The access token is invalid"}` otherwise, or "…was revoked"),
form or JSON parameters `status` (required, at most 500 characters with each
link counted as 23), `visibility` (public, unlisted, private, direct),
`language` (ISO 639); 422 `{"error": "Validation failed: …"}` for bad input.
An `Idempotency-Key` seen in the last hour for the same account returns the
status made the first time, not a new one. `fail_next()` scripts 429 (with
X-RateLimit-* headers) and 500; `slow_next()` makes the next answer arrive
after the status was created, later than the client waits (a lost answer).

Reading (…/methods/statuses/#get, …/entities/Status, …/entities/Account):
`GET /api/v1/statuses/:id` answers the status with `replies_count`,
`reblogs_count` and `favourites_count` (set them with `set_counts`), 404
`{"error": "Record not found"}` for an unknown id; verify_credentials carries
`followers_count`, `following_count` and `statuses_count`. No endpoint gives
reach or impressions. `fail_on(prefix, …)` scripts an answer (401, 429, 500)
for the next GET whose path starts with `prefix`.
"""

from __future__ import annotations

import html
import json
import re
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import parse_qs

import regex

from ratusz.integrations.facebook.tests.fake_graph import JsonApiServer
from ratusz.integrations.mastodon.text import URL_PATTERN, length

URL_RE = regex.compile(URL_PATTERN, regex.IGNORECASE)

VISIBILITIES = {"public", "unlisted", "private", "direct"}
KEY_LIFETIME = 3600


def _content_html(text: str) -> str:
    """Roughly how Mastodon renders a status: escaped text, links as <a>."""
    escaped = html.escape(text)
    linked = URL_RE.sub(
        lambda m: (
            f'<a href="{m.group(0)}" rel="nofollow noopener" '
            f'target="_blank">{m.group(0)}</a>'
        ),
        escaped,
    )
    return "<p>" + linked.replace("\n\n", "</p><p>").replace("\n", "<br>") + "</p>"


def counted_length(text: str) -> int:
    # Mastodon's StatusLengthValidator rule (see mastodon/text.py for sources).
    return length(text)


@dataclass
class FakeMastodonApi:
    token: str = "mastodon-token-ok-0123456789abcdef"
    revoked_tokens: set = field(default_factory=set)
    username: str = "gminazawada"
    host: str = "127.0.0.1"
    statuses: list[dict] = field(default_factory=list)
    requests: list[tuple[str, str, dict, dict]] = field(default_factory=list)
    keys: dict[tuple[str, str], tuple[float, dict]] = field(default_factory=dict)
    script: list[tuple[int, dict, dict]] = field(default_factory=list)
    delays: list[float] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    followers: int = 321
    faults: list[tuple[str, int, dict, dict]] = field(default_factory=list)

    def fail_next(self, status, body, headers=None):
        self.script.append((status, body, headers or {}))

    def fail_on(self, prefix, status, body, headers=None):
        """The next GET whose path starts with `prefix` gets this answer."""
        self.faults.append((prefix, status, body, headers or {}))

    def _fault_for(self, method, path):
        for index, (prefix, status, body, headers) in enumerate(self.faults):
            if method == "GET" and path.startswith(prefix):
                del self.faults[index]
                return status, body, headers
        return None

    def add_status(self, status_id: str, text="Wpis", **counts) -> dict:
        """A status already on the server (posted before the test began)."""
        status = {
            "id": status_id,
            "created_at": datetime.now(UTC).isoformat().replace("+00:00", "Z"),
            "visibility": "public",
            "language": "pl",
            "uri": f"https://{self.host}/users/{self.username}/statuses/{status_id}",
            "url": f"https://{self.host}/@{self.username}/{status_id}",
            "content": _content_html(text),
            "account": self.account(),
            "replies_count": 0,
            "reblogs_count": 0,
            "favourites_count": 0,
            "text": text,
        }
        status.update(counts)
        with self.lock:
            self.statuses.append(status)
        return status

    def set_counts(self, status_id: str, **counts) -> None:
        with self.lock:
            for status in self.statuses:
                if status["id"] == status_id:
                    status.update(counts)

    def read_status(self, status_id):
        with self.lock:
            found = [s for s in self.statuses if s["id"] == status_id]
        if not found:
            return 404, {"error": "Record not found"}, {}
        return 200, {k: v for k, v in found[0].items() if k != "text"}, {}

    def slow_next(self, seconds: float):
        self.delays.append(seconds)

    def take_delay(self) -> float:
        with self.lock:
            return self.delays.pop(0) if self.delays else 0

    def account(self) -> dict:
        return {
            "id": "109000000000000001",
            "username": self.username,
            "acct": self.username,
            "display_name": "Gmina Zawada",
            "url": f"https://{self.host}/@{self.username}",
        }

    def credential_account(self) -> dict:
        with self.lock:
            posted = len(self.statuses)
        return {
            **self.account(),
            "followers_count": self.followers,
            "following_count": 12,
            "statuses_count": posted,
        }

    def answer(self, method, path, query, headers, body):
        params = {}
        ctype = headers.get("content-type", "")
        if body and ctype.startswith("application/x-www-form-urlencoded"):
            params = {k: v[0] for k, v in parse_qs(body.decode()).items()}
        elif body and ctype.startswith("application/json"):
            params = json.loads(body)
        with self.lock:
            self.requests.append((method, path, headers, params))
            if self.script and path == "/api/v1/statuses":
                return self.script.pop(0)
            fault = self._fault_for(method, path)
            if fault:
                return fault
        auth = headers.get("authorization", "")
        token = auth.removeprefix("Bearer ") if auth.startswith("Bearer ") else ""
        if token in self.revoked_tokens:
            return 401, {"error": "The access token was revoked"}, {}
        if token != self.token:
            return 401, {"error": "The access token is invalid"}, {}
        if method == "GET" and path == "/api/v1/accounts/verify_credentials":
            return 200, self.credential_account(), {}
        if method == "GET" and path.startswith("/api/v1/statuses/"):
            return self.read_status(path.removeprefix("/api/v1/statuses/"))
        statuses_path = f"/api/v1/accounts/{self.account()['id']}/statuses"
        if method == "GET" and path == statuses_path:
            return self.account_statuses({k: v[0] for k, v in query.items()})
        if method == "GET" and path.startswith("/api/v1/accounts/"):
            return 404, {"error": "Record not found"}, {}
        if method != "POST" or path != "/api/v1/statuses":
            return 404, {"error": "Record not found"}, {}
        return self.create_status(token, params, headers.get("idempotency-key", ""))

    def account_statuses(self, params):
        """GET /api/v1/accounts/:id/statuses: newest first, max_id paging."""
        try:
            limit = min(int(params.get("limit") or 20), 40)
        except ValueError:
            return 400, {"error": "Invalid limit"}, {}
        with self.lock:
            found = list(reversed(self.statuses))
        if params.get("max_id"):
            found = [s for s in found if int(s["id"]) < int(params["max_id"])]
        page = found[:limit]
        public = [{k: v for k, v in s.items() if k != "text"} for s in page]
        return 200, public, {}

    def create_status(self, token, params, key):
        with self.lock:
            if key:
                seen = self.keys.get((token, key))
                if seen and time.time() - seen[0] < KEY_LIFETIME:
                    return 200, seen[1], {}
        text = str(params.get("status") or "")
        visibility = params.get("visibility") or "public"
        if not text.strip():
            return 422, {"error": "Validation failed: Text can't be blank"}, {}
        if counted_length(text) > 500:
            return (
                422,
                {"error": "Validation failed: Text character limit of 500 exceeded"},
                {},
            )
        if visibility not in VISIBILITIES:
            return 422, {"error": "Validation failed: Visibility is invalid"}, {}
        language = params.get("language")
        if language is not None and not re.fullmatch(r"[a-z]{2,3}", language):
            return 422, {"error": "Validation failed: Language is invalid"}, {}
        with self.lock:
            number = 113000000000000000 + len(self.statuses) + 1
            status = {
                "id": str(number),
                "created_at": datetime.now(UTC).isoformat().replace("+00:00", "Z"),
                "visibility": visibility,
                "language": language,
                "uri": f"https://{self.host}/users/{self.username}/statuses/{number}",
                "url": f"https://{self.host}/@{self.username}/{number}",
                "content": _content_html(text),
                "account": self.account(),
                "replies_count": 0,
                "reblogs_count": 0,
                "favourites_count": 0,
                "text": text,  # what was posted (tests read it)
            }
            self.statuses.append(status)
            if key:
                self.keys[(token, key)] = (time.time(), status)
        return 200, status, {}


def rate_limited(reset_iso: str) -> tuple[int, dict, dict]:
    return (
        429,
        {"error": "Too many requests"},
        {
            "X-RateLimit-Limit": "300",
            "X-RateLimit-Remaining": "0",
            "X-RateLimit-Reset": reset_iso,
        },
    )


class FakeMastodonServer(JsonApiServer):
    def __init__(self, api: FakeMastodonApi | None = None):
        super().__init__(api or FakeMastodonApi())
