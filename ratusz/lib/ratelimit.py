"""One counter for every rate limit (follow form, messenger, SMS codes, push).

The counter lives in the default cache, which every process shares: Redis
with REDIS_URL, otherwise a database table with an atomic incr
(ratusz/lib/dbcache.py). A limit therefore holds for the sum of all web
processes, not for each.
"""

from django.core.cache import cache


def count(key: str, period: int) -> int:
    """Count one more use of `key` in a window of `period` seconds."""
    cache.add(key, 0, timeout=period)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=period)
        return 1


def over_limit(key: str, limit: int, period: int) -> bool:
    """Count one use of `key`; True once it went past `limit` in `period` s."""
    return count(key, period) > limit
