"""What a conversation is about, as the apps above the messenger know it.

An app that opens conversations about its own things (e-Inclusion: a fault
report about an item of equipment, opened from the item's QR label)
registers a resolver in its AppConfig.ready; the staff conversation view
shows each `Subject` it returns ("Dotyczy sprzętu: EI/005", linked to the
item). The messenger cannot import those apps (layers), so it asks here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Subject:
    label: str  # "Dotyczy sprzętu"
    text: str  # "EI/005"
    # The thing's staff screen; empty when this user may not open it.
    url: str = ""


Resolver = Callable[..., "Subject | None"]

_resolvers: list[Resolver] = []


def register(resolver: Resolver) -> None:
    """Add `resolver(conversation, user) -> Subject | None` (once)."""
    if resolver not in _resolvers:
        _resolvers.append(resolver)


def subjects_of(conversation, user) -> list[Subject]:
    found = (resolver(conversation, user) for resolver in _resolvers)
    return [subject for subject in found if subject is not None]
