"""Two factors for staff: a TOTP app plus ten single-use recovery codes
(django-otp's TOTP and static devices).

`SecondFactorMiddleware` keeps a signed-in staff member who has not given
their second factor in this session out of the admin: to the set-up screen
when they have no app yet (enrolment at the first login), otherwise to the
code screen. STAFF_MFA_REQUIRED=0 (`make run`'s demo, the test suite) lets
members without an app in — one who set it up is still asked for it.
"""

from __future__ import annotations

import secrets
from urllib.parse import urlencode

from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse
from django_otp import login as otp_login
from django_otp import match_token
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

RECOVERY_CODES = 10
# Reachable before the second factor: signing in and out, the password
# reset, and the second-factor screens themselves.
OPEN_PREFIXES = (
    "/admin/login/",
    "/admin/logout/",
    "/admin/password_reset/",
    "/admin/2fa/",
)


def confirmed_app(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def has_second_factor(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def pending_app(user) -> TOTPDevice:
    """The app being set up: unconfirmed until its first code is right."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(
            user=user, name="Aplikacja uwierzytelniająca", confirmed=False
        )
    return device


def confirm_app(request, device: TOTPDevice, code: str) -> list[str] | None:
    """Confirm the app with its first code; returns new recovery codes."""
    if not device.verify_token(code.replace(" ", "")):
        return None
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    otp_login(request, device)
    return new_recovery_codes(request.user)


def new_recovery_codes(user) -> list[str]:
    """Ten fresh single-use codes; the old ones stop working."""
    device, _ = StaticDevice.objects.get_or_create(
        user=user, defaults={"name": "Kody zapasowe", "confirmed": True}
    )
    device.token_set.all().delete()
    codes = [f"{secrets.randbelow(10**8):08d}" for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=c) for c in codes)
    return [f"{c[:4]}-{c[4:]}" for c in codes]


def recovery_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user).count()


def verify(request, code: str) -> bool:
    """An app code or a recovery code (used up) for this session."""
    code = code.replace(" ", "").replace("-", "")
    if not code.isdigit():
        return False
    device = match_token(request.user, code)
    if device is None:
        return False
    otp_login(request, device)
    return True


def reset(user) -> None:
    """Forget the user's second factor (a lost phone): set up again at the
    next sign-in."""
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()


class SecondFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and request.path.startswith("/admin/")
            and not request.path.startswith(OPEN_PREFIXES)
            and not user.is_verified()
        ):
            target = self._target(user)
            if target:
                query = urlencode({"next": request.get_full_path()})
                return redirect(f"{reverse(target)}?{query}")
        return self.get_response(request)

    @staticmethod
    def _target(user) -> str | None:
        if has_second_factor(user):
            return "mfa-verify"
        if settings.STAFF_MFA_REQUIRED:
            return "mfa-setup"
        return None
