"""What the messenger asks of the social networks residents write through.

The messenger never imports an integration: the integration sits above it
and registers here, in its `AppConfig.ready`, what only it knows (today
Facebook Messenger, `integrations.facebook.apps`):

- `page_owners(page_id)`: the gminas whose page on the network has that id
  (at most two: enough to tell one from several), to route a webhook's event;
- `reply_window(conversation, now)`: (deadline, kind) — until when and how
  the gmina may still answer there; kind is STANDARD, HUMAN_AGENT or CLOSED.

Replies themselves go out through the outbox: the integration registers the
transport of the "messenger" channel there.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

# How the gmina may still answer on the network (`Network.reply_window`).
STANDARD = "standard"
HUMAN_AGENT = "human_agent"
CLOSED = "closed"


@dataclass(frozen=True)
class Network:
    source: str  # Conversation.Source of the conversations it brings
    page_owners: Callable[[str], list]
    reply_window: Callable[..., tuple[datetime | None, str]]


_networks: dict[str, Network] = {}


def register(network: Network) -> None:
    _networks[network.source] = network


def network(source: str) -> Network | None:
    """The network behind conversations of `source`, if one is installed."""
    return _networks.get(source)
