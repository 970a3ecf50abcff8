"""Jak załatwić sprawę: the procedure list, suggestions and drafts.

`suggest_procedures` is what the messenger calls with a resident's question:
the question is reduced to lemmas (`lib.polish`), its wrapping ("jak",
"gdzie", "chcę") and the site's very common lemmas are dropped, and the
site's live procedure pages are ranked by the lemmas they share with it,
each weighted by its inverse document frequency among the site's procedures
(so "gmina" or "urząd", on every page, weigh next to nothing) and three times
more in the title. A few colloquial words ("śmieci", "dziura", "meldunek")
also count as the official ones the pages use. A question typed without
Polish letters ("dowod osobisty", "smieci") matches through the folded
lemmas (`lib.polish.folded_readings`), a little below an exact match.

The lemma index of a site's procedures is kept in memory per process. A
publication, unpublication, move or deletion in this process drops it at
once (signals below); other processes (web workers, the Huey worker) notice
a change by a one-row aggregate that moves with every publication, so
the index is rebuilt at most once per change. Winners are always read back
from the database as live, public pages of the site: a stale index can at
worst rank, never show, a page that went offline.
"""

from __future__ import annotations

import math
import re
import threading
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, F, Max, Sum
from django.db.models.signals import post_delete
from django.utils.html import escape
from django.utils.text import slugify
from django.utils.timezone import localtime
from wagtail.models import Page
from wagtail.rich_text import RichText
from wagtail.signals import page_published, page_unpublished, post_page_move

from ratusz.lib import polish

from . import search
from .models import ProcedureIndexPage, ProcedurePage
from .seo import absolute_url

TITLE_WEIGHT = 3.0
SYNONYM_WEIGHT = 0.8
# A match found only without Polish letters ("dowod" ~ "dowód"), or through
# what such a word stands for, counts a little less than an exact one.
FOLDED_WEIGHT = 0.9
# A lemma on more than this share of a site's procedures says nothing about
# which one a resident means (once the site has enough of them to tell).
COMMON_SHARE = 0.5
COMMON_MIN_DOCS = 6
MAX_QUESTION_CHARS = 2000
SUMMARY_CHARS = 200

# On (nearly) every page of a gmina's site and in many questions ("w urzędzie
# gminy"): they never tell one procedure from another.
OFFICE_LEMMAS = frozenset({"urząd", "gmina", "gminny", "urzędnik", "urzędowy"})

# Colloquial lemma -> the lemmas official pages use for the same thing.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "śmieć": ("odpady", "odpad"),
    "śmiecie": ("odpady", "odpad"),
    "kosz": ("pojemnik", "odpady"),
    "gabaryt": ("wielkogabarytowy",),
    "mebel": ("wielkogabarytowy",),
    "dom": ("nieruchomość", "budynek"),
    "działka": ("nieruchomość", "grunt"),
    "dziura": ("uszkodzenie",),
    "wybój": ("uszkodzenie", "dziura"),
    "meldunek": ("zameldowanie", "zameldować"),
    "zameldować": ("zameldowanie",),
    "wyciąć": ("wycinka", "usunięcie", "usunąć"),
    "ściąć": ("wycinka", "usunięcie", "usunąć"),
    "ślub": ("małżeństwo",),
    "prąd": ("energetyczny", "energia"),
    "czynsz": ("mieszkaniowy",),
    "dowodzik": ("dowód",),
}


@dataclass(frozen=True)
class Suggestion:
    page: ProcedurePage
    title: str
    url: str
    summary: str
    score: float


@dataclass(frozen=True)
class _Doc:
    pk: int
    title: frozenset[str]
    text: frozenset[str]
    folded_title: frozenset[str]
    folded_text: frozenset[str]


@dataclass(frozen=True)
class _Index:
    token: tuple
    docs: tuple[_Doc, ...]
    idf: dict[str, float]
    # The same over the folded lemmas.
    folded_idf: dict[str, float]


_indexes: dict[int, _Index] = {}
_lock = threading.Lock()


def _site_procedures(site):
    return ProcedurePage.objects.live().descendant_of(site.root_page)


def _token(site) -> tuple:
    # Publishing moves last_published_at; unpublishing or deleting changes
    # the count and the sum of ids.
    row = _site_procedures(site).aggregate(
        n=Count("pk"), last=Max("last_published_at"), ids=Sum("pk")
    )
    return (site.root_page_id, row["n"], row["last"], row["ids"])


def _idf(texts: list[frozenset[str]]) -> dict[str, float]:
    df: dict[str, int] = {}
    for text in texts:
        for lemma in text:
            df[lemma] = df.get(lemma, 0) + 1
    n = len(texts)
    idf = {}
    for lemma, count in df.items():
        if n >= COMMON_MIN_DOCS and count > COMMON_SHARE * n:
            continue
        # BM25's idf: positive, near zero for a lemma on every page.
        idf[lemma] = math.log(1 + (n - count + 0.5) / (count + 0.5))
    return idf


def _build(site, token: tuple) -> _Index:
    docs = []
    rows = _site_procedures(site).values_list(
        "pk", "title_lemmas", "lemmas", "folded_title_lemmas", "folded_lemmas"
    )
    for pk, title_lemmas, lemmas, folded_title_lemmas, folded_lemmas in rows:
        title = frozenset(title_lemmas.split())
        folded_title = frozenset(folded_title_lemmas.split())
        docs.append(
            _Doc(
                pk,
                title,
                frozenset(lemmas.split()) | title,
                folded_title,
                frozenset(folded_lemmas.split()) | folded_title,
            )
        )
    return _Index(
        token=token,
        docs=tuple(docs),
        idf=_idf([doc.text for doc in docs]),
        folded_idf=_idf([doc.folded_text for doc in docs]),
    )


def procedure_index(site) -> _Index:
    """Return the lemma index of `site`'s live procedures (cached)."""
    token = _token(site)
    cached = _indexes.get(site.pk)
    if cached is not None and cached.token == token:
        return cached
    index = _build(site, token)
    with _lock:
        _indexes[site.pk] = index
    return index


def forget_indexes(**kwargs) -> None:
    with _lock:
        _indexes.clear()


def question_words(text: str) -> list[tuple[tuple[str, str, float], ...]]:
    """Return the question's content words: each its readings with weights.

    A reading is (lemma, folded lemma, weight). What a word typed without
    Polish letters stands for ("smieci" -> "śmieć") follows its readings with
    a lower weight, and synonyms of either ("śmieć" -> "odpady") lower still.
    """
    words: list[tuple[tuple[str, str, float], ...]] = []
    seen: set[tuple[str, ...]] = set()
    for readings in polish.content_words((text or "")[:MAX_QUESTION_CHARS]):
        restored = [lemma for reading in readings for lemma in polish.restore(reading)]
        if (
            readings in seen
            or OFFICE_LEMMAS.intersection(readings)
            or OFFICE_LEMMAS.intersection(restored)
        ):
            continue
        seen.add(readings)
        weighted = dict.fromkeys(readings, 1.0)
        for lemma in restored:
            weighted.setdefault(lemma, FOLDED_WEIGHT)
        for lemma, weight in list(weighted.items()):
            for synonym in SYNONYMS.get(lemma, ()):
                weighted.setdefault(synonym, SYNONYM_WEIGHT * weight)
        words.append(
            tuple(
                (lemma, polish.fold(lemma), weight)
                for lemma, weight in weighted.items()
            )
        )
    return words


def _score(doc: _Doc, words, index: _Index) -> float:
    total = 0.0
    for readings in words:
        best = 0.0
        for lemma, folded, weight in readings:
            if lemma in doc.title:
                value = TITLE_WEIGHT * weight * index.idf.get(lemma, 0.0)
            elif lemma in doc.text:
                value = weight * index.idf.get(lemma, 0.0)
            elif folded in doc.folded_title:
                value = TITLE_WEIGHT * weight * FOLDED_WEIGHT
                value *= index.folded_idf.get(folded, 0.0)
            elif folded in doc.folded_text:
                value = weight * FOLDED_WEIGHT * index.folded_idf.get(folded, 0.0)
            else:
                continue
            best = max(best, value)
        total += best
    return total


def suggest_procedures(site, text: str, limit: int = 3) -> list[Suggestion]:
    """Return up to `limit` live procedure pages of `site` that answer `text`.

    Best first; only pages sharing a meaningful word with the question. Runs
    three queries with a warm index (the index check, view restrictions, the
    winners), four when the index is rebuilt.
    """
    if site is None or limit <= 0:
        return []
    words = question_words(text)
    if not words:
        return []
    index = procedure_index(site)
    scored = []
    for doc in index.docs:
        score = _score(doc, words, index)
        if score > 0:
            scored.append((-round(score, 6), doc.pk))
    scored.sort()
    # A few more than asked: a winner may have gone offline since the index
    # was built, or be under a view restriction.
    wanted = [pk for _score, pk in scored[: limit + 5]]
    if not wanted:
        return []
    pages = (
        _site_procedures(site)
        .public()
        .filter(pk__in=wanted)
        .defer("lemmas", "title_lemmas")
        .in_bulk()
    )
    suggestions = []
    for negative, pk in scored[: limit + 5]:
        page = pages.get(pk)
        if page is None:
            continue
        suggestions.append(
            Suggestion(
                page=page,
                title=page.title,
                url=page.get_full_url(),
                summary=page.summary,
                score=-negative,
            )
        )
        if len(suggestions) == limit:
            break
    return suggestions


# The public list ------------------------------------------------------------


@dataclass
class Group:
    name: str
    slug: str
    procedures: list


OTHER_GROUP = "Pozostałe sprawy"


def index_listing(index_page: ProcedureIndexPage, raw_query: str) -> dict:
    """Return the procedure list's context: groups, or the results of `?q=`."""
    query = search.parse_query(raw_query)
    procedures = index_page.procedures()
    context = {"query": query, "groups": [], "results": None, "partial": False}
    if query.text and not query.words:
        context["results"] = []
        return context
    if query.words:
        pages = procedures.annotate(
            **search.lemma_index(""), search_date=F("first_published_at")
        )
        results = list(search.matching_pages(pages, query))
        if not results and len(query.words) > 1:
            results = list(search.matching_pages(pages, query, require_all=False))
            context["partial"] = bool(results)
        context["results"] = results
        context["notices"] = search.notices(query, None)
        return context
    by_category: dict[int | None, list] = {}
    categories = {}
    for page in procedures:
        by_category.setdefault(page.category_id, []).append(page)
        if page.category_id:
            categories[page.category_id] = page.category
    groups = [
        Group(category.name, category.slug, by_category[category.pk])
        for category in polish.sorted_polish(categories.values(), key=lambda c: c.name)
    ]
    if None in by_category:
        groups.append(Group(OTHER_GROUP, "pozostale", by_category[None]))
    for group in groups:
        group.procedures = polish.sorted_polish(group.procedures, key=lambda p: p.title)
    context["groups"] = groups
    return context


# Structured data ------------------------------------------------------------

_AMOUNT = re.compile(r"(\d+(?:[.,]\d{1,2})?)\s*(?:zł|PLN)", re.I)


def _offer(fees: str) -> dict | None:
    if not fees:
        return None
    offer = {"@type": "Offer", "description": fees, "priceCurrency": "PLN"}
    amounts = _AMOUNT.findall(fees)
    if "bezpłatn" in fees.lower() and not amounts:
        offer["price"] = "0"
    elif len(amounts) == 1:
        offer["price"] = amounts[0].replace(",", ".")
    return offer


def procedure_json_ld(page: ProcedurePage, request) -> dict:
    """Return the schema.org GovernmentService that a procedure page describes.

    GovernmentService rather than HowTo: the page tells who provides a public
    service, where, online and at what cost, which is what GovernmentService
    and its ServiceChannels model; HowTo is for generic step-by-step guides.
    """
    gmina = page.gmina
    provider = {
        "@type": "GovernmentOrganization",
        "name": gmina.name if gmina else page.get_site().site_name,
        "url": request.build_absolute_uri("/"),
    }
    channels = []
    address = page.get_address()
    if address or page.phone or page.email:
        channel = {"@type": "ServiceChannel", "name": page.office or provider["name"]}
        if address:
            channel["serviceLocation"] = {
                "@type": "Place",
                "name": page.office or provider["name"],
                "address": " ".join(address.split()),
            }
        if page.phone or page.email:
            contact = {"@type": "ContactPoint", "contactType": "customer service"}
            if page.phone:
                contact["telephone"] = page.phone
            if page.email:
                contact["email"] = page.email
            hours = page.get_office_hours()
            if hours:
                contact["hoursAvailable"] = " ".join(hours.split())
            channel["servicePhone"] = contact
        channels.append(channel)
    if page.online_service_url:
        channels.append(
            {
                "@type": "ServiceChannel",
                "name": page.get_online_service_label(),
                "serviceUrl": page.online_service_url,
            }
        )
    data = {
        "@context": "https://schema.org",
        "@type": "GovernmentService",
        "name": page.title,
        "description": page.summary,
        "url": absolute_url(page, request),
        "inLanguage": "pl-PL",
        "provider": provider,
        "serviceOperator": provider,
    }
    if gmina is not None:
        data["areaServed"] = {"@type": "AdministrativeArea", "name": gmina.name}
    if page.category_id:
        data["serviceType"] = page.category.name
    if channels:
        data["availableChannel"] = channels
    offer = _offer(page.fees)
    if offer:
        data["offers"] = offer
    if page.last_published_at:
        data["dateModified"] = localtime(page.last_published_at).isoformat()
    return data


# Drafts from the staff inbox ------------------------------------------------


class NoProcedureIndex(Exception):
    """The gmina has no "Jak załatwić sprawę" list to put the draft under."""


def procedure_index_of(site) -> ProcedureIndexPage | None:
    return ProcedureIndexPage.objects.child_of(site.root_page).first()


def _summary_from(text: str) -> str:
    flat = " ".join(text.split())
    sentence = re.split(r"(?<=[.!?])\s", flat, maxsplit=1)[0]
    if len(sentence) <= SUMMARY_CHARS:
        return sentence
    cut = sentence[: SUMMARY_CHARS - 1].rsplit(" ", 1)[0]
    return cut.rstrip(",;:– ") + "…"


def _body_from(text: str) -> list:
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", text or "") if p.strip()]
    html = "".join(
        "<p>{}</p>".format("<br/>".join(escape(line) for line in p.splitlines()))
        for p in paragraphs
    )
    return [("paragraph", RichText(html))] if html else []


def _free_slug(parent: Page, title: str) -> str:
    base = slugify(polish.fold(title))[:60].strip("-") or "sprawa"
    taken = set(parent.get_children().values_list("slug", flat=True))
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


def draft_procedure_from_answer(site, title: str, text: str, user) -> ProcedurePage:
    """Create an unpublished procedure page from a staff answer; return it.

    The draft goes under the gmina's "Jak załatwić sprawę" list, with the
    answer as its body and its first sentence as the summary, for an editor to
    complete and publish (the caller redirects to the page's edit view).
    Raises NoProcedureIndex when the site has no list, PermissionDenied when
    `user` may not add pages there (e.g. staff of another gmina).
    """
    index = procedure_index_of(site) if site is not None else None
    if index is None:
        raise NoProcedureIndex(
            "Serwis gminy nie ma jeszcze strony „Jak załatwić sprawę”. "
            "Dodaj ją pod stroną główną, aby tworzyć opisy spraw."
        )
    if not index.permissions_for_user(user).can_add_subpage():
        raise PermissionDenied("Nie możesz dodawać stron w serwisie tej gminy.")
    title = " ".join((title or "").split())[:255] or "Nowa sprawa"
    text = (text or "").strip()
    page = ProcedurePage(
        title=title,
        slug=_free_slug(index, title),
        summary=_summary_from(text) or title[:SUMMARY_CHARS],
        body=_body_from(text),
        owner=user,
        live=False,
    )
    with transaction.atomic():
        index.add_child(instance=page)
        page.save_revision(user=user, log_action=True)
    return page


page_published.connect(forget_indexes, sender=ProcedurePage, dispatch_uid="proc-pub")
page_unpublished.connect(
    forget_indexes, sender=ProcedurePage, dispatch_uid="proc-unpub"
)
post_page_move.connect(forget_indexes, dispatch_uid="proc-move")
post_delete.connect(forget_indexes, sender=ProcedurePage, dispatch_uid="proc-del")
