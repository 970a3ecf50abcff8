"""A gmina's SMSAPI connection and the raw SMS replies residents send it."""

import secrets
from datetime import timedelta

from django.db import models
from django.utils import timezone

from ratusz.gminas.models import Gmina

# Raw SMS replies (InboundSms, with the sender's number) are kept this long
# for disputes about a STOP, then deleted (RODO art. 5(1)(e)).
INBOUND_SMS_RETENTION = timedelta(days=30)


def new_webhook_secret() -> str:
    """192 random bits for the inbound webhook's address."""
    return secrets.token_urlsafe(24)


class SmsSettingsQuerySet(models.QuerySet):
    def configured(self):
        return self.exclude(token="")


class SmsSettings(models.Model):
    """One gmina's SMSAPI.pl account: token, sender name, test mode."""

    gmina = models.OneToOneField(
        Gmina, on_delete=models.CASCADE, related_name="sms_settings"
    )
    token = models.CharField("token OAuth SMSAPI", max_length=255, blank=True)
    sender = models.CharField(
        "nazwa nadawcy",
        max_length=11,
        blank=True,
        help_text="Pole nadawcy zatwierdzone w SMSAPI (do 11 znaków), "
        "np. GminaZawada. Puste: domyślne pole konta.",
    )
    test_mode = models.BooleanField(
        "tryb testowy",
        default=False,
        help_text="SMSAPI przyjmuje wiadomości, ale ich nie wysyła (parametr test).",
    )
    # The secret part of the inbound webhook's address (SMS replies, STOP).
    webhook_secret = models.CharField(
        max_length=64, unique=True, default=new_webhook_secret, editable=False
    )
    # Set when SMSAPI refused the token: sending stops until a new one is saved.
    token_error = models.TextField(blank=True, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    objects = SmsSettingsQuerySet.as_manager()

    class Meta:
        verbose_name = "ustawienia SMS"
        verbose_name_plural = "ustawienia SMS"

    def __str__(self):
        return f"SMS: {self.gmina}"

    def is_configured(self) -> bool:
        return bool(self.token)

    def masked_token(self) -> str:
        """The token as staff may see it again: only its last 4 characters."""
        if not self.token:
            return ""
        return "••••••••" + self.token[-4:] if len(self.token) > 8 else "••••••••"


class InboundSms(models.Model):
    """An SMS a resident sent to the gmina, stored as it came, then processed."""

    class Result(models.TextChoices):
        PENDING = "", "czeka"
        STOPPED = "stopped", "wypisano z SMS"
        UNKNOWN_NUMBER = "unknown-number", "STOP z nieznanego numeru"
        IGNORED = "ignored", "zwykła wiadomość"

    gmina = models.ForeignKey(
        Gmina, on_delete=models.CASCADE, related_name="inbound_sms"
    )
    # SMSAPI's MsgId: a repeated callback carries the same one.
    provider_id = models.CharField(max_length=100)
    sender = models.CharField(max_length=32)
    recipient = models.CharField(max_length=32, blank=True)
    text = models.TextField(blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    payload = models.JSONField(default=dict)
    received_at = models.DateTimeField(default=timezone.now)
    processed_at = models.DateTimeField(null=True, blank=True)
    result = models.CharField(
        max_length=20, choices=Result.choices, blank=True, default=""
    )

    class Meta:
        verbose_name = "odebrany SMS"
        verbose_name_plural = "odebrane SMS-y"
        constraints = [
            models.UniqueConstraint(
                fields=["gmina", "provider_id"], name="sms_inboundsms_once"
            )
        ]

    def __str__(self):
        return f"SMS {self.provider_id} ({self.gmina})"
