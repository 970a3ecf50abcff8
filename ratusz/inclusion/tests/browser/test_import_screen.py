"""The "Import z arkusza" screen in chromium at 390 px and 1280 px: the
form, a check with errors, a clean check and the import itself; no
sideways scroll, tables as labelled rows on a phone, 0 axe-core violations
(the same checks as test_register_screens.py)."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from ratusz.gminas.models import Membership
from ratusz.gminas.tests.factory import make_member
from ratusz.inclusion import demo
from ratusz.inclusion.equipment import Equipment, Status
from ratusz.inclusion.tests.browser.test_register_screens import LONG_WORD, login
from ratusz.inclusion.tests.factory import handed, make_programme, sheet_csv, sheet_row
from ratusz.test import make_village
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

BAD = sheet_csv(
    [
        sheet_row("EI/101", kind="odkurzacz"),
        sheet_row("EI/102", **handed(soletwo=f"Wólka {LONG_WORD}")),
        sheet_row("EI/103", **handed(data_przekazania="2013/05/04")),
    ]
)
GOOD = sheet_csv(
    [
        sheet_row("EI/101", **handed(soletwo="Zawada Gorna")),
        sheet_row("EI/102", **handed()),
        sheet_row("EI/103", kind="tablet"),
    ]
)


@pytest.fixture
def importer(site_data, settings, tmp_path):
    settings.PRIVATE_FILES_DIR = tmp_path / "private"
    gmina = site_data["gmina"]
    make_member(gmina, "kora", Membership.Role.COORDINATOR)
    make_village(gmina, "Zawada Górna")
    make_programme(gmina, demo.PROGRAMME)
    return site_data


def check(page, label, viewport, report):
    problems = page.evaluate(OVERFLOW_JS, HIDDEN_ON_PURPOSE)
    problems += page.evaluate(TABLES_JS, viewport is PHONE)
    if problems:
        report.append(f"{label}: " + "\n    ".join(problems))
    violations = axe_violations(page)
    if violations:
        report.append(f"{label}: {describe_violations(violations)}")


def upload(page, data):
    page.get_by_label("Arkusz (CSV lub XLSX, do 5 MB)").set_input_files(
        files=[{"name": "rejestr.csv", "mimeType": "text/csv", "buffer": data}]
    )
    page.get_by_role("button", name="Sprawdź plik").click()


def test_the_import_screen_fits_and_passes_axe(importer, page):
    login(page, importer["url"])
    url = importer["url"] + reverse("inclusion-import", args=[importer["gmina"].pk])
    report = []
    for size, viewport in (("390 px", PHONE), ("1280 px", DESKTOP)):
        page.set_viewport_size(viewport)
        page.goto(url)
        expect(page.locator("main h1").first).to_contain_text("Import z arkusza")
        check(page, f"form at {size}", viewport, report)
        upload(page, BAD)
        errors = page.get_by_role("table", name="Błędy w pliku")
        expect(errors).to_be_visible()
        expect(errors.locator("tbody tr")).to_have_count(3)
        check(page, f"errors at {size}", viewport, report)
        upload(page, GOOD)
        expect(page.get_by_text("Import utworzy: gospodarstwa: 1")).to_be_visible()
        check(page, f"summary at {size}", viewport, report)
    assert not report, "\n".join(report)
    page.get_by_role("button", name="Importuj").click()
    expect(page.get_by_text("Utworzono: gospodarstwa: 1, sprzęt: 3")).to_be_visible()
    expect(page.locator("main h1").first).to_contain_text("Sprzęt")
    assert Equipment.objects.filter(status=Status.LENT).count() == 2


def test_the_equipment_list_leads_to_the_import(importer, page):
    login(page, importer["url"])
    page.set_viewport_size(DESKTOP)
    gmina = importer["gmina"]
    page.goto(importer["url"] + reverse("inclusion-equipment-list", args=[gmina.pk]))
    page.locator("main").get_by_role("link", name="Import z arkusza").first.click()
    expect(page.locator("main h1").first).to_contain_text("Import z arkusza")
    expect(page.get_by_role("link", name="XLSX")).to_be_visible()
