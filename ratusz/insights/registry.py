"""What the networks tell insights, registered by their adapters.

The domain never imports an integration (docs/architecture.md "Layers"):
each network's `AppConfig.ready` registers a collector here, and insights'
periodic tasks call every registered one.

    from ratusz.insights.registry import register_collector
    register_collector("facebook", collect, gminas=connected_gminas)

A collector is `collect(gmina, now) -> None`: it reads what its network
says about the gmina's posts and followers and stores it in `PostMetric`
and `NetworkDaily`. It must not raise for an answer the network gives (an
expired token, a retired metric, a 429): it stores what it got and logs
the rest, so one network's fault never stops another's.

`gminas()` (optional) returns the gminas whose account on the network is
connected, so the periodic run (`collecting.collect_all`) calls the
collector only for them; without it, for every gmina.
"""

from __future__ import annotations

from collections.abc import Callable

Collector = Callable[..., None]

_collectors: dict[str, Collector] = {}
_gminas: dict[str, Callable] = {}


def register_collector(
    network: str, collect: Collector, *, gminas: Callable | None = None
) -> None:
    """Register the collector of a network (once; a second one is an error)."""
    if _collectors.get(network, collect) is not collect:
        raise ValueError(f"a collector for {network!r} is already registered")
    _collectors[network] = collect
    if gminas is not None:
        _gminas[network] = gminas


def collectors() -> dict[str, Collector]:
    """network → collector, in registration order."""
    return dict(_collectors)


def connected_gminas(network: str) -> Callable | None:
    """The network's `gminas()` (who has it connected), or None if it gave none."""
    return _gminas.get(network)
