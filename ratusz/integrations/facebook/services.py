"""Changing a gmina's Facebook connection and checking that it works."""

from __future__ import annotations

from django.utils import timezone

from ratusz.lib import http

from .models import FacebookPage
from .transport import TIMEOUT, GraphError, call


def _when(moment) -> str:
    return timezone.localtime(moment).strftime("%d.%m.%Y, %H:%M")


def update_settings(
    config: FacebookPage,
    *,
    enabled: bool,
    page_id: str,
    post_as: str,
    new_token: str = "",
    remove_token: bool = False,
) -> None:
    config.enabled = enabled
    config.post_as = post_as
    fields = ["enabled", "post_as", "updated_at"]
    # The form may already have set the new value on `config`: compare with
    # the stored one.
    stored = FacebookPage.objects.filter(pk=config.pk).values_list("page_id", flat=True)
    if config.pk is None or stored.first() != page_id:
        config.page_name = ""
        config.checked_at = None
        fields += ["page_name", "checked_at"]
    config.page_id = page_id
    fields.append("page_id")
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


def mark_token_rejected(config: FacebookPage, reason: str) -> str:
    """Stop posting until a new token is saved; return what the editor reads."""
    now = timezone.now()
    reason = reason.rstrip(".")
    text = (
        f"{reason} ({_when(now)}). Wpisy na Facebooku są wstrzymane – wygeneruj "
        "nowy token strony i zapisz go w ustawieniach Facebooka."
    )
    if reason == "Token Facebooka wygasł":
        text = (
            f"Token Facebooka wygasł {_when(now)}. Wpisy na Facebooku są "
            "wstrzymane – wygeneruj nowy token strony i zapisz go w ustawieniach "
            "Facebooka."
        )
    FacebookPage.objects.filter(pk=config.pk).update(
        token_error=text, token_error_at=now
    )
    config.token_error, config.token_error_at = text, now
    return text


def check_connection(config: FacebookPage) -> tuple[bool, str]:
    """Ask Facebook for the Page's name with the saved token (GET /{page-id})."""
    if not config.page_id or not config.access_token:
        return False, "Najpierw zapisz identyfikator strony i token."
    try:
        with http.client(timeout=TIMEOUT) as api:
            body = call(
                api,
                "GET",
                config.page_id,
                params={"fields": "name", "access_token": config.access_token},
            )
    except GraphError as error:
        if error.token_rejected:
            return False, mark_token_rejected(config, error.message)
        return False, f"Połączenie nie działa: {error.message}"
    name = str(body.get("name") or "")[:200]
    config.page_name = name
    config.checked_at = timezone.now()
    config.save(update_fields=["page_name", "checked_at"])
    return True, f"Połączenie działa: strona „{name}”."
