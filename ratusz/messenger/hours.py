"""When the office answers, and the automatic reply outside those hours.

A gmina's weekly hours live in `OfficeHours.weekly` ({"0": [["07:30",
"15:30"]], …}, Monday is "0"); without a row (or with an empty table) the
office is open Monday to Friday 7:30–15:30, Polish time. Polish public
holidays are built in, the gmina adds its own days off as `Holiday` rows.

The mayor's "available this evening" switch (`OfficeHours.available_until`)
keeps the automatic reply back until that moment: somebody is answering.

`on_resident_wrote` (connected in MessengerConfig.ready) adds at most ONE
automatic reply per conversation per closed period: a second message on the
same evening gets none, the first one after the next opening gets a new one.
Residents who wrote by e-mail or on Messenger also get it that way
(`notifications.on_auto_reply`, one outbox delivery in the same transaction).
"""

from __future__ import annotations

import functools
import logging
from datetime import date, datetime, time, timedelta

from django.db import transaction

from ratusz.lib.dates import WARSAW
from ratusz.website.procedures import suggest_procedures

from . import notifications, services
from .models import Conversation, Holiday, Message, OfficeHours

logger = logging.getLogger(__name__)

DEFAULT_WEEKLY = {
    **{str(day): [["07:30", "15:30"]] for day in range(5)},
    "5": [],
    "6": [],
}
# How far ahead to look for the next opening (a gmina with no hours at all).
SEARCH_DAYS = 60
SUGGESTIONS = 3

WEEKDAYS_ACCUSATIVE = [
    "w poniedziałek",
    "we wtorek",
    "w środę",
    "w czwartek",
    "w piątek",
    "w sobotę",
    "w niedzielę",
]
MONTHS_GENITIVE = [
    "stycznia",
    "lutego",
    "marca",
    "kwietnia",
    "maja",
    "czerwca",
    "lipca",
    "sierpnia",
    "września",
    "października",
    "listopada",
    "grudnia",
]


def easter(year: int) -> date:
    """Easter Sunday (Gregorian calendar; the anonymous algorithm)."""
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    m = (32 + 2 * e + 2 * i - h - k) % 7
    n = (a + 11 * h + 22 * m) // 451
    month, day = divmod(h + m - 7 * n + 114, 31)
    return date(year, month, day + 1)


@functools.lru_cache(maxsize=32)
def polish_holidays(year: int) -> dict[date, str]:
    """Statutory days off in Poland (ustawa o dniach wolnych od pracy)."""
    sunday = easter(year)
    days = {
        date(year, 1, 1): "Nowy Rok",
        date(year, 1, 6): "Trzech Króli",
        sunday: "Wielkanoc",
        sunday + timedelta(days=1): "Poniedziałek Wielkanocny",
        date(year, 5, 1): "Święto Pracy",
        date(year, 5, 3): "Święto Konstytucji 3 Maja",
        sunday + timedelta(days=49): "Zielone Świątki",
        sunday + timedelta(days=60): "Boże Ciało",
        date(year, 8, 15): "Wniebowzięcie Najświętszej Maryi Panny",
        date(year, 11, 1): "Wszystkich Świętych",
        date(year, 11, 11): "Narodowe Święto Niepodległości",
        date(year, 12, 25): "Boże Narodzenie (pierwszy dzień)",
        date(year, 12, 26): "Boże Narodzenie (drugi dzień)",
    }
    if year >= 2025:  # Wigilia became a day off in 2025
        days[date(year, 12, 24)] = "Wigilia Bożego Narodzenia"
    return days


def _settings(gmina):

    return OfficeHours.objects.filter(gmina=gmina).first()


def _parse_spans(spans) -> list[tuple[time, time]]:
    parsed = []
    if not isinstance(spans, list):
        return parsed
    for span in spans:
        try:
            start, end = (time.fromisoformat(str(part)) for part in span[:2])
        except (TypeError, ValueError, IndexError, KeyError):
            continue  # a broken row must not stop the messenger
        if start < end:
            parsed.append((start, end))
    return sorted(parsed)


class Schedule:
    """A gmina's hours and days off, loaded once for a series of questions."""

    def __init__(self, gmina, hours=None):

        self.gmina = gmina
        self.hours = hours if hours is not None else _settings(gmina)
        weekly = (self.hours.weekly if self.hours else None) or DEFAULT_WEEKLY
        if not isinstance(weekly, dict):
            weekly = DEFAULT_WEEKLY
        self.weekly = {day: _parse_spans(weekly.get(str(day), [])) for day in range(7)}
        self.own_holidays = {
            h.date: h.name for h in Holiday.objects.filter(gmina=gmina)
        }

    def day_off(self, day: date) -> str | None:
        """The holiday's name if the office is closed all day, else None."""
        name = self.own_holidays.get(day)
        if name is not None:
            return name or "dzień wolny"
        return polish_holidays(day.year).get(day)

    def spans(self, day: date) -> list[tuple[datetime, datetime]]:
        if self.day_off(day) is not None:
            return []
        return [
            (
                datetime.combine(day, start, tzinfo=WARSAW),
                datetime.combine(day, end, tzinfo=WARSAW),
            )
            for start, end in self.weekly[day.weekday()]
        ]

    def is_open(self, when: datetime) -> bool:
        local = when.astimezone(WARSAW)
        return any(start <= local < end for start, end in self.spans(local.date()))

    def next_opening(self, when: datetime) -> datetime | None:
        """The start of the next opening strictly after `when` (None: none
        within SEARCH_DAYS)."""
        local = when.astimezone(WARSAW)
        for offset in range(SEARCH_DAYS):
            for start, _end in self.spans(local.date() + timedelta(days=offset)):
                if start > local:
                    return start
        return None

    def is_available(self, when: datetime) -> bool:
        until = self.hours.available_until if self.hours else None
        return until is not None and when < until


def is_open(gmina, when: datetime) -> bool:
    return Schedule(gmina).is_open(when)


def next_opening(gmina, when: datetime) -> datetime | None:
    """When the office opens next; `when` itself if it is open right then."""
    schedule = Schedule(gmina)
    if schedule.is_open(when):
        return when
    return schedule.next_opening(when)


def describe_opening(opening: datetime) -> str:
    """ "w poniedziałek 30 listopada po godz. 7:30"."""
    local = opening.astimezone(WARSAW)
    return (
        f"{WEEKDAYS_ACCUSATIVE[local.weekday()]} {local.day} "
        f"{MONTHS_GENITIVE[local.month - 1]} po godz. {local.hour}:{local.minute:02d}"
    )


def _suggestions(gmina, text: str) -> list:
    site = getattr(gmina, "site", None)
    if site is None:
        return []
    try:
        return list(suggest_procedures(site, text, limit=SUGGESTIONS))
    except Exception:
        logger.exception("procedure suggestions failed for gmina %s", gmina.pk)
        return []


def _full_url(gmina, url: str) -> str:
    if url.startswith("/"):
        return gmina.absolute_url(url)
    return url


def auto_reply_text(gmina, opening: datetime | None, question: str, hours=None):
    """The automatic reply: when to expect an answer, and where to read more."""
    when = describe_opening(opening) if opening else "w najbliższym dniu pracy urzędu"
    template = (hours.auto_reply if hours else "").strip()
    if template:
        text = template.replace("{kiedy}", when)
    else:
        text = f"Dziękujemy za wiadomość. Urząd jest teraz zamknięty. Odpowiemy {when}."
    suggestions = _suggestions(gmina, question)
    if suggestions:
        lines = ["", "Być może od razu pomogą te opisy spraw:"]
        for suggestion in suggestions:
            summary = (suggestion.summary or "").strip().replace("\n", " ")
            head = f"• {suggestion.title}"
            if summary:
                head += f" – {summary}"
            lines.append(head)
            lines.append(f"  {_full_url(gmina, suggestion.url)}")
        text += "\n".join(lines)
    return text


def maybe_auto_reply(conversation, message):
    """Add the automatic reply if the message came outside office hours.

    Returns the new system message, or None. Call outside a transaction: the
    text (procedure search included) is made before any lock is taken.
    """

    if message.author != Message.Author.RESIDENT:
        return None
    if conversation.source == Conversation.Source.STAFF:
        return None  # written down by staff: the resident is talking to them
    when = message.created_at
    schedule = Schedule(conversation.gmina)
    if schedule.is_open(when) or schedule.is_available(when):
        return None
    opening = schedule.next_opening(when)
    if _replied_before(conversation, schedule, opening):
        return None
    body = auto_reply_text(conversation.gmina, opening, message.body, schedule.hours)
    with transaction.atomic():
        # Two messages of one evening at once: the other one's reply may
        # have been written meanwhile; the conversation's lock settles it.
        services.lock_conversation(conversation.pk)
        if _replied_before(conversation, schedule, opening):
            return None
        reply = services.add_system_message(conversation, body, now=when)
        # E-mail and Messenger residents get it the way they wrote (the outbox).
        notifications.on_auto_reply(conversation, reply)
    return reply


def _replied_before(conversation, schedule, opening) -> bool:
    """An automatic reply in the same closed period (no opening between it
    and `opening`) already went out."""

    earlier = (
        conversation.messages.filter(author=Message.Author.SYSTEM)
        .order_by("-pk")
        .values_list("created_at", flat=True)
        .first()
    )
    return earlier is not None and schedule.next_opening(earlier) == opening


def on_resident_wrote(sender, conversation, message, **kwargs):
    """`signals.resident_wrote` receiver: the automatic reply is written once
    the resident's message is committed, in a transaction of its own.

    Inside the resident's transaction it would hold the conversation's lock
    (and keep the message from the inbox) while it reads the office hours
    and looks for procedures.
    """
    transaction.on_commit(
        functools.partial(_auto_reply_committed, conversation, message)
    )


def _auto_reply_committed(conversation, message):
    """Never fails the resident's message (it is already stored)."""
    try:
        return maybe_auto_reply(conversation, message)
    except Exception:
        logger.exception("automatic reply failed for %s", conversation.pk)
    return None
