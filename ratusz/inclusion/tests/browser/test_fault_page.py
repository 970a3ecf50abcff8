"""'Zgłoś usterkę' in chromium: the page a QR label opens has 0 axe-core
violations at 390 px and 1280 px (with and without errors), no CSP errors,
and a report lands on the conversation's private page."""

import pytest
from playwright.sync_api import expect

from ratusz.inclusion import faults
from ratusz.inclusion.faults import FaultReport
from ratusz.inclusion.tests.factory import make_item, make_programme
from ratusz.tests.browser.test_staff_on_a_phone import PHONE
from ratusz.website.tests.browser.conftest import DESKTOP
from ratusz.website.tests.browser.helpers import (
    axe_violations,
    csp_errors,
    describe_violations,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _assert_fits_and_accessible(page, label):
    for size in (PHONE, DESKTOP):
        page.set_viewport_size(size)
        sideways = page.evaluate(
            "document.documentElement.scrollWidth > window.innerWidth"
        )
        assert not sideways, f"{label} scrolls sideways at {size}"
        violations = axe_violations(page)
        assert not violations, f"{label} at {size}:\n" + describe_violations(violations)


def test_a_resident_reports_a_fault_from_the_label(site_data, page):
    gmina = site_data["gmina"]
    item = make_item(gmina, make_programme(gmina), "EI/007", model="Dell E6410")
    path = faults.label_path(item)
    page.goto(site_data["url"] + path)
    expect(page.get_by_role("heading", level=1, name="Zgłoś usterkę")).to_be_visible()
    expect(page.get_by_text("EI/007")).to_be_visible()
    _assert_fits_and_accessible(page, "form")

    page.get_by_role("button", name="Wyślij zgłoszenie").click()
    expect(page.get_by_text("Wpisz treść wiadomości.")).to_be_visible()
    _assert_fits_and_accessible(page, "form with errors")

    page.get_by_role("textbox", name="Opisz usterkę").fill(
        "Ekran laptopa miga i gaśnie po kilku minutach."
    )
    page.get_by_role("button", name="Wyślij zgłoszenie").click()
    report = FaultReport.objects.get()
    expect(
        page.get_by_role(
            "heading", level=1, name=f"Sprawa {report.conversation.reference}"
        )
    ).to_be_visible()
    assert report.equipment == item
    assert csp_errors(page) == []
