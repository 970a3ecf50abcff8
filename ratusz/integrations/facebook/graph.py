"""The Graph API as both Facebook transports see it: one request, one error reader.

Page posts (`transport.Transport`) and Messenger replies
(`transport.ReplyTransport`) call Graph through `call()`, which goes through
`ratusz.lib.http.client()` and turns every failure into a `GraphError` staff
can read. `classify()` is the one reading of Graph's error answers
(https://developers.facebook.com/docs/graph-api/guides/error-handling); what
differs between the two uses (the words, the errors only one of them meets)
is a `Use`.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass

import httpx
from django.conf import settings

from ratusz.integrations.pages import PageApiError
from ratusz.lib import http

# When Facebook throttles without saying for how long.
DEFAULT_RATE_LIMIT_WAIT = 300.0
RATE_LIMIT_CODES = {4, 17, 32, 613}
# "Business Use Case" rate limits of Page tokens (e.g. 80001 for Pages).
BUC_RATE_LIMIT_CODES = range(80000, 80100)
TRANSIENT_CODES = {1, 2, 341, 368}
TOKEN_CODES = (102, 190)
# Missing permissions: 10, 200–299; 230 is pages_messaging's own.
PERMISSION_CODES = {10, 230}


class GraphError(PageApiError):
    """A Graph API error, with the documented fields kept for callers."""

    def __init__(
        self, message, *, permanent, retry_after=None, code=None, sub=None, detail=""
    ):
        super().__init__(message, permanent=permanent, retry_after=retry_after)
        self.code = code
        self.subcode = sub
        # Graph's own words, e.g. "(#100) The value must be a valid insights
        # metric": the insights collector tells a retired metric by them.
        self.detail = detail

    @property
    def token_rejected(self) -> bool:
        return self.code in TOKEN_CODES


@dataclass(frozen=True)
class Failure:
    """What one error answer says: its HTTP status and Graph's error object."""

    status: int
    code: object = None
    sub: object = None
    detail: str = ""
    is_transient: bool = False

    @classmethod
    def of(cls, response: httpx.Response) -> Failure:
        try:
            error = response.json().get("error") or {}
        except (ValueError, AttributeError):
            error = {}
        if not isinstance(error, dict):
            error = {}
        detail = error.get("error_user_msg") or error.get("message") or ""
        return cls(
            status=response.status_code,
            code=error.get("code"),
            sub=error.get("error_subcode"),
            detail=str(detail)[:300],
            is_transient=bool(error.get("is_transient")),
        )


@dataclass(frozen=True)
class Use:
    """How one transport words Graph's errors.

    `many` and `one` name what is sent ("wpisów"/"wpis"), `permissions` says
    which permissions the token needs, and `refusal(failure)` returns the
    text of an error only this use meets (a closed reply window, a duplicate
    post), or None.
    """

    many: str
    one: str
    permissions: str
    refusal: Callable[[Failure], str | None]


def graph_url(path: str) -> str:
    base = settings.FACEBOOK_GRAPH_URL.rstrip("/")
    return f"{base}/{settings.FACEBOOK_GRAPH_VERSION}/{path.lstrip('/')}"


def retry_after(response: httpx.Response) -> float:
    """Retry-After, else the business-use-case usage header, else 5 minutes."""
    seconds = http.retry_after(response)
    if seconds is not None:
        return seconds
    # {"<business-id>": [{"type": "pages", "estimated_time_to_regain_access": 5}]}
    usage = response.headers.get("x-business-use-case-usage", "")
    minutes = 0
    try:
        for entries in json.loads(usage).values():
            for entry in entries:
                minutes = max(
                    minutes, int(entry.get("estimated_time_to_regain_access"))
                )
    except (ValueError, TypeError, AttributeError):
        pass
    return minutes * 60.0 if minutes else DEFAULT_RATE_LIMIT_WAIT


def _token_error_text(subcode) -> str:
    if subcode == 463:
        return "Token Facebooka wygasł"
    if subcode == 460:
        return "Token Facebooka przestał działać po zmianie hasła do Facebooka"
    if subcode == 467:
        return "Token Facebooka jest nieważny (wylogowano go lub wygasł)"
    return "Token Facebooka wygasł albo został unieważniony"


def _lacks_permission(code) -> bool:
    return code in PERMISSION_CODES or (isinstance(code, int) and 200 <= code <= 299)


def classify(response: httpx.Response, use: Use) -> GraphError:
    """Turn a Graph API error answer into a TransportError staff can read."""
    failure = Failure.of(response)
    status, code, detail = failure.status, failure.code, failure.detail

    def fail(text, permanent, retry_after=None):
        return GraphError(
            text,
            permanent=permanent,
            retry_after=retry_after,
            code=code,
            sub=failure.sub,
            detail=detail,
        )

    if code in TOKEN_CODES:
        return fail(_token_error_text(failure.sub) + ".", True)
    refused = use.refusal(failure)
    if refused:
        return fail(refused, True)
    if status == 429 or code in RATE_LIMIT_CODES or code in BUC_RATE_LIMIT_CODES:
        return fail(
            f"Facebook ogranicza liczbę {use.many} (limit zapytań); "
            "spróbujemy później.",
            False,
            retry_after(response),
        )
    if status >= 500 or code in TRANSIENT_CODES or failure.is_transient:
        return fail(
            f"Facebook ma chwilowe kłopoty (HTTP {status}); spróbujemy później.", False
        )
    if _lacks_permission(code):
        return fail(f"{use.permissions} Facebook: {detail}", True)
    if 400 <= status < 500:
        return fail(
            f"Facebook odrzucił {use.one} (HTTP {status}). {detail}".strip(), True
        )
    return fail(f"Nieoczekiwana odpowiedź Facebooka (HTTP {status}).", False)


def call(api: httpx.Client, method: str, path: str, use: Use, **kwargs) -> dict:
    """One Graph API request; a dict on success, GraphError otherwise."""
    try:
        response = api.request(method, graph_url(path), **kwargs)
    except http.FetchError as error:  # BlockedHost included
        raise GraphError(str(error), permanent=True) from error
    except httpx.TimeoutException as error:
        # Possibly done, and Graph has no idempotency key: the transports
        # keep the remote id and read back before posting again.
        raise GraphError(
            "Facebook nie odpowiedział na czas; spróbujemy później.", permanent=False
        ) from error
    except httpx.HTTPError as error:
        raise GraphError(
            f"Brak połączenia z Facebookiem ({type(error).__name__}); "
            "spróbujemy później.",
            permanent=False,
        ) from error
    if response.status_code != 200:
        raise classify(response, use)
    try:
        body = response.json()
    except ValueError:
        body = None
    if not isinstance(body, dict):
        raise GraphError("Facebook odpowiedział w nieznanym formacie.", permanent=True)
    if "error" in body:
        raise classify(response, use)
    return body
