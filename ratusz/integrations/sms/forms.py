from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import SmsSettings
from .services import PhoneError, normalize_phone


class SmsSignupForm(forms.Form):
    phone = forms.CharField(
        label=gettext_lazy("Numer telefonu komórkowego"),
        max_length=32,
        error_messages={"required": gettext_lazy("Podaj numer telefonu komórkowego.")},
    )
    # A separate, unticked consent (Prawo komunikacji elektronicznej, art. 398).
    consent = forms.BooleanField(
        required=True,
        error_messages={
            "required": gettext_lazy(
                "Zaznacz zgodę na SMS-y — bez niej nie możemy ich wysyłać."
            )
        },
    )

    def clean_phone(self):
        try:
            return normalize_phone(self.cleaned_data["phone"])
        except PhoneError as error:
            raise forms.ValidationError(str(error)) from None


class CodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Kod z SMS-a"),
        max_length=20,
        error_messages={"required": gettext_lazy("Wpisz 6-cyfrowy kod z SMS-a.")},
    )

    def clean_code(self):
        code = "".join(self.cleaned_data["code"].split())
        if len(code) != 6 or not code.isdigit() or not code.isascii():
            raise forms.ValidationError(_("Kod ma 6 cyfr, np. 123456."))
        return code


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
