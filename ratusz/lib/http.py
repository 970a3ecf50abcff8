"""The one way out for server-side HTTP: a fetch guarded against SSRF.

Anything the server downloads because a user or an imported file named a URL
(images in an import, feeds, link previews) goes through `fetch()`:

- only http and https;
- the host is resolved when the connection is made, and every address it
  resolves to must be public (not loopback, private, link-local, multicast,
  reserved, unspecified, shared, nor such an address inside an IPv4-mapped,
  6to4, Teredo or NAT64 IPv6 address); the socket then connects to the very
  address that was checked, so a DNS answer that changes between the check and
  the connection (DNS rebinding) cannot reach inside;
- numeric host forms that the C resolver accepts (`2130706433`, `0x7f.1`,
  `017700000001`, `127.1`) are resolved by that same resolver, so they are
  checked as the address they really are;
- at most 3 redirects, each checked again;
- a size limit enforced while reading, a deadline for the whole exchange and
  an allow-list of content types.

`settings.HTTP_ALLOW_PRIVATE_HOSTS` (default False) turns the address check
off (True) or allows only the listed addresses or networks
(e.g. `["127.0.0.2"]`, `["10.1.0.0/16"]`) for a server on a private network,
for every fetch of the installation.

A caller that must reach one private network and nothing else (the free
network's access points of one gmina) passes `allow=` instead: networks
allowed for that one call, on top of the public internet. The allow-lists
are settings, never typed in by staff, named per installation and per key
(`allow_list(settings.X, key)`: the "*" entry plus the key's own), so one
gmina's checks cannot reach another gmina's network. `probe_tcp()` is the
same guard for a plain TCP connection (connect, then close).
"""

from __future__ import annotations

import ipaddress
import socket
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime

import httpcore
import httpx
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

MAX_REDIRECTS = 3
USER_AGENT = "Ratusz/0.1 (+https://github.com/ratusz)"

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
Allow = tuple[IPNetwork, ...]
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_NAT64_LOCAL = ipaddress.ip_network("64:ff9b:1::/48")


class FetchError(Exception):
    """The URL could not be fetched; the message is for people."""


class BlockedHost(FetchError):
    """The URL points at an address the server must not reach."""


@dataclass
class FetchResult:
    url: str
    status_code: int
    content_type: str
    content: bytes
    headers: dict[str, str] = field(default_factory=dict)


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip.teredo is not None:
        return ip.teredo[1]
    if ip in _NAT64 or ip in _NAT64_LOCAL:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def is_public_address(ip: IPAddress) -> bool:
    """Return True if `ip` is an address on the public internet."""
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = _embedded_ipv4(ip)
        if embedded is not None and not is_public_address(embedded):
            return False
    return not (
        ip.is_loopback
        or ip.is_private
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
        or getattr(ip, "is_site_local", False)
        or not ip.is_global
    )


def _allowed_private_networks() -> bool | list:
    value = getattr(settings, "HTTP_ALLOW_PRIVATE_HOSTS", False)
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        value = [value]
    return [ipaddress.ip_network(v, strict=False) for v in value]


def allow_list(lists: dict[str, list[str]] | None, key: str) -> Allow:
    """The networks allowed for `key` by a setting of named allow-lists.

    `lists` maps keys to addresses or networks ({"*": ["10.20.0.0/16"],
    "zawada.example.pl": ["192.168.5.0/24"]}); "*" applies to every key.
    A malformed entry raises ValueError: a typo must not go unnoticed.
    """
    lists = lists or {}
    values = [*lists.get("*", ()), *lists.get(key, ())] if key else []
    return tuple(ipaddress.ip_network(v.strip(), strict=False) for v in values)


def is_allowed_address(ip: IPAddress, allow: Allow = ()) -> bool:
    allowed = _allowed_private_networks()
    if allowed is True:
        return True
    if is_public_address(ip):
        return True
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    networks = [*(allowed or ()), *allow]
    return any(ip.version == net.version and ip in net for net in networks)


def resolve(host: str, port: int, allow: Allow = ()) -> list[IPAddress]:
    """Resolve `host` and return its addresses, refusing any that is not allowed.

    All addresses must pass, not just one: a name that resolves to a public and
    a private address would otherwise reach the private one on a retry.
    """
    host = host.strip("[]")
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as exc:
        raise FetchError(
            _("Nie można znaleźć serwera %(host)s.") % {"host": host}
        ) from exc
    addresses: list[IPAddress] = []
    for _family, _type, _proto, _canon, sockaddr in infos:
        # A scoped IPv6 address ("fe80::1%eth0") is link-local anyway.
        ip = ipaddress.ip_address(str(sockaddr[0]).split("%")[0])
        if not is_allowed_address(ip, allow):
            raise BlockedHost(
                _(
                    "Adres %(host)s prowadzi do sieci wewnętrznej; "
                    "pobieranie zablokowane."
                )
                % {"host": host}
            )
        if ip not in addresses:
            addresses.append(ip)
    if not addresses:
        raise FetchError(_("Nie można znaleźć serwera %(host)s.") % {"host": host})
    return addresses


class _GuardedBackend(httpcore.SyncBackend):
    """Resolve, check and connect to the checked address in one step."""

    def __init__(self, allow: Allow = ()) -> None:
        super().__init__()
        self.allow = allow

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable | None = None,
    ) -> httpcore.NetworkStream:
        last_error: Exception | None = None
        for ip in resolve(host, port, self.allow):
            try:
                return super().connect_tcp(
                    str(ip), port, timeout, local_address, socket_options
                )
            except httpcore.ConnectError as exc:
                last_error = exc
        assert last_error is not None
        raise last_error


class _GuardedTransport(httpx.HTTPTransport):
    def __init__(self, allow: Allow = ()) -> None:
        super().__init__(http1=True, http2=False, retries=0, trust_env=False)
        # httpx has no public hook for the network backend: rebuild its
        # connection pool with ours (httpx and httpcore are pinned).
        self._pool = httpcore.ConnectionPool(
            ssl_context=httpx.create_ssl_context(trust_env=False),
            max_connections=4,
            http1=True,
            http2=False,
            network_backend=_GuardedBackend(allow),
        )


def _check_url(url: httpx.URL) -> None:
    if url.scheme not in ("http", "https"):
        raise BlockedHost(
            _("Dozwolone są tylko adresy http i https (a nie: %(url)s).")
            % {"url": str(url)[:200]}
        )
    if not url.host:
        raise FetchError(
            _("Adres %(url)s nie ma nazwy serwera.") % {"url": str(url)[:200]}
        )


def _content_type_allowed(content_type: str, allowed: Iterable[str] | None) -> bool:
    if allowed is None:
        return True
    media_type = content_type.split(";")[0].strip().lower()
    return any(
        media_type.startswith(a) if a.endswith("/") else media_type == a
        for a in allowed
    )


def fetch(
    url: str,
    *,
    max_bytes: int,
    timeout: float = 15.0,
    content_types: Iterable[str] | None = None,
    max_redirects: int = MAX_REDIRECTS,
    allow: Allow = (),
) -> FetchResult:
    """GET `url` through the SSRF guard and return the body.

    `content_types` lists the allowed media types; an entry ending in "/" (like
    "image/") allows the whole family. `timeout` bounds each network step and
    also the whole exchange, redirects included.
    """
    try:
        current = httpx.URL(url)
    except (httpx.InvalidURL, TypeError, ValueError) as exc:
        raise FetchError(
            _("Nieprawidłowy adres: %(url)s") % {"url": str(url)[:200]}
        ) from exc
    allowed_types = list(content_types) if content_types is not None else None
    deadline = time.monotonic() + timeout
    headers = {"User-Agent": USER_AGENT, "Accept": ", ".join(allowed_types or ["*/*"])}
    with httpx.Client(
        transport=_GuardedTransport(allow),
        timeout=httpx.Timeout(timeout),
        follow_redirects=False,
        trust_env=False,
    ) as client:
        for _hop in range(max_redirects + 1):
            _check_url(current)
            try:
                with client.stream("GET", current, headers=headers) as response:
                    if response.is_redirect:
                        location = response.headers.get("location", "")
                        current = response.url.join(location)
                        continue
                    return _read(response, max_bytes, allowed_types, deadline)
            except httpx.TimeoutException as exc:
                raise FetchError(
                    _("Serwer %(host)s nie odpowiedział na czas.")
                    % {"host": current.host}
                ) from exc
            except httpx.InvalidURL as exc:
                raise FetchError(_("Nieprawidłowy adres przekierowania.")) from exc
            except httpx.HTTPError as exc:
                raise FetchError(
                    _("Błąd połączenia z %(host)s: %(error)s")
                    % {"host": current.host, "error": exc}
                ) from exc
    raise FetchError(
        _("Za dużo przekierowań (więcej niż %(n)d).") % {"n": max_redirects}
    )


def client(
    *, timeout: float = 15.0, base_url: str = "", allow: Allow = ()
) -> httpx.Client:
    """An httpx client for API calls (POST, JSON), through the same SSRF guard.

    For talking to providers (Facebook, Mastodon, SMS gateways, push
    services) whose answers the caller reads and classifies itself: no
    redirects are followed, no proxies are taken from the environment, any
    status is returned. A blocked address raises `BlockedHost`; network
    trouble raises httpx's own errors (`httpx.TimeoutException`, …).

        with http.client(timeout=10) as api:
            response = api.post(url, json={...})
    """

    def check(request: httpx.Request) -> None:
        _check_url(request.url)

    return httpx.Client(
        transport=_GuardedTransport(allow),
        timeout=httpx.Timeout(timeout),
        follow_redirects=False,
        trust_env=False,
        base_url=base_url,
        headers={"User-Agent": USER_AGENT},
        event_hooks={"request": [check]},
    )


def probe_tcp(host: str, port: int, *, timeout: float, allow: Allow = ()) -> None:
    """Open a TCP connection to host:port through the guard, then close it.

    Raises `BlockedHost` for an address not allowed, `FetchError` when no
    allowed address accepts the connection within `timeout` seconds.
    """
    last_error: OSError | None = None
    for ip in resolve(host, port, allow):
        try:
            with socket.create_connection((str(ip), port), timeout=timeout):
                return
        except OSError as exc:
            last_error = exc
    if isinstance(last_error, TimeoutError):
        raise FetchError(
            _("Serwer %(host)s nie odpowiedział na czas.") % {"host": host}
        ) from last_error
    raise FetchError(
        _("Błąd połączenia z %(host)s: %(error)s")
        % {"host": host, "error": getattr(last_error, "strerror", None) or last_error}
    ) from last_error


def retry_after(response: httpx.Response) -> float | None:
    """Seconds a provider asks us to wait before the next try, or None.

    Reads `Retry-After` as delta-seconds or as an HTTP date (RFC 9110
    § 10.2.3); a date in the past is 0. A network with its own header (Graph
    API's business-use-case usage, Mastodon's `X-RateLimit-Reset`) reads it
    when this answers None.
    """
    value = response.headers.get("retry-after", "").strip()
    if not value:
        return None
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        return None
    return max(0.0, (when - timezone.now()).total_seconds())


def _read(
    response: httpx.Response,
    max_bytes: int,
    allowed_types: list[str] | None,
    deadline: float,
) -> FetchResult:
    if response.status_code != 200:
        raise FetchError(
            _("Serwer odpowiedział kodem %(code)d dla %(url)s.")
            % {"code": response.status_code, "url": str(response.url)[:200]}
        )
    content_type = response.headers.get("content-type", "")
    if not _content_type_allowed(content_type, allowed_types):
        raise FetchError(
            _("Niedozwolony typ treści %(type)s pod %(url)s.")
            % {"type": content_type or "(brak)", "url": str(response.url)[:200]}
        )
    too_big = _("Plik pod %(url)s jest za duży (limit %(limit)d bajtów).") % {
        "url": str(response.url)[:200],
        "limit": max_bytes,
    }
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise FetchError(too_big)
    chunks: list[bytes] = []
    size = 0
    for chunk in response.iter_bytes():
        size += len(chunk)
        if size > max_bytes:
            raise FetchError(too_big)
        if time.monotonic() > deadline:
            raise FetchError(
                _("Pobieranie %(url)s trwało za długo.")
                % {"url": str(response.url)[:200]}
            )
        chunks.append(chunk)
    return FetchResult(
        url=str(response.url),
        status_code=response.status_code,
        content_type=content_type,
        content=b"".join(chunks),
        headers=dict(response.headers),
    )
