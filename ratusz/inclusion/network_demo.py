"""The demo gmina's free network: three WiFi4EU hotspots, one of them down,
with two months of history (a demo step, see ratusz.lib.demo).

The demo's hotspots are not checked by the worker ("nie sprawdzaj"): it has
no devices to reach, and a check would replace the state shown here.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from ratusz.lib.dates import WARSAW

from .models import Programme
from .network import AccessPoint, CheckDay, Outage

PROGRAMME = "WiFi4EU – darmowy internet w gminie"
CHECKS_PER_DAY = 288  # every 5 minutes
HISTORY_DAYS = 60

HOTSPOTS = [
    {
        "name": "Rynek przed urzędem",
        "address": "Rynek 1, przed urzędem gminy",
        "latitude": Decimal("49.934100"),
        "longitude": Decimal("20.212300"),
        "how_to_connect": "Zasięg obejmuje cały rynek i przystanek autobusowy.",
        "equipment": "Ubiquiti UniFi AC Mesh Pro",
        "state": AccessPoint.State.UP,
    },
    {
        "name": "Szkoła Podstawowa – boisko",
        "address": "ul. Szkolna 4",
        "latitude": Decimal("49.937800"),
        "longitude": Decimal("20.205600"),
        "how_to_connect": "Boisko i plac zabaw; w dni nauki od 16:00.",
        "equipment": "Ubiquiti UniFi AC Mesh",
        "state": AccessPoint.State.UP,
    },
    {
        "name": "Remiza OSP",
        "address": "ul. Strażacka 2",
        "latitude": Decimal("49.930200"),
        "longitude": Decimal("20.219900"),
        "how_to_connect": "Przed remizą i na placu festynowym.",
        "equipment": "Cambium cnPilot e501S",
        "state": AccessPoint.State.DOWN,
    },
]


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=WARSAW)


def load(gmina, *, today: date) -> None:
    programme, _created = Programme.objects.get_or_create(
        gmina=gmina,
        name=PROGRAMME,
        defaults={"template": Programme.Template.WIFI4EU},
    )
    for number, spec in enumerate(HOTSPOTS):
        spec = dict(spec)
        state = spec.pop("state")
        point, created = AccessPoint.objects.get_or_create(
            gmina=gmina,
            name=spec.pop("name"),
            defaults={
                **spec,
                "programme": programme,
                "installed_on": date(2023, 5, 15),
                "backhaul_mbps": 100,
                "isp_contract_end": date(2026, 12, 31) + timedelta(days=365),
                "wifi4eu_network_id": uuid.uuid5(uuid.NAMESPACE_URL, spec["address"]),
            },
        )
        if created:
            _history(point, state, today=today, seed=number)


def _history(point: AccessPoint, state: str, *, today: date, seed: int) -> None:
    """Day counters, two short outages in the past and, for a hotspot that is
    down, the outage still going on since yesterday evening."""
    first = today - timedelta(days=HISTORY_DAYS)
    outages = [
        (first + timedelta(days=12 + 7 * seed), 2, 30),
        (first + timedelta(days=41 - 5 * seed), 9, 45),
    ]
    failed = {day: minutes // 5 for day, _hour, minutes in outages}
    CheckDay.objects.bulk_create(
        CheckDay(
            access_point=point,
            day=first + timedelta(days=n),
            checks=CHECKS_PER_DAY,
            failures=failed.get(first + timedelta(days=n), 0),
        )
        for n in range(HISTORY_DAYS)
    )
    for day, hour, minutes in outages:
        start = _at(day, hour)
        Outage.objects.create(
            access_point=point,
            started_at=start,
            ended_at=start + timedelta(minutes=minutes),
            error="Brak odpowiedzi w wyznaczonym czasie.",
        )
    last_check = _at(today, 8)
    point.state = state
    point.last_checked_at = last_check
    point.state_since = _at(first, 12)
    if state == AccessPoint.State.DOWN:
        since = _at(today - timedelta(days=1), 19, 40)
        point.state_since = since
        point.last_error = "Serwer 10.20.3.1 nie odpowiedział na czas."
        Outage.objects.create(
            access_point=point,
            started_at=since,
            error=point.last_error,
            down_alerted_at=since + timedelta(minutes=15),
        )
    point.save(update_fields=["state", "last_checked_at", "state_since", "last_error"])
