"""What the WordPress and RSS importers share: HTML conversion, images, writing."""

from __future__ import annotations

import contextlib
import contextvars
import hashlib
import html as html_lib
import io
import logging
import re
import warnings
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import lxml.html
import nh3
from django.core.files.images import ImageFile
from django.db import transaction
from django.utils import timezone
from django.utils.html import escape
from django.utils.text import slugify
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError
from wagtail.contrib.redirects.models import Redirect

from ratusz.gminas import services
from ratusz.gminas.models import Category, Gmina
from ratusz.lib import http, polish
from ratusz.website.models import ArticlePage, CustomImage, NewsIndexPage

logger = logging.getLogger(__name__)

MAX_IMAGE_BYTES = 10 * 1024 * 1024
MAX_IMAGE_PIXELS = 128_000_000
# Decoding a huge image fully costs memory; above this only the header and
# structure are checked (Wagtail decodes it again when it makes renditions).
FULL_DECODE_PIXELS = 50_000_000
IMAGE_FORMATS = {"JPEG": "jpg", "PNG": "png", "GIF": "gif", "WEBP": "webp"}
IMAGE_FETCH_TIMEOUT = 20.0
LEAD_MAX = 600
FIRST_SENTENCE_MAX = 300

_importing = contextvars.ContextVar("ratusz_importing", default=False)


def is_importing() -> bool:
    """Return True while an importer is writing pages.

    Receivers of `page_published` that announce new articles (social media,
    push, SMS) should stay silent for imported archive posts.
    """
    return _importing.get()


@contextlib.contextmanager
def importing_pages() -> Iterator[None]:
    token = _importing.set(True)
    try:
        yield
    finally:
        _importing.reset(token)


class ImportFailed(Exception):
    """The source cannot be imported; the message is for people (Polish)."""


# --- What a parser produces -------------------------------------------------


@dataclass(frozen=True)
class ImageRef:
    """An image to bring in: from the uploads folder and/or a URL."""

    key: str
    url: str = ""
    # Path inside a local copy of wp-content/uploads.
    upload_path: str = ""
    title: str = ""
    alt: str = ""


@dataclass
class HtmlPart:
    html: str


@dataclass
class ImagePart:
    image: ImageRef
    alt: str = ""
    caption: str = ""


@dataclass
class ImportedArticle:
    import_key: str
    title: str
    slug: str
    date: datetime | None
    author_name: str = ""
    lead: str = ""
    parts: list[HtmlPart | ImagePart] = field(default_factory=list)
    category: tuple[str, str] | None = None  # (name, slug)
    tags: list[str] = field(default_factory=list)
    main_image: ImageRef | None = None
    old_paths: list[str] = field(default_factory=list)
    featured: bool = False

    def image_refs(self) -> list[ImageRef]:
        refs = [self.main_image] if self.main_image else []
        refs += [p.image for p in self.parts if isinstance(p, ImagePart)]
        return refs


@dataclass
class Summary:
    imported: int = 0
    updated: int = 0
    skipped: int = 0
    images: int = 0
    redirects: int = 0
    dry_run: bool = False
    warnings: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        text = _(
            "Zaimportowano artykułów: %(imported)d, zaktualizowano: %(updated)d, "
            "pominięto: %(skipped)d, nowych obrazów: %(images)d, "
            "przekierowań: %(redirects)d."
        ) % {
            "imported": self.imported,
            "updated": self.updated,
            "skipped": self.skipped,
            "images": self.images,
            "redirects": self.redirects,
        }
        if self.dry_run:
            text += " " + _("(Próba: niczego nie zapisano.)")
        return text


# --- Text helpers -------------------------------------------------------------


def plain_text(html: str) -> str:
    """Return `html` as one line of plain text (script and style content dropped)."""
    # Blocks and line breaks separate words even where the markup has no space.
    html = re.sub(
        r"<(?:/p|br|/h\d|/li|/div|/blockquote|/td|/th)\b[^>]*>", r"\g<0> ", html or ""
    )
    text = html_lib.unescape(_text_cleaner.clean(html))
    return re.sub(r"\s+", " ", text).strip()


def truncate(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(" ,;:-–")
    return cut + "…"


# Abbreviations after which a full stop does not end a Polish sentence.
_ABBREVIATIONS = {
    "ul", "al", "pl", "os", "r", "godz", "tel", "nr", "im", "św", "pt", "np",
    "tj", "ok", "dr", "mgr", "inż", "prof", "ks", "płk", "zł", "gr", "tzw", "ww",
    "m.in", "p", "sp", "z.o.o", "wg", "pn", "wt", "śr", "czw", "sob", "niedz",
    "lit", "ust", "art", "poz", "tys", "mln", "mld", "ha", "km", "cm", "m",
}  # fmt: skip


def first_sentence(text: str, limit: int = FIRST_SENTENCE_MAX) -> str:
    """Return the first sentence of plain `text` (for a lead)."""
    text = re.sub(r"\s+", " ", text).strip()
    for match in re.finditer(r"[.!?…](?=\s+[A-ZĄĆĘŁŃÓŚŹŻ\"„(])", text):
        end = match.end()
        words = text[:end].rsplit(" ", 1)
        word = words[-1].rstrip(".").lower()
        if match.group() == "." and (word in _ABBREVIATIONS or word.isdigit()):
            continue
        return truncate(text[:end], limit)
    return truncate(text, limit)


def make_slug(text: str, fallback: str = "artykul") -> str:
    slug = slugify(polish.fold(unquote(text or "")))[:80].strip("-")
    return slug or fallback


def stable_key(prefix: str, value: str) -> str:
    """Return an import key for `value`, hashed when too long for the field."""
    value = value.strip()
    if len(prefix) + len(value) <= 480:
        return prefix + value
    return prefix + "sha256:" + hashlib.sha256(value.encode()).hexdigest()


def old_path_of(url: str) -> str:
    """Return the path (and query) of `url`, as Wagtail redirects store it."""
    if not url:
        return ""
    parts = urlsplit(url.strip())
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    if path == "/":
        # The home page answers "/"; a redirect from it would never apply.
        return ""
    normalised = Redirect.normalise_path(path)
    return normalised if len(normalised) <= 255 else ""


# --- HTML ---------------------------------------------------------------------

# Allowed in the body of an imported article (Wagtail rich text features).
RICH_TEXT_TAGS = {
    "p", "h2", "h3", "h4", "ul", "ol", "li", "a", "strong", "b", "em", "i",
    "blockquote", "br", "hr",
}  # fmt: skip
RICH_TEXT_ATTRIBUTES = {"a": {"href"}}
URL_SCHEMES = {"http", "https", "mailto", "tel"}
# Their content goes too, not only the tag.
DROP_WITH_CONTENT = {
    "script", "style", "iframe", "object", "noscript", "template", "svg", "math",
    "select", "textarea", "title", "head",
}  # fmt: skip
# The first pass keeps the structure that the conversion to blocks needs.
_STRUCTURE_TAGS = RICH_TEXT_TAGS | {
    "h1", "h5", "h6", "img", "figure", "figcaption", "div", "span", "table",
    "thead", "tbody", "tfoot", "tr", "td", "th", "caption", "pre", "code",
    "section", "article", "dl", "dt", "dd", "u", "s", "sub", "sup", "small",
    "center", "font", "address",
}  # fmt: skip
_BLOCK_TAGS = {
    "p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "blockquote", "div",
    "table", "figure", "hr", "pre", "section", "article", "dl", "center",
    "address", "img",
}  # fmt: skip
_CONTAINER_TAGS = {"div", "section", "article", "center"}


def _keep_wp_image_class(tag: str, attribute: str, value: str) -> str | None:
    if attribute == "class":
        kept = [c for c in value.split() if re.fullmatch(r"wp-image-\d+", c)]
        return " ".join(kept) or None
    return value


_structure_cleaner = nh3.Cleaner(
    tags=_STRUCTURE_TAGS,
    clean_content_tags=DROP_WITH_CONTENT,
    attributes={"a": {"href"}, "img": {"src", "alt", "class", "title"}},
    attribute_filter=_keep_wp_image_class,
    url_schemes=URL_SCHEMES,
    link_rel=None,
)
_text_cleaner = nh3.Cleaner(tags=set(), clean_content_tags=DROP_WITH_CONTENT)
_rich_text_cleaner = nh3.Cleaner(
    tags=RICH_TEXT_TAGS,
    clean_content_tags=DROP_WITH_CONTENT,
    attributes=RICH_TEXT_ATTRIBUTES,
    url_schemes=URL_SCHEMES,
    link_rel=None,
)


def clean_rich_text(html: str) -> str:
    """Return `html` reduced to what an article's rich text may contain."""
    html = _rich_text_cleaner.clean(html)
    # A link whose address was unsafe is left without one: keep just its text.
    html = re.sub(r"<a>(.*?)</a>", r"\1", html, flags=re.DOTALL)
    html = re.sub(r"<p>(\s*<br>)+\s*", "<p>", html)
    html = re.sub(r"(\s*<br>)+\s*</p>", "</p>", html)
    return html.strip()


_BLOCK_START = re.compile(
    r"^\s*</?(p|h[1-6]|ul|ol|li|dl|dt|dd|div|table|thead|tbody|tfoot|tr|td|th|"
    r"blockquote|figure|figcaption|pre|hr|section|article|address|center|"
    r"script|style|iframe|form|noscript)\b",
    re.IGNORECASE,
)


def autop(text: str) -> str:
    """Turn blank-line separated text into paragraphs, as WordPress does on display.

    WordPress stores classic-editor posts without <p> tags and adds them when
    it shows a post (wpautop); this is the simple part of that: blank lines
    separate paragraphs, single newlines become <br>, and chunks that already
    start with a block-level tag are left alone.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    # Block editor (Gutenberg) markers.
    text = re.sub(r"<!--.*?-->", "", text, flags=re.DOTALL)
    out = []
    for chunk in re.split(r"\n\s*\n", text):
        chunk = chunk.strip()
        if not chunk:
            continue
        if _BLOCK_START.match(chunk):
            out.append(chunk)
        else:
            out.append("<p>" + chunk.replace("\n", "<br>\n") + "</p>")
    return "\n".join(out)


ImageResolver = Callable[[str, str, str], ImageRef | None]


def _element_html(el) -> str:
    return lxml.html.tostring(el, encoding="unicode", with_tail=False)


def _img_alt(img) -> str:
    return re.sub(r"\s+", " ", img.get("alt") or img.get("title") or "").strip()


class _BodyBuilder:
    """Split sanitized HTML into rich-text chunks and image blocks."""

    def __init__(self, resolve_image: ImageResolver) -> None:
        self.resolve_image = resolve_image
        self.parts: list[HtmlPart | ImagePart] = []
        self.inline: list[str] = []

    def emit_html(self, html: str) -> None:
        cleaned = clean_rich_text(html)
        if not plain_text(cleaned) and "<hr" not in cleaned:
            return
        if self.parts and isinstance(self.parts[-1], HtmlPart):
            self.parts[-1].html += cleaned
        else:
            self.parts.append(HtmlPart(cleaned))

    def emit_image(self, img, caption: str = "") -> None:
        src = (img.get("src") or "").strip()
        alt = _img_alt(img)
        ref = self.resolve_image(src, img.get("class") or "", alt) if src else None
        if ref is None:
            return
        self.parts.append(
            ImagePart(image=ref, alt=alt or ref.alt, caption=truncate(caption, 250))
        )

    def flush_inline(self) -> None:
        html = "".join(self.inline)
        self.inline = []
        if plain_text(html) or "<img" in html:
            wrapper = lxml.html.fragment_fromstring(f"<p>{html}</p>")
            self.block(wrapper)

    def walk(self, container) -> None:
        if container.text:
            self.inline.append(escape(container.text))
        for child in container:
            tail, child.tail = child.tail, None
            if child.tag in _BLOCK_TAGS:
                self.flush_inline()
                self.block(child)
            else:
                self.inline.append(_element_html(child))
            if tail:
                self.inline.append(escape(tail))
        self.flush_inline()

    def block(self, el) -> None:
        tag = el.tag
        if tag in _CONTAINER_TAGS:
            self.walk(el)
            return
        if tag == "img":
            self.emit_image(el)
            return
        if tag == "figure":
            caption_el = el.find(".//figcaption")
            caption = (
                plain_text(_element_html(caption_el)) if caption_el is not None else ""
            )
            images = list(el.iter("img"))
            if images:
                for img in images:
                    self.emit_image(img, caption)
                return
            self.walk(el)
            return
        if tag == "table":
            self.table(el)
            return
        if tag == "h1":
            el.tag = "h2"
        elif tag in ("h5", "h6"):
            el.tag = "h4"
        elif tag in ("pre", "dl", "address"):
            el.tag = "p"
        images = list(el.iter("img"))
        for img in images:
            parent = img.getparent()
            # A linked image: the link goes with it.
            linked = (
                parent is not None
                and parent.tag == "a"
                and len(parent) == 1
                and not plain_text(_element_html(parent))
            )
            (parent if linked else img).drop_tree()
        # The text of the block first, then its images.
        self.emit_html(_element_html(el))
        for img in images:
            self.emit_image(img)

    def table(self, el) -> None:
        # Rich text has no tables: one paragraph per row keeps the content.
        for row in el.iter("tr"):
            cells = [
                escape(plain_text(_element_html(cell)))
                for cell in row
                if isinstance(cell.tag, str) and cell.tag in ("td", "th")
            ]
            cells = [c for c in cells if c]
            if cells:
                self.emit_html("<p>" + " | ".join(cells) + "</p>")
        for img in el.iter("img"):
            self.emit_image(img)


def html_to_parts(
    html: str, resolve_image: ImageResolver
) -> list[HtmlPart | ImagePart]:
    """Convert (untrusted) body HTML to rich-text chunks and images.

    `resolve_image(src, classes, alt)` returns the `ImageRef` for an <img>, or
    None to drop it.
    """
    cleaned = _structure_cleaner.clean(html or "")
    if not cleaned.strip():
        return []
    container = lxml.html.fragment_fromstring(cleaned, create_parent="div")
    builder = _BodyBuilder(resolve_image)
    builder.walk(container)
    return builder.parts


def parts_text(parts: Iterable[HtmlPart | ImagePart]) -> str:
    return " ".join(plain_text(p.html) for p in parts if isinstance(p, HtmlPart))


def first_paragraph(parts: Iterable[HtmlPart | ImagePart]) -> str:
    """Return the plain text of the first paragraph (up to a line break)."""
    for part in parts:
        if not isinstance(part, HtmlPart):
            continue
        for chunk in re.split(r"</p>|</h[2-4]>|</li>|<br>|<hr>", part.html):
            text = plain_text(chunk)
            if text:
                return text
    return ""


def lead_from(parts: Iterable[HtmlPart | ImagePart]) -> str:
    return first_sentence(first_paragraph(parts))


def image_ref_for_url(
    src: str, *, base_url: str = "", alt: str = ""
) -> ImageRef | None:
    """Return an `ImageRef` for an image URL (relative URLs resolved on `base_url`)."""
    url = urljoin(base_url, src) if base_url else src
    if urlsplit(url).scheme not in ("http", "https"):
        return None
    path = unquote(urlsplit(url).path)
    upload_path = path.split("/uploads/", 1)[1] if "/uploads/" in path else ""
    name = Path(path).stem
    return ImageRef(
        key="url:" + url, url=url, upload_path=upload_path, title=alt or name, alt=alt
    )


# --- Images -------------------------------------------------------------------


@dataclass
class LoadedImage:
    ref: ImageRef
    data: bytes
    format: str
    sha1: str

    @property
    def filename(self) -> str:
        stem = Path(self.ref.upload_path or urlsplit(self.ref.url).path).stem
        return f"{make_slug(stem, 'obraz')[:60]}.{IMAGE_FORMATS[self.format]}"


class InvalidImage(Exception):
    pass


def check_image(data: bytes) -> str:
    """Return the format of image `data`, or raise `InvalidImage`.

    The format is read from the bytes (the magic number), never from the name.
    """
    if len(data) > MAX_IMAGE_BYTES:
        raise InvalidImage(_("plik większy niż 10 MB"))
    try:
        with warnings.catch_warnings():
            # Pillow warns from 89 Mpx on; our own limit is checked below.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
        with image:
            fmt = image.format or ""
            if fmt not in IMAGE_FORMATS:
                raise InvalidImage(
                    _("nieobsługiwany format %(format)s") % {"format": fmt}
                )
            width, height = image.size
            if width * height > MAX_IMAGE_PIXELS:
                raise InvalidImage(_("obraz większy niż 128 megapikseli"))
            image.verify()
        if width * height <= FULL_DECODE_PIXELS:
            with Image.open(io.BytesIO(data)) as image:
                image.load()
    except InvalidImage:
        raise
    except (UnidentifiedImageError, Image.DecompressionBombError):
        raise InvalidImage(_("to nie jest obraz")) from None
    except (OSError, SyntaxError, ValueError) as exc:
        raise InvalidImage(_("uszkodzony obraz (%(error)s)") % {"error": exc}) from None
    return fmt


def _read_upload(uploads: Path, upload_path: str) -> bytes | None:
    root = uploads.resolve()
    path = (root / upload_path.lstrip("/")).resolve()
    # `_wp_attached_file` comes from the export file: "../../etc/passwd" must
    # not read outside the uploads folder.
    if not path.is_relative_to(root) or not path.is_file():
        return None
    if path.stat().st_size > MAX_IMAGE_BYTES:
        raise InvalidImage(_("plik większy niż 10 MB"))
    return path.read_bytes()


def load_images(
    refs: Iterable[ImageRef], *, uploads: Path | None, summary: Summary
) -> dict[str, LoadedImage]:
    """Read or download each image once and check it; warn about failures."""
    loaded: dict[str, LoadedImage] = {}
    seen: set[str] = set()
    for ref in refs:
        if ref.key in seen:
            continue
        seen.add(ref.key)
        label = ref.upload_path or ref.url or ref.key
        try:
            data = None
            if uploads is not None and ref.upload_path:
                data = _read_upload(uploads, ref.upload_path)
            if data is None and ref.url:
                data = http.fetch(
                    ref.url,
                    max_bytes=MAX_IMAGE_BYTES,
                    timeout=IMAGE_FETCH_TIMEOUT,
                    content_types=["image/"],
                ).content
            if data is None:
                raise InvalidImage(_("brak pliku"))
            fmt = check_image(data)
        except (InvalidImage, http.FetchError) as exc:
            summary.warnings.append(
                _("Pominięto obraz %(image)s: %(error)s")
                % {"image": label, "error": exc}
            )
            continue
        loaded[ref.key] = LoadedImage(
            ref=ref, data=data, format=fmt, sha1=hashlib.sha1(data).hexdigest()
        )
    return loaded


# --- Writing ------------------------------------------------------------------


def gmina_for(value: str | None) -> Gmina:
    """Return the gmina named by host name or id, or the default site's."""
    qs = Gmina.objects.select_related("site")
    if not value:
        gmina = qs.filter(site__is_default_site=True).first()
        if gmina is None:
            raise ImportFailed(_("Brak domyślnej gminy; podaj --gmina."))
        return gmina
    gmina = qs.filter(site__hostname__iexact=value).first()
    if gmina is None and value.isdigit():
        gmina = qs.filter(pk=int(value)).first()
    if gmina is None:
        raise ImportFailed(
            _("Nie ma gminy %(gmina)s (podaj nazwę hosta lub id).") % {"gmina": value}
        )
    return gmina


def news_index_for(gmina: Gmina):
    index = (
        NewsIndexPage.objects.descendant_of(gmina.site.root_page)
        .order_by("path")
        .first()
    )
    if index is None:
        raise ImportFailed(
            _("%(gmina)s nie ma strony aktualności; najpierw ją utwórz.")
            % {"gmina": gmina.name}
        )
    return index


def collection_of(gmina: Gmina):
    """Return the image collection whose permissions the gmina's staff have."""
    collection = getattr(gmina, "collection", None)
    if collection is not None:
        return collection
    # Older schema: the collection is found by the gmina's name.
    return services.collection_for(gmina)


class _Writer:
    def __init__(self, gmina: Gmina, images: dict[str, LoadedImage], summary: Summary):
        self.gmina = gmina
        self.site = gmina.site
        self.index = news_index_for(gmina)
        self.collection = collection_of(gmina)
        self.images = images
        self.summary = summary
        self.image_cache: dict[str, object] = {}
        self.stored_files: list[str] = []
        self.categories: dict[str, Category] = {}

    def image(self, ref: ImageRef | None):
        if ref is None or ref.key not in self.images:
            return None
        if ref.key in self.image_cache:
            return self.image_cache[ref.key]
        loaded = self.images[ref.key]
        image = (
            CustomImage.objects.filter(
                collection=self.collection, file_hash=loaded.sha1
            )
            .order_by("pk")
            .first()
        )
        if image is None:
            title = truncate(ref.title or ref.alt or Path(loaded.filename).stem, 255)
            image = CustomImage(
                title=title,
                description=truncate(ref.alt or ref.title, 255),
                collection=self.collection,
                file=ImageFile(io.BytesIO(loaded.data), name=loaded.filename),
            )
            image._set_image_file_metadata()
            image.save()
            self.stored_files.append(image.file.name)
            self.summary.images += 1
        self.image_cache[ref.key] = image
        return image

    def category(self, spec: tuple[str, str] | None) -> Category | None:
        if spec is None:
            return None
        name, slug = spec
        slug = make_slug(slug or name, "kategoria")
        if slug not in self.categories:
            category = (
                Category.objects.filter(gmina=self.gmina, slug=slug).first()
                or Category.objects.filter(gmina=self.gmina, name__iexact=name).first()
            )
            if category is None:
                category = Category.objects.create(
                    gmina=self.gmina, name=truncate(name, 80), slug=slug
                )
            self.categories[slug] = category
        return self.categories[slug]

    def body(self, article: ImportedArticle) -> list[dict]:
        blocks: list[dict] = []
        for part in article.parts:
            if isinstance(part, HtmlPart):
                if blocks and blocks[-1]["type"] == "paragraph":
                    blocks[-1]["value"] += part.html
                else:
                    blocks.append({"type": "paragraph", "value": part.html})
                continue
            image = self.image(part.image)
            if image is None:
                continue
            blocks.append(
                {
                    "type": "image",
                    "value": {
                        "image": {
                            "image": image.pk,
                            "decorative": False,
                            "alt_text": truncate(part.alt or image.description, 255),
                        },
                        "caption": part.caption,
                    },
                }
            )
        return blocks

    def unique_slug(self, slug: str) -> str:
        siblings = self.index.get_children().filter(slug__startswith=slug)
        taken = set(siblings.values_list("slug", flat=True))
        candidate, n = slug, 2
        while candidate in taken:
            candidate = f"{slug}-{n}"
            n += 1
        return candidate

    def write(self, article: ImportedArticle) -> None:
        existing = (
            ArticlePage.objects.descendant_of(self.site.root_page)
            .filter(import_key=article.import_key)
            .first()
        )
        if existing is not None and (
            not existing.live or existing.revisions.filter(user__isnull=False).exists()
        ):
            # Someone edited or unpublished the article in Ratusz: that wins.
            self.summary.skipped += 1
            if existing.live:
                self.redirects(article, existing)
            return
        category = self.category(article.category)
        main_image = self.image(article.main_image)
        body = self.body(article)
        date = article.date or (existing.date if existing else timezone.now())
        fields = {
            "title": truncate(article.title, 255),
            "lead": truncate(article.lead, LEAD_MAX),
            "date": date,
            "author_name": truncate(article.author_name, 120),
            "category": category,
            "main_image": main_image,
            "featured": article.featured,
        }
        tags = sorted({truncate(t, 100) for t in article.tags if t.strip()})
        if existing is not None:
            page = existing
            if self._unchanged(page, fields, body, tags):
                self.summary.skipped += 1
                self.redirects(article, page)
                return
            for name, value in fields.items():
                setattr(page, name, value)
            page.body = body
            page.tags.set(tags)
            self.summary.updated += 1
        else:
            page = ArticlePage(
                slug=self.unique_slug(article.slug),
                import_key=article.import_key,
                body=body,
                first_published_at=date,
                **fields,
            )
            page.tags.set(tags)
            self.index.add_child(instance=page)
            self.summary.imported += 1
        page.save_revision(log_action=False).publish(log_action=False)
        ArticlePage.objects.filter(pk=page.pk).update(
            first_published_at=date, last_published_at=date
        )
        self.redirects(article, page)

    @staticmethod
    def _unchanged(page, fields: dict, body: list[dict], tags: list[str]) -> bool:
        for name, value in fields.items():
            if getattr(page, name) != value:
                return False
        if sorted(page.tags.names()) != tags:
            return False
        current = [(b["type"], b["value"]) for b in page.body.raw_data]
        return current == [(b["type"], b["value"]) for b in body]

    def redirects(self, article: ImportedArticle, page) -> None:
        url_parts = page.get_url_parts()
        # A redirect from the article's own address would loop once it is
        # unpublished (Wagtail redirects only what answers 404).
        own_path = Redirect.normalise_path(url_parts[2]) if url_parts else ""
        for path in dict.fromkeys(article.old_paths):
            if not path or path == own_path:
                continue
            _redirect, created = Redirect.objects.update_or_create(
                site=self.site,
                old_path=path,
                defaults={
                    "redirect_page": page,
                    "is_permanent": True,
                    "redirect_link": "",
                },
            )
            if created:
                self.summary.redirects += 1


def write_articles(
    gmina: Gmina,
    articles: list[ImportedArticle],
    images: dict[str, LoadedImage],
    summary: Summary,
) -> Summary:
    """Write `articles` into `gmina` in one transaction (rolled back on dry runs).

    Image files are not transactional: the files stored by a run that is
    rolled back (an error, or a dry run) are deleted again.
    """
    writer = _Writer(gmina, images, summary)
    storage = CustomImage._meta.get_field("file").storage
    try:
        with transaction.atomic(), importing_pages():
            for article in articles:
                writer.write(article)
            if summary.dry_run:
                transaction.set_rollback(True)
    except BaseException:
        _delete_files(storage, writer.stored_files)
        raise
    if summary.dry_run:
        _delete_files(storage, writer.stored_files)
    return summary


def _delete_files(storage, names: list[str]) -> None:
    for name in names:
        with contextlib.suppress(OSError):
            storage.delete(name)


def run_import(
    articles: list[ImportedArticle],
    *,
    gmina: Gmina,
    uploads: Path | None = None,
    dry_run: bool = False,
    summary: Summary | None = None,
) -> Summary:
    """Load the images the articles need, then write everything at once."""
    summary = summary or Summary()
    summary.dry_run = dry_run
    news_index_for(gmina)  # fail before downloading anything
    refs = [ref for article in articles for ref in article.image_refs()]
    images = load_images(refs, uploads=uploads, summary=summary)
    return write_articles(gmina, articles, images, summary)
