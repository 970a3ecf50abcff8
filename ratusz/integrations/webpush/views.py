"""The subscribe/unsubscribe endpoints the button calls, and the service worker."""

import json
from functools import wraps

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from ratusz.fans import following
from ratusz.fans.models import Follower
from ratusz.gminas.models import Gmina
from ratusz.lib.client_ip import client_ip
from ratusz.lib.ratelimit import over_limit

from . import vapid
from .forms import EndpointForm, SubscriptionForm

MAX_BODY = 16 * 1024


def rate_limited(action: str):
    """Answer 429 to a client address past its limit for `action`.

    The limit: settings.WEBPUSH_RATE_PER_IP requests per WEBPUSH_RATE_PERIOD.
    """

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            period = settings.WEBPUSH_RATE_PERIOD
            key = f"webpush:{action}:ip:{client_ip(request)}"
            if over_limit(key, settings.WEBPUSH_RATE_PER_IP, period):
                response = _error(
                    _("Zbyt wiele prób. Spróbuj ponownie za kilka minut."),
                    status=429,
                )
                response["Retry-After"] = str(period)
                return response
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


# A PushSubscription is three levels deep; anything deeper is not one.
MAX_DEPTH = 8


class BadRequest(Exception):
    """The request body is not a subscription: a 400 with a Polish message."""


def _json(request) -> dict | None:
    """Return the request's JSON object, None when the body is not one.

    Raises BadRequest for a body too large or too deeply nested to be a
    subscription, before Django reads or json parses it whole (a deep
    array overflows the parser's recursion: a 500 before this).
    """
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > MAX_BODY or len(request.body) > MAX_BODY:
        raise BadRequest(_("Przesłane dane są za duże (najwyżej 16 kB)."))
    try:
        data = json.loads(request.body)
    except RecursionError:
        raise BadRequest(_("Przesłane dane są zbyt zagnieżdżone.")) from None
    except (ValueError, UnicodeDecodeError):
        return None
    if _depth(data) > MAX_DEPTH:
        raise BadRequest(_("Przesłane dane są zbyt zagnieżdżone."))
    return data if isinstance(data, dict) else None


def _depth(value, level: int = 1) -> int:
    if level > MAX_DEPTH:
        return level
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, list):
        return max((_depth(v, level + 1) for v in value), default=level)
    return level


def json_body(view):
    """Answer 400 with the message of a BadRequest the view's body raised."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except BadRequest as error:
            return _error(str(error.args[0]))

    return wrapper


def _error(message: str, status: int = 400) -> JsonResponse:
    return JsonResponse({"ok": False, "error": str(message)}, status=status)


def _first_error(form) -> str:
    return next(iter(form.errors.values()))[0]


def _source(request, data: dict) -> str:
    page = str(data.get("page") or "")[:120]
    return f"przycisk powiadomień: {request.get_host()}{page}"


@never_cache
@require_POST
@rate_limited("subscribe")
@json_body
def subscribe(request):
    gmina = Gmina.for_request_or_404(request)
    data = _json(request)
    if data is None or not isinstance(data.get("subscription"), dict):
        return _error(_("Nieprawidłowe dane subskrypcji."))
    subscription = data["subscription"]
    keys = (
        subscription.get("keys") if isinstance(subscription.get("keys"), dict) else {}
    )
    form = SubscriptionForm(
        {
            "endpoint": subscription.get("endpoint"),
            "p256dh": keys.get("p256dh"),
            "auth": keys.get("auth"),
            "topics": _ids(data.get("topics")),
            "villages": _ids(data.get("villages")),
        },
        gmina=gmina,
    )
    if not form.is_valid():
        return _error(_first_error(form))
    follower = None
    if data.get("follower"):
        follower = Follower.objects.filter(
            gmina=gmina, token=str(data["follower"])[:64]
        ).first()
    try:
        following.subscribe_browser(
            gmina, **form.cleaned_data, follower=follower, source=_source(request, data)
        )
    except following.SubscribeError as error:
        return _error(error.message, status=409)
    return JsonResponse(
        {"ok": True, "message": _("Powiadomienia w tej przeglądarce są włączone.")},
        status=201,
    )


def _ids(value) -> list[str]:
    if not isinstance(value, list):
        return []
    return [str(v) for v in value[:200] if isinstance(v, (int, str))]


@never_cache
@require_POST
@rate_limited("unsubscribe")
@json_body
def unsubscribe(request):
    gmina = Gmina.for_request_or_404(request)
    data = _json(request) or {}
    form = EndpointForm({"endpoint": data.get("endpoint")})
    if not form.is_valid():
        return _error(_("Nieprawidłowy adres subskrypcji."))
    following.unsubscribe_browser(
        gmina, form.cleaned_data["endpoint"], source=_source(request, data)
    )
    return JsonResponse(
        {"ok": True, "message": _("Powiadomienia w tej przeglądarce są wyłączone.")}
    )


# The service worker posts without a page, so without a CSRF token; nor does
# it need one: no cookie authorises the request, knowing the old endpoint (a
# secret URL only the browser and the server hold) does.
@csrf_exempt
@never_cache
@require_POST
@rate_limited("resubscribe")
@json_body
def resubscribe(request):
    """The push service replaced a subscription: swap the endpoint in place."""
    gmina = Gmina.for_request_or_404(request)
    data = _json(request)
    if data is None or not isinstance(data.get("subscription"), dict):
        return _error(_("Nieprawidłowe dane subskrypcji."))
    old = EndpointForm({"endpoint": data.get("old_endpoint")})
    if not old.is_valid():
        return _error(_("Nieprawidłowy adres poprzedniej subskrypcji."))
    subscription = data["subscription"]
    keys = subscription.get("keys")
    keys = keys if isinstance(keys, dict) else {}
    form = SubscriptionForm(
        {
            "endpoint": subscription.get("endpoint"),
            "p256dh": keys.get("p256dh"),
            "auth": keys.get("auth"),
        },
        gmina=gmina,
    )
    if not form.is_valid():
        return _error(_first_error(form))
    fields = {k: form.cleaned_data[k] for k in ("endpoint", "p256dh", "auth")}
    try:
        replaced = following.replace_subscription(
            gmina, old_endpoint=old.cleaned_data["endpoint"], **fields
        )
    except following.SubscribeError as error:
        return _error(error.message, status=409)
    if replaced is None:
        return _error(_("Nieznana subskrypcja."), status=404)
    return JsonResponse({"ok": True})


@require_GET
def service_worker(request):
    response = HttpResponse(
        render_to_string(
            "webpush/sw.js",
            {
                "public_key": vapid.keys().public_key,
                "resubscribe_url": reverse("webpush-resubscribe"),
            },
        ),
        content_type="text/javascript; charset=utf-8",
    )
    # At the site's root, the worker may control every page; "no-cache"
    # makes browsers check for a new version on each registration.
    response["Service-Worker-Allowed"] = "/"
    response["Cache-Control"] = "no-cache"
    return response
