"""Residents' forms: the first message ("Napisz do urzędu") and a reply."""

import secrets

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext_lazy as _

from ratusz.lib.phones import PhoneError, normalize_phone

from . import services
from .models import MAX_MESSAGE_CHARS, MAX_NAME_CHARS, Conversation

CONSENT_VERSION = "messenger-2026-11"
MAX_EMAIL = 254


def new_client_id() -> str:
    """The id of one submit, rendered into the form: a double submit (a
    second click, a retried POST) is stored once, even without JavaScript."""
    return secrets.token_urlsafe(18)


def consent_text(gmina) -> str:
    return (
        f"Zgadzam się, by {gmina.name} powiadomił(a) mnie o odpowiedzi na moją "
        "wiadomość na podany adres e-mail lub numer telefonu (SMS). Zgodę mogę "
        "wycofać w każdej chwili."
    )


def _message(field_label):
    def clean(value):
        try:
            return services.clean_text(
                value, max_chars=MAX_MESSAGE_CHARS, field=field_label
            )
        except ValidationError as e:
            if e.code == "required":
                raise ValidationError(
                    _("Wpisz treść wiadomości."), code="required"
                ) from None
            raise

    return clean


class _ClientIdMixin:
    def clean_client_id(self):
        return services.valid_client_id(self.cleaned_data.get("client_id"))


class WriteForm(_ClientIdMixin, forms.Form):
    body = forms.CharField(
        label=_("Twoja wiadomość"),
        widget=forms.Textarea,
        # Checked after cleaning (line endings, stray characters), with the count.
        max_length=MAX_MESSAGE_CHARS * 2,
        strip=False,
        error_messages={
            "required": _("Wpisz treść wiadomości."),
            "max_length": _("Wiadomość może mieć najwyżej 5000 znaków."),
        },
    )
    name = forms.CharField(
        label=_("Imię i nazwisko (nieobowiązkowo)"),
        required=False,
        max_length=MAX_NAME_CHARS,
        error_messages={
            "max_length": _("Imię i nazwisko: najwyżej 100 znaków."),
        },
    )
    email = forms.CharField(
        label=_("Adres e-mail (nieobowiązkowo)"),
        required=False,
        max_length=MAX_EMAIL,
        error_messages={"max_length": _("Adres e-mail jest za długi.")},
    )
    phone = forms.CharField(
        label=_("Numer telefonu komórkowego (nieobowiązkowo)"),
        required=False,
        max_length=30,
        error_messages={"max_length": _("Numer telefonu jest za długi.")},
    )
    consent = forms.BooleanField(required=False)
    client_id = forms.CharField(required=False, max_length=200)
    # A field people never see: bots that fill every input give themselves away.
    website = forms.CharField(required=False, max_length=10_000)

    def clean_body(self):
        return _message(_("Wiadomość"))(self.cleaned_data["body"])

    def clean_name(self):
        return services.clean_name(self.cleaned_data.get("name", ""))

    def clean_email(self):
        value = self.cleaned_data.get("email", "").strip()
        if not value:
            return ""
        if any(ord(c) < 32 for c in value):
            raise ValidationError(_("Adres e-mail zawiera niedozwolone znaki."))
        try:
            validate_email(value)
        except ValidationError:
            raise ValidationError(
                _("Podaj poprawny adres e-mail, np. jan@example.pl.")
            ) from None
        return value

    def clean_phone(self):
        value = self.cleaned_data.get("phone", "").strip()
        if not value:
            return ""
        try:
            return normalize_phone(value)
        except PhoneError as e:
            raise ValidationError(str(e)) from None

    def clean(self):
        data = super().clean()
        contact = data.get("email") or data.get("phone")
        if data.get("consent") and not contact and not self.has_error("email"):
            if not self.has_error("phone"):
                self.add_error(
                    "email",
                    _(
                        "Podaj adres e-mail albo numer telefonu, na który powiadomimy "
                        "Cię o odpowiedzi."
                    ),
                )
        if contact and not data.get("consent"):
            self.add_error(
                "consent",
                _(
                    "Zaznacz zgodę, jeśli chcesz dostać powiadomienie o odpowiedzi, "
                    "albo usuń adres e-mail i numer telefonu."
                ),
            )
        return data

    def notify(self) -> str:
        data = self.cleaned_data
        if not data.get("consent"):
            return Conversation.Notify.NONE
        if data.get("email"):
            return Conversation.Notify.EMAIL
        if data.get("phone"):
            return Conversation.Notify.SMS
        return Conversation.Notify.NONE

    def is_bot(self) -> bool:
        return bool(self.data.get("website"))


class ReplyForm(_ClientIdMixin, forms.Form):
    body = forms.CharField(
        label=_("Twoja odpowiedź"),
        widget=forms.Textarea,
        max_length=MAX_MESSAGE_CHARS * 2,
        strip=False,
        error_messages={
            "required": _("Wpisz treść wiadomości."),
            "max_length": _("Wiadomość może mieć najwyżej 5000 znaków."),
        },
    )
    attachment = forms.FileField(
        label=_("Załącznik: zdjęcie lub PDF (nieobowiązkowo)"),
        required=False,
        allow_empty_file=True,
        error_messages={
            "invalid": _("Nie udało się odebrać pliku – spróbuj ponownie."),
            "missing": _("Nie udało się odebrać pliku – spróbuj ponownie."),
        },
    )
    client_id = forms.CharField(required=False, max_length=200)

    def clean_body(self):
        return _message(_("Wiadomość"))(self.cleaned_data["body"])

    def clean_attachment(self):
        from . import attachments

        uploaded = self.cleaned_data.get("attachment")
        if not uploaded:
            return None
        return attachments.check(uploaded)
