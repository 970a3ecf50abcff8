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
from ratusz.inclusion import demo, network_demo
from ratusz.inclusion.equipment import Equipment, Protocol
from ratusz.inclusion.households import Household
from ratusz.inclusion.models import Programme
from ratusz.inclusion.tests.factory import hand_over, make_household, make_item
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
    assert Household.objects.filter(gmina=gmina).count() > 30
    assert Equipment.objects.filter(gmina=gmina).count() > 30
    return {
        **site_data,
        "programme": programme,
        "household": household,
        "item": item,
        "protocol": Protocol.objects.get(pk=protocol.pk),
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
            response = page.goto(register["url"] + path)
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
