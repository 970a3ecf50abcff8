"""Bulk import of a gmina's existing register from a spreadsheet (CSV or
XLSX): one row an item, with the household it was handed to, if any.

`run` reads the file and checks every row against the file itself and the
register; only when nothing is wrong does it write, all in one transaction:
the households (rows with the same surname, first name and address are one
household), the items, and for each household and handover date a protocol,
drawn up and handed over through `equipment.create_protocol` and
`hand_over` like one made on the screens (so an item never becomes lent or
given without one). An item whose inventory number is already in the
register with the same serial number is skipped, so a second run adds
nothing. `manage.py inclusion_import` and the "Import z arkusza" screen
(`staff/imports.py`) call it.
"""

from __future__ import annotations

import csv
import io
import re
import secrets
import zipfile
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from ratusz.gminas.models import Gmina, Village
from ratusz.lib import polish, private_files
from ratusz.lib.phones import national_number
from ratusz.lib.polish import sorted_polish
from ratusz.lib.spreadsheets import unescape_formula

from . import equipment as register
from .equipment import Equipment, EquipmentEvent
from .households import Household

INVENTORY = "nr_inwentarzowy"
SERIAL = "numer_seryjny"
KIND = "rodzaj"
MODEL = "model"
HANDED_ON = "data_przekazania"
SURNAME = "nazwisko"
FIRST_NAME = "imie"
VILLAGE = "soletwo"
ADDRESS = "adres"
PHONE = "telefon"
EMAIL = "email"
NOTES = "uwagi"
COLUMNS = [
    INVENTORY,
    SERIAL,
    KIND,
    MODEL,
    HANDED_ON,
    SURNAME,
    FIRST_NAME,
    VILLAGE,
    ADDRESS,
    PHONE,
    EMAIL,
    NOTES,
]
REQUIRED_COLUMNS = [INVENTORY, SERIAL, KIND]
# Other spellings of the headers people type (compared folded, see _header).
HEADER_ALIASES = {
    "solectwo": VILLAGE,
    "e_mail": EMAIL,
    "nr_seryjny": SERIAL,
    "numer_inwentarzowy": INVENTORY,
}

IMPORTED = "zaimportowano z arkusza"
MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5000
# A header further down than this is not looked for (title rows above it).
HEADER_SEARCH_ROWS = 10
# Uploads waiting for the "Importuj" button are dropped after this.
UPLOAD_KEPT = timedelta(days=1)
UPLOADS = "inclusion/imports"

_DOTTED = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_PHONE_CHARACTERS = re.compile(r"^[\d\s+\-./()]+$")

Kind = Equipment.Kind
# Names of the kinds besides their labels ("komputer stacjonarny") and values.
KIND_SYNONYMS = {
    "komputer": Kind.DESKTOP,
    "zestaw komputerowy": Kind.DESKTOP,
    "stacjonarny": Kind.DESKTOP,
    "pc": Kind.DESKTOP,
    "notebook": Kind.LAPTOP,
    "drukarka": Kind.PRINTER,
    "modem": Kind.MODEM,
    "router": Kind.MODEM,
}


def fold(text) -> str:
    """`text` for comparing what people type: no case, no Polish letters,
    punctuation and runs of spaces as one space ("Zawada-Górna" ~ "zawada gorna")."""
    return " ".join(re.findall(r"\w+", polish.fold(str(text or "")).casefold()))


def _header(text) -> str:
    key = fold(text).replace(" ", "_")
    return HEADER_ALIASES.get(key, key)


KIND_NAMES = {
    **{fold(value): value for value in Kind.values},
    **{fold(label): value for value, label in Kind.choices},
    **{fold(name): value for name, value in KIND_SYNONYMS.items()},
}


@dataclass(frozen=True)
class Problem:
    """What is wrong, where: the spreadsheet's row (the header is one of
    them; None for the whole file) and the column."""

    row: int | None
    column: str
    message: str

    def __str__(self):
        if self.row is None:
            return self.message
        if not self.column:
            return _("wiersz %(row)d: %(message)s") % {
                "row": self.row,
                "message": self.message,
            }
        return _("wiersz %(row)d, kolumna %(column)s: %(message)s") % {
            "row": self.row,
            "column": self.column,
            "message": self.message,
        }


@dataclass
class Person:
    surname: str
    first_name: str
    address: str
    village: Village | None
    phone: str
    email: str
    row: int

    @property
    def key(self) -> tuple[str, str, str]:
        return household_key(self.surname, self.first_name, self.address)


@dataclass
class Line:
    """A valid row: one item, and whom it was handed to on which day."""

    row: int
    inventory: str
    serial: str
    kind: str
    model: str
    handed_on: date | None
    person: Person | None
    notes: str


@dataclass
class ImportResult:
    problems: list[Problem] = field(default_factory=list)
    dry_run: bool = False
    written: bool = False
    households: int = 0  # new ones (created, or to be)
    items: int = 0
    in_stock: int = 0  # of `items`, those handed to nobody
    protocols: int = 0
    skipped: list[tuple[int, str]] = field(default_factory=list)  # (row, inv. no.)
    ignored_columns: list[str] = field(default_factory=list)
    # After a write: (protocol number, handover day, its inventory numbers).
    created_protocols: list[tuple[str, date, list[str]]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> list[str]:
        """What was (or, in a dry run, would be) created, in Polish lines."""
        counts = _(
            "gospodarstwa: %(households)d, sprzęt: %(items)d (w magazynie: "
            "%(in_stock)d), protokoły przekazania: %(protocols)d"
        ) % {
            "households": self.households,
            "items": self.items,
            "in_stock": self.in_stock,
            "protocols": self.protocols,
        }
        if self.written:
            lines = [_("Utworzono: %(counts)s.") % {"counts": counts}]
        elif self.dry_run and self.ok:
            lines = [
                _("Próba, nic nie zapisano. Import utworzy: %(counts)s.")
                % {"counts": counts}
            ]
        else:
            lines = []
        for number, day, inventory in self.created_protocols:
            lines.append(
                _("Protokół %(number)s z %(day)s: %(items)s")
                % {
                    "number": number,
                    "day": f"{day:%d.%m.%Y}",
                    "items": ", ".join(inventory),
                }
            )
        if self.skipped:
            lines.append(
                _("Już w rejestrze, pominięte: %(rows)s.")
                % {
                    "rows": ", ".join(
                        _("wiersz %(row)d (%(number)s)")
                        % {"row": row, "number": number}
                        for row, number in self.skipped
                    )
                }
            )
        if self.ignored_columns:
            lines.append(
                _("Pominięte kolumny: %(names)s.")
                % {"names": ", ".join(self.ignored_columns)}
            )
        return lines


def household_key(surname: str, first_name: str, address: str) -> tuple:
    return (fold(surname), fold(first_name), fold(address))


# Reading ---------------------------------------------------------------------


def detect_format(data: bytes) -> str:
    """ "xlsx", "csv", "xls" (an old Excel file) or "" (neither), by content."""
    if data.startswith(b"PK\x03\x04"):
        return "xlsx"
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        return "xls"
    if not data or b"\x00" in data[:8192]:
        return ""
    return "csv"


def read_table(data: bytes) -> tuple[list[list], list[Problem]]:
    """The file's rows as lists of cells (text, dates), or what is wrong."""
    fmt = detect_format(data)
    if not data.strip():
        return [], [Problem(None, "", _("Plik jest pusty."))]
    if fmt == "xlsx":
        return _xlsx_rows(data)
    if fmt == "csv":
        return _csv_rows(data)
    if fmt == "xls":
        message = _("Zapisz arkusz jako XLSX (Excel 2007 lub nowszy) albo CSV.")
    else:
        message = _("To nie jest arkusz CSV ani XLSX.")
    return [], [Problem(None, "", message)]


def _cell(value):
    """One cell as text, or a date (XLSX keeps real dates)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a serial or phone number typed as a number
    return unescape_formula(str(value).strip())


def _too_many_rows() -> Problem:
    return Problem(
        None,
        "",
        _("Arkusz ma więcej niż %(n)d wierszy; podziel go na części.")
        % {"n": MAX_ROWS},
    )


def _xlsx_rows(data: bytes) -> tuple[list[list], list[Problem]]:
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, ValueError, OSError):
        return [], [Problem(None, "", _("Nie da się odczytać pliku XLSX."))]
    try:
        sheet = book.worksheets[0]
        # Some programs write a wrong size; read every row there is.
        sheet.reset_dimensions()
        rows = []
        for values in sheet.iter_rows(values_only=True):
            if len(rows) > MAX_ROWS:
                return [], [_too_many_rows()]
            rows.append([_cell(value) for value in values])
    except (zipfile.BadZipFile, KeyError, ValueError, OSError):
        return [], [Problem(None, "", _("Nie da się odczytać pliku XLSX."))]
    finally:
        book.close()
    return rows, []


def _csv_rows(data: bytes) -> tuple[list[list], list[Problem]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Excel's plain "CSV" is saved in the Windows code page (Polish: 1250).
        try:
            text = data.decode("cp1250")
        except UnicodeDecodeError:
            return [], [Problem(None, "", _("Zapisz plik CSV w kodowaniu UTF-8."))]
    first = next((line for line in text.splitlines() if line.strip()), "")
    # Polish Excel separates with ";", others with ","; the header says which.
    delimiter = max([",", ";", "\t"], key=first.count)
    rows = []
    try:
        for values in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
            if len(rows) > MAX_ROWS:
                return [], [_too_many_rows()]
            rows.append([_cell(value) for value in values])
    except csv.Error:
        return [], [Problem(None, "", _("Nie da się odczytać pliku CSV."))]
    return rows, []


def _records(rows: list[list]):
    """({row number: {column: cell}}, problems, ignored header names)."""
    header_at = None
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        if any(_header(cell) in COLUMNS for cell in row if isinstance(cell, str)):
            header_at = index
            break
    if header_at is None:
        header_at = next((i for i, row in enumerate(rows) if any(row)), 0)
    header_row = header_at + 1
    header = rows[header_at] if rows else []
    problems = []
    positions: dict[str, int] = {}
    ignored = []
    for position, cell in enumerate(header):
        name = _header(cell) if isinstance(cell, str) else ""
        if name in COLUMNS:
            if name in positions:
                problems.append(
                    Problem(header_row, name, _("Ta kolumna występuje dwa razy."))
                )
            positions[name] = position
        elif cell != "":
            ignored.append(str(cell))
    for name in REQUIRED_COLUMNS:
        if name not in positions:
            problems.append(Problem(header_row, name, _("Brak tej kolumny.")))
    records = {}
    for index in range(header_at + 1, len(rows)):
        row = rows[index]
        if not any(cell != "" for cell in row):
            continue
        records[index + 1] = {
            name: row[position] if position < len(row) else ""
            for name, position in positions.items()
        }
    if not records and not problems:
        problems.append(Problem(None, "", _("W pliku nie ma wierszy ze sprzętem.")))
    return records, problems, ignored


# Checking --------------------------------------------------------------------


def parse_date(value) -> date:
    """DD.MM.RRRR or RRRR-MM-DD (or a date cell); ValueError with a Polish message."""
    if isinstance(value, date):
        return value
    text = str(value).strip()
    if match := _DOTTED.match(text):
        day, month, year = (int(part) for part in match.groups())
    elif match := _ISO.match(text):
        year, month, day = (int(part) for part in match.groups())
    else:
        raise ValueError(_("Zapisz datę jako DD.MM.RRRR albo RRRR-MM-DD."))
    try:
        return date(year, month, day)
    except ValueError:
        raise ValueError(_("Nie ma takiego dnia: %(text)s.") % {"text": text}) from None


def parse_kind(value: str) -> str:
    kind = KIND_NAMES.get(fold(value))
    if kind is None:
        raise ValueError(
            _("Nieznany rodzaj sprzętu „%(value)s”; dozwolone: %(names)s.")
            % {"value": value, "names": ", ".join(Kind.labels)}
        )
    return kind


def _max_length(model, name: str) -> int:
    return model._meta.get_field(name).max_length


NOTES_MAX = _max_length(EquipmentEvent, "note") - len(IMPORTED) - 2


class _Row:
    """One row's cells with the problems found in them."""

    def __init__(self, number: int, cells: dict, problems: list[Problem]):
        self.number = number
        self.cells = cells
        self.problems = problems

    def problem(self, column: str, message: str) -> None:
        self.problems.append(Problem(self.number, column, message))

    def text(self, column: str, *, max_length: int | None = None) -> str:
        value = self.cells.get(column, "")
        if isinstance(value, date):
            value = f"{value:%d.%m.%Y}"
        value = " ".join(str(value).split())
        if max_length and len(value) > max_length:
            self.problem(
                column,
                _("Za długie: najwyżej %(max)d znaków (jest %(n)d).")
                % {"max": max_length, "n": len(value)},
            )
        return value

    def required(self, column: str, value: str, message: str) -> str:
        if not value:
            self.problem(column, message)
        return value


def _check_row(row: _Row, villages: dict[str, Village], today: date) -> Line | None:
    """The row as a Line, or None when something in it is wrong."""
    before = len(row.problems)
    inventory = row.required(
        INVENTORY,
        row.text(INVENTORY, max_length=_max_length(Equipment, "inventory_number")),
        _("Podaj numer inwentarzowy."),
    )
    serial = row.required(
        SERIAL,
        row.text(SERIAL, max_length=_max_length(Equipment, "serial_number")),
        _("Podaj numer seryjny."),
    )
    kind = ""
    if kind_text := row.required(KIND, row.text(KIND), _("Podaj rodzaj sprzętu.")):
        try:
            kind = parse_kind(kind_text)
        except ValueError as error:
            row.problem(KIND, str(error))
    model = row.text(MODEL, max_length=_max_length(Equipment, "model"))
    notes = row.text(NOTES, max_length=NOTES_MAX)

    handed_on = None
    raw_date = row.cells.get(HANDED_ON, "")
    if raw_date != "":
        try:
            handed_on = parse_date(raw_date)
        except ValueError as error:
            row.problem(HANDED_ON, str(error))
        else:
            if handed_on > today:
                row.problem(HANDED_ON, _("Data przekazania jest w przyszłości."))

    person = _check_person(row, villages)
    if person is None and handed_on is not None:
        row.problem(
            SURNAME,
            _("Podano datę przekazania: podaj też nazwisko, imię i adres."),
        )
    if person is not None and raw_date == "":
        row.problem(
            HANDED_ON,
            _("Sprzęt gospodarstwa wymaga protokołu: podaj datę przekazania."),
        )
    if len(row.problems) > before:
        return None
    return Line(row.number, inventory, serial, kind, model, handed_on, person, notes)


def _check_person(row: _Row, villages: dict[str, Village]) -> Person | None:
    """The household the row names (None for an item in stock)."""
    surname = row.text(SURNAME, max_length=_max_length(Household, "surname"))
    first_name = row.text(FIRST_NAME, max_length=_max_length(Household, "first_name"))
    address = row.text(ADDRESS, max_length=_max_length(Household, "address"))
    village_name = row.text(VILLAGE)
    phone = row.text(PHONE, max_length=_max_length(Household, "phone"))
    email = row.text(EMAIL, max_length=_max_length(Household, "email"))
    if not any([surname, first_name, address, village_name, phone, email]):
        return None
    row.required(SURNAME, surname, _("Podaj nazwisko."))
    row.required(FIRST_NAME, first_name, _("Podaj imię."))
    row.required(ADDRESS, address, _("Podaj adres."))
    village = None
    if village_name:
        village = villages.get(fold(village_name))
        if village is None:
            names = ", ".join(sorted_polish(v.name for v in villages.values()))
            row.problem(
                VILLAGE,
                _("W gminie nie ma sołectwa „%(name)s”. Sołectwa: %(names)s.")
                % {"name": village_name, "names": names or _("brak")},
            )
    if phone and not (_PHONE_CHARACTERS.match(phone) and national_number(phone)):
        row.problem(
            PHONE,
            _("Numer telefonu ma 9 cyfr, np. 600 123 456 albo +48 12 345 67 89."),
        )
    if email:
        try:
            validate_email(email)
        except ValidationError:
            row.problem(EMAIL, _("To nie jest poprawny adres e-mail."))
    return Person(surname, first_name, address, village, phone, email, row.number)


def _check_duplicates(records: dict[int, dict], problems: list[Problem]) -> None:
    """The same inventory or serial number on two rows (valid or not)."""
    for column in (INVENTORY, SERIAL):
        seen: dict[str, int] = {}
        for number, cells in records.items():
            value = " ".join(str(cells.get(column, "")).split())
            if not value:
                continue
            if value in seen:
                problems.append(
                    Problem(
                        number,
                        column,
                        _("Ten numer jest już w wierszu %(row)d.")
                        % {"row": seen[value]},
                    )
                )
            else:
                seen[value] = number


def _check_households(lines: list[Line], problems: list[Problem]) -> None:
    """One household described two ways; later rows complete the first."""
    households: dict[tuple, Person] = {}
    for line in lines:
        person = line.person
        if person is None:
            continue
        first = households.setdefault(person.key, person)
        for column, name, same in (
            (VILLAGE, "village", lambda a, b: a == b),
            (PHONE, "phone", lambda a, b: national_number(a) == national_number(b)),
            (EMAIL, "email", lambda a, b: a.casefold() == b.casefold()),
        ):
            mine, theirs = getattr(person, name), getattr(first, name)
            if mine and theirs and not same(mine, theirs):
                problems.append(
                    Problem(
                        line.row,
                        column,
                        _(
                            "To samo gospodarstwo ma w wierszu %(row)d inną wartość "
                            "w tej kolumnie."
                        )
                        % {"row": first.row},
                    )
                )
            elif mine and not theirs:
                setattr(first, name, mine)  # a later row completes the household
        line.person = first


def _check_against_register(
    gmina: Gmina, programme, lines: list[Line], problems: list[Problem]
) -> tuple[list[Line], list[Line]]:
    """(new lines, lines already in the register)."""
    by_inventory = {}
    by_serial = {}
    for inventory, serial, programme_id in Equipment.objects.filter(
        gmina=gmina
    ).values_list("inventory_number", "serial_number", "programme_id"):
        by_inventory[inventory] = (serial, programme_id)
        by_serial[serial] = inventory
    new, present = [], []
    for line in lines:
        known = by_inventory.get(line.inventory)
        if known is None:
            if line.serial in by_serial:
                problems.append(
                    Problem(
                        line.row,
                        SERIAL,
                        _(
                            "Ten numer seryjny ma już w rejestrze gminy sprzęt "
                            "%(number)s."
                        )
                        % {"number": by_serial[line.serial]},
                    )
                )
            else:
                new.append(line)
            continue
        serial, programme_id = known
        if serial != line.serial:
            problems.append(
                Problem(
                    line.row,
                    INVENTORY,
                    _(
                        "Ten numer inwentarzowy jest już w rejestrze gminy z innym "
                        "numerem seryjnym (%(serial)s)."
                    )
                    % {"serial": serial},
                )
            )
        elif programme_id != programme.pk:
            problems.append(
                Problem(
                    line.row,
                    INVENTORY,
                    _("Ten sprzęt jest już w rejestrze w innym programie."),
                )
            )
        else:
            present.append(line)
    return new, present


@dataclass
class _Plan:
    new: list[Line]
    present: list[Line]
    households: dict[tuple, Household | None]  # key → the existing one, if any
    problems: list[Problem]
    ignored: list[str]

    def protocol_groups(self) -> list[tuple[tuple, date, list[Line]]]:
        """One protocol per household and handover day, in date order."""
        groups: dict[tuple, list[Line]] = defaultdict(list)
        for line in self.new:
            if line.person is not None:
                groups[(line.person.key, line.handed_on)].append(line)
        return sorted(
            ((key, day, lines) for (key, day), lines in groups.items()),
            key=lambda group: (group[1], group[2][0].row),
        )

    def result(self, *, dry_run: bool) -> ImportResult:
        if self.problems:
            return ImportResult(
                problems=sorted(
                    self.problems,
                    key=lambda p: (p.row or 0, _column_order(p.column)),
                ),
                dry_run=dry_run,
                ignored_columns=self.ignored,
            )
        return ImportResult(
            dry_run=dry_run,
            households=sum(1 for h in self.households.values() if h is None),
            items=len(self.new),
            in_stock=sum(1 for line in self.new if line.person is None),
            protocols=len(self.protocol_groups()),
            skipped=[(line.row, line.inventory) for line in self.present],
            ignored_columns=self.ignored,
        )


def _column_order(column: str) -> int:
    return COLUMNS.index(column) if column in COLUMNS else -1


def _plan(gmina: Gmina, programme, rows: list[list], today: date) -> _Plan:
    records, problems, ignored = _records(rows)
    if problems:  # without its columns no row can be read
        return _Plan([], [], {}, problems, ignored)
    villages = {fold(v.name): v for v in Village.objects.filter(gmina=gmina)}
    lines = []
    for number, cells in records.items():
        line = _check_row(_Row(number, cells, problems), villages, today)
        if line is not None:
            lines.append(line)
    _check_duplicates(records, problems)
    _check_households(lines, problems)
    new, present = _check_against_register(gmina, programme, lines, problems)
    existing = {}
    for household in Household.objects.filter(
        gmina=gmina, programme=programme
    ).order_by("pk"):
        key = household_key(household.surname, household.first_name, household.address)
        existing.setdefault(key, household)
    households = {
        line.person.key: existing.get(line.person.key)
        for line in new
        if line.person is not None
    }
    return _Plan(new, present, households, problems, ignored)


# Writing ---------------------------------------------------------------------


def run(
    gmina: Gmina, programme, data: bytes, *, dry_run: bool = False, by=None, today=None
) -> ImportResult:
    """Check the spreadsheet `data` and, unless `dry_run` or anything is
    wrong, import it into `programme` of `gmina` (all or nothing)."""
    if programme.gmina_id != gmina.pk:
        raise ValueError("the programme is another gmina's")
    today = today or timezone.localdate()
    rows, problems = read_table(data)
    if problems:
        return ImportResult(problems=problems, dry_run=dry_run)
    try:
        with transaction.atomic():
            # One import at a time in a gmina: what is checked stays true
            # until it is written (protocol numbers take the same lock).
            Gmina.objects.select_for_update().get(pk=gmina.pk)
            plan = _plan(gmina, programme, rows, today)
            result = plan.result(dry_run=dry_run)
            if result.ok and not dry_run:
                result.created_protocols = _write(gmina, programme, plan, by)
                result.written = True
            return result
    except (IntegrityError, ValidationError) as error:
        # Checked above, so only a change made at the same moment gets here.
        detail = " ".join(getattr(error, "messages", [str(error)]))
        return ImportResult(
            problems=[
                Problem(
                    None,
                    "",
                    _("Nic nie zaimportowano: %(detail)s Spróbuj ponownie.")
                    % {"detail": detail},
                )
            ]
        )


def _write(gmina, programme, plan: _Plan, by) -> list[tuple[str, date, list[str]]]:
    households = {}
    for line in plan.new:
        person = line.person
        if person is None or person.key in households:
            continue
        households[person.key] = plan.households[person.key] or (
            Household.objects.create(
                gmina=gmina,
                programme=programme,
                surname=person.surname,
                first_name=person.first_name,
                address=person.address,
                village=person.village,
                phone=person.phone,
                email=person.email,
                # The sheet does not say why they qualified: staff fill it in.
                basis=Household.Basis.OTHER,
                basis_note=IMPORTED,
                created_by=by,
            )
        )
    items = {}
    for line in plan.new:
        note = f"{IMPORTED}: {line.notes}" if line.notes else IMPORTED
        items[line.row] = register.register_item(
            gmina=gmina,
            programme=programme,
            inventory_number=line.inventory,
            serial_number=line.serial,
            kind=line.kind,
            model=line.model,
            by=by,
            note=note,
        )
    created = []
    for key, day, lines in plan.protocol_groups():
        protocol = register.create_protocol(
            households[key],
            [items[line.row] for line in lines],
            handed_on=day,
            by=by,
            note=IMPORTED,
        )
        register.hand_over(protocol, by=by, note=IMPORTED)
        created.append((protocol.number, day, [line.inventory for line in lines]))
    return created


# The template and the screen's waiting uploads --------------------------------


def template_rows(gmina: Gmina) -> tuple[list[str], list[list[str]]]:
    """The header and one example row (with one of the gmina's villages)."""
    villages = sorted_polish(Village.objects.filter(gmina=gmina), key=str)
    return COLUMNS, [
        [
            "EI/101",
            "CZC1234567",
            Kind.LAPTOP.label,
            "Lenovo ThinkPad L530",
            "04.05.2013",
            "Kowalska",
            "Anna",
            villages[0].name if villages else "",
            "ul. Polna 1",
            "600 100 200",
            "anna.kowalska@example.org",
            "zasilacz, torba, mysz",
        ]
    ]


def keep_upload(data: bytes, fmt: str) -> str:
    """Keep an uploaded sheet in private storage until it is imported."""
    storage = private_files.storage()
    _drop_stale_uploads(storage)
    return storage.save(f"{UPLOADS}/{secrets.token_hex(16)}.{fmt}", ContentFile(data))


def read_upload(name: str) -> bytes | None:
    """The kept sheet `name` (None if it is gone)."""
    try:
        with private_files.storage().open(name, "rb") as file:
            return file.read()
    except FileNotFoundError:
        return None


def drop_upload(name: str) -> None:
    private_files.storage().delete(name)


def _drop_stale_uploads(storage) -> None:
    """Sheets previewed and never imported go after a day."""
    try:
        _, names = storage.listdir(UPLOADS)
    except FileNotFoundError:
        return
    older = timezone.now() - UPLOAD_KEPT
    for name in names:
        path = f"{UPLOADS}/{name}"
        if storage.get_modified_time(path) < older:
            storage.delete(path)
