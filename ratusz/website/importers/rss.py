"""Import an RSS or Atom feed (a file or a URL) as a gmina's articles."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urljoin
from xml.etree.ElementTree import ParseError

import defusedxml.ElementTree as SafeET
import feedparser
from defusedxml import DefusedXmlException
from django.utils.translation import gettext as _

from ratusz.lib import http

from . import common
from .common import (
    ImageRef,
    ImportedArticle,
    ImportFailed,
    Summary,
    autop,
    first_sentence,
    html_to_parts,
    make_slug,
    old_path_of,
    parts_text,
    plain_text,
    stable_key,
)

MAX_FEED_BYTES = 20 * 1024 * 1024
FEED_TYPES = [
    "application/rss+xml",
    "application/atom+xml",
    "application/rdf+xml",
    "application/xml",
    "text/xml",
    # Many servers send feeds with a generic type.
    "text/plain",
    "application/octet-stream",
]
_HTML_BLOCK = re.compile(r"<(p|div|ul|ol|h[1-6]|blockquote|table|figure)\b", re.I)


def read_source(source: str) -> tuple[bytes, str]:
    """Return the feed's bytes and its URL (empty for a file)."""
    if re.match(r"^[a-z][a-z0-9+.-]*://", source, re.I):
        try:
            result = http.fetch(
                source, max_bytes=MAX_FEED_BYTES, timeout=30, content_types=FEED_TYPES
            )
        except http.FetchError as exc:
            raise ImportFailed(
                _("Nie udało się pobrać kanału: %(error)s") % {"error": exc}
            ) from None
        return result.content, result.url
    path = Path(source)
    if not path.is_file():
        raise ImportFailed(_("Nie ma pliku %(path)s.") % {"path": path})
    if path.stat().st_size > MAX_FEED_BYTES:
        raise ImportFailed(_("Plik %(path)s jest za duży.") % {"path": path})
    return path.read_bytes(), ""


def _refuse_dangerous_xml(data: bytes) -> None:
    """Refuse entity declarations (billion laughs, XXE) before feedparser sees them.

    A merely malformed feed is left to feedparser, which copes with many.
    """
    try:
        SafeET.fromstring(data)
    except DefusedXmlException as exc:
        raise ImportFailed(
            _(
                "Kanał zawiera deklaracje encji lub odwołania zewnętrzne XML; "
                "ze względów bezpieczeństwa nie zostanie wczytany (%(error)s)."
            )
            % {"error": type(exc).__name__}
        ) from None
    except ParseError:
        pass


def parse_feed(data: bytes, *, url: str = "") -> tuple[list[ImportedArticle], int]:
    """Parse a whole feed; return its articles and the number of empty entries.

    Raise `ImportFailed` if it is not a feed.
    """
    _refuse_dangerous_xml(data)
    headers = {"content-location": url} if url else {}
    # A stream, never bytes or str: feedparser would take those for a file
    # name or a URL and open it itself.
    feed = feedparser.parse(io.BytesIO(data), response_headers=headers)
    if not feed.get("version") and not feed.entries:
        error = feed.get("bozo_exception")
        raise ImportFailed(
            _("To nie jest kanał RSS ani Atom%(detail)s.")
            % {"detail": f" ({error})" if error else ""}
        )
    base_url = url or feed.feed.get("link", "")
    articles = [_article(entry, base_url) for entry in feed.entries]
    kept = [a for a in articles if a is not None]
    return kept, len(articles) - len(kept)


def _date(entry) -> datetime | None:
    for name in ("published_parsed", "updated_parsed", "created_parsed"):
        value = entry.get(name)
        if value:
            return datetime(*value[:6], tzinfo=UTC)
    return None


def _content(entry) -> str:
    contents = entry.get("content") or []
    for content in contents:
        if "html" in content.get("type", ""):
            return content.get("value", "")
    if contents:
        return contents[0].get("value", "")
    return entry.get("summary", "")


def _main_image(entry, base_url: str) -> ImageRef | None:
    candidates = []
    for enclosure in entry.get("enclosures", []):
        if enclosure.get("type", "").startswith("image/"):
            candidates.append(enclosure.get("href", ""))
    for media in entry.get("media_content", []):
        if media.get("medium") == "image" or media.get("type", "").startswith("image/"):
            candidates.append(media.get("url", ""))
    for thumb in entry.get("media_thumbnail", []):
        candidates.append(thumb.get("url", ""))
    for candidate in candidates:
        if candidate:
            ref = common.image_ref_for_url(candidate, base_url=base_url)
            if ref is not None:
                return ref
    return None


def _article(entry, feed_url: str) -> ImportedArticle | None:
    link = entry.get("link", "")
    base_url = urljoin(feed_url, link) if link else feed_url
    content = _content(entry)
    if not _HTML_BLOCK.search(content):
        content = autop(content)
    parts = html_to_parts(
        content,
        lambda src, _classes, alt: common.image_ref_for_url(
            src, base_url=base_url, alt=alt
        ),
    )
    title = plain_text(entry.get("title", ""))
    if not title and not parts:
        return None
    title = title or first_sentence(parts_text(parts), 80)
    summary = plain_text(entry.get("summary", ""))
    summary = re.sub(r"\s*\[(…|\.\.\.|&hellip;)\]\s*$", "…", summary)
    # feedparser copies the content into the summary when there is none.
    has_summary = bool(entry.get("content")) and summary != parts_text(parts)
    lead = summary if has_summary and summary else common.lead_from(parts)
    terms = [
        plain_text(t.get("label") or t.get("term") or "") for t in entry.get("tags", [])
    ]
    terms = list(dict.fromkeys(t for t in terms if t))
    identity = entry.get("id") or link
    if not identity:
        identity = f"{title}|{entry.get('published', '')}"
    author = entry.get("author_detail", {}).get("name") or entry.get("author", "")
    return ImportedArticle(
        import_key=stable_key("rss:", identity),
        title=title,
        slug=make_slug(title),
        date=_date(entry),
        author_name=plain_text(author),
        lead=lead,
        parts=parts,
        category=(terms[0], "") if terms else None,
        tags=terms[1:],
        main_image=_main_image(entry, base_url),
        old_paths=[p for p in [old_path_of(link)] if p],
    )


def import_rss(source: str, *, gmina, dry_run: bool = False) -> Summary:
    data, url = read_source(source)
    articles, skipped = parse_feed(data, url=url)
    return common.run_import(
        articles, gmina=gmina, dry_run=dry_run, summary=Summary(skipped=skipped)
    )
