"""Searches that found nothing, for the office: what residents looked for,
and "napisz stronę Jak załatwić sprawę" (a draft procedure page, titled from
the search, for an editor to complete)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.db.models import Sum

from ratusz.website import procedures
from ratusz.website.models import ProcedurePage

from .models import MissedSearch


@dataclass(frozen=True)
class Missed:
    lemmas: str
    searches: int

    @property
    def title(self) -> str:
        return title_for(self.lemmas)


def title_for(lemmas: str) -> str:
    """The draft page's title: the search's words, capitalised."""
    return lemmas[:1].upper() + lemmas[1:]


def top_missed(gmina, since: date, until: date, limit: int | None = None):
    """The gmina's searches without results from `since` to `until`, most
    frequent first."""
    rows = (
        MissedSearch.objects.filter(gmina=gmina, day__gte=since, day__lte=until)
        .values_list("lemmas")
        .annotate(searches=Sum("searches"))
        .order_by("-searches", "lemmas")
    )
    if limit is not None:
        rows = rows[:limit]
    return [Missed(lemmas, searches) for lemmas, searches in rows]


def draft_page_for(gmina, lemmas: str, user) -> tuple[ProcedurePage, bool]:
    """The draft procedure page for a missed search; (page, created).

    A second click (or a second member of staff) opens the draft already
    made from the same search instead of making another. Raises
    MissedSearch.DoesNotExist when the gmina never had that search,
    `procedures.NoProcedureIndex` / PermissionDenied as
    `draft_procedure_from_answer` does. Locks the search's rows, so two
    clicks at once make one draft.
    """
    title = title_for(lemmas)
    with transaction.atomic():
        searched = list(
            MissedSearch.objects.select_for_update()
            .filter(gmina=gmina, lemmas=lemmas)
            .values_list("pk", flat=True)
        )
        if not searched:
            raise MissedSearch.DoesNotExist
        existing = (
            ProcedurePage.objects.descendant_of(gmina.site.root_page)
            .filter(title=title, live=False)
            .first()
        )
        if existing is not None:
            return existing, False
        page = procedures.draft_procedure_from_answer(gmina.site, title, "", user)
    return page, True
