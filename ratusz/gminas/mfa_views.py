"""The second-factor screens: set-up (the QR code, the first code, the
recovery codes shown once), the code at sign-in, and the staff member's own
page (new recovery codes)."""

from __future__ import annotations

from base64 import b32encode

import segno
from django import forms
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from . import mfa


class CodeForm(forms.Form):
    # The input itself is written in gminas/mfa/_field.html (one-time-code,
    # numeric keyboard, the error tied to it).
    code = forms.CharField(label="Kod", max_length=20)


def _next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or "/admin/"
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ) or not target.startswith("/admin/"):
        return "/admin/"
    return target


@never_cache
@login_required(login_url="wagtailadmin_login")
@require_http_methods(["GET", "POST"])
def setup(request):
    if mfa.has_second_factor(request.user) and not request.user.is_verified():
        return redirect("mfa-verify")
    device = mfa.pending_app(request.user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = mfa.confirm_app(request, device, form.cleaned_data["code"])
        if codes is not None:
            return render(
                request, "gminas/mfa/codes.html",
                {"codes": codes, "next": _next(request), "first": True},
            )  # fmt: skip
        form.add_error(
            "code",
            "Kod się nie zgadza. Sprawdź, czy zegar telefonu jest dokładny, i wpisz "
            "kod, który aplikacja pokazuje teraz.",
        )
    qr = segno.make(device.config_url, error="m")
    return render(
        request,
        "gminas/mfa/setup.html",
        {
            "form": form,
            "qr_png": qr.png_data_uri(scale=5),
            "secret": _grouped(device),
            "next": _next(request),
        },
    )


def _grouped(device) -> str:
    secret = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


@never_cache
@login_required(login_url="wagtailadmin_login")
@require_http_methods(["GET", "POST"])
def verify(request):
    if not mfa.has_second_factor(request.user):
        return redirect("mfa-setup")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if mfa.verify(request, form.cleaned_data["code"]):
            return redirect(_next(request))
        form.add_error(
            "code",
            "Kod się nie zgadza albo był już użyty. Po kilku błędnych próbach "
            "trzeba chwilę odczekać.",
        )
    return render(
        request, "gminas/mfa/verify.html", {"form": form, "next": _next(request)}
    )


@never_cache
@login_required(login_url="wagtailadmin_login")
@require_http_methods(["GET", "POST"])
def manage(request):
    if not request.user.is_verified():
        return redirect(
            "mfa-setup" if not mfa.has_second_factor(request.user) else "mfa-verify"
        )
    if request.method == "POST":
        codes = mfa.new_recovery_codes(request.user)
        return render(
            request, "gminas/mfa/codes.html",
            {"codes": codes, "next": "/admin/", "first": False},
        )  # fmt: skip
    return render(
        request,
        "gminas/mfa/manage.html",
        {"codes_left": mfa.recovery_codes_left(request.user)},
    )
