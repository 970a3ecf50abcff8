"""The monthly report for the council session: the numbers, in one place.

`monthly_report(gmina, month)` gathers everything the HTML page
(`report_views.py`), the PDF (`report_pdf.py`) and `manage.py
insights_report` show, so the three always agree.

Definitions:
- views and visitors come from the daily roll-ups (`DailyStat`), days not
  rolled up yet (today) from the raw events, as the CSV export does;
- a month's visitors are the **sum of daily unique visitors**: without
  cookies a visitor is recognised only within one day (the salt changes),
  so one person who comes on three days counts three times;
- followers: Ratusz's own channels from `fans.FanCount`, the networks'
  from `NetworkDaily` ("followers"); "at the end" is the last count in the
  month, "at the start" the last count before it (or the month's first);
- conversations started in the month, times as `messenger/metrics.py`
  defines them (median and p90, in minutes).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.models import Page

from ratusz.fans.models import FanCount
from ratusz.lib import charts
from ratusz.lib.dates import WARSAW
from ratusz.messenger import metrics
from ratusz.outbox.models import Channel

from .export import daily_counts
from .models import DailyStat, Device, MissedSearch, NetworkDaily, Source

MONTHS = [
    "styczeń",
    "luty",
    "marzec",
    "kwiecień",
    "maj",
    "czerwiec",
    "lipiec",
    "sierpień",
    "wrzesień",
    "październik",
    "listopad",
    "grudzień",
]
TOP_PAGES = 10
TOP_SEARCHES = 10
NETWORK_NAMES = {"facebook": "Facebook", "mastodon": "Mastodon"}


@dataclass(frozen=True)
class Month:
    year: int
    month: int

    @classmethod
    def parse(cls, text: str) -> Month:
        """ "2026-11" → Month(2026, 11); ValueError for anything else."""
        year, month = text.split("-")
        if len(year) != 4 or len(month) != 2:
            raise ValueError(text)
        result = cls(int(year), int(month))
        if not 1 <= result.month <= 12 or not 2000 <= result.year <= 2999:
            raise ValueError(text)
        return result

    @classmethod
    def previous(cls, today: date | None = None) -> Month:
        """The last finished month: the one a council session reports on."""
        today = today or timezone.localdate()
        last = today.replace(day=1) - timedelta(days=1)
        return cls(last.year, last.month)

    @property
    def first_day(self) -> date:
        return date(self.year, self.month, 1)

    @property
    def last_day(self) -> date:
        following = date(self.year + self.month // 12, self.month % 12 + 1, 1)
        return following - timedelta(days=1)

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    def name(self) -> str:
        """ "listopad 2026"."""
        return f"{MONTHS[self.month - 1]} {self.year}"


@dataclass(frozen=True)
class Line:
    """Views and visitors of one day, page, source or device."""

    label: str
    views: int
    visitors: int
    url: str = ""


@dataclass(frozen=True)
class Followers:
    """One channel's followers at the start and at the end of the month."""

    channel: str
    at_start: int | None
    at_end: int | None
    note: str = ""

    @property
    def change(self) -> int | None:
        if self.at_start is None or self.at_end is None:
            return None
        return self.at_end - self.at_start


@dataclass(frozen=True)
class MonthlyReport:
    gmina_name: str
    month: Month
    until: date  # the last day counted (today for the current month)
    views: int
    visitors: int  # the sum of daily unique visitors
    days: list[Line]
    pages: list[Line]
    sources: list[Line]
    devices: list[Line]
    followers: list[Followers]
    conversations: metrics.Row
    missed_searches: list[tuple[str, int]]

    @property
    def title(self) -> str:
        return _("Sprawozdanie: %(gmina)s, %(month)s") % {
            "gmina": self.gmina_name,
            "month": self.month.name(),
        }

    def conversation_lines(self) -> list[tuple[str, str]]:
        """(what, value) of the conversations table, values as shown."""
        row = self.conversations
        first, done = _("Czas pierwszej odpowiedzi"), _("Czas załatwienia")
        return [
            (_("Rozpoczęte rozmowy"), str(row.conversations)),
            (_("Z odpowiedzią urzędu"), str(row.responded)),
            (f"{first} – mediana", format_minutes(row.first_response_median)),
            (f"{first} – p90", format_minutes(row.first_response_p90)),
            (_("Sprawy załatwione"), str(row.resolved)),
            (f"{done} – mediana", format_minutes(row.resolution_median)),
            (f"{done} – p90", format_minutes(row.resolution_p90)),
        ]


def monthly_report(gmina, month: Month, *, today: date | None = None):
    """Gather the report of `gmina` for `month` (up to `today` if it is on)."""
    today = today or timezone.localdate()
    until = min(month.last_day, today)
    first = month.first_day
    counts = daily_counts(gmina, first, until) if first <= until else {}
    days = []
    totals: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    day = first
    while day <= until:
        views, visitors = counts.get(day, {}).get((DailyStat.SITE, ""), (0, 0))
        days.append(Line(day.isoformat(), views, visitors))
        for key, (v, u) in counts.get(day, {}).items():
            totals[key][0] += v
            totals[key][1] += u
        day += timedelta(days=1)
    return MonthlyReport(
        gmina_name=gmina.name,
        month=month,
        until=until,
        views=sum(d.views for d in days),
        visitors=sum(d.visitors for d in days),
        days=days,
        pages=_top_pages(gmina, totals),
        sources=_lines(totals, DailyStat.SOURCE, Source),
        devices=_lines(totals, DailyStat.DEVICE, Device),
        followers=_followers(gmina, first, until),
        conversations=_conversations(gmina, first, until),
        missed_searches=_missed_searches(gmina, first, until),
    )


def _lines(totals, dimension: str, choices) -> list[Line]:
    """One line per choice, in the order of the largest number of views."""
    lines = [
        Line(str(choice.label), *totals.get((dimension, choice.value), (0, 0)))
        for choice in choices
    ]
    return sorted(lines, key=lambda line: -line.views)


def _top_pages(gmina, totals) -> list[Line]:
    by_page = sorted(
        (
            (int(key), v, u)
            for (dimension, key), (v, u) in totals.items()
            if dimension == DailyStat.PAGE and key.isdigit()
        ),
        key=lambda item: (-item[1], item[0]),
    )[:TOP_PAGES]
    pages = Page.objects.filter(pk__in=[pk for pk, _, _ in by_page]).in_bulk()
    site = gmina.site
    lines = []
    for pk, views, visitors in by_page:
        page = pages.get(pk)
        if page is None:
            lines.append(Line(_("(strona usunięta)"), views, visitors))
        else:
            lines.append(Line(page.title, views, visitors, page.relative_url(site)))
    return lines


def _latest(rows: dict[date, int | None], before: date) -> int | None:
    days = [d for d, v in rows.items() if d < before and v is not None]
    return rows[max(days)] if days else None


def _start_and_end(rows: dict[date, int | None], first: date, until: date):
    """(the last count before `first` or the month's first, the last by `until`)."""
    end = _latest(rows, until + timedelta(days=1))
    start = _latest(rows, first)
    if start is None:
        in_month = sorted(d for d, v in rows.items() if d >= first and v is not None)
        start = rows[in_month[0]] if in_month and in_month[0] <= until else None
    return start, end


def _followers(gmina, first: date, until: date) -> list[Followers]:
    labels = {
        FanCount.ALL: _("Obserwujący w Ratuszu (razem)"),
        Channel.EMAIL.value: _("E-mail"),
        Channel.PUSH.value: _("Powiadomienia w przeglądarce"),
        Channel.SMS.value: _("SMS"),
    }
    own: dict[str, dict[date, int | None]] = defaultdict(dict)
    for channel, day, count in FanCount.objects.filter(
        gmina=gmina, day__lte=until
    ).values_list("channel", "day", "count"):
        own[channel][day] = count
    result = []
    for channel, label in labels.items():
        start, end = _start_and_end(own.get(channel, {}), first, until)
        result.append(Followers(label, start, end))
    networks: dict[str, dict[date, int | None]] = defaultdict(dict)
    notes: dict[str, str] = {}
    rows = NetworkDaily.objects.filter(
        gmina=gmina, metric=NetworkDaily.FOLLOWERS, day__lte=until
    ).order_by("day")
    for network, day, value, note in rows.values_list(
        "network", "day", "value", "note"
    ):
        networks[network][day] = value
        if first <= day:
            notes[network] = note if value is None else ""
    for network in sorted(networks):
        start, end = _start_and_end(networks[network], first, until)
        note = notes.get(network, "") if end is None else ""
        result.append(
            Followers(NETWORK_NAMES.get(network, network), start, end, note=note)
        )
    return result


def _conversations(gmina, first: date, until: date) -> metrics.Row:
    start = datetime.combine(first, datetime.min.time(), tzinfo=WARSAW)
    end = datetime.combine(until + timedelta(days=1), datetime.min.time(), WARSAW)
    return metrics.conversation_stats(gmina, start, end)["total"]


def _missed_searches(gmina, first: date, until: date) -> list[tuple[str, int]]:
    totals: dict[str, int] = defaultdict(int)
    for lemmas, searches in MissedSearch.objects.filter(
        gmina=gmina, day__gte=first, day__lte=until
    ).values_list("lemmas", "searches"):
        totals[lemmas] += searches
    ordered = sorted(totals.items(), key=lambda item: (-item[1], item[0]))
    return ordered[:TOP_SEARCHES]


CHART_FRAME = charts.Frame(width=640, height=200, left=16, right=16, top=12, bottom=28)


def daily_chart(report: MonthlyReport) -> dict | None:
    """Bars of the views per day (SVG geometry); None for a month without views."""
    if not report.views:
        return None
    values = [(str(int(d.label[-2:])), d.views) for d in report.days]
    return charts.bar_chart(values, frame=CHART_FRAME)


def format_minutes(minutes: float | None) -> str:
    """45 → "45 min", 135 → "2 godz. 15 min", 3000 → "2 dni 2 godz."; None → "–"."""
    if minutes is None:
        return "–"
    total = round(minutes)
    days, rest = divmod(total, 24 * 60)
    hours, mins = divmod(rest, 60)
    if days:
        word = _("dzień") if days == 1 else _("dni")
        return f"{days} {word} {hours} godz." if hours else f"{days} {word}"
    if hours:
        return f"{hours} godz. {mins} min" if mins else f"{hours} godz."
    return f"{mins} min"


def format_change(change: int | None) -> str:
    if change is None:
        return "–"
    return f"+{change}" if change > 0 else str(change)
