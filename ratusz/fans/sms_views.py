"""Residents' SMS sign-up: a number and a consent, then the code from the SMS."""

from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from ratusz.gminas.models import Gmina
from ratusz.lib.client_ip import client_ip

from . import following
from .consent import sms_consent_text
from .forms import CodeForm, SmsSignupForm


def _source(request, what: str) -> str:
    return f"{what}: {request.get_host()}{request.path}"


@never_cache
@require_http_methods(["GET", "POST"])
def signup(request):
    gmina = Gmina.for_request_or_404(request)
    form = SmsSignupForm(request.POST or None)
    status = 200
    if (
        request.method == "POST"
        and form.is_valid()
        and following.is_sms_available(gmina)
    ):
        try:
            token = following.start_sms_follow(
                gmina,
                form.cleaned_data["phone"],
                ip=client_ip(request),
                source=_source(request, "formularz SMS"),
            )
        except following.SignupError as error:
            form.add_error(None, error.message)
            status = 429 if error.rate_limited else 200
        else:
            return redirect("fans-sms-confirm", token)
    context = {
        "sms_form": form,
        "sms_available": following.is_sms_available(gmina),
        "sms_consent_text": sms_consent_text(gmina),
    }
    return render(request, "sms/signup.html", context, status=status)


@never_cache
@require_http_methods(["GET", "POST"])
def confirm(request, token):
    gmina = Gmina.for_request_or_404(request)
    confirmation = following.find_sms_confirmation(gmina, token)
    if confirmation is None:
        raise Http404
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        result = following.confirm_sms_code(
            confirmation,
            token,
            form.cleaned_data["code"],
            source=_source(request, "kod SMS"),
        )
        if result.ok:
            follower = confirmation.follower
            return render(request, "sms/confirmed.html", {"follower": follower})
        form.add_error("code", result.message)
    return render(request, "sms/confirm.html", {"form": form})
