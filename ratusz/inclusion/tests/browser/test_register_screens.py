"""Every e-Integracja screen in chromium at 390 px and 1280 px: no sideways
scroll, no text cut off, tables as labelled rows on a phone, 0 axe-core
WCAG 2.1 A/AA violations on the whole page (Wagtail's chrome included).
The same checks as ratusz/tests/browser/test_staff_on_a_phone.py, which
leaves these screens to this file."""

import re
from datetime import date

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from ratusz.gminas.models import Membership
from ratusz.gminas.tests.factory import make_member
from ratusz.inclusion import demo, network_demo, statements, trainings
from ratusz.inclusion.equipment import Equipment, Protocol
from ratusz.inclusion.households import Household
from ratusz.inclusion.models import Programme
from ratusz.inclusion.statements import StatementCampaign
from ratusz.inclusion.tests.factory import hand_over, make_household, make_item
from ratusz.inclusion.trainings import Participant, Training
from ratusz.tests.browser.test_staff_on_a_phone import (
    HIDDEN_ON_PURPOSE,
    OVERFLOW_JS,
    PHONE,
    TABLES_JS,
)
from ratusz.website.tests.browser.conftest import DESKTOP
from ratusz.website.tests.browser.helpers import axe_violations, describe_violations

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

LONG_WORD = "Konstantynopolitańczykowianeczka" * 3

# URL name → keys of the fixture whose pks its URL takes (after the gmina's).
SCREENS = {
    "inclusion-programmes": (),
    "inclusion-programme": ("programme",),
    "inclusion-programme-add": (),
    "inclusion-programme-edit": ("programme",),
    "inclusion-households": (),
    "inclusion-household": ("household",),
    "inclusion-household-add": (),
    "inclusion-household-edit": ("household",),
    "inclusion-protocol-add": ("household",),
    "inclusion-equipment-list": (),
    "inclusion-equipment": ("item",),
    "inclusion-equipment-add": (),
    "inclusion-equipment-edit": ("item",),
    "inclusion-protocol": ("protocol",),
    "inclusion-access-log": (),
    "inclusion-checks": (),
    "inclusion-inspection-add": ("household",),
    "inclusion-import": (),
    "inclusion-statements": (),
    "inclusion-statement-campaign": ("campaign",),
    "inclusion-statement-followup": ("past_campaign",),
    "inclusion-statement-record": ("statement",),
    "inclusion-trainings": (),
    "inclusion-training-add": (),
    "inclusion-training": ("training",),
    "inclusion-training-edit": ("training",),
    "inclusion-reports": (),
    "inclusion-household-erase": ("household",),
}


@pytest.fixture
def register(site_data):
    gmina = site_data["gmina"]
    make_member(gmina, "kora", Membership.Role.COORDINATOR)
    demo.load(gmina, today=date.today())
    network_demo.load(gmina, today=date.today())  # the uptime report
    programme = Programme.objects.get(gmina=gmina, name=demo.PROGRAMME)
    household = make_household(
        gmina,
        programme,
        f"Brzęczyszczykiewicz-{LONG_WORD[:64]}",  # 84 of 100 characters
        first_name="Grzegorz",
        address=f"ul. {LONG_WORD} 12/3",
        basis_note=LONG_WORD,
        notes=f"Uwagi {LONG_WORD}",
        documents=programme.document_list()[:3],
    )
    item = make_item(
        gmina,
        programme,
        f"EI/{LONG_WORD[:40]}",
        f"SN{LONG_WORD[:40]}",
        components=f"mysz, {LONG_WORD}",
    )
    protocol = hand_over(household, item)
    make_item(gmina, programme, "EI/900")  # one to offer in a new protocol
    training = Training.objects.filter(gmina=gmina).order_by("starts_at").first()
    # The long-named household on a training, and a search that finds others.
    trainings.add_participant(training, household)
    assert Household.objects.filter(gmina=gmina).count() > 30
    assert Equipment.objects.filter(gmina=gmina).count() > 30
    # The demo's campaigns: last year's closed, this year's open; the
    # long-named household joins the open one.
    past, campaign = StatementCampaign.objects.filter(gmina=gmina).order_by(
        "window_start"
    )
    window = programme.windows()[0]
    statements.create_campaign(programme, window, campaign.year)
    statement = campaign.statements.get(household=household)
    assert past.statements.follow_up(date.today()).count() > 2
    return {
        **site_data,
        "programme": programme,
        "household": household,
        "item": item,
        "protocol": Protocol.objects.get(pk=protocol.pk),
        "campaign": campaign,
        "past_campaign": past,
        "statement": statement,
        "training": training,
    }


def login(page, url):
    page.goto(url + "/admin/login/")
    page.fill("input[name=username]", "kora")
    page.fill("input[name=password]", "password")
    page.click("button[type=submit]")
    expect(page.locator("#wagtail-sidebar")).to_be_attached()


def test_every_register_screen_fits_and_passes_axe(register, page):
    login(page, register["url"])
    gmina = register["gmina"]
    report = []
    for name, keys in SCREENS.items():
        path = reverse(name, args=[gmina.pk, *(register[k].pk for k in keys)])
        for label, viewport in (("390 px", PHONE), ("1280 px", DESKTOP)):
            page.set_viewport_size(viewport)
            query = "?q=a" if name == "inclusion-training" else ""
            response = page.goto(register["url"] + path + query)
            assert response.status == 200, f"{name}: {response.status}"
            expect(page.locator("main h1").first).to_be_visible()
            problems = page.evaluate(OVERFLOW_JS, HIDDEN_ON_PURPOSE)
            problems += page.evaluate(TABLES_JS, viewport is PHONE)
            if problems:
                report.append(f"{name} at {label}: " + "\n    ".join(problems))
            violations = axe_violations(page)
            if violations:
                report.append(f"{name} at {label}: {describe_violations(violations)}")
    assert not report, "\n".join(report)


def test_the_menu_leads_to_the_register(register, page):
    login(page, register["url"])
    page.set_viewport_size(DESKTOP)
    page.goto(register["url"] + reverse("inclusion-index"))
    expect(page.get_by_role("heading", name="Programy e-Integracji")).to_be_visible()
    page.get_by_role("link", name="Sprzęt", exact=True).click()
    page.get_by_label("Szukaj (nr seryjny, inwentarzowy, model, nazwisko)").fill(
        "EI/005"
    )
    page.get_by_role("button", name="Filtruj").click()
    expect(page.get_by_role("cell", name="w naprawie")).to_be_visible()


def test_a_statement_is_recorded_from_the_campaign(register, page):
    login(page, register["url"])
    page.set_viewport_size(PHONE)
    gmina, campaign = register["gmina"], register["campaign"]
    page.goto(register["url"] + reverse("inclusion-statements", args=[gmina.pk]))
    page.get_by_role(
        "link", name=f"{campaign.window_start:%d.%m.%Y}", exact=False
    ).first.click()
    expect(page.get_by_role("heading", name="Kampania oświadczeń")).to_be_visible()
    page.get_by_label("Szukaj (nazwisko, imię, adres)").fill("Brzęczyszczykiewicz")
    page.get_by_label("Stan", exact=True).select_option("awaiting")
    page.get_by_role("button", name="Filtruj").click()
    page.get_by_role("link", name="Zapisz oświadczenie").click()
    page.get_by_label("Forma złożenia").select_option("in_person")
    page.get_by_role("button", name="Zapisz oświadczenie").click()
    expect(page.get_by_text("Zapisano oświadczenie.")).to_be_visible()
    statement = register["statement"]
    statement.refresh_from_db()
    assert statement.submitted_on == date.today()
    assert statement.received_how == "in_person"


def test_staff_enrol_households_and_record_attendance(register, page):
    login(page, register["url"])
    page.set_viewport_size(PHONE)
    gmina = register["gmina"]
    page.goto(register["url"] + reverse("inclusion-index"))
    page.get_by_role("link", name="Szkolenia", exact=True).click()
    page.get_by_role("link", name="Dodaj szkolenie").click()
    page.get_by_label("Temat").fill("Zakupy w internecie bez ryzyka")
    page.get_by_label("Początek").fill("2026-11-20T10:00")
    page.get_by_label("Koniec").fill("2026-11-20T13:00")
    page.get_by_label("Miejsce", exact=True).fill("Świetlica w Łąkach")
    page.get_by_label("Liczba godzin").fill("3")
    page.get_by_role("button", name="Zapisz", exact=True).click()
    expect(
        page.get_by_role("heading", level=1, name="Zakupy w internecie bez ryzyka")
    ).to_be_visible()

    surname = "Brzęczyszczykiewicz"
    page.get_by_label("Szukaj (nazwisko, imię, adres, telefon)").fill(surname)
    page.get_by_role("button", name="Szukaj").click()
    page.get_by_role("button", name=f"Zapisz {surname}").click()
    expect(page.get_by_text("Zapisano na szkolenie")).to_be_visible()
    page.get_by_label(f"obecny: {surname}").check()
    page.get_by_role("button", name="Zapisz obecność").click()
    expect(page.get_by_text("Zapisano obecność.")).to_be_visible()

    training = Training.objects.get(gmina=gmina, title__startswith="Zakupy")
    participant = Participant.objects.get(training=training)
    assert participant.household == register["household"]
    assert (participant.attended, participant.hours_attended) == (True, 3)
    page.goto(
        register["url"]
        + reverse("inclusion-household", args=[gmina.pk, register["household"].pk])
    )
    expect(
        page.get_by_role("link", name="Zakupy w internecie bez ryzyka")
    ).to_be_visible()


def test_reports_and_an_erasure_on_a_phone(register, page):
    """The reports read as labelled rows; the erasure asks, then clears the
    contact and keeps the programme's records."""
    login(page, register["url"])
    gmina, household = register["gmina"], register["household"]
    page.set_viewport_size(PHONE)
    page.goto(register["url"] + reverse("inclusion-reports", args=[gmina.pk]))
    expect(
        page.get_by_role("heading", name="Trwałość w gospodarstwach")
    ).to_be_visible()
    page.get_by_label("Program", exact=True).select_option(label=demo.PROGRAMME)
    page.get_by_role("button", name="Pokaż").click()
    expect(
        page.get_by_role("link", name="Pobierz wszystkie raporty (PDF)")
    ).to_have_attribute("href", re.compile(r"programme=\d+"))
    page.goto(
        register["url"]
        + reverse("inclusion-household-erase", args=[gmina.pk, household.pk])
    )
    page.get_by_role("button", name="Usuń dane").click()
    expect(page.get_by_text("Zaznacz potwierdzenie, aby usunąć dane.")).to_be_visible()
    assert not page.evaluate(OVERFLOW_JS, HIDDEN_ON_PURPOSE)
    assert not axe_violations(page)
    page.get_by_label(
        "Potwierdzam: gospodarstwo złożyło żądanie usunięcia danych"
    ).check()
    page.get_by_role("button", name="Usuń dane").click()
    expect(
        page.get_by_text("Usunięto dane, których program nie wymaga.")
    ).to_be_visible()
    expect(page.get_by_text("do anonimizacji po")).to_be_visible()
    household.refresh_from_db()
    assert household.erasure_requested_on is not None
    assert household.surname.startswith("Brzęczyszczykiewicz")
