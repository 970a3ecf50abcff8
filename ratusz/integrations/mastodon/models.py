"""A gmina's Mastodon account: where the outbox posts its articles."""

from django.db import models

from ratusz.gminas.models import Gmina
from ratusz.integrations.pages import PageAccount, when


class MastodonAccount(PageAccount):
    """One gmina's instance and access token (never shown again once saved)."""

    class Visibility(models.TextChoices):
        PUBLIC = "public", "publiczny (na osiach czasu serwera)"
        UNLISTED = "unlisted", "niewidoczny na publicznych osiach czasu"

    gmina = models.OneToOneField(
        Gmina, on_delete=models.CASCADE, related_name="mastodon_account"
    )
    enabled = models.BooleanField(
        "publikuj artykuły w Mastodonie",
        default=True,
        help_text="Odznacz, aby wstrzymać wpisy bez usuwania tokenu.",
    )
    instance_url = models.URLField(
        "adres serwera",
        max_length=200,
        blank=True,
        help_text="np. https://mastodon.social – tylko https.",
    )
    access_token = models.CharField(max_length=500, blank=True, editable=False)
    visibility = models.CharField(
        "widoczność wpisów",
        max_length=10,
        choices=Visibility.choices,
        default=Visibility.PUBLIC,
    )
    # What the last "test connection" learned, e.g. "gmina@mastodon.social"
    # (and when: `checked_at`).
    account_name = models.CharField(max_length=200, blank=True, editable=False)

    class Meta:
        verbose_name = "konto w Mastodonie"
        verbose_name_plural = "konta w Mastodonie"

    def __str__(self):
        return f"Mastodon: {self.gmina}"

    def is_connected(self) -> bool:
        return bool(self.instance_url and self.access_token)

    def token_rejected_text(self, reason: str, now) -> str:
        """What to do once the instance refused the token (401)."""
        return (
            f"Token Mastodona unieważniony – serwer odrzucił go {when(now)}. Wpisy "
            "w Mastodonie są wstrzymane: wygeneruj nowy token (Preferencje → "
            "Development, uprawnienia read:accounts i write:statuses) i zapisz go "
            "w ustawieniach Mastodona."
        )


def is_configured(gmina) -> bool:
    """Whether a newly published article should be posted to the gmina's account."""
    config = MastodonAccount.objects.filter(gmina=gmina).first()
    return config is not None and config.is_ready()
