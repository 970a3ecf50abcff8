"""Site search that understands Polish inflection.

Both sides are reduced to lemmas with morfeusz2: pages store the lemmas of
their text on save (`lemmas`, `title_lemmas` on ArticlePage, StandardPage and
ProcedurePage),
and the query is lemmatized here. A query word can have several readings
("drogi" is a form of "droga" and the adjective "drogi"); a page matches a
word when it contains any of its readings, and must match every word. When
no page has them all, pages with most of them are shown, and the page says so.

Matching is done on whole lemmas in the stored text (" wójt " inside
" … wójt gmina … "), the same on SQLite and PostgreSQL, rather than through
Wagtail's search backend: its SQLite (FTS5) and PostgreSQL (tsvector) scoring
differ, and neither can rank "matches in the title" by lemma.

Words typed without Polish letters ("wojt", "odpady smieci wywoz") match
through the folded index (`folded_lemmas`, see `lib.polish`): a page matches
a word when its folded lemmas contain one of the word's folded readings.
Pages that contain the word exactly as typed rank above those that match
only once folded, so "wójt" still finds "wójt" first.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import reduce
from operator import and_, or_

from django.core.paginator import Page as PaginatorPage
from django.core.paginator import Paginator
from django.db.models import Case, IntegerField, Q, TextField, Value, When
from django.db.models.functions import Coalesce, Concat
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from wagtail.models import Page

from ratusz.lib import polish

from .models.blocks import stream_text

MAX_QUERY_CHARS = 200
MAX_WORDS = 8
PER_PAGE = 10
PAGE_PARAM = "strona"
# Snippets: words shown before the first match, and in all.
SNIPPET_LEAD_IN = 12
SNIPPET_WORDS = 40
# How far into a page's text the snippet looks for a match (a very long page
# matched by its title must not cost a full morphological pass).
SNIPPET_SCAN_CHARS = 20_000

_PAGE_NUMBER = re.compile(r"[1-9]\d{0,5}")
_CHUNK = re.compile(r"\S+")
# A chunk's punctuation stays outside <mark>: "(wójtem)," → "(<mark>wójtem</mark>),"
_EDGES = re.compile(r"^(\W*)(.*?)(\W*)$", re.S)


class NoSuchPage(Exception):
    """The requested page of results does not exist."""


@dataclass
class Query:
    text: str = ""
    # Each word's readings (lemmas) as typed, and (in the same order) their
    # folded forms with what a word typed without Polish letters stands for.
    words: list[tuple[str, ...]] = field(default_factory=list)
    truncated: bool = False
    words_dropped: int = 0
    folded: list[tuple[str, ...]] = field(default_factory=list)

    @property
    def lemmas(self) -> frozenset[str]:
        return frozenset(lemma for readings in self.words for lemma in readings)

    @property
    def folded_lemmas(self) -> frozenset[str]:
        return frozenset(lemma for readings in self.folded for lemma in readings)


@dataclass
class Result:
    page: Page
    title: SafeString
    snippet: SafeString


@dataclass
class Results:
    query: Query
    page_obj: PaginatorPage | None = None
    items: list[Result] = field(default_factory=list)
    partial: bool = False

    @property
    def count(self) -> int:
        return self.page_obj.paginator.count if self.page_obj else 0


def clean_query(raw: str) -> tuple[str, bool]:
    """Return the query as shown and searched, and whether it was cut short.

    Invisible characters (zero-width spaces, direction marks, control
    characters such as NUL, which PostgreSQL refuses) are dropped, and
    compatibility forms are folded (NFKC), so "ﬁ" or a decomposed "ó" match.
    """
    raw = raw[: MAX_QUERY_CHARS * 4]
    chars = []
    for char in unicodedata.normalize("NFKC", raw):
        category = unicodedata.category(char)
        if category == "Cc" or category == "Zl" or category == "Zp":
            chars.append(" ")
        elif category[0] != "C":
            chars.append(char)
    text = " ".join("".join(chars).split())
    if len(text) <= MAX_QUERY_CHARS:
        return text, False
    cut = text[:MAX_QUERY_CHARS]
    if " " in cut and not text[MAX_QUERY_CHARS].isspace():
        cut = cut.rsplit(" ", 1)[0]
    return cut.strip(), True


def parse_query(raw: str) -> Query:
    text, truncated = clean_query(raw or "")
    words: list[tuple[str, ...]] = []
    for readings in polish.analyse(text):
        readings = tuple(r for r in readings if r and not any(c.isspace() for c in r))
        if readings and readings not in words:
            words.append(readings)
    dropped = max(0, len(words) - MAX_WORDS)
    words = words[:MAX_WORDS]
    return Query(
        text=text,
        words=words,
        truncated=truncated,
        words_dropped=dropped,
        folded=[polish.folded_readings(readings) for readings in words],
    )


def has_any(field_name: str, readings: tuple[str, ...]) -> Q:
    """Whether the padded lemma field `field_name` holds one of `readings`."""
    # Stored lemmas are space-separated and the field is padded with spaces,
    # so " wójt " matches the lemma "wójt" and never a part of "wójtostwo".
    return reduce(
        or_, (Q(**{f"{field_name}__contains": f" {lemma} "}) for lemma in readings)
    )


def hits(field_name: str, words: list[tuple[str, ...]]):
    """How many of `words` the padded lemma field `field_name` holds."""
    return sum(
        (
            Case(
                When(has_any(field_name, readings), then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            )
            for readings in words
        ),
        start=Value(0),
    )


def padded(*fields: str):
    """The first non-null of `fields` with a space on either side."""
    return Concat(
        Value(" "),
        Coalesce(*fields, Value(""), output_field=TextField()),
        Value(" "),
        output_field=TextField(),
    )


def lemma_index(*prefixes: str) -> dict:
    """The annotations `matching_pages` reads, from the lemma fields of the
    page types behind `prefixes` ("articlepage__", or "" on their own model)."""

    def first(field_name: str):
        return padded(*(f"{prefix}{field_name}" for prefix in prefixes))

    return {
        "search_doc": first("lemmas"),
        "search_title": first("title_lemmas"),
        "search_folded": first("folded_lemmas"),
        "search_folded_title": first("folded_title_lemmas"),
    }


def site_pages(site):
    """Return the live, public pages of `site` that search covers, unranked."""
    if site is None:
        return Page.objects.none()
    return (
        Page.objects.live()
        .public()
        .descendant_of(site.root_page)
        .annotate(
            **lemma_index("articlepage__", "standardpage__", "procedurepage__"),
            search_date=Coalesce("articlepage__date", "first_published_at"),
        )
    )


def matching_pages(pages, query: Query, *, require_all: bool = True):
    """Return `pages` (annotated with `lemma_index`) that contain the query
    words, best first.

    A page contains a word when its folded lemmas hold one of the word's
    folded readings, so words typed with or without Polish letters match.
    With `require_all`, a page must contain every word; without it, any word
    will do and pages with more words come first. Then pages with more words
    exactly as typed (so "wójt" finds "wójt" before "wojt"), then with more
    words in the title, then newer pages.
    """
    if not query.words:
        return pages.none()
    combine = and_ if require_all else or_
    # Only article, standard and procedure pages have lemmas; any other has a
    # blank document and cannot match.
    pages = pages.filter(
        reduce(combine, (has_any("search_folded", folded) for folded in query.folded))
    ).annotate(
        exact_hits=hits("search_doc", query.words),
        title_hits=hits("search_folded_title", query.folded),
    )
    ordering = ["-exact_hits", "-title_hits", "-search_date", "-pk"]
    if not require_all:
        pages = pages.annotate(word_hits=hits("search_folded", query.folded))
        ordering.insert(0, "-word_hits")
    return pages.order_by(*ordering)


def parse_page_number(raw: str | None) -> int:
    if raw is None or raw == "":
        return 1
    if not _PAGE_NUMBER.fullmatch(raw):
        raise NoSuchPage
    return int(raw)


def search_site(site, query: Query, page_param: str | None = None) -> Results:
    """Return one page of results for `query` on `site`.

    Raises NoSuchPage for a page number that is not a positive integer or
    is past the last page.
    """
    number = parse_page_number(page_param)
    results = Results(query=query)
    if not query.words:
        if number != 1:
            raise NoSuchPage
        return results
    pages = site_pages(site)
    paginator = Paginator(
        matching_pages(pages, query).values_list("pk", flat=True), PER_PAGE
    )
    if paginator.count == 0 and len(query.words) > 1:
        results.partial = True
        paginator = Paginator(
            matching_pages(pages, query, require_all=False).values_list(
                "pk", flat=True
            ),
            PER_PAGE,
        )
    if number > paginator.num_pages:
        raise NoSuchPage
    results.page_obj = paginator.page(number)
    ids = list(results.page_obj.object_list)
    specific = Page.objects.filter(pk__in=ids).specific().in_bulk()
    lemmas, folded = query.lemmas, query.folded_lemmas
    results.items = [
        Result(
            page=specific[pk],
            title=highlight(specific[pk].title, lemmas, folded),
            snippet=snippet(page_text(specific[pk]), lemmas, folded),
        )
        for pk in ids
        if pk in specific
    ]
    return results


def page_text(page) -> str:
    """Return the text a result's snippet is cut from (no title: shown above)."""
    parts = [getattr(page, "lead", "") or getattr(page, "summary", "")]
    body = getattr(page, "body", None)
    if body is not None:
        parts.append(stream_text(body))
    if not any(parts):
        parts.append(page.search_description)
    return "\n".join(p for p in parts if p)


def _matches(chunk: str, lemmas: frozenset[str], folded: frozenset[str]) -> bool:
    return bool(
        polish.word_lemmas(chunk) & lemmas
        or folded
        and polish.folded_word_lemmas(chunk) & folded
    )


def _marked(
    chunk: str, lemmas: frozenset[str], folded: frozenset[str]
) -> list[str | SafeString]:
    before, core, after = _EDGES.match(chunk).groups()
    if core and _matches(core, lemmas, folded):
        return [before, format_html("<mark>{}</mark>", core), after]
    return [chunk]


def _join(parts: list[str | SafeString]) -> SafeString:
    # format_html_join escapes the plain strings and keeps the <mark>s.
    return format_html_join("", "{}", ((part,) for part in parts))


def highlight(
    text: str, lemmas: frozenset[str], folded: frozenset[str] = frozenset()
) -> SafeString:
    """Return `text`, escaped, with words matching `lemmas` (or, folded,
    `folded`) in <mark>."""
    parts: list[str | SafeString] = []
    position = 0
    for match in _CHUNK.finditer(text):
        parts.append(text[position : match.start()])
        parts.extend(_marked(match.group(), lemmas, folded))
        position = match.end()
    parts.append(text[position:])
    return _join(parts)


def snippet(
    text: str, lemmas: frozenset[str], folded: frozenset[str] = frozenset()
) -> SafeString:
    """Return a few dozen words of `text` around its first match, highlighted.

    Matching is by lemma, so "wójtem" is marked for the query "wójt". When the
    text has no match (the page matched by its title), its start is shown.
    """
    scanned = text[:SNIPPET_SCAN_CHARS]
    chunks = list(_CHUNK.finditer(scanned))
    if not chunks:
        return SafeString("")
    first = next(
        (
            i
            for i, chunk in enumerate(chunks)
            if _matches(_EDGES.match(chunk.group()).group(2), lemmas, folded)
        ),
        0,
    )
    start = max(0, first - SNIPPET_LEAD_IN)
    end = min(len(chunks), start + SNIPPET_WORDS)
    parts: list[str | SafeString] = ["… "] if start > 0 else []
    for i in range(start, end):
        if i > start:
            parts.append(" ")
        parts.extend(_marked(chunks[i].group(), lemmas, folded))
    if end < len(chunks) or len(text) > len(scanned):
        parts.append(" …")
    return _join(parts)


def results_summary(count: int) -> str:
    """Return "Znaleziono 12 wyników" with the right Polish plural form."""
    return ngettext(
        "Znaleziono %(count)d wynik", "Znaleziono %(count)d wyników", count
    ) % {"count": count}


def notices(query: Query, results: Results | None) -> list[str]:
    """Return what the results page should tell about the query itself."""
    messages = []
    if query.truncated:
        messages.append(
            _(
                "Zapytanie było bardzo długie, więc szukamy według jego pierwszych "
                "%(count)d znaków."
            )
            % {"count": MAX_QUERY_CHARS}
        )
    if query.words_dropped:
        messages.append(
            _("Szukamy według pierwszych %(count)d słów zapytania.")
            % {"count": MAX_WORDS}
        )
    if results is not None and results.partial and results.count:
        messages.append(
            _(
                "Żadna strona nie zawiera wszystkich szukanych słów. Pokazujemy "
                "strony, które zawierają część z nich – najpierw te z największą "
                "liczbą słów."
            )
        )
    return messages
