"""The demo gmina's e-Inclusion register (a `lib.demo` step, see apps.py).

The founding story's programme, "Przeciwdziałanie wykluczeniu cyfrowemu –
eInclusion" (POIG 8.3), with a few dozen households, their computer sets
handed over under protocols, a few later events (a repair, a return, a
loss), a year of durability checks (some due soon, some overdue), the
yearly statements: last year's campaign closed (some late, some missing)
and this year's in progress (reminders sent, some statements in), three
trainings with their participants and hours, and one fault report a
resident sent from an item's QR label (which then went for repair). Its
durability started two years before the demo's day, so that a newcomer
sees the countdown running; its reporting window is set around that day;
one household has asked for erasure (RODO) and waits for anonymisation.
Idempotent: rows are found by their natural keys (programme name,
household name and address, inventory number, training title), an item
already handed over is left as it is, and the fault report is made once.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from ratusz.gminas.models import Village
from ratusz.messenger import services as messenger

from . import checks, faults, rodo, statement_reminders, statements, trainings
from . import equipment as register
from .equipment import Equipment, Status
from .faults import FaultReport
from .households import Household
from .models import Programme
from .trainings import Training

PROGRAMME = "Przeciwdziałanie wykluczeniu cyfrowemu – eInclusion"
HOUSEHOLDS = 36

SURNAMES = [
    ("Nowak", "Nowak"),
    ("Kowalski", "Kowalska"),
    ("Wiśniewski", "Wiśniewska"),
    ("Wójcik", "Wójcik"),
    ("Kamiński", "Kamińska"),
    ("Lewandowski", "Lewandowska"),
    ("Zieliński", "Zielińska"),
    ("Szymański", "Szymańska"),
    ("Woźniak", "Woźniak"),
    ("Dąbrowski", "Dąbrowska"),
    ("Kozłowski", "Kozłowska"),
    ("Jankowski", "Jankowska"),
    ("Mazur", "Mazur"),
    ("Kwiatkowski", "Kwiatkowska"),
    ("Krawczyk", "Krawczyk"),
    ("Piotrowski", "Piotrowska"),
    ("Grabowski", "Grabowska"),
    ("Pawłowski", "Pawłowska"),
]
MEN = ["Jan", "Piotr", "Krzysztof", "Andrzej", "Tomasz", "Paweł", "Michał", "Łukasz"]
WOMEN = ["Anna", "Maria", "Katarzyna", "Małgorzata", "Agnieszka", "Barbara", "Ewa"]
STREETS = ["Polna", "Leśna", "Szkolna", "Kościelna", "Ogrodowa", "Łąkowa", "Źródlana"]
BASES = [
    Household.Basis.INCOME,
    Household.Basis.INCOME,
    Household.Basis.SCHOLARSHIP,
    Household.Basis.DISABILITY,
    Household.Basis.FOSTER,
    Household.Basis.SENIOR,
]
MODELS = {
    Equipment.Kind.DESKTOP: "Dell OptiPlex 3010",
    Equipment.Kind.LAPTOP: "Lenovo ThinkPad L530",
}


def load(gmina, *, today: date) -> None:
    programme = _programme(gmina, today)
    villages = list(Village.objects.filter(gmina=gmina).order_by("name"))
    for n in range(1, HOUSEHOLDS + 1):
        household = _household(gmina, programme, villages, n)
        item = _item(gmina, programme, n)
        if item.status == Status.IN_STOCK and item.protocol_id is None:
            _hand_over(household, item, today - timedelta(days=700 + n))
    _fault_report(gmina)
    _later_events(gmina, today)
    _inspections(gmina, programme, today)
    _statements(programme, today)
    _trainings(gmina, programme, today)
    for n in range(HOUSEHOLDS + 1, HOUSEHOLDS + 5):  # spares in the stock
        _item(gmina, programme, n)
    _erasure_request(gmina, programme)


def _erasure_request(gmina, programme) -> None:
    """The last household asked for erasure (RODO): its contact is gone, the
    rest waits for the end of durability plus archiving."""
    household = (
        Household.objects.filter(gmina=gmina, programme=programme)
        .order_by("-pk")
        .first()
    )
    if household is not None and household.erasure_requested_on is None:
        rodo.request_erasure(household, today=programme.durability_start)


def _programme(gmina, today: date) -> Programme:
    programme = Programme.objects.filter(gmina=gmina, name=PROGRAMME).first()
    if programme is not None:
        return programme
    programme = Programme(
        gmina=gmina,
        name=PROGRAMME,
        template=Programme.Template.POIG_83,
        agreement_number="POIG.08.03.00-30-012/11-00",
        agreement_date=today - timedelta(days=4 * 365),
        starts_on=today - timedelta(days=4 * 365),
        ends_on=today - timedelta(days=2 * 365 + 30),
        durability_start=today - timedelta(days=2 * 365),
    )
    programme.apply_template()
    programme.full_clean()
    programme.save()
    return programme


def _household(gmina, programme, villages, n: int) -> Household:
    male, female = SURNAMES[n % len(SURNAMES)]
    woman = n % 3 != 0
    surname = female if woman else male
    names = WOMEN if woman else MEN
    first_name = names[(n * 5) % len(names)]
    village = villages[n % len(villages)] if villages else None
    address = f"ul. {STREETS[n % len(STREETS)]} {n}"
    household, _ = Household.objects.get_or_create(
        gmina=gmina,
        programme=programme,
        surname=surname,
        first_name=first_name,
        address=address,
        defaults={
            "village": village,
            "phone": f"+48 600 100 {n:03d}" if n % 4 else "",
            "email": f"gospodarstwo{n}@example.org" if n % 5 == 1 else "",
            "basis": BASES[n % len(BASES)],
            "documents": programme.document_list()[:2] + ["umowa użyczenia"],
            "consent": True,
            "consent_on": programme.starts_on + timedelta(days=30 + n),
            "rodo_informed_on": programme.starts_on + timedelta(days=30 + n),
        },
    )
    return household


def _item(gmina, programme, n: int) -> Equipment:
    inventory = f"EI/{n:03d}"
    item = Equipment.objects.filter(gmina=gmina, inventory_number=inventory).first()
    if item is not None:
        return item
    kind = Equipment.Kind.LAPTOP if n % 2 else Equipment.Kind.DESKTOP
    components = (
        "zasilacz, torba, mysz"
        if kind == Equipment.Kind.LAPTOP
        else "monitor 19″, klawiatura, mysz, głośniki"
    )
    return register.register_item(
        gmina=gmina,
        programme=programme,
        inventory_number=inventory,
        serial_number=f"{'CZC' if n % 2 else 'PBK'}{(n * 7919 + 104729) % 10**7:07d}",
        kind=kind,
        model=MODELS[kind],
        components=components,
    )


def _hand_over(household, item, handed_on: date) -> None:
    protocol = register.create_protocol(household, [item], handed_on=handed_on)
    register.hand_over(protocol)


def _later_events(gmina, today: date) -> None:
    """A repair, a return and a loss, each once."""
    now = timezone.now()
    for number, target, note in [
        ("EI/005", Status.IN_REPAIR, "nie uruchamia się – serwis gwarancyjny"),
        ("EI/011", Status.RETURNED, "rodzina wyprowadziła się z gminy"),
        ("EI/017", Status.LOST, "kradzież zgłoszona na policję"),
    ]:
        item = Equipment.objects.filter(gmina=gmina, inventory_number=number).first()
        if item is None or item.status != Status.LENT:
            continue
        register.change_status(item, target, note=note, at=now - timedelta(days=40))


def _inspections(gmina, programme, today: date) -> None:
    """Visits of the last year: some households due soon, some overdue, the
    rest never visited yet (each household once)."""
    households = programme.households.order_by("pk")[:24]
    for n, household in enumerate(households):
        if household.inspections.exists():
            continue
        checked_on = today - timedelta(days=320 + n * 3)
        checks.record_inspection(
            household,
            checked_on=checked_on,
            result=checks.Inspection.Result.OK
            if n % 6
            else checks.Inspection.Result.ISSUES,
            note="" if n % 6 else "klawiatura uszkodzona, zgłoszono do serwisu",
        )


STATEMENT_WINDOW = "oświadczenie o posiadaniu i wykorzystaniu sprzętu"


def _statements(programme, today: date) -> None:
    """Last year's campaign, closed, and this year's, open on `today`.

    Which statements are in follows from each household's position, so a
    second run records nothing new."""
    if not programme.reporting_windows:
        start, end = today - timedelta(days=20), today + timedelta(days=10)
        programme.reporting_windows = f"{start:%d.%m}–{end:%d.%m} {STATEMENT_WINDOW}"
        programme.save(update_fields=["reporting_windows"])
    current = None
    for window in programme.windows():
        for year in (today.year - 1, today.year):
            first, last = window.dates(year)
            if first <= today <= last:
                current = (window, year, first)
    if current is None:
        return
    window, year, first = current
    past, _added = statements.create_campaign(programme, window, year - 1)
    for n, statement in enumerate(past.statements.order_by("pk")):
        if n % 11 == 4:
            continue  # missing
        if n % 11 == 7:
            submitted_on = past.window_end + timedelta(days=12)  # late
        else:
            submitted_on = min(
                past.window_start + timedelta(days=n % 10), past.window_end
            )
        _record(statement, submitted_on, today)
    campaign, _added = statements.create_campaign(programme, window, year)
    statement_reminders.send_reminders(campaign, by=None, today=today)
    days_open = (today - first).days
    for n, statement in enumerate(campaign.statements.order_by("pk")):
        if n % 3 == 0 and days_open >= 1:
            _record(statement, first + timedelta(days=n % days_open), today)


def _record(statement, submitted_on: date, today: date) -> None:
    if statement.submitted_on is not None:
        return
    how = statements.Statement.Received
    statements.record_statement(
        statement,
        submitted_on=submitted_on,
        received_how=how.PAPER if statement.pk % 2 else how.IN_PERSON,
        today=today,
    )


FAULTY_ITEM = "EI/005"


def _fault_report(gmina) -> None:
    """The resident's report from EI/005's label, the day before the office
    sent the item for repair (`_later_events`), with the office's answer."""
    item = Equipment.objects.filter(gmina=gmina, inventory_number=FAULTY_ITEM).first()
    if item is None or FaultReport.objects.filter(equipment=item).exists():
        return
    reported_at = timezone.now() - timedelta(days=41)
    conversation = faults.open_fault_report(
        item,
        gmina,
        body=(
            "Dzień dobry, laptop z programu nie włącza się od wczoraj – dioda "
            "zasilania miga na pomarańczowo, ekran zostaje czarny."
        ),
        resident_name="Katarzyna",
        now=reported_at,
    )
    messenger.reply(
        conversation,
        None,
        "Dziękujemy za zgłoszenie. Prosimy przynieść laptop z zasilaczem do "
        "urzędu (pokój 12) – wyślemy go do serwisu gwarancyjnego.",
        now=reported_at + timedelta(hours=3),
    )


# (title, days before the demo day, hour, hours, place, trainer, households)
TRAININGS = [
    (
        "Podstawy obsługi komputera i internetu",
        300,
        10,
        Decimal("4"),
        "Świetlica wiejska w Łąkach",
        "Marek Zając",
        10,
    ),
    (
        "Bezpieczeństwo w internecie: oszustwa, hasła, bankowość",
        180,
        16,
        Decimal("3"),
        "Gminna Biblioteka Publiczna",
        "Marek Zając",
        8,
    ),
    (
        "e-Urząd: profil zaufany, ePUAP i mObywatel",
        60,
        10,
        Decimal("2.5"),
        "Urząd Gminy, sala narad",
        "Joanna Pietrzak",
        6,
    ),
]


def _trainings(gmina, programme, today: date) -> None:
    """Three trainings, each with some households: most came for the whole
    time, one left early, one did not come."""
    households = list(programme.households.order_by("pk"))
    for n, (title, days, hour, hours, place, trainer, count) in enumerate(TRAININGS):
        if Training.objects.filter(gmina=gmina, title=title).exists():
            continue
        starts_at = timezone.make_aware(
            datetime.combine(today - timedelta(days=days), time(hour))
        )
        training = Training.objects.create(
            gmina=gmina,
            programme=programme,
            title=title,
            starts_at=starts_at,
            ends_at=starts_at + timedelta(minutes=int(hours * 60) + 30),
            place=place,
            trainer=trainer,
            hours=hours,
        )
        chosen = households[n * 5 : n * 5 + count]
        rows = []
        for k, household in enumerate(chosen):
            participant = trainings.add_participant(training, household)
            attended = k != 1  # the second one did not come
            early = k == 2  # the third one left at half time
            half = Decimal(int(hours)) / 2  # whole or half hours
            rows.append((participant, attended, half if early else None))
        trainings.record_attendance(training, rows)
