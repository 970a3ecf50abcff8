"""Jak załatwić sprawę in chromium: 0 axe violations on the list, a filtered
list and a procedure page at phone and desktop widths, nothing blocked by the
CSP, and the list's search box works with the keyboard."""

import pytest
from django.core.files.base import ContentFile
from playwright.sync_api import expect
from wagtail.documents import get_document_model

from ratusz.gminas.models import Category
from ratusz.website.models import ProcedurePage
from ratusz.website.tests.factory_procedures import make_demo_procedures

from .conftest import DESKTOP, PHONE
from .helpers import axe_violations, csp_errors, describe_violations

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def procedures(site_data):
    gmina = site_data["gmina"]
    categories = {
        "Odpady": Category.objects.get(gmina=gmina, name="Odpady"),
        "Drogi": Category.objects.get(gmina=gmina, name="Drogi i inwestycje"),
    }
    index = make_demo_procedures(gmina, categories=categories)
    page = ProcedurePage.objects.get(slug="deklaracja-odpady")
    document = get_document_model().objects.create(
        title="Deklaracja o wysokości opłaty za odpady",
        file=ContentFile(b"%PDF-1.4\n%%EOF\n", name="deklaracja-odpady.pdf"),
    )
    page.forms.create(document=document)
    page.save_revision().publish()
    return {"index": index, "page": page}


def test_it_has_no_axe_violations(site_data, procedures, page):
    base = site_data["url"]
    urls = [
        base + procedures["index"].url,
        base + procedures["index"].url + "?q=wycinka+drzew",
        base + procedures["index"].url + "?q=xyzzy",
        base + procedures["page"].url,
        base + ProcedurePage.objects.get(slug="odpis-aktu-stanu-cywilnego").url,
    ]
    report = []
    for url in urls:
        for label, viewport in (("phone", PHONE), ("desktop", DESKTOP)):
            page.set_viewport_size(viewport)
            response = page.goto(url)
            assert response.status == 200, url
            expect(page.locator("main h1")).to_be_visible()
            violations = axe_violations(page)
            if violations:
                report.append(f"{label} {url}:\n{describe_violations(violations)}")
        problems = csp_errors(page) + page.console_errors + page.failed_requests
        if problems:
            report.append(f"{url}: " + "\n  ".join(problems))
        page.console_errors.clear()
        page.failed_requests.clear()
    assert not report, "\n" + "\n".join(report)


def test_it_filters_the_list_from_the_keyboard(site_data, procedures, page):
    page.set_viewport_size(PHONE)
    page.goto(site_data["url"] + procedures["index"].url)
    expect(page.get_by_role("heading", name="Odpady", exact=True)).to_be_visible()
    box = page.get_by_label("Wpisz, jaką sprawę chcesz załatwić")
    box.fill("dowodu osobistego")
    box.press("Enter")
    # Title matches first: the page about the ID card, then pages that
    # only ask residents to bring one.
    expect(page.get_by_role("status")).to_contain_text("Liczba znalezionych spraw")
    first = page.locator("main ul.procedures > li").first
    expect(first).to_contain_text("Dowód osobisty")
    link = first.get_by_role("link")
    link.click()
    expect(page.get_by_role("heading", name="Co zabrać")).to_be_visible()
    expect(
        page.get_by_role("link", name="Złóż wniosek o dowód przez internet (gov.pl)")
    ).to_be_visible()
