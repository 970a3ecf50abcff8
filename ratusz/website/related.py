"""Powiązane artykuły: the articles of the same gmina most like a given one.

An article's neighbours are scored by what editors said (shared tags, shared
villages, the same category) and by what the text says: the overlap of the
folded lemma sets stored in `ArticlePage.folded_lemmas`, so "remont drogi"
and "remontu dróg" count as the same words, and so do "wywóz śmieci" and
"wywoz smieci" typed without Polish letters. Only the newest candidates of
the site are compared, which bounds the work per page view.
"""

from __future__ import annotations

import math
from collections import Counter

from django.db.models import Count, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from wagtail.models import Page

from ratusz.lib import polish

CANDIDATES = 300

TAG_WEIGHT = 3.0
VILLAGE_WEIGHT = 2.0
CATEGORY_WEIGHT = 1.0
TEXT_WEIGHT = 4.0
# Below this cosine two texts share only everyday words: no relation.
MIN_TEXT_SIMILARITY = 0.08


def _count_subquery(queryset, outer_field: str):
    """Count rows of `queryset` per outer article, as an annotation."""
    counted = (
        queryset.filter(**{outer_field: OuterRef("pk")})
        .order_by()
        .values(outer_field)
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def _site_root_path(article) -> str:
    # Every gmina's tree starts at its HomePage, a child of the tree root
    # (HomePage.parent_page_types), so the first two path steps name the site.
    return article.path[: Page.steplen * 2]


def text_similarities(lemmas: str, others: dict[int, str]) -> dict[int, float]:
    """Return the idf-weighted cosine between a lemma set and each of `others`.

    Each text is a set of lemmas (presence, not counts: a long article should
    not win by repeating itself); a lemma's weight is its inverse document
    frequency among the compared texts, so "gmina", in every article of a
    gmina's site, weighs nothing.
    """
    mine = set(lemmas.split())
    sets = {pk: set(text.split()) for pk, text in others.items()}
    if not mine or not sets:
        return {}
    df: Counter[str] = Counter(mine)
    for words in sets.values():
        df.update(words)
    total = len(sets) + 1
    # Squared idf: the weight of a lemma in both vectors of a dot product.
    idf2 = {lemma: math.log(total / count) ** 2 for lemma, count in df.items()}
    mine_norm = math.sqrt(sum(map(idf2.__getitem__, mine)))
    result: dict[int, float] = {}
    if not mine_norm:
        return result
    for pk, words in sets.items():
        shared = mine & words
        if not shared:
            continue
        dot = sum(map(idf2.__getitem__, shared))
        norm = math.sqrt(sum(map(idf2.__getitem__, words)))
        if dot and norm:
            result[pk] = dot / (mine_norm * norm)
    return result


def _folded_lemmas(article) -> str:
    # A preview (never saved in this form) has lemmas but no folded ones yet.
    return article.folded_lemmas or polish.folded_text(article.lemmas)


def related_articles(article, limit: int = 4) -> list:
    """Return up to `limit` live articles of the same site most like `article`.

    Ties go to the newer article. Runs a fixed number of queries (candidates
    with their shared tag and village counts, then the winners).
    """
    # Imported here: the article models import this module.
    from .models import ArticlePage, ArticleTag

    root_path = _site_root_path(article)
    if len(root_path) < Page.steplen * 2:
        # Not in a site's tree (a preview of a page never saved): without a
        # site there is no telling which gmina's articles it may list.
        return []
    tag_ids = [tag.pk for tag in article.tags.all()]
    village_ids = [village.pk for village in article.villages.all()]
    candidates = (
        ArticlePage.objects.live()
        .public()
        .filter(path__startswith=root_path)
        .exclude(pk=article.pk)
        .order_by("-date", "-pk")
    )
    if tag_ids:
        candidates = candidates.annotate(
            shared_tags=_count_subquery(
                ArticleTag.objects.filter(tag_id__in=tag_ids), "content_object"
            )
        )
    else:
        candidates = candidates.annotate(shared_tags=Value(0))
    if village_ids:
        villages = ArticlePage.villages.through.objects.filter(
            village_id__in=village_ids
        )
        candidates = candidates.annotate(
            shared_villages=_count_subquery(villages, "articlepage")
        )
    else:
        candidates = candidates.annotate(shared_villages=Value(0))
    rows = list(
        candidates.values(
            "pk",
            "date",
            "category_id",
            "folded_lemmas",
            "shared_tags",
            "shared_villages",
        )[:CANDIDATES]
    )
    similarity = text_similarities(
        _folded_lemmas(article), {row["pk"]: row["folded_lemmas"] for row in rows}
    )

    scored = []
    for row in rows:
        text = similarity.get(row["pk"], 0.0)
        if text < MIN_TEXT_SIMILARITY:
            text = 0.0
        score = (
            TAG_WEIGHT * row["shared_tags"]
            + VILLAGE_WEIGHT * row["shared_villages"]
            + TEXT_WEIGHT * text
        )
        if article.category_id and row["category_id"] == article.category_id:
            score += CATEGORY_WEIGHT
        if score > 0:
            # Rounded so that equal evidence ties and the newer article wins.
            scored.append((round(score, 6), row["date"], row["pk"]))
    scored.sort(reverse=True)
    best = [pk for _score, _date, pk in scored[:limit]]
    if not best:
        return []
    pages = ArticlePage.objects.defer(
        "lemmas", "folded_lemmas", "title_lemmas", "folded_title_lemmas"
    ).in_bulk(best)
    return [pages[pk] for pk in best if pk in pages]
