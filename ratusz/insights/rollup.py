"""Daily roll-ups of raw views, and how long each is kept.

Raw `ViewEvent` rows are kept `INSIGHTS_RAW_DAYS` (30) days, `DailyStat`
rows `INSIGHTS_ROLLUP_MONTHS` (25) months. The worker rolls up every night
(`tasks.py`); `manage.py insights_rollup` does it now, and with `--since`
rolls up again every day since then whose raw events are still kept (e.g. to
fill a dimension added later). A day is rolled up once it is over; yesterday
is always rolled up again, since a flush just after midnight may still add
to it. Re-running changes nothing.

The database aggregates the raw events (`counts_of_days`, one query with
GROUP BY): the roll-up, the dashboard's and the export's not-yet-rolled-up
days (today) all read the same numbers without fetching the events.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from ratusz.lib.dates import WARSAW

from .models import INTERNAL, DailySalt, DailyStat, MissedSearch, Source, ViewEvent

Counts = dict[tuple[str, str], tuple[int, int]]  # (dimension, key) -> (views, visitors)

# Views and distinct visitors per dimension and day, as `counts_of_days`
# explains; {table}, {hour} and {days} are filled in per database and call.
_COUNTS_SQL = """
WITH ev AS (
    SELECT day, visitor, page_id, source, device, {hour} AS local_hour,
        -- Views from another site (or typed in) so far that day, this one
        -- included, and the source of the visitor's first such view.
        SUM(CASE WHEN source = %s THEN 0 ELSE 1 END) OVER (
            PARTITION BY day, visitor ORDER BY at, id ROWS UNBOUNDED PRECEDING
        ) AS entries_so_far,
        FIRST_VALUE(source) OVER (
            PARTITION BY day, visitor
            ORDER BY CASE WHEN source = %s THEN 1 ELSE 0 END, at, id
        ) AS entry_source
    FROM {table}
    WHERE gmina_id = %s AND day IN ({days})
),
seen AS (
    SELECT day, visitor, NULLIF(page_id, 0) AS page_id, device, local_hour,
           CASE
               WHEN source <> %s THEN source
               WHEN entries_so_far > 0 THEN entry_source
               ELSE %s
           END AS source
    FROM ev
)
SELECT day, 'site', '', COUNT(*), COUNT(DISTINCT visitor)
    FROM seen GROUP BY day
UNION ALL
SELECT day, 'page', COALESCE(CAST(page_id AS TEXT), ''), COUNT(*),
       COUNT(DISTINCT visitor)
    FROM seen GROUP BY day, page_id
UNION ALL
SELECT day, 'source', source, COUNT(*), COUNT(DISTINCT visitor)
    FROM seen GROUP BY day, source
UNION ALL
SELECT day, 'device', device, COUNT(*), COUNT(DISTINCT visitor)
    FROM seen GROUP BY day, device
UNION ALL
SELECT day, 'hour', CAST(local_hour AS TEXT), COUNT(*), COUNT(DISTINCT visitor)
    FROM seen GROUP BY day, local_hour
UNION ALL
SELECT day, 'page_source', CAST(page_id AS TEXT) || ':' || source, COUNT(*),
       COUNT(DISTINCT visitor)
    FROM seen WHERE page_id IS NOT NULL GROUP BY day, page_id, source
"""

# The hour of a stored time in UTC, per database.
_UTC_HOUR = {
    "sqlite": "CAST(strftime('%%H', at) AS INTEGER)",
    "postgresql": "CAST(EXTRACT(HOUR FROM at AT TIME ZONE 'UTC') AS INTEGER)",
}


def _warsaw_hour(days: list[date]) -> tuple[str, list]:
    """SQL for the Warsaw hour (0..23) of `at` on these days, and its params.

    The UTC hour plus Warsaw's offset then, which changes only at whole UTC
    hours (daylight saving): one CASE branch per change within the days.
    """
    start = datetime.combine(days[0], time.min, WARSAW).astimezone(UTC)
    end = datetime.combine(days[-1] + timedelta(days=1), time.min, WARSAW)
    end = end.astimezone(UTC)

    def offset(moment: datetime) -> int:
        return int(moment.astimezone(WARSAW).utcoffset().total_seconds()) // 3600

    current = offset(start)
    branches, params = [], []
    moment = start + timedelta(hours=1)
    while moment < end:
        if offset(moment) != current:
            branches.append(f"WHEN at < %s THEN {current}")
            params.append(connection.ops.adapt_datetimefield_value(moment))
            current = offset(moment)
        moment += timedelta(hours=1)
    utc_hour = _UTC_HOUR[connection.vendor]
    if not branches:
        return f"(({utc_hour} + {current}) %% 24)", params
    shift = f"CASE {' '.join(branches)} ELSE {current} END"
    return f"(({utc_hour} + {shift}) %% 24)", params


def counts_of_days(gmina_id: int, days) -> dict[date, Counts]:
    """{day: counts} of the gmina's raw events on `days` (days without any
    are left out), aggregated by the database in one query.

    Per day and dimension: views and distinct visitors. A view from the
    gmina's own site takes the source of the visitor's first view that day
    (the way they came in) if that came before it, else "direct". The hour
    is Warsaw's ("00".."23"), so the heatmap of when residents read outlives
    the raw events and stays right across daylight-saving changes.
    """
    days = sorted(set(days))
    if not days:
        return {}
    hour, hour_params = _warsaw_hour(days)
    sql = _COUNTS_SQL.format(
        table=connection.ops.quote_name(ViewEvent._meta.db_table),
        hour=hour,
        days=", ".join(["%s"] * len(days)),
    )
    params = [
        *hour_params,
        INTERNAL,
        INTERNAL,
        gmina_id,
        *(connection.ops.adapt_datefield_value(day) for day in days),
        INTERNAL,
        Source.DIRECT.value,
    ]
    result: dict[date, Counts] = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for day, dimension, key, views, visitors in cursor.fetchall():
            if isinstance(day, str):  # SQLite gives the text it stores
                day = date.fromisoformat(day)
            if dimension == DailyStat.HOUR:
                key = f"{int(key):02d}"
            result.setdefault(day, {})[(dimension, key)] = (views, visitors)
    return result


def day_counts(gmina_id: int, day: date) -> Counts:
    return counts_of_days(gmina_id, [day]).get(day, {})


def roll_up_day(gmina_id: int, day: date) -> int:
    """Replace the gmina's roll-up of `day` with one from its raw events."""
    return _replace(gmina_id, day, day_counts(gmina_id, day))


def _replace(gmina_id: int, day: date, counts: Counts) -> int:
    with transaction.atomic():
        DailyStat.objects.filter(gmina_id=gmina_id, day=day).delete()
        DailyStat.objects.bulk_create(
            DailyStat(
                gmina_id=gmina_id,
                day=day,
                dimension=dimension,
                key=key,
                views=v,
                visitors=u,
            )
            for (dimension, key), (v, u) in counts.items()
        )
    return len(counts)


def days_to_roll_up(today: date, since: date | None = None) -> list[tuple[int, date]]:
    """(gmina id, day) of finished days with raw events and no roll-up yet,
    and yesterday's in any case; with `since`, every finished day from then
    on that has raw events (rolled up again)."""
    pending = set(
        ViewEvent.objects.filter(day__lt=today, day__gte=since or date.min)
        .values_list("gmina_id", "day")
        .distinct()
    )
    done = set()
    if since is None:
        done = set(
            DailyStat.objects.filter(
                dimension=DailyStat.SITE, day__lt=today - timedelta(days=1)
            )
            .values_list("gmina_id", "day")
            .distinct()
        )
    return sorted(pending - done, key=lambda gd: (gd[1], gd[0]))


def apply_retention(today: date) -> dict[str, int]:
    raw_cutoff = today - timedelta(days=settings.INSIGHTS_RAW_DAYS)
    rollup_cutoff = today - relativedelta(months=settings.INSIGHTS_ROLLUP_MONTHS)
    return {
        "raw": ViewEvent.objects.filter(day__lt=raw_cutoff).delete()[0],
        "rollups": DailyStat.objects.filter(day__lt=rollup_cutoff).delete()[0],
        "missed_searches": MissedSearch.objects.filter(day__lt=rollup_cutoff).delete()[
            0
        ],
        # A day's salt lives only for its day.
        "salts": DailySalt.objects.filter(day__lt=today).delete()[0],
    }


def roll_up(today: date | None = None, since: date | None = None) -> dict[str, int]:
    """Roll up finished days, then drop what is past its retention.

    `since`: also roll up again every finished day from then on whose raw
    events are still kept, replacing its roll-ups (`days_to_roll_up`).
    """
    today = today or timezone.localdate()
    days = days_to_roll_up(today, since)
    for gmina_id, day in days:
        roll_up_day(gmina_id, day)
    return {"days": len(days), **apply_retention(today)}
