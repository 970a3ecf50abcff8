"""Import a WordPress export (WXR: Tools → Export) as a gmina's articles."""

from __future__ import annotations

import html as html_lib
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from urllib.parse import unquote, urlsplit
from xml.etree.ElementTree import Element, ParseError

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException
from django.utils import timezone
from django.utils.translation import gettext as _

from . import common
from .common import (
    ImageRef,
    ImportedArticle,
    ImportFailed,
    Summary,
    first_sentence,
    html_to_parts,
    make_slug,
    old_path_of,
    parts_text,
    plain_text,
    stable_key,
)

CONTENT_NS = "http://purl.org/rss/1.0/modules/content/"
DC_NS = "http://purl.org/dc/elements/1.1/"
WP_NS_PREFIX = "http://wordpress.org/export/"
MAX_FILE_BYTES = 512 * 1024 * 1024
# WordPress's own default categories carry no meaning for residents.
UNCATEGORIZED = {"uncategorized", "bez-kategorii", "bez-kategorii-2"}


@dataclass
class Attachment:
    id: int
    url: str
    title: str
    alt: str
    upload_path: str
    parent: int

    def ref(self) -> ImageRef:
        return ImageRef(
            key=f"wp-attachment:{self.id}",
            url=self.url,
            upload_path=self.upload_path,
            title=self.title,
            alt=self.alt or self.title,
        )


@dataclass
class WxrExport:
    articles: list[ImportedArticle]
    skipped: int
    base_url: str


class _Item:
    """Accessors for one <item> of a WXR file."""

    def __init__(self, element: Element, wp: str, excerpt_ns: str) -> None:
        self.el = element
        self.wp = wp
        self.excerpt_ns = excerpt_ns
        self.meta = {
            _text(m.find(f"{{{wp}}}meta_key")): _text(m.find(f"{{{wp}}}meta_value"))
            for m in element.findall(f"{{{wp}}}postmeta")
        }

    def get(self, name: str) -> str:
        return _text(self.el.find(name))

    def wp_(self, name: str) -> str:
        return _text(self.el.find(f"{{{self.wp}}}{name}"))

    @property
    def post_id(self) -> int | None:
        value = self.wp_("post_id")
        return int(value) if value.isdigit() else None

    def describe(self) -> str:
        title = plain_text(self.get("title"))[:60]
        return f"„{title}” (id {self.wp_('post_id') or '?'})"


def _text(element: Element | None) -> str:
    return (element.text or "").strip() if element is not None else ""


def parse_wxr(data: bytes) -> WxrExport:
    """Parse and validate a whole WXR file; raise `ImportFailed` if anything is off."""
    channel, wp = _channel(data)
    excerpt_ns = wp.rstrip("/") + "/excerpt/"
    base_url = _text(channel.find(f"{{{wp}}}base_blog_url")) or _text(
        channel.find("link")
    )
    authors = {}
    for author in channel.findall(f"{{{wp}}}author"):
        login = _text(author.find(f"{{{wp}}}author_login"))
        display = _text(author.find(f"{{{wp}}}author_display_name"))
        if not display:
            first = _text(author.find(f"{{{wp}}}author_first_name"))
            last = _text(author.find(f"{{{wp}}}author_last_name"))
            display = f"{first} {last}".strip()
        authors[login] = html_lib.unescape(display or login)

    items = [_Item(el, wp, excerpt_ns) for el in channel.findall("item")]
    attachments = {}
    for item in items:
        if item.wp_("post_type") == "attachment" and item.post_id is not None:
            url = item.wp_("attachment_url") or item.get("guid")
            upload_path = item.meta.get("_wp_attached_file", "")
            if not upload_path and "/uploads/" in url:
                upload_path = unquote(urlsplit(url).path).split("/uploads/", 1)[1]
            attachments[item.post_id] = Attachment(
                id=item.post_id,
                url=url,
                title=plain_text(item.get("title")),
                alt=plain_text(item.meta.get("_wp_attachment_image_alt", "")),
                upload_path=upload_path,
                parent=int(item.wp_("post_parent") or 0)
                if item.wp_("post_parent").isdigit()
                else 0,
            )

    articles, skipped = [], 0
    for item in items:
        post_type = item.wp_("post_type")
        if post_type not in ("post", "page"):
            continue
        if (
            post_type != "post"
            or item.wp_("status") != "publish"
            or item.wp_("post_password")
        ):
            skipped += 1
            continue
        articles.append(_article(item, authors, attachments, base_url))
    return WxrExport(articles=articles, skipped=skipped, base_url=base_url)


def _channel(data: bytes) -> tuple[Element, str]:
    try:
        root = SafeET.fromstring(data)
    except DefusedXmlException as exc:
        raise ImportFailed(
            _(
                "Plik zawiera deklaracje encji lub odwołania zewnętrzne XML; "
                "ze względów bezpieczeństwa nie zostanie wczytany (%(error)s)."
            )
            % {"error": type(exc).__name__}
        ) from None
    except ParseError as exc:
        line, column = getattr(exc, "position", (0, 0))
        raise ImportFailed(
            _(
                "Plik nie jest poprawnym XML-em (wiersz %(line)d, kolumna %(column)d). "
                "Wyeksportuj go z WordPressa jeszcze raz."
            )
            % {"line": line, "column": column}
        ) from None
    if root.tag != "rss":
        raise ImportFailed(
            _(
                "To nie jest eksport WordPressa (WXR): "
                "główny element to <%(tag)s>, a nie <rss>."
            )
            % {"tag": re.sub(r"^\{.*\}", "", root.tag)}
        )
    channel = root.find("channel")
    if channel is None:
        raise ImportFailed(
            _("To nie jest eksport WordPressa (WXR): brak elementu <channel>.")
        )
    for child in channel.iter():
        tag = child.tag if isinstance(child.tag, str) else ""
        if tag.startswith("{" + WP_NS_PREFIX) and "/excerpt/" not in tag:
            return channel, tag[1:].split("}", 1)[0]
    raise ImportFailed(
        _(
            "To nie jest eksport WordPressa (WXR): brak danych WordPressa (wp:). "
            "Zwykły kanał RSS zaimportuj poleceniem import_rss."
        )
    )


def _date(item: _Item) -> datetime:
    gmt = item.wp_("post_date_gmt")
    if gmt and not gmt.startswith("0000"):
        try:
            return datetime.strptime(gmt, "%Y-%m-%d %H:%M:%S").replace(tzinfo=UTC)
        except ValueError:
            pass
    local = item.wp_("post_date")
    if local and not local.startswith("0000"):
        try:
            naive = datetime.strptime(local, "%Y-%m-%d %H:%M:%S")
            return timezone.make_aware(naive)
        except ValueError:
            pass
    pub = item.get("pubDate")
    if pub:
        try:
            parsed = parsedate_to_datetime(pub)
            if parsed.tzinfo is not None:
                return parsed.astimezone(UTC)
        except (TypeError, ValueError):
            pass
    raise ImportFailed(
        _("Wpis %(post)s ma nieprawidłową datę publikacji (%(date)s).")
        % {"post": item.describe(), "date": gmt or local or pub or "brak"}
    )


def _article(
    item: _Item, authors: dict[str, str], attachments: dict[int, Attachment], base_url
) -> ImportedArticle:
    post_id = item.post_id
    guid = item.get("guid")
    if post_id is None and not guid:
        raise ImportFailed(
            _("Wpis %(post)s nie ma identyfikatora (wp:post_id ani guid).")
            % {"post": item.describe()}
        )
    date = _date(item)
    title = plain_text(item.get("title"))
    content = item.get(f"{{{CONTENT_NS}}}encoded")
    content = _expand_shortcodes(content, attachments, post_id)
    parts = html_to_parts(common.autop(content), _resolver(attachments, base_url))
    if not title:
        title = first_sentence(parts_text(parts), 80) or _("Wpis %(id)s") % {
            "id": post_id
        }
    excerpt = plain_text(item.get(f"{{{item.excerpt_ns}}}encoded"))
    lead = excerpt or common.lead_from(parts)

    categories, tags = [], []
    for cat in item.el.findall("category"):
        name = html_lib.unescape(_text(cat)).strip()
        if not name:
            continue
        nicename = unquote(cat.get("nicename") or "")
        if cat.get("domain") == "category":
            if make_slug(nicename or name) not in UNCATEGORIZED:
                categories.append((name, nicename))
        elif cat.get("domain") == "post_tag":
            tags.append(name)
    category = categories[0] if categories else None
    # Our articles have one category; the others become tags.
    tags = list(dict.fromkeys([name for name, _slug in categories[1:]] + tags))

    thumbnail_id = item.meta.get("_thumbnail_id", "")
    thumbnail = attachments.get(int(thumbnail_id)) if thumbnail_id.isdigit() else None
    creator = item.get(f"{{{DC_NS}}}creator")
    old_paths = [old_path_of(item.get("link"))]
    if post_id is not None:
        old_paths.append(old_path_of(f"/?p={post_id}"))
    return ImportedArticle(
        import_key=stable_key("wp:", guid or str(post_id)),
        title=title,
        slug=make_slug(item.wp_("post_name") or title),
        date=date,
        author_name=authors.get(creator, creator),
        lead=lead,
        parts=parts,
        category=category,
        tags=tags,
        main_image=thumbnail.ref() if thumbnail else None,
        old_paths=list(dict.fromkeys(p for p in old_paths if p)),
        featured=item.wp_("is_sticky") == "1",
    )


_SIZE_SUFFIX = re.compile(r"-\d+x\d+(?=\.[A-Za-z0-9]+$)")


def _resolver(attachments: dict[int, Attachment], base_url: str):
    by_path = {}
    for attachment in attachments.values():
        if attachment.upload_path:
            by_path[attachment.upload_path.lower()] = attachment

    def resolve(src: str, classes: str, alt: str) -> ImageRef | None:
        attachment = None
        match = re.search(r"wp-image-(\d+)", classes)
        if match:
            attachment = attachments.get(int(match.group(1)))
        if attachment is None and "/uploads/" in src:
            path = unquote(urlsplit(src).path).split("/uploads/", 1)[1].lower()
            attachment = by_path.get(path) or by_path.get(_SIZE_SUFFIX.sub("", path))
        if attachment is not None:
            ref = attachment.ref()
            return ref
        return common.image_ref_for_url(src, base_url=base_url, alt=alt)

    return resolve


# --- Shortcodes ---------------------------------------------------------------

_ATTRS = re.compile(r"""([\w-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'\]]+))""")
_CAPTION = re.compile(
    r"\[(caption|wp_caption)\b([^\]]*)\](.*?)\[/\1\]", re.DOTALL | re.IGNORECASE
)
_GALLERY = re.compile(r"\[gallery\b([^\]]*)\]", re.IGNORECASE)
_EMBED = re.compile(r"\[embed\b[^\]]*\](.*?)\[/embed\]", re.DOTALL | re.IGNORECASE)
_MEDIA = re.compile(r"\[(video|audio)\b([^\]]*)\](?:.*?\[/\1\])?", re.DOTALL | re.I)
_ESCAPED = re.compile(r"\[\[([A-Za-z][^\[\]]*)\]\]")
_SHORTCODE = re.compile(r"\[(/?)([A-Za-z][\w-]*)((?:\s[^\[\]]*?)?)\s*/?\]")
# Shortcodes without attributes that are still shortcodes, not text in brackets.
_KNOWN = {"gallery", "playlist", "audio", "video", "embed", "caption", "wp_caption",
          "contact-form", "contact-form-7", "wpforms", "ninja_forms", "su_spoiler",
          "fusion_builder_container", "et_pb_section", "vc_row", "vc_column",
          "vc_column_text", "row", "column", "one_half", "one_third", "tabs", "tab",
          "accordion", "toggle", "button", "clear", "divider", "spacer"}  # fmt: skip


def _attrs(text: str) -> dict[str, str]:
    return {
        m.group(1).lower(): next(g for g in m.groups()[1:] if g is not None)
        for m in _ATTRS.finditer(text)
    }


def _expand_shortcodes(
    content: str, attachments: dict[int, Attachment], post_id: int | None
) -> str:
    """Turn the common WordPress shortcodes into HTML and drop the rest.

    The result is still untrusted HTML: it goes through the sanitizer next.
    """
    placeholders: list[str] = []

    def keep_literal(match: re.Match) -> str:
        placeholders.append(f"&#91;{match.group(1)}&#93;")
        return f"\x00{len(placeholders) - 1}\x00"

    content = content.replace("\x00", "")
    content = _ESCAPED.sub(keep_literal, content)

    def caption(match: re.Match) -> str:
        attrs, inner = _attrs(match.group(2)), match.group(3)
        text = attrs.get("caption", "")
        if not text:
            # The caption is what follows the image (or its link).
            text = re.split(r"<img\b[^>]*>(?:\s*</a>)?", inner, maxsplit=1)[-1]
            inner = inner[: len(inner) - len(text)]
        return f"\n\n<figure>{inner}<figcaption>{text}</figcaption></figure>\n\n"

    def gallery(match: re.Match) -> str:
        attrs = _attrs(match.group(1))
        ids = [int(i) for i in re.findall(r"\d+", attrs.get("ids", ""))]
        if not ids and post_id is not None:
            ids = sorted(a.id for a in attachments.values() if a.parent == post_id)
        images = [
            f'<img class="wp-image-{i}" src="{html_lib.escape(attachments[i].url)}"'
            f' alt="{html_lib.escape(attachments[i].alt)}">'
            for i in ids
            if i in attachments
        ]
        return "\n\n<div>" + "".join(images) + "</div>\n\n"

    def link(url: str) -> str:
        url = html_lib.escape(url.strip(), quote=True)
        return f'\n\n<p><a href="{url}">{url}</a></p>\n\n' if url else ""

    def media(match: re.Match) -> str:
        attrs = _attrs(match.group(2))
        url = attrs.get("src") or next(
            (v for k, v in attrs.items() if k in ("mp4", "mp3", "webm", "ogg", "m4a")),
            "",
        )
        return link(url)

    content = _CAPTION.sub(caption, content)
    content = _GALLERY.sub(gallery, content)
    content = _EMBED.sub(lambda m: link(m.group(1)), content)
    content = _MEDIA.sub(media, content)

    closing = {m.lower() for m in re.findall(r"\[/([A-Za-z][\w-]*)\]", content)}

    def strip(match: re.Match) -> str:
        name = match.group(2).lower()
        if match.group(1) or match.group(3).strip() or name in closing:
            return ""
        if name in _KNOWN or "_" in name:
            return ""
        return match.group(0)

    content = _SHORTCODE.sub(strip, content)
    return re.sub(r"\x00(\d+)\x00", lambda m: placeholders[int(m.group(1))], content)


# --- Entry point --------------------------------------------------------------


def import_wordpress(
    path: Path | str,
    *,
    gmina,
    uploads: Path | str | None = None,
    dry_run: bool = False,
) -> Summary:
    path = Path(path)
    if not path.is_file():
        raise ImportFailed(_("Nie ma pliku %(path)s.") % {"path": path})
    if path.stat().st_size > MAX_FILE_BYTES:
        raise ImportFailed(_("Plik %(path)s jest za duży.") % {"path": path})
    uploads_dir = Path(uploads) if uploads else None
    if uploads_dir is not None and not uploads_dir.is_dir():
        raise ImportFailed(
            _("Folder z obrazami %(path)s nie istnieje.") % {"path": uploads_dir}
        )
    export = parse_wxr(path.read_bytes())
    summary = Summary(skipped=export.skipped)
    return common.run_import(
        export.articles,
        gmina=gmina,
        uploads=uploads_dir,
        dry_run=dry_run,
        summary=summary,
    )
