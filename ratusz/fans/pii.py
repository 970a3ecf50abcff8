"""Where the project keeps personal data, and how residents' rights reach it.

Every field of a project model that looks like an e-mail address, a phone
number, a person's name or an address (by its class or its name, see
`looks_personal`) is listed here exactly once:

- `COVERED`: part of a follower's "my data" export (RODO art. 15/20) under
  the given path, and gone after the follower's erasure (art. 17);
- `EXEMPT`: not a resident's data, or kept on another legal basis; the
  reason says which.

`tests/test_pii_registry.py` fails when a model gains such a field that is
in neither, when an entry names a field that no longer exists, and when an
export misses a covered field (SECURITY.md D22).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models


@dataclass(frozen=True)
class Covered:
    # Where the value appears in `services.export_follower`: keys joined by
    # dots, "[]" for "in every item of this list".
    export: str
    # What erasure does to it.
    erasure: str


COVERED: dict[str, Covered] = {
    "fans.Follower.email": Covered("e-mail.adres", "the follower row is deleted"),
    "fans.Follower.email_state": Covered("e-mail.stan", "the follower row is deleted"),
    "fans.Follower.email_rhythm": Covered("e-mail.rytm", "the follower row is deleted"),
    "fans.Follower.phone": Covered("telefon.numer", "the follower row is deleted"),
    "fans.Follower.phone_state": Covered("telefon.stan", "the follower row is deleted"),
    "sms.InboundSms.sender": Covered(
        "sms_odebrane[].od",
        "rows from the follower's number are deleted (and all after 30 days)",
    ),
}

_STAFF = (
    "staff account of the gmina's office: managed by its administrators, "
    "not a resident who follows the gmina (employment records basis)"
)
_OFFICE = "the office's own public contact data (a public body, not a person)"
_STATEMENT = (
    "published by law in the accessibility statement (ustawa o dostępności "
    "cyfrowej, art. 10): the office's contact, not a resident"
)
_PROCEDURE = (
    "a published procedure's office contact (who handles the matter, "
    "their phone, e-mail, room address): staff in their public role"
)
_MESSENGER = (
    "messenger: a resident's case is official correspondence kept under the "
    "gmina's JRWA retention (RODO art. 17(3)(b)); its own export and "
    "erasure rules belong to the messenger issue — NOT COVERED YET"
)

EXEMPT: dict[str, str] = {
    "gminas.User.username": _STAFF,
    "gminas.User.first_name": _STAFF,
    "gminas.User.last_name": _STAFF,
    "gminas.User.email": _STAFF,
    "gminas.Gmina.name": _OFFICE,
    "gminas.Gmina.short_name": _OFFICE,
    "gminas.Gmina.name_genitive": _OFFICE,
    "gminas.Gmina.name_locative": _OFFICE,
    "gminas.Gmina.address": _OFFICE,
    "gminas.Gmina.phone": _OFFICE,
    "gminas.Gmina.email": _OFFICE,
    "gminas.Gmina.inbound_email": _OFFICE,
    "gminas.Gmina.epuap_address": _OFFICE,
    "gminas.Gmina.iod_email": (
        "the data protection officer's official address, published by law "
        "(RODO art. 37(7))"
    ),
    "gminas.Village.name": "a place, not a person",
    "gminas.Category.name": "a news topic, not a person",
    "website.ArticlePage.author_name": (
        "the public byline of a staff member under an article they published"
    ),
    "website.AccessibilityStatementPage.entity_name": _STATEMENT,
    "website.AccessibilityStatementPage.assessor_name": _STATEMENT,
    "website.AccessibilityStatementPage.contact_person": _STATEMENT,
    "website.AccessibilityStatementPage.contact_email": _STATEMENT,
    "website.AccessibilityStatementPage.contact_phone": _STATEMENT,
    "website.AccessibilityStatementPage.mobile_apps": (
        "the statement's text about the office's mobile apps, not a number"
    ),
    "website.ProcedurePage.contact_person": _PROCEDURE,
    "website.ProcedurePage.phone": _PROCEDURE,
    "website.ProcedurePage.email": _PROCEDURE,
    "website.ProcedurePage.address": _PROCEDURE,
    "outbox.Delivery.recipient": (
        'a key ("follower:12", "push:3", "page"), never an address; the '
        "follower link is set to NULL and error texts are blanked on erasure"
    ),
    "sms.SmsSettings.sender": "the gmina's approved SMS sender name",
    "sms.InboundSms.recipient": "the gmina's own number the SMS was sent to",
    "facebook.FacebookPage.page_name": "the gmina's own Facebook Page",
    "mastodon.MastodonAccount.account_name": "the gmina's own Mastodon account",
    "messenger.Conversation.resident_name": _MESSENGER,
    "messenger.Conversation.resident_email": _MESSENGER,
    "messenger.Conversation.resident_phone": _MESSENGER,
    "messenger.Holiday.name": "a public holiday's name",
    "messenger.Attachment.original_name": _MESSENGER,
}

# Field classes that always hold personal data when a resident fills them.
PERSONAL_FIELD_CLASSES = (models.EmailField, models.GenericIPAddressField)
# Parts of a field's name ("resident_email", "contact_phone", "first_name").
_SUBSTRINGS = re.compile(
    r"mail|phone|address|adres|surname|nazwisk|msisdn|imie|imię", re.IGNORECASE
)
_WORDS = frozenset(
    {
        "name",
        "names",
        "username",
        "tel",
        "telefon",
        "mobile",
        "sender",
        "recipient",
        "person",
        "street",
        "ulica",
        "city",
        "miasto",
        "zip",
        "postcode",
        "ip",
    }
)


def is_project_model(model) -> bool:
    return model._meta.app_config.name.startswith("ratusz.")


def looks_personal(field) -> bool:
    """True when a field's class or name suggests personal data."""
    if isinstance(field, PERSONAL_FIELD_CLASSES):
        return True
    if not isinstance(field, models.Field) or field.is_relation:
        return False
    name = field.name
    return bool(_SUBSTRINGS.search(name)) or bool(
        _WORDS.intersection(name.lower().split("_"))
    )


def field_label(model, field) -> str:
    return f"{model._meta.label}.{field.name}"


def personal_fields() -> dict[str, tuple]:
    """{"app.Model.field": (model, field)} for every personal-looking field.

    Only fields a project model defines itself (or takes from an abstract
    base): Wagtail's and Django's own tables are not listed.
    """
    found = {}
    for model in apps.get_models():
        if not is_project_model(model) or model._meta.proxy:
            continue
        opts = model._meta
        for field in [*opts.local_fields, *opts.local_many_to_many]:
            if looks_personal(field):
                found[field_label(model, field)] = (model, field)
    return found


def unregistered() -> list[str]:
    """Personal-looking fields neither covered nor exempt."""
    known = COVERED.keys() | EXEMPT.keys()
    return sorted(label for label in personal_fields() if label not in known)


def stale_entries() -> list[str]:
    """Registry entries whose model or field no longer exists."""
    stale = []
    for label in [*COVERED, *EXEMPT]:
        app_model, _, field_name = label.rpartition(".")
        try:
            model = apps.get_model(app_model)
            model._meta.get_field(field_name)
        except (LookupError, ValueError, FieldDoesNotExist):
            stale.append(label)
    return sorted(stale)
