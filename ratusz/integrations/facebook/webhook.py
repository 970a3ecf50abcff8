"""Facebook's webhook (inbound): Messenger messages to a gmina's Page.

GET: the subscription handshake — `hub.mode=subscribe` and
`hub.verify_token` equal to `settings.FACEBOOK_VERIFY_TOKEN` → the
`hub.challenge` echoed; anything else → 403.

POST: `X-Hub-Signature-256: sha256=<HMAC-SHA256 of the raw body with
settings.FACEBOOK_APP_SECRET>`, compared in constant time; missing or wrong
→ 403 and nothing stored. A verified body is stored as raw events (one per
messaging event, the message id unique) and answered 200 at once; the
worker does the rest (`messenger.inbound`). Facebook retries unanswered
webhooks, so the answer must be quick and a redelivery harmless.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging

from django.conf import settings
from django.http import HttpResponse, HttpResponseForbidden
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from ratusz.messenger.inbound import store_facebook

logger = logging.getLogger(__name__)

# Facebook batches up to 1000 events; real bodies are a few kB.
MAX_BODY_BYTES = 1024 * 1024


def signature_ok(body: bytes, header: str) -> bool:
    secret = settings.FACEBOOK_APP_SECRET
    if not secret or not header.startswith("sha256="):
        return False
    expected = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, header.removeprefix("sha256=").lower())


def _verify(request):
    token = settings.FACEBOOK_VERIFY_TOKEN
    given = request.GET.get("hub.verify_token", "")
    if (
        request.GET.get("hub.mode") == "subscribe"
        and token
        and hmac.compare_digest(given.encode(), token.encode())
    ):
        challenge = request.GET.get("hub.challenge", "")[:200]
        return HttpResponse(challenge, content_type="text/plain; charset=utf-8")
    return HttpResponseForbidden("Nieprawidłowy token weryfikacyjny.")


@csrf_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def webhook(request):
    if request.method == "GET":
        return _verify(request)
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > MAX_BODY_BYTES:
        return HttpResponse("Za duże zapytanie.", status=413)
    body = request.read(MAX_BODY_BYTES + 1)
    if len(body) > MAX_BODY_BYTES:
        return HttpResponse("Za duże zapytanie.", status=413)
    if not signature_ok(body, request.headers.get("X-Hub-Signature-256", "")):
        logger.warning("Messenger webhook with a missing or wrong signature")
        return HttpResponseForbidden("Nieprawidłowy podpis.")
    try:
        payload = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return HttpResponse("Nieprawidłowy JSON.", status=400)
    store_facebook(payload)
    return HttpResponse("EVENT_RECEIVED", content_type="text/plain")
