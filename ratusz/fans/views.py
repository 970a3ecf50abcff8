"""Residents' pages: following, confirming, managing, leaving."""

import hashlib
import json

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from ratusz.gminas.models import Gmina
from ratusz.lib import ratelimit
from ratusz.lib.client_ip import client_ip

from . import data_rights, following, tasks
from .consent import email_consent_text
from .forms import CHANNELS, FollowForm, InterestsForm, preselected_interests
from .models import FanSettings, Follower


def _get_follower(request, token: str) -> Follower:
    """The follower a private link names, within the site's gmina; else 404."""
    gmina = Gmina.for_request(request)
    follower = (
        Follower.objects.filter(token=token, gmina=gmina).first() if gmina else None
    )
    if follower is None:
        raise Http404
    return follower


def _template_exists(name: str) -> bool:
    try:
        get_template(name)
    except TemplateDoesNotExist:
        return False
    return True


def _rate_limited(request, gmina, email: str) -> bool:
    ip = client_ip(request)
    address = hashlib.sha256(following.normalize_email(email).lower().encode())
    period = settings.FOLLOW_RATE_PERIOD
    # Both are counted, so one cannot be used to probe the other.
    by_ip = ratelimit.over_limit(
        f"fans:follow:ip:{ip}", settings.FOLLOW_RATE_PER_IP, period
    )
    by_email = ratelimit.over_limit(
        f"fans:follow:email:{gmina.pk}:{address.hexdigest()}",
        settings.FOLLOW_RATE_PER_EMAIL,
        period,
    )
    return by_ip or by_email


# The address a browser just submitted, for the "sent" page to repeat: kept in
# that browser (a signed cookie sent only to that page), never looked up.
SENT_COOKIE = "ratusz_follow_sent"
SENT_SALT = "ratusz.fans.follow-sent"
SENT_MAX_AGE = 600  # seconds


def _remember_address(request, response, email: str):
    response.set_cookie(
        SENT_COOKIE,
        signing.dumps(email, salt=SENT_SALT),
        max_age=SENT_MAX_AGE,
        path=reverse("fans-follow-sent"),
        secure=request.is_secure(),
        httponly=True,
        samesite="Lax",
    )
    return response


def _remembered_address(request) -> str:
    try:
        return signing.loads(
            request.COOKIES.get(SENT_COOKIE, ""), salt=SENT_SALT, max_age=SENT_MAX_AGE
        )
    except signing.BadSignature:
        return ""


def _follow_context(request, gmina, form):
    channel = request.GET.get("kanal", "")
    return {
        "form": form,
        "channel": channel if channel in CHANNELS else "",
        "consent_text": email_consent_text(gmina),
        "sms_signup": _template_exists("fans/_sms_signup.html"),
        "webpush_signup": _template_exists("webpush/subscribe.html"),
    }


@never_cache
@require_http_methods(["GET", "POST"])
def follow(request):
    gmina = Gmina.for_request_or_404(request)
    # A link ("follow this article's category and villages") may preselect.
    initial = preselected_interests(request.GET, gmina)
    form = FollowForm(request.POST or None, gmina=gmina, initial=initial)
    status = 200
    if request.method == "POST" and form.is_valid():
        if form.is_bot():
            return redirect("fans-follow-sent")
        data = form.cleaned_data
        if not _rate_limited(request, gmina, data["email"]):
            follower, token = following.start_email_follow(
                gmina,
                email=data["email"],
                topics=data["topics"],
                villages=data["villages"],
                rhythm=data["rhythm"],
                source=following.FOLLOW_SOURCE,
            )
            transaction.on_commit(lambda: tasks.send_follow_email(follower.pk, token))
            # The same whether the address was new or already following.
            return _remember_address(
                request, redirect("fans-follow-sent"), data["email"]
            )
        form.add_error(None, _("Za dużo prób zapisu. Spróbuj ponownie za godzinę."))
        status = 429
    elif request.method == "POST":
        status = 400
    context = _follow_context(request, gmina, form)
    return render(request, "fans/follow.html", context, status=status)


@never_cache
@require_http_methods(["GET"])
def follow_sent(request):
    Gmina.for_request_or_404(request)
    context = {"address": _remembered_address(request)}
    return render(request, "fans/follow_sent.html", context)


@never_cache
@require_http_methods(["GET", "POST"])
def confirm(request, token):
    gmina = Gmina.for_request_or_404(request)
    confirmation = following.find_email_confirmation(gmina, token)
    if confirmation is None:
        return render(request, "fans/confirm_invalid.html", status=404)
    if confirmation.confirmed_already():
        return _already_confirmed(request, confirmation)
    if not confirmation.is_usable():
        return render(request, "fans/confirm_invalid.html", status=410)
    if request.method == "POST":
        if not following.confirm_email(confirmation, source="link potwierdzający"):
            # A second click that lost the race to the first one.
            confirmation.refresh_from_db()
            confirmation.follower.refresh_from_db()
            if confirmation.confirmed_already():
                return _already_confirmed(request, confirmation)
            return render(request, "fans/confirm_invalid.html", status=410)
        follower = confirmation.follower
        return render(request, "fans/confirmed.html", {"follower": follower})
    return render(request, "fans/confirm.html")


def _already_confirmed(request, confirmation):
    context = {"follower": confirmation.follower}
    return render(request, "fans/confirmed_already.html", context)


@never_cache
@require_http_methods(["GET", "POST"])
def manage(request, token):
    follower = _get_follower(request, token)
    initial = {
        "topics": [] if follower.all_topics else follower.topics.all(),
        "villages": [] if follower.all_villages else follower.villages.all(),
        "rhythm": follower.email_rhythm,
    }
    form = InterestsForm(request.POST or None, gmina=follower.gmina, initial=initial)
    saved, status = False, 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            following.update_preferences(
                follower,
                topics=data["topics"],
                villages=data["villages"],
                rhythm=data["rhythm"],
            )
            saved = True
        else:
            status = 400
    context = {
        "follower": follower,
        "form": form,
        "saved": saved,
        "digest_hour": FanSettings.for_gmina(follower.gmina).digest_hour,
        "push_count": follower.push_subscriptions.count(),
        "consents": follower.consents.all(),
        "inbound_sms": data_rights.received_sms(follower),
    }
    return render(request, "fans/manage.html", context, status=status)


@never_cache
@require_http_methods(["GET"])
def my_data(request, token):
    follower = _get_follower(request, token)
    body = json.dumps(
        data_rights.export_follower(follower), ensure_ascii=False, indent=2
    )
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="moje-dane.json"'
    return response


@never_cache
@require_http_methods(["GET", "POST"])
def erase(request, token):
    follower = _get_follower(request, token)
    if request.method == "POST":
        data_rights.erase_follower(follower)
        return render(request, "fans/erased.html")
    return render(request, "fans/erase.html", {"follower": follower})


# RFC 8058: mail programs POST "List-Unsubscribe=One-Click" to this address
# without a session or CSRF token; the 256-bit token in the URL is the proof.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token, channel):
    follower = _get_follower(request, token)
    if channel not in following.LEAVABLE_CHANNELS:
        raise Http404
    if request.method == "POST":
        following.unsubscribe(follower, channel, source="link w wiadomości")
        if request.POST.get("List-Unsubscribe") == "One-Click":
            return HttpResponse(status=200)
        return render(
            request,
            "fans/unsubscribed.html",
            {"follower": follower, "channel": channel},
        )
    return render(
        request, "fans/unsubscribe.html", {"follower": follower, "channel": channel}
    )
