"""The numbers of the staff dashboard ("Statystyki"): one gmina, one period,
compared with the period of the same length just before it.

Everything comes from daily roll-ups (`DailyStat`, `fans.FanCount`,
`NetworkDaily`) plus the raw events of the days not rolled up yet (today,
and yesterday before the night's roll-up) and nothing else, so a year costs
the same few queries as a week (`tests/test_dashboard.py` counts them).

The dashboard is a list of sections, each built by one function of `Scope`
(`BUILDERS`) into a `Section`: headline figures with their change, the
geometry of one SVG chart, and tables (each exported as CSV by its slug).

"Zasięg wpisów" (`reach_section`) reads `insights.reach` once for both
periods. The view and the templates draw any section; CSV export finds its
tables by slug; `extra["links"]` (label, url) lists links under a section.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import cached_property

from django.conf import settings
from django.db.models import Func, IntegerField, Q, Sum
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Page

from ratusz.fans.models import FanCount
from ratusz.lib.dates import WARSAW
from ratusz.messenger import metrics

from . import charts, reach
from .missed import top_missed
from .models import DailyStat, Device, NetworkDaily, Source
from .rollup import Counts, counts_of_days

META_MISSING = "Meta nie udostępnia"
WEEKDAYS = (
    "poniedziałek",
    "wtorek",
    "środa",
    "czwartek",
    "piątek",
    "sobota",
    "niedziela",
)
WEEKDAYS_SHORT = ("Pn", "Wt", "Śr", "Cz", "Pt", "So", "Nd")
HOURS = [f"{h:02d}" for h in range(24)]
TOP_PAGES = 10
TOP_MISSED = 5
NETWORKS = {"facebook": "Facebook", "mastodon": "Mastodon"}
ON_NETWORK = {"facebook": "na Facebooku", "mastodon": "na Mastodonie"}


@dataclass(frozen=True)
class Period:
    """Days from `since` to `until`, both included."""

    since: date
    until: date

    @property
    def days(self) -> int:
        return (self.until - self.since).days + 1

    def previous(self) -> Period:
        """The period of the same length that ends the day before this one."""
        return Period(
            self.since - timedelta(days=self.days), self.since - timedelta(days=1)
        )

    def dates(self) -> list[date]:
        return [self.since + timedelta(days=n) for n in range(self.days)]

    def start(self) -> datetime:
        return datetime.combine(self.since, time.min, tzinfo=WARSAW)

    def end(self) -> datetime:
        return datetime.combine(self.until + timedelta(days=1), time.min, tzinfo=WARSAW)

    def __contains__(self, day: date) -> bool:
        return self.since <= day <= self.until


def change(value, previous) -> int | None:
    """The change from `previous` to `value` in whole percent (None: not
    comparable, e.g. nothing before)."""
    if value is None or not previous:
        return None
    return round((value - previous) * 100 / previous)


@dataclass(frozen=True)
class Column:
    """A table column; `kind` says how a cell is shown (see the template
    filter `insights_cell`): text, date, number, minutes, percent, change."""

    label: str
    kind: str = "number"
    missing: str = "—"


@dataclass(frozen=True)
class Table:
    """A table of the dashboard: shown as HTML and exported as CSV, the same
    cells in both. The first column heads its row."""

    slug: str
    caption: str
    columns: tuple[Column, ...]
    rows: list[tuple]
    # A note under the caption, e.g. what a sum of daily visitors means.
    note: str = ""


@dataclass(frozen=True)
class Figure:
    """A headline number with the previous period's and the change."""

    label: str
    value: float | None
    previous: float | None
    kind: str = "number"
    missing: str = "brak danych"

    @property
    def change(self) -> int | None:
        return change(self.value, self.previous)


@dataclass
class Section:
    slug: str
    title: str
    intro: str = ""
    figures: list[Figure] = field(default_factory=list)
    chart: dict | None = None
    chart_title: str = ""
    chart_description: str = ""
    tables: list[Table] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    # Extra data for the section's own template (e.g. the missed searches).
    extra: dict = field(default_factory=dict)
    template: str = ""


class Weekday(Func):
    """The day of the week of a date, 0 = Sunday … 6 = Saturday.

    Computed by the database itself: Django's ExtractIsoWeekDay calls back
    into Python for every row on SQLite, too slow over a year of roll-ups.
    ("%%%%w" ends as "%w": Func and the SQLite cursor each halve the %.)
    """

    output_field = IntegerField()
    template = "CAST(EXTRACT(DOW FROM %(expressions)s) AS INTEGER)"

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(
            compiler,
            connection,
            template="CAST(strftime('%%%%w', %(expressions)s) AS INTEGER)",
            **extra,
        )


class Scope:
    """One gmina and one period: the shared readings, each done once."""

    def __init__(self, gmina, period: Period, today: date | None = None):
        self.gmina = gmina
        self.period = period
        self.previous = period.previous()
        self.today = today or timezone.localdate()

    @cached_property
    def _rolled_site(self) -> dict[date, tuple[int, int]]:
        rows = DailyStat.objects.filter(
            gmina=self.gmina,
            dimension=DailyStat.SITE,
            day__gte=self.previous.since,
            day__lte=self.period.until,
        ).values_list("day", "views", "visitors")
        return {day: (views, visitors) for day, views, visitors in rows}

    @cached_property
    def unrolled(self) -> dict[date, Counts]:
        """Counts of the days in both periods that have raw events but no
        roll-up yet (today, mostly), aggregated by the database the way the
        roll-up does (`rollup.counts_of_days`, one query)."""
        oldest_raw = self.today - timedelta(days=settings.INSIGHTS_RAW_DAYS)
        first = max(self.previous.since, oldest_raw)
        last = min(self.period.until, self.today)
        days = [
            first + timedelta(days=n)
            for n in range((last - first).days + 1)
            if first + timedelta(days=n) not in self._rolled_site
        ]
        return counts_of_days(self.gmina.pk, days)

    @cached_property
    def site(self) -> dict[date, tuple[int, int]]:
        """{day: (views, visitors)} over both periods."""
        site = dict(self._rolled_site)
        for day, counts in self.unrolled.items():
            site[day] = counts.get((DailyStat.SITE, ""), (0, 0))
        return site

    @cached_property
    def breakdown(self) -> dict[tuple[str, str, int], list[int]]:
        """(dimension, key, ISO weekday) → [views, visitors, previous views]
        for sources, devices and hours, summed over the days."""
        since = self.period.since
        rows = (
            DailyStat.objects.filter(
                gmina=self.gmina,
                day__gte=self.previous.since,
                day__lte=self.period.until,
                dimension__in=[DailyStat.SOURCE, DailyStat.DEVICE, DailyStat.HOUR],
            )
            .annotate(weekday=Weekday("day"))
            .values_list("dimension", "key", "weekday")
            .annotate(
                period_views=Sum("views", filter=Q(day__gte=since)),
                period_visitors=Sum("visitors", filter=Q(day__gte=since)),
                previous_views=Sum("views", filter=Q(day__lt=since)),
            )
            .order_by()
        )
        result: dict[tuple[str, str, int], list[int]] = defaultdict(lambda: [0, 0, 0])
        for dimension, key, weekday, views, visitors, previous in rows:
            totals = result[(dimension, key, weekday or 7)]
            totals[0] += views or 0
            totals[1] += visitors or 0
            totals[2] += previous or 0
        for day, counts in self.unrolled.items():
            current = day >= since
            for (dimension, key), (views, visitors) in counts.items():
                if dimension in (DailyStat.SOURCE, DailyStat.DEVICE, DailyStat.HOUR):
                    totals = result[(dimension, key, day.isoweekday())]
                    if current:
                        totals[0] += views
                        totals[1] += visitors
                    else:
                        totals[2] += views
        return result

    def totals(self, dimension: str) -> dict[str, list[int]]:
        """key → [views, visitors, previous views] over the whole period."""
        result: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
        for (dim, key, _), values in self.breakdown.items():
            if dim == dimension:
                for i in range(3):
                    result[key][i] += values[i]
        return result

    @cached_property
    def pages(self) -> dict[int, list[int]]:
        """page id → [views, visitors] in the period."""
        rows = (
            DailyStat.objects.filter(
                gmina=self.gmina,
                dimension=DailyStat.PAGE,
                day__gte=self.period.since,
                day__lte=self.period.until,
            )
            .exclude(key="")
            .values_list("key")
            .annotate(period_views=Sum("views"), period_visitors=Sum("visitors"))
            .order_by()
        )
        result: dict[int, list[int]] = defaultdict(lambda: [0, 0])
        for key, views, visitors in rows:
            result[int(key)][0] += views
            result[int(key)][1] += visitors
        for day, counts in self.unrolled.items():
            if day in self.period:
                for (dimension, key), (views, visitors) in counts.items():
                    if dimension == DailyStat.PAGE and key:
                        result[int(key)][0] += views
                        result[int(key)][1] += visitors
        return result

    @cached_property
    def networks(self) -> dict[tuple[str, str], dict[date, tuple[int | None, str]]]:
        """(network, metric) → {day: (value, note)} over both periods."""
        rows = NetworkDaily.objects.filter(
            gmina=self.gmina,
            day__gte=self.previous.since,
            day__lte=self.period.until,
        ).values_list("network", "metric", "day", "value", "note")
        result: dict = defaultdict(dict)
        for network, metric, day, value, note in rows:
            result[(network, metric)][day] = (value, note)
        return result

    @cached_property
    def fans(self) -> dict[date, dict[str, int]]:
        """{day: {channel: fans}} of Ratusz's own channels, both periods."""
        rows = FanCount.objects.filter(
            gmina=self.gmina, day__gte=self.previous.since, day__lte=self.period.until
        ).values_list("day", "channel", "count")
        result: dict[date, dict[str, int]] = defaultdict(dict)
        for day, channel, count in rows:
            result[day][channel] = count
        return result


def _sum_known(values) -> int | None:
    known = [v for v in values if v is not None]
    return sum(known) if known else None


def _latest(by_day: dict[date, object], period: Period):
    """The value of the last day of `period` that has one (None: no day)."""
    days = [d for d in by_day if d in period]
    return by_day[max(days)] if days else None


def traffic_section(scope: Scope) -> Section:
    days = scope.period.dates()
    reach = scope.networks.get(("facebook", NetworkDaily.REACH), {})
    rows = []
    for day in days:
        views, visitors = scope.site.get(day, (0, 0))
        rows.append((day, views, visitors, reach.get(day, (None, ""))[0]))

    def total(period: Period, i: int) -> int:
        return sum(v[i] for d, v in scope.site.items() if d in period)

    reach_now = _sum_known(reach.get(d, (None, ""))[0] for d in days)
    reach_before = _sum_known(
        reach.get(d, (None, ""))[0] for d in scope.previous.dates()
    )
    missing = sum(1 for row in rows if row[3] is None)
    notes = []
    if missing:
        reasons = sorted({note for _, note in reach.values() if note})
        notes.append(
            f"Zasięg strony na Facebooku: {META_MISSING} danych za {missing} "
            f"z {len(days)} dni." + "".join(f" {r}" for r in reasons)
        )
    chart = charts.lines(
        days,
        [
            charts.Series("Wyświetlenia stron", [r[1] for r in rows]),
            charts.Series("Odwiedzający", [r[2] for r in rows]),
            charts.Series("Zasięg strony na Facebooku", [r[3] for r in rows]),
        ],
    )
    return Section(
        slug="wizyty",
        title="Wizyty na stronie a zasięg na Facebooku",
        intro=(
            "Wyświetlenia i odwiedzający stronę gminy dzień po dniu, obok "
            "dziennego zasięgu strony na Facebooku (unikalni oglądający według "
            "Meta). Odwiedzający liczeni są osobno każdego dnia."
        ),
        figures=[
            Figure(
                "Wyświetlenia stron",
                total(scope.period, 0),
                total(scope.previous, 0),
            ),
            Figure(
                "Odwiedzający (suma dzienna)",
                total(scope.period, 1),
                total(scope.previous, 1),
            ),
            Figure(
                "Zasięg na Facebooku (suma dzienna)",
                reach_now,
                reach_before,
                missing=META_MISSING,
            ),
        ],
        chart=chart,
        chart_title="Wyświetlenia, odwiedzający i zasięg na Facebooku dzień po dniu",
        tables=[
            Table(
                slug="wizyty",
                caption="Wizyty na stronie i zasięg na Facebooku dzień po dniu",
                columns=(
                    Column("Dzień", "date"),
                    Column("Wyświetlenia"),
                    Column("Odwiedzający"),
                    Column("Zasięg na Facebooku", missing=META_MISSING),
                ),
                rows=rows,
            )
        ],
        notes=notes,
    )


def _share_table(scope: Scope, slug, caption, dimension, choices, first) -> Table:
    totals = scope.totals(dimension)
    all_views = sum(v[0] for v in totals.values())
    rows = []
    for choice in choices:
        views, visitors, previous = totals.get(choice.value, (0, 0, 0))
        rows.append(
            (
                choice.label,
                views,
                visitors,
                round(views * 100 / all_views) if all_views else None,
                previous,
                change(views, previous),
            )
        )
    rows.sort(key=lambda row: -row[1])
    return Table(
        slug=slug,
        caption=caption,
        columns=(
            Column(first, "text"),
            Column("Wyświetlenia"),
            Column("Odwiedzający (suma dzienna)"),
            Column("Udział", "percent"),
            Column("Wyświetlenia w poprzednim okresie"),
            Column("Zmiana", "change"),
        ),
        rows=rows,
    )


def sources_section(scope: Scope) -> Section:
    table = _share_table(
        scope,
        "zrodla",
        "Skąd przyszli odwiedzający",
        DailyStat.SOURCE,
        Source,
        "Źródło",
    )
    return Section(
        slug="zrodla",
        title="Skąd przychodzą odwiedzający",
        intro=(
            "Linki wysyłane przez Ratusz (e-mail, powiadomienia, SMS, Facebook, "
            "Mastodon) są oznaczone; pozostałe wizyty rozpoznajemy po stronie, "
            "z której przyszły. Kliknięcia wewnątrz strony liczą się do źródła "
            "pierwszej wizyty danego dnia."
        ),
        chart=charts.horizontal_bars([(row[0], row[1]) for row in table.rows]),
        chart_title="Wyświetlenia według źródła",
        tables=[table],
    )


def devices_section(scope: Scope) -> Section:
    table = _share_table(
        scope, "urzadzenia", "Na czym czytają", DailyStat.DEVICE, Device, "Urządzenie"
    )
    return Section(
        slug="urzadzenia",
        title="Urządzenia",
        chart=charts.horizontal_bars([(row[0], row[1]) for row in table.rows]),
        chart_title="Wyświetlenia według urządzenia",
        tables=[table],
    )


def heatmap_section(scope: Scope) -> Section:
    grid = [[0] * 24 for _ in range(7)]
    for (dimension, key, weekday), values in scope.breakdown.items():
        if dimension == DailyStat.HOUR:
            grid[weekday - 1][int(key)] += values[0]
    best = max(
        ((grid[w][h], w, h) for w in range(7) for h in range(24)), default=(0, 0, 0)
    )
    intro = (
        "Wyświetlenia w okresie według dnia tygodnia i godziny (czas polski): "
        "im ciemniejsze pole, tym więcej czytających."
    )
    if best[0]:
        intro += (
            f" Najwięcej: {WEEKDAYS[best[1]]}, "
            f"{best[2]:02d}:00–{best[2]:02d}:59 ({best[0]} wyświetleń)."
        )
    return Section(
        slug="godziny",
        title="Kiedy mieszkańcy czytają",
        intro=intro,
        chart=charts.heatmap(list(zip(WEEKDAYS_SHORT, grid, strict=True)), HOURS)
        if best[0]
        else None,
        chart_title="Wyświetlenia według dnia tygodnia i godziny",
        tables=[
            Table(
                slug="godziny",
                caption="Wyświetlenia według dnia tygodnia i godziny",
                columns=(
                    Column("Dzień tygodnia", "text"),
                    *(Column(f"{h}:00") for h in HOURS),
                ),
                rows=[
                    (name, *values) for name, values in zip(WEEKDAYS, grid, strict=True)
                ],
            )
        ],
    )


def fans_section(scope: Scope) -> Section:
    days = scope.period.dates()
    followers = {
        network: scope.networks.get((network, NetworkDaily.FOLLOWERS), {})
        for network in NETWORKS
    }
    shown = [network for network in NETWORKS if followers[network]]
    channels = [
        ("all", "Ratusz razem"),
        ("email", "E-mail"),
        ("push", "Powiadomienia w przeglądarce"),
        ("sms", "SMS"),
    ]
    rows = []
    for day in days:
        counted = scope.fans.get(day, {})
        rows.append(
            (
                day,
                *(counted.get(channel) for channel, _ in channels),
                *(followers[n].get(day, (None, ""))[0] for n in shown),
            )
        )
    ratusz = {d: c[FanCount.ALL] for d, c in scope.fans.items() if FanCount.ALL in c}
    figures = [
        Figure(
            "Obserwujący w Ratuszu",
            _latest(ratusz, scope.period),
            _latest(ratusz, scope.previous),
        )
    ]
    notes = []
    for network, name in NETWORKS.items():
        by_day = followers[network]
        known = {d: v for d, (v, _) in by_day.items() if v is not None}
        figures.append(
            Figure(
                f"Obserwujący {ON_NETWORK[network]}",
                _latest(known, scope.period),
                _latest(known, scope.previous),
                missing=META_MISSING if network == "facebook" else "brak danych",
            )
        )
        latest = _latest(by_day, scope.period)
        if latest is None:
            notes.append(f"{name}: brak liczb obserwujących w tym okresie.")
        elif latest[0] is None:
            notes.append(
                f"{name}: {latest[1] or (META_MISSING + ' liczby obserwujących.')}"
            )
    series = [charts.Series("Ratusz razem", [row[1] for row in rows])]
    series += [
        charts.Series(NETWORKS[network], [row[5 + i] for row in rows])
        for i, network in enumerate(shown)
    ]
    return Section(
        slug="obserwujacy",
        title="Obserwujący na każdym kanale",
        intro=(
            "Obserwujący Ratusza (osoby z co najmniej jednym aktywnym kanałem; "
            "liczone raz dziennie) obok obserwujących strony na Facebooku i konta "
            "na Mastodonie, jak podają te sieci."
        ),
        figures=figures,
        chart=charts.lines(days, series),
        chart_title="Obserwujący dzień po dniu",
        tables=[
            Table(
                slug="obserwujacy",
                caption="Obserwujący dzień po dniu, według kanału",
                columns=(
                    Column("Dzień", "date"),
                    *(Column(label) for _, label in channels),
                    *(
                        Column(
                            NETWORKS[n],
                            missing=META_MISSING if n == "facebook" else "—",
                        )
                        for n in shown
                    ),
                ),
                rows=rows,
            )
        ],
        notes=notes,
    )


def answers_section(scope: Scope) -> Section:
    now = metrics.daily_stats(scope.gmina, scope.period.start(), scope.period.end())
    before = metrics.daily_stats(
        scope.gmina, scope.previous.start(), scope.previous.end()
    )
    total, previous = now["total"], before["total"]
    days = scope.period.dates()
    rows = []
    for day in days:
        row = now["days"].get(day)
        rows.append(
            (
                day,
                row.conversations if row else 0,
                row.first_response_median if row else None,
                row.resolved if row else 0,
            )
        )
    minutes = (
        ("Mediana pierwszej odpowiedzi", "first_response_median"),
        ("Czas pierwszej odpowiedzi (p90)", "first_response_p90"),
        ("Mediana czasu załatwienia", "resolution_median"),
    )
    return Section(
        slug="odpowiedzi",
        title="Jak szybko odpowiadamy",
        intro=(
            "Rozmowy rozpoczęte w okresie. Czasy w minutach od pierwszej "
            "wiadomości mieszkańca; mediana to wartość środkowa."
        ),
        figures=[
            Figure("Rozmowy", total.conversations, previous.conversations),
            *(
                Figure(
                    label,
                    getattr(total, name),
                    getattr(previous, name),
                    kind="minutes",
                )
                for label, name in minutes
            ),
        ],
        chart=charts.bars([row[1] for row in rows], days),
        chart_title="Rozmowy dzień po dniu",
        tables=[
            Table(
                slug="odpowiedzi",
                caption="Czasy odpowiedzi: ten okres i poprzedni",
                columns=(
                    Column("Okres", "text"),
                    Column("Rozmowy"),
                    Column("Z odpowiedzią"),
                    *(Column(f"{label} (min)", "minutes") for label, _ in minutes),
                    Column("Załatwione"),
                ),
                rows=[
                    (
                        label,
                        r.conversations,
                        r.responded,
                        *(getattr(r, name) for _, name in minutes),
                        r.resolved,
                    )
                    for label, r in (
                        ("Ten okres", total),
                        ("Poprzedni okres", previous),
                    )
                ],
            ),
            Table(
                slug="rozmowy",
                caption="Rozmowy dzień po dniu",
                columns=(
                    Column("Dzień", "date"),
                    Column("Rozmowy"),
                    Column("Mediana pierwszej odpowiedzi (min)", "minutes"),
                    Column("Załatwione"),
                ),
                rows=rows,
            ),
        ],
    )


def pages_section(scope: Scope) -> Section:
    top = sorted(scope.pages.items(), key=lambda item: (-item[1][0], item[0]))
    top = top[:TOP_PAGES]
    root = scope.gmina.site.root_page
    pages = {
        page.pk: page
        for page in Page.objects.filter(
            pk__in=[pk for pk, _ in top], path__startswith=root.path
        ).only("pk", "title", "url_path")
    }
    rows = []
    for pk, (views, visitors) in top:
        page = pages.get(pk)
        if page is None:
            rows.append(("(strona usunięta)", "", views, visitors))
        else:
            path = page.url_path[len(root.url_path) - 1 :]
            rows.append((page.title, path, views, visitors))
    return Section(
        slug="strony",
        title="Najczęściej czytane strony",
        chart=charts.horizontal_bars([(row[0][:28], row[2]) for row in rows]),
        chart_title=f"Wyświetlenia {len(rows)} najczęściej czytanych stron",
        tables=[
            Table(
                slug="strony",
                caption=f"{TOP_PAGES} najczęściej czytanych stron",
                columns=(
                    Column("Strona", "text"),
                    Column("Adres", "text"),
                    Column("Wyświetlenia"),
                    Column("Odwiedzający (suma dzienna)"),
                ),
                rows=rows,
            )
        ],
    )


def reach_section(scope: Scope) -> Section:
    """Articles published in the period: combined reach, the top ones and
    the sum per week, against the articles of the previous period."""
    reaches = reach.articles_reach(
        scope.gmina, scope.previous.since, scope.period.until, known=scope.unrolled
    )
    current = [r for r in reaches if r.published in scope.period]
    earlier = [r for r in reaches if r.published in scope.previous]
    top = reach.top(current, TOP_PAGES)
    weeks = reach.by_week(current, scope.period.since, scope.period.until)
    return Section(
        slug="zasieg",
        title="Zasięg wpisów",
        intro=(
            "Ile różnych osób dotarł każdy wpis opublikowany w tym okresie: "
            "na wszystkich kanałach razem."
        ),
        figures=[
            Figure(
                "Łączny zasięg wpisów",
                sum(r.combined_reach for r in current),
                sum(r.combined_reach for r in earlier),
            ),
            Figure("Opublikowane wpisy", len(current), len(earlier)),
        ],
        notes=[reach.FORMULA],
        chart=charts.horizontal_bars([(r.title[:28], r.combined_reach) for r in top]),
        chart_title=f"Łączny zasięg {len(top)} wpisów, które dotarły najdalej",
        tables=[
            Table(
                slug="wpisy",
                caption=f"{TOP_PAGES} wpisów o największym zasięgu",
                columns=(
                    Column("Wpis", "text"),
                    Column("Data", "date"),
                    Column("E-mail (dostarczono)"),
                    Column("Push (dostarczono)"),
                    Column("SMS (dostarczono)"),
                    Column("Facebook (unikalni widzowie)", missing=META_MISSING),
                    Column("Mastodon (interakcje)", missing="brak odczytu"),
                    Column("Strona (odwiedzający, suma dzienna)"),
                    Column("Łączny zasięg"),
                ),
                rows=[
                    (
                        r.title,
                        r.published,
                        r.email_delivered,
                        r.push_delivered,
                        r.sms_delivered,
                        r.facebook_views,
                        r.mastodon_interactions,
                        r.visitors,
                        r.combined_reach,
                    )
                    for r in top
                ],
            ),
            Table(
                slug="tygodnie",
                caption="Łączny zasięg wpisów według tygodnia publikacji",
                columns=(
                    Column("Tydzień od", "date"),
                    Column("Wpisy"),
                    Column("Łączny zasięg"),
                ),
                rows=[(w.monday, w.articles, w.combined_reach) for w in weeks],
            ),
        ],
        extra={
            "links": [
                (
                    f"Zasięg wpisu: {r.title}",
                    reverse("insights-article-reach", args=[r.page_id]),
                )
                for r in top
            ]
        },
    )


def missed_section(scope: Scope) -> Section:
    missed = top_missed(
        scope.gmina, scope.period.since, scope.period.until, limit=TOP_MISSED
    )
    return Section(
        slug="szukane",
        title="Czego mieszkańcy szukają i nie znajdują",
        intro=(
            "Wyszukiwania na stronie gminy, które nic nie znalazły (słowa w formie "
            "podstawowej). Opisz taką sprawę w „Jak załatwić sprawę”."
        ),
        extra={"missed": missed},
        template="insights/admin/_missed_section.html",
    )


Builder = Callable[[Scope], Section]

BUILDERS: list[Builder] = [
    traffic_section,
    reach_section,
    fans_section,
    sources_section,
    devices_section,
    heatmap_section,
    pages_section,
    answers_section,
    missed_section,
]


def build(gmina, period: Period, *, today: date | None = None) -> list[Section]:
    """Every section of the dashboard for `gmina` over `period`."""
    scope = Scope(gmina, period, today)
    return [builder(scope) for builder in BUILDERS]


def find_table(sections: list[Section], slug: str) -> Table | None:
    for section in sections:
        for table in section.tables:
            if table.slug == slug:
                return table
    return None


def csv_rows(table: Table) -> list[list]:
    """The table as CSV rows: a header, then the same cells (dates ISO,
    missing values as their column says)."""
    rows = [[column.label for column in table.columns]]
    for row in table.rows:
        rows.append(
            [
                column.missing
                if value is None
                else value.isoformat()
                if isinstance(value, date)
                else value
                for column, value in zip(table.columns, row, strict=True)
            ]
        )
    return rows
