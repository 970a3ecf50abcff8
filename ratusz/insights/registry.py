"""What the networks tell insights, registered by their adapters.

The domain never imports an integration (docs/architecture.md "Layers"):
each network's `AppConfig.ready` registers a collector here, and insights'
periodic tasks call every registered one.

    from ratusz.insights.registry import register_collector
    register_collector("facebook", collect)

A collector is `collect(gmina, now) -> None`: it reads what its network
says about the gmina's posts and followers and stores it in `PostMetric`
and `NetworkDaily`. It must not raise for an answer the network gives (an
expired token, a retired metric, a 429): it stores what it got and logs
the rest, so one network's fault never stops another's.
"""

from __future__ import annotations

from collections.abc import Callable

Collector = Callable[..., None]

_collectors: dict[str, Collector] = {}


def register_collector(network: str, collect: Collector) -> None:
    """Register the collector of a network (once; a second one is an error)."""
    if _collectors.get(network, collect) is not collect:
        raise ValueError(f"a collector for {network!r} is already registered")
    _collectors[network] = collect


def collectors() -> dict[str, Collector]:
    """network → collector, in registration order."""
    return dict(_collectors)
