from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import SmsSettings


class InboundForm(forms.Form):
    """SMSAPI's callback for a received SMS (MO)."""

    MsgId = forms.CharField(max_length=100)
    sms_from = forms.CharField(max_length=32)
    sms_to = forms.CharField(max_length=32, required=False)
    sms_text = forms.CharField(max_length=2000, required=False, strip=False)
    sms_date = forms.CharField(max_length=20, required=False)


class SmsSettingsForm(forms.ModelForm):
    new_token = forms.CharField(
        label=gettext_lazy("Nowy token OAuth SMSAPI"),
        required=False,
        max_length=255,
        strip=True,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
        help_text=gettext_lazy(
            "Wygeneruj token w panelu SMSAPI (Ustawienia API → Tokeny API, "
            "uprawnienie SMS). Zostaw puste, by zachować obecny."
        ),
    )
    remove_token = forms.BooleanField(
        label=gettext_lazy("Usuń zapisany token (wyłącza SMS-y)"), required=False
    )
    new_webhook_secret = forms.BooleanField(
        label=gettext_lazy("Wygeneruj nowy adres odbioru SMS-ów"),
        required=False,
        help_text=gettext_lazy(
            "Stary adres przestanie działać — wpisz nowy w panelu SMSAPI."
        ),
    )

    class Meta:
        model = SmsSettings
        fields = ["sender", "test_mode"]

    def clean_sender(self):
        sender = self.cleaned_data["sender"].strip()
        if sender and not sender.isascii():
            raise forms.ValidationError(
                _("Nazwa nadawcy może mieć tylko litery bez polskich znaków i cyfry.")
            )
        return sender

    def clean_new_token(self):
        token = self.cleaned_data["new_token"]
        if token and (any(ch.isspace() for ch in token) or not token.isascii()):
            raise forms.ValidationError(_("Token nie może zawierać spacji."))
        return token
