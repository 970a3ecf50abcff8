"""Public page cache: published pages answered before Django's full stack.

How it fits together (docs/architecture.md, "Public page cache"):

1. `PageCacheApp` wraps the Django ASGI app. An anonymous GET/HEAD without a
   query string, outside /admin/, /static/ and the like, and without a
   session, CSRF or messages cookie, is looked up by key
   `scheme://host/path` in a `Store` (files under `PAGE_CACHE_DIR`).
2. A fresh entry is answered at once (`X-Cache: HIT`) with a new CSP nonce
   put into the body and the header. A stale one (older than
   `PAGE_CACHE_TTL`, or marked stale by an edit) is answered as it is
   (`X-Cache: STALE`) while the one request that wins the entry's rebuild
   lock goes on to Django (`X-Cache: MISS`).
3. In Django, the `on_serve_page` hook (`signals.py`) marks a live Wagtail
   page served to an anonymous visitor with `mark_cacheable`; while Django
   renders, every page and image instantiated is recorded as a dependency.
   `PageCacheMiddleware` (outermost) checks the response (200, no cookie,
   not private) and writes a `PageCacheEntry` row with those dependencies.
   Only then does the front write the file.
4. Edits call `invalidate()` after their transaction commits: the rows tell
   which entries to mark stale (edits) or delete (unpublish, delete, move).
   Every invalidation bumps a generation number; a rebuild that started
   before it throws its result away instead of storing what it read before
   the edit.
"""

import base64
import contextvars
import fcntl
import functools
import hashlib
import json
import logging
import os
import secrets
import time
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings

logger = logging.getLogger("ratusz.pagecache")

SCOPE_KEY = "ratusz.pagecache"
EXCLUDED_PREFIXES = ("/admin/", "/django-admin/", "/static/", "/media/", "/dokumenty/")
# Cookies that mean the response may be personal: a staff session (also
# Wagtail's password-restriction pass), a CSRF token, queued flash messages.
BYPASS_COOKIES = frozenset({"sessionid", "csrftoken", "messages"})
# No HTML or XML body contains a NUL byte, so this cannot clash with content.
NONCE_PLACEHOLDER = "\x00nonce\x00"
_PLACEHOLDER_BYTES = NONCE_PLACEHOLDER.encode()
_MAGIC = b"RATUSZ-PAGE-1\n"
MAX_BODY = 4 * 1024 * 1024
MEMORY_ENTRIES = 2000
# Not stored: recomputed per response, or personal.
_DROPPED_HEADERS = frozenset({b"content-length", b"date", b"set-cookie", b"x-cache"})

# Hooks called as hook(scope=, key=, status=, page_id=) for every request the
# cache answered or tried to (status "HIT", "STALE" or "MISS"): the extension
# point for counting visits on cached pages. They run in the event loop, so
# they must be quick and never block (append to a buffer, not a DB write).
hit_hooks: list[Callable[..., None]] = []


def on_hit(fn: Callable[..., None]) -> Callable[..., None]:
    """Register `fn` as a hit hook (usable as a decorator)."""
    hit_hooks.append(fn)
    return fn


def new_nonce() -> str:
    # The same form django-csp uses: base64 of 16 random bytes.
    return base64.b64encode(os.urandom(16)).decode("ascii")


# --- Request keys -----------------------------------------------------------


def _bypass_cookie_names() -> frozenset[str]:
    return BYPASS_COOKIES | {
        settings.SESSION_COOKIE_NAME,
        settings.CSRF_COOKIE_NAME,
        *getattr(settings, "PAGE_CACHE_BYPASS_COOKIES", ()),
    }


def _has_bypass_cookie(header: bytes, names: frozenset[str]) -> bool:
    for part in header.decode("latin-1").split(";"):
        name = part.split("=", 1)[0].strip()
        if name in names:
            return True
    return False


def request_key(scope) -> str | None:
    """Return the cache key of a cacheable request, or None to bypass the cache."""
    if scope["method"] not in ("GET", "HEAD") or scope.get("query_string"):
        return None
    path = scope["path"]
    if path.startswith(EXCLUDED_PREFIXES):
        return None
    host = None
    scheme = scope.get("scheme") or "http"
    proxy = settings.SECURE_PROXY_SSL_HEADER
    proxy_header = proxy[0][5:].lower().replace("_", "-").encode() if proxy else None
    for name, value in scope["headers"]:
        if name == b"host":
            host = value.decode("latin-1").lower()
        elif name == b"cookie":
            if _has_bypass_cookie(value, _bypass_cookie_names()):
                return None
        elif name == b"authorization":
            return None
        elif name == proxy_header:
            scheme = "https" if value.decode("latin-1") == proxy[1] else "http"
    if not host:
        return None
    default_port = ":443" if scheme == "https" else ":80"
    if host.endswith(default_port):
        host = host[: -len(default_port)]
    return f"{scheme}://{host}{path}"


# --- Storage ---------------------------------------------------------------


class Entry:
    """A stored response, split at the nonce so a fresh one can be put in."""

    __slots__ = ("ident", "status", "headers", "nonce_headers", "body_parts", "page_id")

    def __init__(self, ident, status, headers, body, page_id):
        self.ident = ident
        self.status = status
        self.page_id = page_id
        self.headers = []
        self.nonce_headers = []
        for name, value in headers:
            if _PLACEHOLDER_BYTES in value:
                self.nonce_headers.append((name, value.split(_PLACEHOLDER_BYTES)))
            else:
                self.headers.append((name, value))
        self.body_parts = body.split(_PLACEHOLDER_BYTES)

    def render(self, nonce: bytes) -> tuple[list[tuple[bytes, bytes]], bytes]:
        body = nonce.join(self.body_parts)
        headers = self.headers + [(n, nonce.join(p)) for n, p in self.nonce_headers]
        headers.append((b"content-length", str(len(body)).encode()))
        return headers, body


class Store:
    """Cached responses as files, shared by every process on the machine.

    Layout under `root`: `entries/<sha256>.page` (written to a temporary file
    and renamed into place, so a reader never sees half a file), `locks/` (one
    rebuild lock per entry), `generation` (a counter every invalidation bumps)
    and `.lock` (flock serialising generation bumps against stores).

    An entry is fresh while its mtime is younger than `ttl`; marking it stale
    sets its mtime to the epoch. Each process keeps parsed entries in memory,
    revalidated on every request by one stat(): a new file (new inode, size
    or timestamps) is read again.
    """

    def __init__(self, root: Path, *, ttl: int, lock_timeout: int):
        self.root = Path(root)
        self.entries_dir = self.root / "entries"
        self.locks_dir = self.root / "locks"
        self.ttl = ttl
        self.lock_timeout = lock_timeout
        self.entries_dir.mkdir(parents=True, exist_ok=True)
        self.locks_dir.mkdir(parents=True, exist_ok=True)
        self._entries_prefix = str(self.entries_dir) + os.sep
        self._memory: dict[str, Entry] = {}
        self._names: dict[str, str] = {}

    def _name(self, key: str) -> str:
        name = self._names.get(key)
        if name is None:
            if len(self._names) > MEMORY_ENTRIES * 4:
                self._names.clear()
            name = hashlib.sha256(key.encode()).hexdigest()
            self._names[key] = name
        return name

    def path(self, key: str) -> str:
        return self._entries_prefix + self._name(key) + ".page"

    # Reading

    def lookup(self, key: str) -> tuple[Entry, bool] | None:
        """Return (entry, is_fresh), or None when nothing usable is stored."""
        path = self.path(key)
        try:
            st = os.stat(path)
        except FileNotFoundError:
            self._memory.pop(key, None)
            return None
        ident = (st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)
        entry = self._memory.get(key)
        if entry is None or entry.ident != ident:
            entry = self._load(path, ident)
            if entry is None:
                self._memory.pop(key, None)
                return None
            if len(self._memory) >= MEMORY_ENTRIES:
                self._memory.clear()
            self._memory[key] = entry
        return entry, time.time() - st.st_mtime < self.ttl

    def _load(self, path: str, ident) -> Entry | None:
        try:
            with open(path, "rb") as f:
                data = f.read()
        except FileNotFoundError:
            return None
        try:
            if not data.startswith(_MAGIC):
                raise ValueError("not a page cache entry")
            meta_end = data.index(b"\n", len(_MAGIC))
            meta = json.loads(data[len(_MAGIC) : meta_end])
            headers = [
                (n.encode("latin-1"), v.encode("latin-1")) for n, v in meta["headers"]
            ]
            return Entry(
                ident, meta["status"], headers, data[meta_end + 1 :], meta["page_id"]
            )
        except (ValueError, KeyError, TypeError):
            logger.warning("Dropping unreadable page cache file %s", path)
            self._unlink(path)
            return None

    # Writing

    @contextmanager
    def _serialised(self):
        fd = os.open(self.root / ".lock", os.O_CREAT | os.O_RDWR, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)

    def generation(self) -> int:
        try:
            return int((self.root / "generation").read_text() or 0)
        except FileNotFoundError:
            return 0

    def bump_generation(self) -> None:
        with self._serialised():
            target = self.root / "generation"
            tmp = self.root / f".generation.{os.getpid()}.{secrets.token_hex(4)}"
            tmp.write_text(str(self.generation() + 1))
            os.replace(tmp, target)

    def store(
        self,
        key: str,
        *,
        status: int,
        headers: Iterable[tuple[bytes, bytes]],
        body: bytes,
        nonce: str | None,
        page_id: int | None,
        generation: int,
    ) -> bool:
        """Store a response unless an invalidation happened since `generation`.

        The generation check and the rename hold the store lock, and
        `invalidate` bumps the generation under it before reading which
        entries to drop: so either this store sees the bump and gives up, or
        it lands before the bump and the invalidation then finds and drops it.
        """
        stored_headers = []
        nonce_bytes = nonce.encode() if nonce else None
        for name, value in headers:
            if name.lower() in _DROPPED_HEADERS:
                continue
            if nonce_bytes:
                value = value.replace(nonce_bytes, _PLACEHOLDER_BYTES)
            stored_headers.append((name.decode("latin-1"), value.decode("latin-1")))
        if nonce_bytes:
            body = body.replace(nonce_bytes, _PLACEHOLDER_BYTES)
        meta = {"key": key, "status": status, "headers": stored_headers}
        meta["page_id"] = page_id
        data = _MAGIC + json.dumps(meta).encode() + b"\n" + body
        path = self.path(key)
        tmp = f"{path}.{os.getpid()}.{secrets.token_hex(4)}.tmp"
        with open(tmp, "wb") as f:
            f.write(data)
        with self._serialised():
            if self.generation() != generation:
                self._unlink(tmp)
                return False
            os.replace(tmp, path)
        return True

    def mark_stale(self, keys: Iterable[str]) -> None:
        for key in keys:
            try:
                os.utime(self.path(key), (0, 0))
            except FileNotFoundError:
                pass

    def delete(self, keys: Iterable[str]) -> None:
        for key in keys:
            self._memory.pop(key, None)
            self._unlink(self.path(key))

    def discard(self, key: str, entry: Entry) -> None:
        """Delete the file of `key` if it still holds `entry`."""
        path = self.path(key)
        try:
            st = os.stat(path)
        except FileNotFoundError:
            return
        if (st.st_ino, st.st_size) == entry.ident[:2]:
            self.delete([key])

    def clear(self) -> None:
        self.bump_generation()
        for name in os.listdir(self.entries_dir):
            self._unlink(os.path.join(self.entries_dir, name))
        self._memory.clear()

    @staticmethod
    def _unlink(path) -> None:
        try:
            os.unlink(path)
        except FileNotFoundError:
            pass

    # Rebuild locks

    def acquire(self, key: str) -> str | None:
        """Take the rebuild lock of `key`; return its token, or None if held.

        A lock older than `lock_timeout` is taken over, so a rebuild that
        crashed or hung does not wedge the entry.
        """
        lock = str(self.locks_dir / self._name(key))
        token = secrets.token_hex(8)
        try:
            fd = os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        except FileExistsError:
            try:
                age = time.time() - os.stat(lock).st_mtime
            except FileNotFoundError:
                age = None  # released meanwhile: someone else just rebuilt
            if age is None or age < self.lock_timeout:
                return None
            tmp = f"{lock}.{token}"
            with open(tmp, "w") as f:
                f.write(token)
            os.replace(tmp, lock)
            return token
        with os.fdopen(fd, "w") as f:
            f.write(token)
        return token

    def release(self, key: str, token: str) -> None:
        lock = str(self.locks_dir / self._name(key))
        try:
            with open(lock) as f:
                held_by = f.read()
        except FileNotFoundError:
            return
        if held_by == token:
            self._unlink(lock)


_stores: dict[tuple, Store] = {}


def get_store() -> Store:
    """Return the store of the current settings (tests switch them)."""
    spec = (
        str(settings.PAGE_CACHE_DIR),
        settings.PAGE_CACHE_TTL,
        settings.PAGE_CACHE_LOCK_TIMEOUT,
    )
    store = _stores.get(spec)
    if store is None:
        store = _stores[spec] = Store(Path(spec[0]), ttl=spec[1], lock_timeout=spec[2])
    return store


# --- Filling (the Django side) ---------------------------------------------


@dataclass
class FillState:
    """What Django learns about a cacheable request while serving it."""

    key: str
    generation: int
    deps: set[str] = field(default_factory=set)
    page_id: int | None = None
    site_id: int | None = None
    is_listing: bool = False
    marked: bool = False
    cacheable: bool = False
    nonce: str | None = None


_current: contextvars.ContextVar[FillState | None] = contextvars.ContextVar(
    "ratusz_pagecache_fill", default=None
)


def _state(request) -> FillState | None:
    scope = getattr(request, "scope", None)
    return scope.get(SCOPE_KEY) if scope else None


def add_dependency(*tags: str) -> None:
    """Record that the response being rendered shows these objects.

    Pages and images record themselves when instantiated (`signals.py`);
    call this for anything else, e.g. data rendered from a cache.
    """
    state = _current.get()
    if state is not None:
        state.deps.update(tags)


def mark_cacheable(request, page=None, *, listing: bool = False) -> None:
    """Let the front cache store this request's response if it turns out fine.

    Wagtail pages are marked by the `on_serve_page` hook. A non-page view
    (e.g. a sitemap) may call this with `listing=True`: any publication in
    the site then invalidates it.
    """
    state = _state(request)
    if state is None or request.method != "GET" or getattr(request, "is_preview", 0):
        return
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return
    from wagtail.models import Site

    site = Site.find_for_request(request)
    if site is None:
        return
    if page is not None:
        # Restricted pages answer per visitor (password, login): never shared.
        if page.get_view_restrictions().exists():
            return
        state.page_id = page.pk
        state.deps.add(f"page:{page.pk}")
    state.site_id = site.pk
    state.is_listing = state.is_listing or listing
    state.marked = True


def cache_listing(view):
    """Decorate a view of the whole site's pages (a sitemap) to be cached.

    It is invalidated by any publication in the site (`is_listing`).
    """

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        mark_cacheable(request, listing=True)
        return view(request, *args, **kwargs)

    return wrapped


def _response_is_shareable(response) -> bool:
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    if response.has_header("Set-Cookie"):
        return False
    cache_control = response.get("Cache-Control", "").lower()
    return not any(d in cache_control for d in ("private", "no-store", "no-cache"))


class PageCacheMiddleware:
    """Decide whether the front cache may keep a response; record its rows.

    Outermost in MIDDLEWARE, so it sees the final headers and cookies.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        state = _state(request)
        if state is None or not state.marked:
            return response
        if not _response_is_shareable(response):
            return response
        nonce = getattr(request, "_csp_nonce", None)
        state.nonce = nonce if isinstance(nonce, str) else None
        try:
            _record(state)
        except Exception:
            # A busy database must not break the page: it just is not cached.
            logger.exception("Could not record page cache entry %s", state.key)
            return response
        state.cacheable = True
        return response


def _record(state: FillState) -> None:
    # The models are imported where used, here and below: this module is
    # imported before Django's apps are loaded (apps' AppConfig modules
    # register hit hooks), when a models module cannot be.
    from django.db import IntegrityError, transaction
    from django.utils import timezone

    from .cache_models import PageCacheDependency, PageCacheEntry

    values = {
        "site_id": state.site_id,
        "page_id": state.page_id,
        "is_listing": state.is_listing,
        "filled_at": timezone.now(),
    }
    for attempt in (1, 2):
        try:
            with transaction.atomic():
                entry, _ = PageCacheEntry.objects.update_or_create(
                    key=state.key, defaults=values
                )
                have = set(entry.dependencies.values_list("tag", flat=True))
                if have - state.deps:
                    entry.dependencies.filter(tag__in=have - state.deps).delete()
                PageCacheDependency.objects.bulk_create(
                    [
                        PageCacheDependency(entry=entry, tag=tag)
                        for tag in sorted(state.deps - have)
                    ]
                )
            return
        except IntegrityError:
            # Two processes created the row at once (a lock taken over).
            if attempt == 2:
                raise


# --- Invalidation ----------------------------------------------------------


@dataclass
class Selection:
    """Which entries an edit affects."""

    pages: set[int] = field(default_factory=set)  # entries served by these pages
    tags: set[str] = field(default_factory=set)  # entries that showed these
    listings: set[int] = field(default_factory=set)  # listing entries of sites
    sites: set[int] = field(default_factory=set)  # every entry of these sites
    known: set[str] = field(default_factory=set)  # keys looked up beforehand

    def __bool__(self):
        return bool(
            self.pages or self.tags or self.listings or self.sites or self.known
        )

    def keys(self) -> set[str]:
        from django.db.models import Q

        from .cache_models import PageCacheDependency, PageCacheEntry

        keys: set[str] = set(self.known)
        conditions = []
        if self.sites:
            conditions.append(Q(site_id__in=self.sites))
        if self.listings:
            conditions.append(Q(site_id__in=self.listings, is_listing=True))
        for chunk in _chunks(self.pages):
            conditions.append(Q(page_id__in=chunk))
        for chunk in _chunks(self.tags):
            tagged = PageCacheDependency.objects.filter(tag__in=chunk)
            conditions.append(Q(pk__in=tagged.values("entry_id")))
        for condition in conditions:
            keys.update(
                PageCacheEntry.objects.filter(condition).values_list("key", flat=True)
            )
        return keys


def _chunks(values, size=500):
    values = sorted(values)
    for i in range(0, len(values), size):
        yield values[i : i + size]


def invalidate(*, stale: Selection | None = None, delete: Selection | None = None):
    """Mark the `stale` entries stale and remove the `delete` ones now.

    Call after the edit committed (see `invalidate_on_commit`): an entry
    rebuilt from data read before the commit would otherwise survive.
    Stale entries are still answered while one request rebuilds them;
    deleted ones (unpublished, deleted, moved away, restricted) are gone
    before this returns.
    """
    from .cache_models import PageCacheEntry

    store = get_store()
    store.bump_generation()
    delete_keys = delete.keys() if delete else set()
    stale_keys = (stale.keys() if stale else set()) - delete_keys
    store.delete(delete_keys)
    for chunk in _chunks(delete_keys):
        PageCacheEntry.objects.filter(key__in=chunk).delete()
    store.mark_stale(stale_keys)
    logger.debug("Page cache: %d stale, %d deleted", len(stale_keys), len(delete_keys))


def invalidate_on_commit(
    *, stale: Selection | None = None, delete: Selection | None = None
) -> None:
    from django.db import transaction

    if not settings.PAGE_CACHE_ENABLED or not (stale or delete):
        return
    transaction.on_commit(lambda: invalidate(stale=stale, delete=delete))


def clear() -> None:
    """Drop every cached page (e.g. after a deploy that changed templates)."""
    from .cache_models import PageCacheEntry

    get_store().clear()
    PageCacheEntry.objects.all().delete()


# --- The ASGI front --------------------------------------------------------


class PageCacheApp:
    """ASGI middleware answering cached public pages before Django."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or not settings.PAGE_CACHE_ENABLED:
            return await self.app(scope, receive, send)
        key = request_key(scope)
        if key is None:
            return await self.app(scope, receive, send)
        store = get_store()
        found = store.lookup(key)
        if found is not None:
            entry, fresh = found
            if fresh or scope["method"] == "HEAD":
                return await self._answer(
                    scope, send, key, entry, b"HIT" if fresh else b"STALE"
                )
        else:
            entry = None
        if scope["method"] != "GET":
            return await self._pass(scope, receive, send, key, store, None, None)
        token = store.acquire(key)
        if token is None:
            if entry is not None:
                return await self._answer(scope, send, key, entry, b"STALE")
            # A cold miss already being filled: render without storing.
            return await self._pass(scope, receive, send, key, store, None, None)
        try:
            await self._pass(scope, receive, send, key, store, entry, token)
        finally:
            store.release(key, token)

    async def _answer(self, scope, send, key, entry, status):
        headers, body = entry.render(new_nonce().encode())
        headers.append((b"x-cache", status))
        await send(
            {"type": "http.response.start", "status": entry.status, "headers": headers}
        )
        await send(
            {
                "type": "http.response.body",
                "body": b"" if scope["method"] == "HEAD" else body,
            }
        )
        _call_hooks(scope, key, status.decode(), entry.page_id)

    async def _pass(self, scope, receive, send, key, store, stale_entry, token):
        """Serve through Django; store the response if we hold the lock."""
        state = FillState(key=key, generation=store.generation())
        scope = dict(scope)
        scope[SCOPE_KEY] = state
        response = {"status": None, "headers": [], "body": [], "size": 0}

        async def capture(message):
            if message["type"] == "http.response.start":
                response["status"] = message["status"]
                response["headers"] = message.get("headers", [])
                message = dict(message)
                message["headers"] = [*response["headers"], (b"x-cache", b"MISS")]
            elif message["type"] == "http.response.body" and token:
                response["size"] += len(message.get("body", b""))
                if response["size"] <= MAX_BODY:
                    response["body"].append(message.get("body", b""))
            await send(message)

        var = _current.set(state)
        try:
            await self.app(scope, receive, capture)
        finally:
            _current.reset(var)
        if token:
            self._fill(store, key, state, response, stale_entry)
        _call_hooks(scope, key, "MISS", state.page_id)

    @staticmethod
    def _fill(store, key, state, response, stale_entry):
        status = response["status"]
        headers = response["headers"]
        stored = False
        if (
            state.cacheable
            and status == 200
            and response["size"] <= MAX_BODY
            and not any(n.lower() == b"set-cookie" for n, _ in headers)
        ):
            stored = store.store(
                key,
                status=status,
                headers=headers,
                body=b"".join(response["body"]),
                nonce=state.nonce,
                page_id=state.page_id,
                generation=state.generation,
            )
        if not stored and stale_entry is not None and status and status < 500:
            # The page no longer gives a shareable answer (moved, now sets a
            # cookie...). On a server error the stale copy is kept instead.
            if not state.cacheable or status != 200:
                store.discard(key, stale_entry)


def _call_hooks(scope, key, status, page_id):
    for hook in hit_hooks:
        try:
            hook(scope=scope, key=key, status=status, page_id=page_id)
        except Exception:
            logger.exception("Page cache hit hook %r failed", hook)
