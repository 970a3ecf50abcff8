"""Where the project keeps personal data, and how residents' rights reach it.

Every field of a project model that looks like an e-mail address, a phone
number, a person's name or an address (by its class or its name, see
`looks_personal`) is registered exactly once, by the app that owns the
model, in its own `personal_data.py` (found like `admin.py`, on first use):

    from ratusz.lib.personal_data import Covered, register

    register(
        covered={"fans.Follower.email": Covered("e-mail.adres", "row deleted")},
        exempt={"gminas.Gmina.email": "the office's own public address"},
    )

- covered: part of a follower's "my data" export (RODO art. 15/20) under
  the given path, and gone after the follower's erasure (art. 17);
- exempt: not a resident's data, or kept on another legal basis; the
  reason says which.

`ratusz/tests/test_personal_data.py` fails when a model gains such a field
that no app registered, when an entry names a field that no longer exists,
and when an export misses a covered field (SECURITY.md D22). Each app
registers the fields of its own models only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist, ImproperlyConfigured
from django.db import models
from django.utils.module_loading import autodiscover_modules

MODULE = "personal_data"


@dataclass(frozen=True)
class Covered:
    # Where the value appears in the follower export: keys joined by dots,
    # "[]" for "in every item of this list".
    export: str
    # What erasure does to it.
    erasure: str


_COVERED: dict[str, Covered] = {}
_EXEMPT: dict[str, str] = {}
_discovered = False


def register(
    *, covered: dict[str, Covered] | None = None, exempt: dict[str, str] | None = None
) -> None:
    """Add an app's personal fields ("app_label.Model.field"); each once."""
    # The apps' own modules first: a field registered again is then refused
    # whoever registers first (a no-op while the discovery itself runs).
    _discover()
    for label in [*(covered or {}), *(exempt or {})]:
        if label in _COVERED or label in _EXEMPT:
            raise ImproperlyConfigured(f"{label} is registered twice")
    _COVERED.update(covered or {})
    _EXEMPT.update(exempt or {})


def _discover() -> None:
    global _discovered
    if not _discovered:
        _discovered = True
        autodiscover_modules(MODULE)


def covered() -> dict[str, Covered]:
    """Every covered field: {"app.Model.field": Covered(...)}."""
    _discover()
    return _COVERED


def exempt() -> dict[str, str]:
    """Every exempt field: {"app.Model.field": reason}."""
    _discover()
    return _EXEMPT


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
    known = covered().keys() | exempt().keys()
    return sorted(label for label in personal_fields() if label not in known)


def stale_entries() -> list[str]:
    """Registry entries whose model or field no longer exists."""
    stale = []
    for label in [*covered(), *exempt()]:
        app_model, _, field_name = label.rpartition(".")
        try:
            model = apps.get_model(app_model)
            model._meta.get_field(field_name)
        except (LookupError, ValueError, FieldDoesNotExist):
            stale.append(label)
    return sorted(stale)
