"""The news list: filters from the query string, the monthly archive, pages.

Every lookup is scoped to one news index (and so to one gmina): a category
slug of another gmina is simply not a choice here.
"""

import re
from datetime import datetime

from django import forms
from django.core.paginator import Paginator
from django.db.models import Count
from django.db.models.functions import TruncMonth
from django.http import Http404
from django.utils import formats, timezone
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from taggit.models import Tag

from ratusz.gminas.models import Category, Village

PER_PAGE = 12
PAGE_PARAM = "strona"
# Slugs are short ASCII (categories, villages) or short Unicode words (tags);
# anything else is refused before it reaches the database, so a 10,000-char
# value or a NUL byte (which PostgreSQL rejects outright) never becomes a query.
_SLUG = re.compile(r"^[-\w]{1,100}$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


class SlugChoiceField(forms.ModelChoiceField):
    def to_python(self, value):
        if value in self.empty_values:
            return None
        if not isinstance(value, str) or not _SLUG.match(value):
            raise forms.ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice"
            )
        return super().to_python(value)


class MonthField(forms.CharField):
    """A month as "RRRR-MM", cleaned to (year, month)."""

    default_error_messages = {
        "invalid": _("Podaj miesiąc w postaci RRRR-MM, np. 2026-05."),
    }

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        match = _MONTH.match(value)
        if not match:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        year, month = int(match[1]), int(match[2])
        if not (1 <= month <= 12 and 1900 <= year <= 2999):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return (year, month)


def month_label(year: int, month: int) -> str:
    """Return "maj 2026" (the nominative month name)."""
    return formats.date_format(datetime(year, month, 1), "F Y").lower()


class NewsFilterForm(forms.Form):
    kategoria = SlugChoiceField(
        label=_("Kategoria"),
        queryset=Category.objects.none(),
        to_field_name="slug",
        required=False,
        empty_label=_("wszystkie"),
        error_messages={"invalid_choice": _("Nie ma takiej kategorii.")},
    )
    solectwo = SlugChoiceField(
        label=_("Sołectwo"),
        queryset=Village.objects.none(),
        to_field_name="slug",
        required=False,
        empty_label=_("wszystkie"),
        error_messages={"invalid_choice": _("Nie ma takiego sołectwa.")},
    )
    tag = SlugChoiceField(
        label=_("Temat"),
        queryset=Tag.objects.none(),
        to_field_name="slug",
        required=False,
        empty_label=_("wszystkie"),
        error_messages={"invalid_choice": _("Nie ma takiego tematu.")},
    )
    miesiac = MonthField(label=_("Miesiąc"), required=False, max_length=7)

    def __init__(self, data, *, gmina, articles, archive):
        super().__init__(data)
        self.fields["kategoria"].queryset = Category.objects.filter(gmina=gmina)
        self.fields["solectwo"].queryset = Village.objects.filter(gmina=gmina)
        self.fields["tag"].queryset = tags_of(articles)
        self.fields["miesiac"].widget = forms.Select(
            choices=[("", _("wszystkie"))] + [(m["value"], m["label"]) for m in archive]
        )

    def filter(self, articles):
        """Return `articles` narrowed by the valid filters (call after is_valid)."""
        data = self.cleaned_data
        if data.get("kategoria"):
            articles = articles.filter(category=data["kategoria"])
        if data.get("solectwo"):
            articles = articles.filter(villages=data["solectwo"])
        if data.get("tag"):
            articles = articles.filter(tags=data["tag"])
        if data.get("miesiac"):
            year, month = data["miesiac"]
            start = timezone.make_aware(datetime(year, month, 1))
            end = timezone.make_aware(
                datetime(year + 1, 1, 1)
                if month == 12
                else datetime(year, month + 1, 1)
            )
            articles = articles.filter(date__gte=start, date__lt=end)
        return articles

    def query_string(self) -> str:
        """Return the valid, non-empty filters as a query string (no page)."""
        data = self.cleaned_data
        params = {}
        for name in ("kategoria", "solectwo", "tag"):
            if data.get(name):
                params[name] = data[name].slug
        if data.get("miesiac"):
            params["miesiac"] = "{:04d}-{:02d}".format(*data["miesiac"])
        return urlencode(params)

    def active_filters(self) -> bool:
        return any(self.cleaned_data.get(name) for name in self.fields)


def tags_of(articles):
    # Imported here: the article models import this module.
    from .models import ArticleTag

    return Tag.objects.filter(
        pk__in=ArticleTag.objects.filter(content_object__in=articles).values("tag_id")
    ).order_by("name")


def archive_months(articles) -> list[dict]:
    """Return the months that have articles, newest first, with counts."""
    rows = (
        articles.order_by()
        .annotate(month=TruncMonth("date"))
        .values("month")
        .annotate(count=Count("pk"))
        .order_by("-month")
    )
    months = []
    for row in rows:
        month = (
            timezone.localtime(row["month"]) if row["month"].tzinfo else row["month"]
        )
        months.append(
            {
                "value": f"{month.year:04d}-{month.month:02d}",
                "label": month_label(month.year, month.month),
                "count": row["count"],
            }
        )
    return months


def get_page(request, articles):
    """Return the requested page of `articles`.

    A page number that is not a positive integer, or past the last page,
    is a 404: such a URL was never linked, and crawlers should drop it.
    """
    raw = request.GET.get(PAGE_PARAM, "1")
    if not re.fullmatch(r"[1-9]\d{0,5}", raw):
        raise Http404("Nie ma takiej strony wyników.")
    paginator = Paginator(articles, PER_PAGE, allow_empty_first_page=True)
    number = int(raw)
    if number > paginator.num_pages:
        raise Http404("Nie ma takiej strony wyników.")
    return paginator.page(number)
