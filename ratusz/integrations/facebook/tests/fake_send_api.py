"""A loopback Send API that checks Messenger replies like the real one.

What it checks (https://developers.facebook.com/docs/messenger-platform/reference/send-api,
…/send-messages#messaging_types, …/policy/policy-overview (24-hour window,
HUMAN_AGENT tag: 7 days), …/error-codes): the pinned version in the path,
POST to /{page-id}/messages, a form body with `access_token` (never in the
URL), `recipient` = JSON with the PSID, `messaging_type` one of RESPONSE /
UPDATE / MESSAGE_TAG, `tag` only with MESSAGE_TAG, `message` = JSON with a
non-empty `text` of at most 2000 characters. It keeps the time of each
person's last message (`user_wrote`) and refuses a RESPONSE after 24 hours
and a HUMAN_AGENT message after 7 days with code 10, subcode 2018278.

Answers: `{"recipient_id": "<psid>", "message_id": "m_…"}`, or the
documented error object: 190/463 (expired token), 551 (person not
available), 100/2018001 (no matching user), 613 (rate limit), and whatever
`fail_next()` scripts (HTTP 429, 500).
"""

from __future__ import annotations

import json
import threading
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs

from django.test import override_settings

from .fake_graph import JsonApiServer, expired_token_error, graph_error

__all__ = ["FakeSendApiServer", "FakeSendApi", "rate_limit_613"]

MESSAGING_TYPES = {"RESPONSE", "UPDATE", "MESSAGE_TAG"}
TAGS = {
    "HUMAN_AGENT",
    "CONFIRMED_EVENT_UPDATE",
    "POST_PURCHASE_UPDATE",
    "ACCOUNT_UPDATE",
}


def outside_window_error():
    return graph_error(
        "(#10) This message is sent outside of allowed window. Learn more about "
        "the new policy here: https://developers.facebook.com/docs/messenger-"
        "platform/policy-overview",
        10,
        2018278,
    )


def rate_limit_613():
    return graph_error("(#613) Calls to this api have exceeded the rate limit.", 613)


@dataclass
class Sent:
    psid: str
    text: str
    messaging_type: str
    tag: str
    id: str


@dataclass
class FakeSendApi:
    version: str = "v26.0"
    page_id: str = "104512345678901"
    token: str = "EAAPageToken-ok-SeCrEtXyZq"
    expired_tokens: set = field(default_factory=set)
    unavailable: set = field(default_factory=set)  # PSIDs that blocked the Page
    last_user_message: dict = field(default_factory=dict)  # psid → datetime
    sent: list[Sent] = field(default_factory=list)
    requests: list[tuple[str, str, dict]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    script: list[tuple[int, dict, dict]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def user_wrote(self, psid: str, when: datetime) -> None:
        self.last_user_message[psid] = when

    def fail_next(self, status, body, headers=None):
        self.script.append((status, body, headers or {}))

    def _bad(self, text, code=100, subcode=None):
        self.problems.append(text)
        return 400, graph_error(text, code, subcode), {}

    def answer(self, method, path, query, headers, body):
        params = {}
        if method == "POST":
            ctype = headers.get("content-type", "")
            if not ctype.startswith("application/x-www-form-urlencoded"):
                return self._bad("(#100) Invalid parameter: form body expected")
            form = parse_qs(body.decode(), keep_blank_values=True)
            params = {k: v[0] for k, v in form.items()}
        with self.lock:
            self.requests.append((method, path, params))
            if self.script:
                return self.script.pop(0)
        if "access_token" in query:
            return self._bad("access_token in the URL (it would end up in logs)")
        parts = path.strip("/").split("/")
        if len(parts) != 3 or parts[0] != self.version or parts[2] != "messages":
            return self._bad(f"Unknown path components: {path}", 2500)
        if method != "POST":
            return self._bad("Unsupported method")
        token = params.get("access_token", "")
        if token in self.expired_tokens:
            return 400, expired_token_error(), {}
        if token != self.token:
            return 400, graph_error("Invalid OAuth access token.", 190), {}
        if parts[1] != self.page_id:
            return self._bad(f"Object with ID '{parts[1]}' does not exist.", 100, 33)
        try:
            recipient = json.loads(params.get("recipient", ""))
            message = json.loads(params.get("message", ""))
        except ValueError:
            return self._bad("(#100) param recipient/message must be JSON")
        psid = str(recipient.get("id") or "") if isinstance(recipient, dict) else ""
        if not psid:
            return self._bad("(#100) The parameter recipient is required")
        kind, tag = params.get("messaging_type", ""), params.get("tag", "")
        if kind not in MESSAGING_TYPES:
            return self._bad("(#100) Param messaging_type must be one of …")
        if (kind == "MESSAGE_TAG") != bool(tag) or (tag and tag not in TAGS):
            return self._bad("(#100) tag goes with messaging_type=MESSAGE_TAG only")
        text = message.get("text") if isinstance(message, dict) else None
        if not isinstance(text, str) or not text.strip():
            return self._bad("(#100) The parameter message[text] is required")
        if len(text) > 2000:
            return self._bad("(#100) Length of param message[text] must be <= 2000")
        if psid in self.unavailable:
            return (
                400,
                graph_error("(#551) This person isn't available right now.", 551),
                {},
            )
        last = self.last_user_message.get(psid)
        if last is None:
            return 400, graph_error("(#100) No matching user found", 100, 2018001), {}
        now = datetime.now(UTC)
        window = timedelta(days=7) if tag == "HUMAN_AGENT" else timedelta(hours=24)
        if now > last + window:
            return 400, outside_window_error(), {}
        mid = f"m_{uuid.uuid4().hex}"
        with self.lock:
            self.sent.append(Sent(psid, text, kind, tag, mid))
        return 200, {"recipient_id": psid, "message_id": mid}, {}


class FakeSendApiServer(JsonApiServer):
    def __init__(self, api: FakeSendApi | None = None):
        super().__init__(api or FakeSendApi())


def use_fake_send_api(testcase) -> FakeSendApiServer:
    """Start the fake for one test and point the Graph settings at it."""
    server = FakeSendApiServer().__enter__()
    testcase.addCleanup(server.__exit__, None, None, None)
    overrides = override_settings(
        FACEBOOK_GRAPH_URL=server.url,
        FACEBOOK_GRAPH_VERSION=server.api.version,
        HTTP_ALLOW_PRIVATE_HOSTS=["127.0.0.1"],
    )
    overrides.enable()
    testcase.addCleanup(overrides.disable)
    return server
