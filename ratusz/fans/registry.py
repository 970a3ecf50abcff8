"""What the networks and higher apps tell `fans`, registered in their
`AppConfig.ready`.

The domain never imports an integration: a network that has its own rule
for how long a text is (SMS parts, Mastodon's limit) registers it here, and
the editor's previews (`previews`) use it. A network not installed simply
has no counter in its preview. Likewise an app above fans (insights) adds a
link to the article's "Powiadomienia" screen with `register_article_link`.

(This module imports no models, so an `apps.py` may import it at its top.)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured


@dataclass(frozen=True)
class TextCounter:
    # count(text): for SMS the parts it costs (encoding, length, segments,
    # per_segment); for Mastodon the length checked against `limit`.
    count: Callable
    limit: int | None = None


_counters: dict[str, TextCounter] = {}


def register_text_counter(
    channel: str, count: Callable, *, limit: int | None = None
) -> None:
    counter = TextCounter(count, limit)
    # The same counter twice is harmless; two networks claiming one channel
    # is a mistake to see at start-up.
    if _counters.get(channel, counter) != counter:
        raise ImproperlyConfigured(f"text counter of {channel!r} is registered twice")
    _counters[channel] = counter


def text_counter(channel: str) -> TextCounter | None:
    return _counters.get(channel)


@dataclass(frozen=True)
class ArticleLink:
    """A screen about an article that a higher app adds (insights' reach),
    linked from the article's "Powiadomienia" screen."""

    label: str
    url_name: str  # reversed with the article's page id


_article_links: list[ArticleLink] = []


def register_article_link(label: str, url_name: str) -> None:
    link = ArticleLink(label, url_name)
    if link not in _article_links:
        _article_links.append(link)


def article_links() -> list[ArticleLink]:
    return list(_article_links)
