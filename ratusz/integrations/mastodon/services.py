"""Changing a gmina's Mastodon connection and checking that it works."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.utils import timezone

from ratusz.lib import http

from .models import MastodonAccount
from .transport import MastodonError, call


def update_settings(
    config: MastodonAccount,
    *,
    enabled: bool,
    instance_url: str,
    visibility: str,
    new_token: str = "",
    remove_token: bool = False,
) -> None:
    config.enabled = enabled
    config.visibility = visibility
    fields = ["enabled", "visibility", "updated_at"]
    # The form may already have set the new value on `config`: compare with
    # the stored one.
    stored = MastodonAccount.objects.filter(pk=config.pk).values_list(
        "instance_url", flat=True
    )
    if config.pk is None or stored.first() != instance_url:
        config.account_name = ""
        config.checked_at = None
        fields += ["account_name", "checked_at"]
    config.instance_url = instance_url
    fields.append("instance_url")
    if new_token or remove_token:
        config.access_token = "" if remove_token else new_token
        # A new token is a fresh start: posting resumes.
        config.token_error = ""
        config.token_error_at = None
        fields += ["access_token", "token_error", "token_error_at"]
    if config.pk is None:
        config.save()
    else:
        config.save(update_fields=fields)


def check_connection(config: MastodonAccount) -> tuple[bool, str]:
    """Ask the instance whose token this is (verify_credentials)."""
    if not config.is_connected():
        return False, "Najpierw zapisz adres serwera i token."
    try:
        with http.client(timeout=settings.MASTODON_TIMEOUT) as api:
            body = call(api, config, "GET", "/api/v1/accounts/verify_credentials")
    except MastodonError as error:
        if error.token_rejected:
            return False, config.mark_token_rejected(error.message)
        return False, f"Połączenie nie działa: {error.message}"
    host = urlsplit(config.instance_url).hostname or ""
    name = f"@{body.get('username') or body.get('acct') or '?'}@{host}"[:200]
    config.account_name = name
    config.checked_at = timezone.now()
    config.save(update_fields=["account_name", "checked_at"])
    display = str(body.get("display_name") or "")[:100]
    suffix = f" ({display})" if display else ""
    return True, f"Połączenie działa: konto {name}{suffix}."
