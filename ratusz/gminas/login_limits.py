"""Brute force on staff logins and password resets (security review, issue 10).

django-axes counts failed logins in the database (every process and server
shares the count) for every form that calls `authenticate` with the request:
the Wagtail admin login (/admin/login/) and the Django admin login
(/django-admin/login/). Three limits, each within LOGIN_LOCKOUT_MINUTES:

- LOGIN_FAILURES_PER_USER_IP for one username from one address (5): the
  usual lock, which a typo-prone user meets and the cool-off lifts;
- LOGIN_FAILURES_PER_IP from one address, whatever the usernames (50):
  one network trying many accounts;
- LOGIN_FAILURES_PER_USER for one username, whatever the addresses (100,
  NIST 800-63B): many networks trying one account.

The address is `ratusz.lib.client_ip`: X-Forwarded-For counts only from
RATUSZ_TRUSTED_PROXIES, so rotating it changes nothing. A successful login
resets only the failures of that username from that address: never another
network's count (axes' own reset would clear the username everywhere).

Password-reset e-mails are limited per address asked for and per client
address (`check_password_reset`), in the database too.
"""

from __future__ import annotations

import hashlib
import ipaddress
import logging
from datetime import datetime, timedelta

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_cool_off
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Max, Sum
from django.shortcuts import render
from django.utils import timezone

from ratusz.lib.client_ip import client_ip

from .models import RateLimitHit

logger = logging.getLogger(__name__)


def client_ip_for_axes(request) -> str | None:
    """The client's address, or None (stored as NULL: the column is an IP
    address on PostgreSQL) when there is none, e.g. `force_login` in tests."""
    address = client_ip(request)
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return None


def username_for_axes(request, credentials) -> str | None:
    """The username as typed, trimmed and lower-cased, so "Alice " and
    "alice" share one count."""
    field = settings.AXES_USERNAME_FORM_FIELD
    value = (credentials or {}).get(field)
    if value is None and request is not None:
        value = request.POST.get(field)
    if value is None:
        return None
    return str(value).strip().lower()[:255]


def _limits() -> list[int]:
    """One limit per entry of AXES_LOCKOUT_PARAMETERS, in its order."""
    return [
        settings.LOGIN_FAILURES_PER_USER_IP,
        settings.LOGIN_FAILURES_PER_IP,
        settings.LOGIN_FAILURES_PER_USER,
    ]


class TieredDatabaseHandler(AxesDatabaseHandler):
    """Axes' database handler with a limit of its own for each lockout
    parameter (axes has one limit for all)."""

    def _over_limit(self, request, credentials) -> list:
        over = []
        for attempts, limit in zip(
            self.get_user_attempts(request, credentials), _limits(), strict=True
        ):
            failures = attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0
            if failures >= limit:
                over.append(attempts)
        return over

    def get_failures(self, request, credentials=None) -> int:
        # Axes locks when this reaches AXES_FAILURE_LIMIT (the per-pair
        # limit): report it reached when any of the three limits is.
        pair = self.get_user_attempts(request, credentials)[0]
        failures = pair.aggregate(n=Sum("failures_since_start"))["n"] or 0
        if self._over_limit(request, credentials):
            return max(failures, settings.AXES_FAILURE_LIMIT)
        return failures

    def locked_until(self, request, credentials=None) -> datetime | None:
        """When the lockout of this request lifts (None: not locked)."""
        latest = None
        for attempts in self._over_limit(request, credentials):
            last = attempts.aggregate(last=Max("attempt_time"))["last"]
            if last and (latest is None or last > latest):
                latest = last
        cool_off = get_cool_off(request)
        if latest is None or cool_off is None:
            return None
        return latest + cool_off

    def user_logged_in(self, sender, request, user, **kwargs):
        super().user_logged_in(sender, request, user, **kwargs)
        # Only this username from this address starts again.
        AccessAttempt.objects.filter(
            username=username_for_axes(
                request, {settings.AXES_USERNAME_FORM_FIELD: user.get_username()}
            ),
            ip_address=request.axes_ip_address,
        ).delete()


def lockout_response(request, original_response=None, credentials=None):
    """The page a locked-out login gets (HTTP 429), in Polish, saying when to
    try again."""
    if not isinstance(credentials, dict):  # axes' async path shifts arguments
        credentials = original_response if isinstance(original_response, dict) else {}
    from axes.handlers.proxy import AxesProxyHandler

    handler = AxesProxyHandler.get_implementation()
    until = None
    if isinstance(handler, TieredDatabaseHandler):
        until = handler.locked_until(request, credentials)
    cool_off = get_cool_off(request) or timedelta(0)
    until = until or timezone.now() + cool_off
    minutes = max(1, round((until - timezone.now()).total_seconds() / 60))
    context = {
        "retry_at": timezone.localtime(until),
        "minutes": minutes,
        "username": get_client_username(request, credentials) or "",
    }
    return render(
        request,
        "gminas/lockout.html",
        context,
        status=settings.AXES_HTTP_RESPONSE_CODE,
    )


# Password reset ------------------------------------------------------------


def _address_key(email: str) -> str:
    digest = hashlib.sha256(email.strip().lower().encode()).hexdigest()
    return f"password-reset:address:{digest}"


def check_password_reset(request, email: str) -> str:
    """Count one password-reset request: "ok", "address" (this address asked
    too often: send nothing, answer as usual, so the form tells nobody whether
    the account exists) or "ip" (this client asked too often: refuse)."""
    period = timedelta(seconds=settings.PASSWORD_RESET_RATE_PERIOD)
    ip = client_ip(request) or "unknown"
    if RateLimitHit.over_limit(
        f"password-reset:ip:{ip}", settings.PASSWORD_RESET_RATE_PER_IP, period
    ):
        logger.warning("password reset: too many requests from %s", ip)
        return "ip"
    if RateLimitHit.over_limit(
        _address_key(email), settings.PASSWORD_RESET_RATE_PER_ADDRESS, period
    ):
        logger.warning("password reset: too many requests for one address")
        return "address"
    return "ok"
