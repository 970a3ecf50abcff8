"""The free network's pages in chromium: the public page (with and without
a map) and the staff screens have 0 axe-core violations (WCAG 2.1 A/AA) and
nothing wider than the viewport at 390 and 1280 px; the public page runs
without a CSP error and needs no JavaScript."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from ratusz.gminas.models import Membership
from ratusz.gminas.tests.factory import make_member
from ratusz.inclusion.network import CheckDay, Outage
from ratusz.inclusion.tests.factory import make_access_point, make_wifi_programme
from ratusz.tests.browser.test_staff_on_a_phone import HIDDEN_ON_PURPOSE, OVERFLOW_JS
from ratusz.website.tests.browser.helpers import (
    axe_violations,
    csp_errors,
    describe_violations,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

VIEWPORTS = {
    "390": {"width": 390, "height": 844},
    "1280": {"width": 1280, "height": 800},
}
LONG = "Przystanek" + "autobusowy" * 12  # one unbroken word wider than a phone


@pytest.fixture
def network(site_data):
    gmina = site_data["gmina"]
    user = make_member(gmina, "dora", Membership.Role.ADMIN)
    programme = make_wifi_programme(gmina)
    now = timezone.now()
    points = [
        make_access_point(
            gmina,
            name,
            state=state,
            state_since=now - timedelta(hours=3),
            last_checked_at=now,
            address=f"ul. {LONG} {n}",
            how_to_connect=f"Zasięg: {LONG}.",
            latitude=Decimal("49.93") + Decimal(n) / 200,
            longitude=Decimal("20.21") + Decimal(n) / 150,
            programme=programme,
            check_method="tcp",
            check_target=f"10.20.{n}.1:80",
        )
        for n, (name, state) in enumerate(
            [
                ("Rynek", "up"),
                ("Szkoła", "up"),
                ("Remiza OSP w Woli Zawadzkiej przy placu festynowym", "down"),
            ]
        )
    ]
    make_access_point(gmina, "Biblioteka", status="planned")
    down = points[2]
    CheckDay.objects.create(access_point=down, day=now.date(), checks=200, failures=20)
    Outage.objects.create(
        access_point=down, started_at=now - timedelta(hours=3), error=f"Błąd {LONG}"
    )
    return {**site_data, "user": user, "down": down}


def check_everywhere(page, url, ready) -> list[str]:
    report = []
    for label, viewport in VIEWPORTS.items():
        page.set_viewport_size(viewport)
        page.goto(url)
        expect(ready(page)).to_be_visible()
        problems = page.evaluate(OVERFLOW_JS, HIDDEN_ON_PURPOSE)
        if problems:
            report.append(f"{url} ({label} px): " + "\n    ".join(problems))
        violations = axe_violations(page)
        if violations:
            report.append(f"{url} ({label} px):\n{describe_violations(violations)}")
    return report


def test_the_public_page_without_a_map(network, page):
    url = network["url"] + "/darmowy-internet/"
    report = check_everywhere(
        page, url, lambda p: p.get_by_role("heading", name="Darmowy internet w gminie")
    )
    assert not report, "\n".join(report)
    assert page.locator("svg").count() == 0
    assert csp_errors(page) == []


def test_the_public_page_with_a_map(network, page, settings):
    # Tiles from the site itself: 'self' is in img-src.
    settings.NETWORK_MAP_TILE_URL = (
        network["url"] + "/static/img/favicon.svg?z={z}&x={x}&y={y}"
    )
    url = network["url"] + "/darmowy-internet/"
    report = check_everywhere(page, url, lambda p: p.locator(".network-map svg"))
    assert not report, "\n".join(report)
    assert page.locator(".network-marker").count() == 3
    assert csp_errors(page) == []


def test_the_page_works_without_javascript(network, browser):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(network["url"] + "/darmowy-internet/")
    expect(page.get_by_text("Nie działa").first).to_be_visible()
    expect(page.get_by_text("Działa 2 z 3 punktów.")).to_be_visible()
    context.close()


def login(page, url):
    page.goto(url + "/admin/login/")
    page.fill("input[name=username]", "dora")
    page.fill("input[name=password]", "password")
    page.click("button[type=submit]")
    expect(page.locator("#wagtail-sidebar")).to_be_attached()


def test_the_staff_screens(network, page):
    login(page, network["url"])
    base = network["url"] + "/admin/darmowy-internet/"
    report = []
    report += check_everywhere(page, base, lambda p: p.get_by_text("Remiza").first)
    report += check_everywhere(
        page,
        f"{base}inspect/{network['down'].pk}/",
        lambda p: p.get_by_role("heading", name="Historia przerw w działaniu"),
    )
    report += check_everywhere(
        page, f"{base}edit/{network['down'].pk}/", lambda p: p.locator("#id_name")
    )
    assert not report, "\n".join(report)
