"""A loopback Graph API that checks Page posts like the real one.

What it checks (https://developers.facebook.com/docs/graph-api/reference/page/feed,
…/page/photos, …/guides/error-handling): the pinned version in the path, the
method, the Page id, the `access_token` parameter (form body for POST, query
for GET) and the required parameters (`message` or `link` for /feed, `url`
for /photos). It answers `{"id": "<page>_<post>"}` (/feed) or
`{"id": "<photo>", "post_id": "<page>_<post>"}` (/photos), and the documented
error object otherwise: code 190 (subcode 463 for an expired token, none for
an unknown one) with HTTP 400, code 200 (no permission) with HTTP 403, code 100
for a missing parameter. `fail_next()` scripts rate limits (code 4, 32), HTTP
429 and 500 for the next requests.

Reading the Page's posts back (…/reference/page/feed, "Reading";
…/graph-api/results for paging): `GET /{page-id}/feed` (and `/posts`) with
`fields` (nested `attachments{url,unshimmed_url}` included), `since` (a Unix
time), `limit` (at most 100) and the `after` cursor answers
`{"data": [...], "paging": {"cursors": {"before", "after"}, "next"}}`, newest
first, `next` only when there is more. A link post's `attachments.data[0]`
carries `url` (Facebook's l.facebook.com redirect) and `unshimmed_url` (the
link itself); a photo post's message is its caption.

Who a token belongs to (…/graph-api/reference/page, "Page access tokens";
…/docs/facebook-login/guides/access-tokens): `GET /me?fields=id,name` with a
Page access token answers that Page, `{"id": "<page-id>", "name": "…"}`
(only the fields asked for; `id` always). The fake's own token (and its
read-only tokens) belong to `page_id`; `other_pages` maps further tokens to
other Pages (`{token: (page_id, name)}`). A bad token gets code 190 (an
expired one subcode 463) with HTTP 400, as anywhere else.

Insights (…/graph-api/reference/insights, …/pages-api/platforminsights/page):
`GET /{post-id}/insights?metric=…` (period `lifetime`) and
`GET /{page-id}/insights?metric=…&period=day&since=…&until=…` (dates or Unix
times, at most 90 days). Each request must name exactly one metric (our rule:
one retired metric fails a whole request, `(#100) The value must be a valid
insights metric`, HTTP 400 — which is what a retired or unknown metric gets
here). An answer is `{"data": [{"name", "period", "values", "title",
"description", "id"}], "paging": …}`; a post metric has one value, a daily
Page metric one value per day whose `end_time` is the next day 08:00 UTC
(midnight, Pacific time). A Page under 100 likes (`page_likes`) gets
`{"data": []}`, as Meta answers. An unknown post id gets code 100 subcode 33.
A token in `other_pages` reads its own Page and posts.
`fail_on(fragment, …)` scripts an error for the next request whose path
contains `fragment` (a 429, a 500, code 190 for one call).

`hold_answers()` makes every accepted POST wait, after the post exists, until
`release()`: a client killed meanwhile never learns the post id (the kill test
waits on `accepted`).
"""

from __future__ import annotations

import base64
import json
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit


class _Server(ThreadingHTTPServer):
    daemon_threads = True


class JsonApiServer:
    """Serve `api.answer(method, path, query, headers, body)` on 127.0.0.1:0."""

    def __init__(self, api) -> None:
        self.api = api
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _handle(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                parts = urlsplit(self.path)
                query = parse_qs(parts.query, keep_blank_values=True)
                headers = {k.lower(): v for k, v in self.headers.items()}
                status, answer, extra = server.api.answer(
                    self.command, parts.path, query, headers, body
                )
                delay = getattr(server.api, "take_delay", lambda: 0)()
                if delay:
                    time.sleep(delay)
                data = json.dumps(answer).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json; charset=utf-8")
                    self.send_header("Content-Length", str(len(data)))
                    for name, value in extra.items():
                        self.send_header(name, value)
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (a timeout test)

            do_GET = do_POST = do_DELETE = _handle

            def log_message(self, *args):
                pass

        self.httpd = _Server(("127.0.0.1", 0), Handler)
        self.port = self.httpd.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=5)


def graph_error(message, code, subcode=None, kind="OAuthException", **more):
    error = {"message": message, "type": kind, "code": code, "fbtrace_id": "AbCdEf1"}
    if subcode is not None:
        error["error_subcode"] = subcode
    error.update(more)
    return {"error": error}


def expired_token_error():
    return graph_error(
        "Error validating access token: Session has expired on Tuesday, "
        "24-Nov-26 01:00:00 PST. The current time is Tuesday, 24-Nov-26 "
        "02:00:00 PST.",
        190,
        463,
    )


def rate_limit_error(code=4):
    texts = {
        4: "(#4) Application request limit reached",
        32: "(#32) Page request limit reached",
    }
    return graph_error(
        texts.get(code, "(#17) User request limit reached"), code, is_transient=True
    )


@dataclass
class Post:
    path: str
    fields: dict
    id: str
    created: float = field(default_factory=time.time)

    def as_graph(self, page_id: str) -> dict:
        """The post as GET /{page-id}/feed shows it (all readable fields)."""
        number = self.id.split("_", 1)[1]
        data = {
            "id": self.id,
            "created_time": datetime.fromtimestamp(self.created, UTC).strftime(
                "%Y-%m-%dT%H:%M:%S+0000"
            ),
            "permalink_url": f"https://www.facebook.com/{page_id}/posts/{number}",
        }
        if self.path == "photos":
            data["message"] = self.fields.get("caption", "")
        elif self.fields.get("message"):
            data["message"] = self.fields["message"]
        link = self.fields.get("link")
        if link:
            shim = "https://l.facebook.com/l.php?u=" + link
            data["attachments"] = {
                "data": [{"url": shim, "unshimmed_url": link, "type": "share"}]
            }
        return data


def _split_fields(value: str) -> list[str]:
    """`id,attachments{url,unshimmed_url}` → ["id", "attachments"]."""
    names, depth, current = [], 0, ""
    for char in value:
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
        elif char == "," and depth == 0:
            names.append(current.strip())
            current = ""
            continue
        if depth == 0 and char != "}":
            current += char
    names.append(current.strip())
    return [n for n in names if n]


def _cursor(index: int) -> str:
    return base64.urlsafe_b64encode(f"idx:{index}".encode()).decode()


def _uncursor(value: str) -> int | None:
    try:
        text = base64.urlsafe_b64decode(value.encode()).decode()
    except (ValueError, UnicodeDecodeError):
        return None
    kind, _, number = text.partition(":")
    return int(number) if kind == "idx" and number.isdigit() else None


FEED_FIELDS = {"id", "message", "created_time", "permalink_url", "attachments"}

# Metrics Graph answers today (DOMAIN.md "Facebook Page and Mastodon numbers").
POST_METRICS = {
    "post_total_media_view_unique",
    "post_media_view",
    "post_reactions_like_total",
    "post_reactions_by_type_total",
    "post_clicks",
}
PAGE_METRICS = {"page_follows", "page_total_media_view_unique", "page_media_view"}
# Retired by Meta: answered with the invalid-metric error, like unknown names.
RETIRED_METRICS = {
    "post_impressions_unique",
    "post_impressions",
    "post_engaged_users",
    "page_impressions_unique",
    "page_fans",
    "page_engaged_users",
}
MAX_INSIGHTS_DAYS = 90


def invalid_metric_error():
    return graph_error("(#100) The value must be a valid insights metric", 100)


def _day(value: str):
    """A since/until value: a Unix time or a date (what strtotime reads)."""
    if value.isdigit():
        return datetime.fromtimestamp(int(value), UTC).date()
    return datetime.strptime(value, "%Y-%m-%d").date()


@dataclass
class FakeGraphApi:
    version: str = "v26.0"
    page_id: str = "104512345678901"
    page_name: str = "Gmina Zawada"
    token: str = "EAAPageToken-ok-SeCrEtXyZq"
    expired_tokens: set = field(default_factory=set)
    readonly_tokens: set = field(default_factory=set)
    other_pages: dict = field(default_factory=dict)
    posts: list[Post] = field(default_factory=list)
    requests: list[tuple[str, str, dict]] = field(default_factory=list)
    script: list[tuple[int, dict, dict]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    # hold_answers(): accepted POSTs wait for release() before answering.
    holding: bool = False
    accepted: threading.Semaphore = field(
        default_factory=lambda: threading.Semaphore(0)
    )
    released: threading.Event = field(default_factory=threading.Event)
    # Insights: likes decide whether Meta gives numbers at all (≥ 100).
    page_likes: int = 250
    # post id → {metric: value}; a post listed here or in `posts` exists.
    post_insights: dict = field(default_factory=dict)
    # metric → the value of every day.
    page_daily: dict = field(
        default_factory=lambda: {
            "page_follows": 1000,
            "page_total_media_view_unique": 600,
            "page_media_view": 1500,
        }
    )
    retired_metrics: set = field(default_factory=lambda: set(RETIRED_METRICS))
    faults: list[tuple[str, int, dict, dict]] = field(default_factory=list)

    def fail_next(self, status, body, headers=None):
        self.script.append((status, body, headers or {}))

    def fail_on(self, fragment, status, body, headers=None):
        """The next request whose path contains `fragment` gets this answer."""
        self.faults.append((fragment, status, body, headers or {}))

    def _fault_for(self, path):
        for index, (fragment, status, body, headers) in enumerate(self.faults):
            if fragment in path:
                del self.faults[index]
                return status, body, headers
        return None

    def read_insights(self, node, params, page_id):
        """The insights edge of the Page `page_id` (the token's) or of its post."""
        metric = params.get("metric", "")
        if not metric:
            return (
                400,
                graph_error(
                    "No metric was specified to be fetched. Please specify one or "
                    "more metrics to be fetched and try again.",
                    3001,
                    1504028,
                ),
                {},
            )
        if "," in metric:
            # Graph takes a list, but Ratusz must ask one by one.
            return 400, graph_error("fake Graph: one metric per call", 100), {}
        is_page = node == page_id
        known = PAGE_METRICS if is_page else POST_METRICS
        if metric in self.retired_metrics or metric not in known:
            return 400, invalid_metric_error(), {}
        period = params.get("period") or ("day" if is_page else "lifetime")
        if period != ("day" if is_page else "lifetime"):
            return (
                400,
                graph_error("(#100) The value must be a valid insights period", 100),
                {},
            )
        if is_page:
            return self._page_insights(node, metric, params)
        with self.lock:
            known_posts = set(self.post_insights) | {p.id for p in self.posts}
        # A post id is "<page id>_<number>"; another Page's post is unknown
        # to this Page's token.
        if node not in known_posts or not node.startswith(f"{page_id}_"):
            return (
                400,
                graph_error(
                    f"Unsupported get request. Object with ID '{node}' does not exist.",
                    100,
                    33,
                    kind="GraphMethodException",
                ),
                {},
            )
        if self.page_likes < 100:
            return 200, {"data": []}, {}
        value = self.post_insights.get(node, {}).get(metric, 0)
        return (
            200,
            {"data": [self._entry(node, metric, period, [{"value": value}])]},
            {},
        )

    def _page_insights(self, node, metric, params):
        try:
            until = _day(params["until"]) if params.get("until") else None
            since = _day(params["since"]) if params.get("since") else None
        except ValueError:
            return 400, graph_error("(#100) Invalid since/until", 100), {}
        until = until or datetime.now(UTC).date()
        since = since or until - timedelta(days=2)
        if not since < until or (until - since).days > MAX_INSIGHTS_DAYS:
            return (
                400,
                graph_error(
                    "(#100) There cannot be more than 90 days (7776000 s) between "
                    "since and until",
                    100,
                ),
                {},
            )
        if self.page_likes < 100:
            return 200, {"data": []}, {}
        values = []
        day = since
        while day < until:
            end = day + timedelta(days=1)
            values.append(
                {
                    "value": self.page_daily.get(metric, 0),
                    "end_time": f"{end.isoformat()}T08:00:00+0000",
                }
            )
            day = end
        return 200, {"data": [self._entry(node, metric, "day", values)]}, {}

    def _entry(self, node, metric, period, values):
        return {
            "name": metric,
            "period": period,
            "values": values,
            "title": metric.replace("_", " ").capitalize(),
            "description": f"Lifetime: {metric}",
            "id": f"{node}/insights/{metric}/{period}",
        }

    def hold_answers(self):
        self.released.clear()
        self.holding = True

    def release(self):
        self.holding = False
        self.released.set()

    def read_feed(self, params):
        unknown = set(_split_fields(params.get("fields", "id"))) - FEED_FIELDS
        if unknown:
            return (
                400,
                graph_error(
                    f"(#100) Tried accessing nonexisting field ({sorted(unknown)[0]}) "
                    "on node type (PagePost)",
                    100,
                    kind="OAuthException",
                ),
                {},
            )
        wanted = set(_split_fields(params.get("fields", ""))) or {"id", "message"}
        wanted |= {"id"}
        try:
            limit = int(params.get("limit") or 25)
            since = int(params["since"]) if params.get("since") else None
        except ValueError:
            return 400, graph_error("(#100) Invalid parameter", 100), {}
        if not 0 < limit <= 100:
            return 400, graph_error("(#100) The limit must be 1..100", 100), {}
        start = 0
        if params.get("after"):
            start = _uncursor(params["after"])
            if start is None:
                return 400, graph_error("(#100) Invalid cursor", 100), {}
        with self.lock:
            posts = [
                p for p in reversed(self.posts) if since is None or p.created >= since
            ]
        chunk = posts[start : start + limit]
        data = [
            {k: v for k, v in p.as_graph(self.page_id).items() if k in wanted}
            for p in chunk
        ]
        answer = {"data": data}
        if chunk:
            answer["paging"] = {
                "cursors": {
                    "before": _cursor(start),
                    "after": _cursor(start + len(chunk)),
                }
            }
            if start + len(chunk) < len(posts):
                answer["paging"]["next"] = (
                    f"https://graph.facebook.com/{self.version}/{self.page_id}/feed"
                    f"?after={_cursor(start + len(chunk))}&limit={limit}"
                )
        return 200, answer, {}

    def read_me(self, token, params):
        """GET /me with a Page access token: the Page the token belongs to."""
        if token in self.other_pages:
            page_id, name = self.other_pages[token]
        elif token == self.token or token in self.readonly_tokens:
            page_id, name = self.page_id, self.page_name
        else:
            return (
                400,
                graph_error(
                    "Invalid OAuth access token - Cannot parse access token", 190
                ),
                {},
            )
        wanted = set(_split_fields(params.get("fields", ""))) | {"id"}
        unknown = wanted - {"id", "name"}
        if unknown:
            return (
                400,
                graph_error(
                    f"(#100) Tried accessing nonexisting field ({sorted(unknown)[0]}) "
                    "on node type (Page)",
                    100,
                ),
                {},
            )
        page = {"id": page_id, "name": name}
        return 200, {k: v for k, v in page.items() if k in wanted}, {}

    def answer(self, method, path, query, headers, body):
        params = {k: v[0] for k, v in query.items()}
        if method == "POST":
            ctype = headers.get("content-type", "")
            if not ctype.startswith("application/x-www-form-urlencoded"):
                return 400, graph_error("(#100) Invalid parameter", 100), {}
            form = parse_qs(body.decode(), keep_blank_values=True)
            params.update({k: v[0] for k, v in form.items()})
        with self.lock:
            self.requests.append((method, path, params))
            if self.script:
                return self.script.pop(0)
            fault = self._fault_for(path)
            if fault:
                return fault
        parts = path.strip("/").split("/")
        if not parts or parts[0] != self.version:
            return (
                400,
                graph_error(f"Unknown path components: /{parts[0]}", 2500),
                {},
            )
        token = params.get("access_token", "")
        if not token:
            return (
                400,
                graph_error(
                    "An access token is required to request this resource.", 104
                ),
                {},
            )
        if token in self.expired_tokens:
            return 400, expired_token_error(), {}
        if method == "GET" and parts[1:] == ["me"]:
            return self.read_me(token, params)
        if method == "GET" and len(parts) == 3 and parts[2] == "insights":
            if token in self.other_pages:
                return self.read_insights(parts[1], params, self.other_pages[token][0])
        if token != self.token and token not in self.readonly_tokens:
            return (
                400,
                graph_error(
                    "Invalid OAuth access token - Cannot parse access token", 190
                ),
                {},
            )
        if method == "GET" and len(parts) == 3 and parts[2] == "insights":
            return self.read_insights(parts[1], params, self.page_id)
        if len(parts) < 2 or parts[1] != self.page_id:
            return (
                400,
                graph_error(
                    f"Unsupported {method.lower()} request. Object with ID "
                    f"'{parts[1] if len(parts) > 1 else ''}' does not exist.",
                    100,
                    33,
                    kind="GraphMethodException",
                ),
                {},
            )
        if method == "GET" and len(parts) == 2:
            return 200, {"name": self.page_name, "id": self.page_id}, {}
        if method == "GET" and len(parts) == 3 and parts[2] in ("feed", "posts"):
            return self.read_feed(params)
        if method != "POST" or len(parts) != 3 or parts[2] not in ("feed", "photos"):
            return 400, graph_error("Unknown path components", 2500), {}
        if token in self.readonly_tokens:
            return (
                403,
                graph_error(
                    "(#200) The user hasn't authorized the application to perform "
                    "this action",
                    200,
                ),
                {},
            )
        if parts[2] == "feed" and not (params.get("message") or params.get("link")):
            return 400, graph_error("(#100) Missing message or attachment", 100), {}
        if parts[2] == "photos" and not params.get("url"):
            return 400, graph_error("(#324) Requires upload file", 324), {}
        with self.lock:
            number = 5000 + len(self.posts)
            post_id = f"{self.page_id}_{number}"
            fields = {k: v for k, v in params.items() if k != "access_token"}
            self.posts.append(Post(parts[2], fields, post_id))
        if self.holding:
            self.accepted.release()
            self.released.wait(timeout=120)
        if parts[2] == "photos":
            return 200, {"id": str(number + 900000), "post_id": post_id}, {}
        return 200, {"id": post_id}, {}


class FakeGraphServer(JsonApiServer):
    def __init__(self, api: FakeGraphApi | None = None):
        super().__init__(api or FakeGraphApi())
