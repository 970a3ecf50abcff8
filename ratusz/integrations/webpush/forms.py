import base64
import binascii
from urllib.parse import urlsplit

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from ratusz.gminas.models import Category, Village


def _key(value: str, length: int, message) -> str:
    value = (value or "").strip().rstrip("=")
    try:
        raw = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
    except (binascii.Error, ValueError):
        raise ValidationError(message) from None
    if len(raw) != length or (length == 65 and raw[0] != 4):
        raise ValidationError(message)
    return value


def is_push_service(endpoint: str) -> bool:
    """Is `endpoint` on a host of WEBPUSH_ALLOWED_HOSTS ("*.x" = any subdomain)?"""
    try:
        parts = urlsplit(endpoint)
        host = (parts.hostname or "").lower().rstrip(".")
        port = parts.port
    except ValueError:
        return False
    if not host or parts.username or parts.password or port not in (None, 443):
        return False
    for allowed in settings.WEBPUSH_ALLOWED_HOSTS:
        allowed = allowed.lower()
        if allowed.startswith("*."):
            if host.endswith(allowed[1:]):
                return True
        elif host == allowed:
            return True
    return False


class SubscriptionForm(forms.Form):
    """A browser's PushSubscription.toJSON() and the resident's choices."""

    endpoint = forms.URLField(
        max_length=1000,
        assume_scheme="https",
        error_messages={
            "required": _("Brak adresu subskrypcji."),
            "invalid": _("Nieprawidłowy adres subskrypcji."),
        },
    )
    p256dh = forms.CharField(max_length=200)
    auth = forms.CharField(max_length=100)
    topics = forms.ModelMultipleChoiceField(
        queryset=Category.objects.none(), required=False
    )
    villages = forms.ModelMultipleChoiceField(
        queryset=Village.objects.none(), required=False
    )

    def __init__(self, *args, gmina, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["topics"].queryset = Category.objects.filter(gmina=gmina)
        self.fields["villages"].queryset = Village.objects.filter(gmina=gmina)
        for name in ("topics", "villages"):
            self.fields[name].error_messages["invalid_choice"] = _(
                "Wybrano temat lub sołectwo spoza tej gminy."
            )

    def clean_endpoint(self):
        endpoint = self.cleaned_data["endpoint"]
        # Browsers' push services are always https (RFC 8030 § 8).
        if not endpoint.startswith("https://"):
            raise ValidationError(_("Adres subskrypcji musi zaczynać się od https://."))
        # The worker POSTs to this address: only browsers' push services,
        # never a host a visitor picks (settings.WEBPUSH_ALLOWED_HOSTS).
        if not is_push_service(endpoint):
            raise ValidationError(
                _("Adres subskrypcji nie należy do znanej usługi powiadomień.")
            )
        return endpoint

    def clean_p256dh(self):
        return _key(
            self.cleaned_data["p256dh"], 65, _("Nieprawidłowy klucz subskrypcji.")
        )

    def clean_auth(self):
        return _key(
            self.cleaned_data["auth"], 16, _("Nieprawidłowy klucz subskrypcji.")
        )


class EndpointForm(forms.Form):
    endpoint = forms.URLField(max_length=1000, assume_scheme="https")
