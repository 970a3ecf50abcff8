"""Changing a gmina's Facebook connection and checking that it works."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone

from ratusz.lib import http

from .graph import GraphError, call
from .models import PAGE_TAKEN, FacebookPage
from .transport import PAGE_POSTS, TIMEOUT


class PageTaken(Exception):
    """Another gmina saved the same Page id meanwhile (the unique constraint)."""

    message = PAGE_TAKEN


class PageNotVerified(Exception):
    """Facebook did not confirm the token is the Page's; the message is Polish."""


def verify_page(page_id: str, token: str) -> str:
    """Return the Page's name once Facebook confirms `token` is `page_id`'s.

    Asks Graph `GET /me?fields=id,name` with the Page access token: for a
    Page token, "me" is the Page itself. Raises PageNotVerified with what the
    staff member should do: the token was refused (expired, revoked, not a
    token), it belongs to another Page (or is a user token), or Facebook could
    not be asked.
    """
    try:
        with http.client(timeout=TIMEOUT) as api:
            body = call(
                api,
                "GET",
                "me",
                PAGE_POSTS,
                params={"fields": "id,name", "access_token": token},
            )
    except GraphError as error:
        if error.token_rejected:
            raise PageNotVerified(
                f"Facebook nie przyjął tego tokenu: {error.message} Wygeneruj nowy "
                "token strony i wklej go tutaj."
            ) from error
        raise PageNotVerified(
            "Nie udało się sprawdzić u Facebooka, czy token należy do tej strony: "
            f"{error.message} Ustawienia nie zostały zapisane – spróbuj za chwilę."
        ) from error
    found, name = str(body.get("id") or ""), str(body.get("name") or "")[:200]
    if found != page_id:
        raise PageNotVerified(
            f"Ten token należy do „{name or found}” (identyfikator {found}), a nie do "
            f"strony {page_id}. Wklej token strony gminy albo popraw identyfikator "
            "strony."
        )
    return name


def update_settings(
    config: FacebookPage,
    *,
    enabled: bool,
    page_id: str,
    post_as: str,
    new_token: str = "",
    remove_token: bool = False,
    page_name: str = "",
) -> None:
    """Save the settings; `page_name` is what Facebook's check just answered.

    Raises PageTaken when another gmina saved the same Page id meanwhile.
    """
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
    if page_name:
        config.page_name = page_name
        config.checked_at = timezone.now()
        fields += ["page_name", "checked_at"]
    if new_token or remove_token:
        config.access_token = "" if remove_token else new_token
        # A new token is a fresh start: posting resumes.
        config.token_error = ""
        config.token_error_at = None
        fields += ["access_token", "token_error", "token_error_at"]
    try:
        with transaction.atomic():
            if config.pk is None:
                config.save()
            else:
                config.save(update_fields=list(dict.fromkeys(fields)))
    except IntegrityError as error:
        if FacebookPage.objects.filter(page_id=page_id).exclude(pk=config.pk).exists():
            raise PageTaken from error
        raise


def check_connection(config: FacebookPage) -> tuple[bool, str]:
    """Ask Facebook for the Page's name with the saved token (GET /{page-id})."""
    if not config.is_connected():
        return False, "Najpierw zapisz identyfikator strony i token."
    try:
        with http.client(timeout=TIMEOUT) as api:
            body = call(
                api,
                "GET",
                config.page_id,
                PAGE_POSTS,
                params={"fields": "name", "access_token": config.access_token},
            )
    except GraphError as error:
        if error.token_rejected:
            return False, config.mark_token_rejected(error.message)
        return False, f"Połączenie nie działa: {error.message}"
    name = str(body.get("name") or "")[:200]
    config.page_name = name
    config.checked_at = timezone.now()
    config.save(update_fields=["page_name", "checked_at"])
    return True, f"Połączenie działa: strona „{name}”."
