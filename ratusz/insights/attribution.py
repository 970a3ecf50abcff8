"""Where a view came from and on what device (no data about the person)."""

from __future__ import annotations

import functools
from urllib.parse import urlsplit

from crawlerdetect import CrawlerDetect
from user_agents import parse as parse_user_agent

from .models import INTERNAL, Device, Source

FACEBOOK_HOSTS = ("facebook.com", "fb.com", "fb.me", "messenger.com", "fbcdn.net")
MASTODON_HOSTS = (
    "mastodon.social",
    "mastodon.online",
    "pol.social",
    "mstdn.social",
    "mastodon.com.pl",
    "101010.pl",
    "social.vivaldi.net",
    "fosstodon.org",
)
# Any instance whose name says it (mastodon.example.org, mstdn.example).
MASTODON_WORDS = ("mastodon", "mstdn", "toot")
SEARCH_HOSTS = (
    "google.",
    "bing.com",
    "duckduckgo.com",
    "search.yahoo.com",
    "yandex.",
    "ecosia.org",
    "qwant.com",
    "startpage.com",
    "search.brave.com",
    "szukaj.onet.pl",
    "szukaj.wp.pl",
    "szukaj.interia.pl",
)
# Webmail: a click in an e-mail that did not carry Ratusz's parameter.
EMAIL_HOSTS = (
    "mail.google.com",
    "poczta.onet.pl",
    "poczta.wp.pl",
    "poczta.interia.pl",
    "poczta.o2.pl",
    "outlook.live.com",
    "outlook.office.com",
    "mail.yahoo.com",
)
# Link-preview fetchers crawlerdetect does not (yet) list.
PREVIEW_FETCHERS = (
    "facebookexternalhit",
    "facebookcatalog",
    "meta-externalagent",
    "twitterbot",
    "slackbot",
    "discordbot",
    "telegrambot",
    "whatsapp",
    "linkedinbot",
    "skypeuripreview",
    "mastodon/",
    "pleroma",
    "misskey",
    "bluesky",
)

_crawlers = CrawlerDetect()


def _matches(host: str, names) -> bool:
    return any(
        host == name
        or host.endswith("." + name)
        or (name.endswith(".") and name in host)
        for name in names
    )


def source_of(referrer: str, own_host: str) -> str:
    """The source a view is attributed to by its Referer (no parameter)."""
    if not referrer:
        return Source.DIRECT
    host = (urlsplit(referrer).hostname or "").lower()
    if not host:
        return Source.DIRECT
    if host == own_host.split(":")[0].lower():
        return INTERNAL
    return _source_of_host(host)


@functools.lru_cache(maxsize=4096)
def _source_of_host(host: str) -> str:
    """The source of another site's host name; memoised (a few hundred sites
    send most visits), the host only: no address or path is kept."""
    if _matches(host, FACEBOOK_HOSTS):
        return Source.FACEBOOK
    if _matches(host, MASTODON_HOSTS) or any(w in host for w in MASTODON_WORDS):
        return Source.MASTODON
    if _matches(host, EMAIL_HOSTS):
        return Source.EMAIL
    if _matches(host, SEARCH_HOSTS):
        return Source.SEARCH
    return Source.OTHER


@functools.lru_cache(maxsize=4096)
def classify(user_agent: str) -> str | None:
    """The device class of a browser, or None for a bot, crawler or fetcher.

    Cached in memory only (a few thousand browser versions), never stored.
    """
    lowered = user_agent.lower()
    if not user_agent.strip() or any(f in lowered for f in PREVIEW_FETCHERS):
        return None
    if _crawlers.isCrawler(user_agent):
        return None
    parsed = parse_user_agent(user_agent)
    if parsed.is_bot:
        return None
    if parsed.is_tablet:
        return Device.TABLET
    if parsed.is_mobile:
        return Device.PHONE
    return Device.DESKTOP
