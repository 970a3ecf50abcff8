"""The address of the client behind a request, for rate limits.

Behind a reverse proxy (nginx) REMOTE_ADDR is the proxy, so every resident
would share one limit. The proxy names the real client in X-Forwarded-For,
but anybody can send that header too: it is believed only when REMOTE_ADDR is
one of `settings.RATUSZ_TRUSTED_PROXIES`, and then read from the right, where
the trusted proxies appended what they saw. A client that rotates the header
only changes the entries to the left of the one its proxy wrote, so it cannot
reset its limit (SECURITY.md A4; Ghost CVE-2024-34451).
"""

from __future__ import annotations

import functools
import ipaddress

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address


@functools.lru_cache(maxsize=8)
def _networks(values: tuple[str, ...]) -> tuple[Network, ...]:
    networks = []
    for value in values:
        try:
            networks.append(ipaddress.ip_network(value.strip(), strict=False))
        except ValueError:
            raise ImproperlyConfigured(
                f"RATUSZ_TRUSTED_PROXIES: {value!r} is not an IP address or network"
            ) from None
    return tuple(networks)


def trusted_proxies() -> tuple[Network, ...]:
    values = getattr(settings, "RATUSZ_TRUSTED_PROXIES", ()) or ()
    if isinstance(values, str):
        values = values.split(",")
    return _networks(tuple(v for v in values if v.strip()))


def _parse(value: str) -> Address | None:
    """An address from a header entry: "1.2.3.4", "1.2.3.4:80", "[::1]:80"."""
    value = value.strip()
    if value.startswith("[") and "]" in value:
        value = value[1 : value.index("]")]
    elif value.count(":") == 1:  # IPv4 with a port; IPv6 has several colons
        value = value.split(":", 1)[0]
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return address.ipv4_mapped
    return address


def _is_trusted(address: Address | None, networks: tuple[Network, ...]) -> bool:
    return address is not None and any(address in net for net in networks)


def client_ip(request) -> str:
    """Return the client's IP address as text ("" when unknown)."""
    return client_ip_from(
        request.META.get("REMOTE_ADDR", "") or "",
        request.META.get("HTTP_X_FORWARDED_FOR", ""),
    )


def client_ip_from(remote: str, forwarded: str) -> str:
    """The client's address from REMOTE_ADDR and X-Forwarded-For, as text.

    1. REMOTE_ADDR not a trusted proxy (or none configured): REMOTE_ADDR.
    2. Otherwise walk X-Forwarded-For from the right, skipping trusted
       proxies; the first other address is the client.
    3. An entry that is no address ends the walk: what stands left of it was
       not written by a proxy we trust, so the last trusted hop is returned.
    """
    networks = trusted_proxies()
    address = _parse(remote)
    if not networks or not _is_trusted(address, networks):
        return str(address) if address is not None else remote
    nearest: Address = address  # type: ignore[assignment]
    for entry in reversed(forwarded.split(",")):
        if not entry.strip():
            continue
        hop = _parse(entry)
        if hop is None:
            break
        if not _is_trusted(hop, networks):
            return str(hop)
        nearest = hop
    return str(nearest)


def client_network(request) -> str:
    """The client as rate limits should count it.

    An IPv4 address is one client. An IPv6 subscriber is usually given a
    whole /64 and can use any of its 2^64 addresses, so limits count the /64
    ("2001:db8:1:2::/64"); otherwise one resident with a phone could open as
    many limits as they like.
    """
    address = _parse(client_ip(request))
    if isinstance(address, ipaddress.IPv6Address):
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address) if address is not None else ""
