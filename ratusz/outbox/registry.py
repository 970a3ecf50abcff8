"""Who serves what in the outbox, told by each owner in its `AppConfig.ready`.

(This module imports no models, so an `apps.py` may import it at its top.)

The engine knows no network and no kind of item. Each owner registers its
part once, when Django starts:

- a network its transport for a channel (`register_transport`): the class
  that sends that channel's rows (see `transports`);
- the app that plans rows of an item kind ("article" in "article:123") its
  composer (`register_composer`): `composer(delivery) -> Envelope`, or None
  when the row no longer applies;
- a network a gmina connects in the admin, how to tell whether it is
  connected and where an administrator connects it (`register_connection`).

A channel without a transport (a network not built, or its app not
installed) leaves its rows pending, with a reason an editor can read.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured


@dataclass(frozen=True)
class Connection:
    is_connected: Callable  # is_connected(gmina) -> bool
    settings_url: str  # admin URL name of the gmina's settings (takes its pk)
    settings_menu: str  # its entry under "Ustawienia", e.g. "Facebook"


_transports: dict[str, type] = {}
_composers: dict[str, Callable] = {}
_connections: dict[str, Connection] = {}


def _register(registry: dict, key: str, value, what: str) -> None:
    # The same value twice is harmless (ready() of a re-created app config);
    # two owners claiming one key is a mistake to see at start-up.
    if registry.get(key, value) != value:
        raise ImproperlyConfigured(f"{what} {key!r} is registered twice")
    registry[key] = value


def register_transport(channel: str, transport: type) -> None:
    _register(_transports, channel, transport, "outbox transport of")


def register_composer(kind: str, composer: Callable) -> None:
    _register(_composers, kind, composer, "outbox composer of")


def register_connection(
    channel: str, is_connected: Callable, *, settings_url: str, settings_menu: str
) -> None:
    connection = Connection(is_connected, settings_url, settings_menu)
    _register(_connections, channel, connection, "outbox connection of")


def transport_for(channel: str) -> type | None:
    return _transports.get(channel)


def composer_for(kind: str) -> Callable | None:
    return _composers.get(kind)


def connections() -> dict[str, Connection]:
    """channel → Connection of every network a gmina connects in the admin."""
    return dict(_connections)
