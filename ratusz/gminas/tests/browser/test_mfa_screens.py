"""The second-factor screens in chromium at 390 px and 1280 px: enrolment at
the first sign-in (QR code, the first code, the recovery codes), the staff
member's own page, and the code at the next sign-in; no sideways scroll,
0 axe-core violations."""

from base64 import b32decode

import pytest
from django_otp.oath import totp
from playwright.sync_api import expect

from ratusz.gminas.models import Membership
from ratusz.gminas.tests.factory import make_member
from ratusz.tests.browser.test_staff_on_a_phone import (
    HIDDEN_ON_PURPOSE,
    OVERFLOW_JS,
    PHONE,
)
from ratusz.website.tests.browser.conftest import DESKTOP
from ratusz.website.tests.browser.helpers import axe_violations, describe_violations

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def staff(site_data, settings):
    settings.STAFF_MFA_REQUIRED = True
    make_member(site_data["gmina"], "mira", Membership.Role.EDITOR)
    return site_data


def sign_in(page, url):
    page.goto(url + "/admin/login/")
    page.fill("input[name=username]", "mira")
    page.fill("input[name=password]", "password")
    page.click("button[type=submit]")


def check(page, label, report):
    problems = page.evaluate(OVERFLOW_JS, HIDDEN_ON_PURPOSE)
    if problems:
        report.append(f"{label}: " + "\n    ".join(problems))
    violations = axe_violations(page)
    if violations:
        report.append(f"{label}: {describe_violations(violations)}")


def code_from(page, step=0) -> str:
    secret = page.locator(".mfa-secret").first.inner_text().replace(" ", "")
    key = b32decode(secret + "=" * (-len(secret) % 8))
    return f"{totp(key, drift=step):06d}"


# Known defect (issue 15's note): chromium shows these screens' content twice
# although one document is served; strict, so the fix makes this test count.
@pytest.mark.xfail(strict=True, reason="the second-factor screens render twice")
def test_enrolment_codes_and_the_next_sign_in_fit_and_pass_axe(staff, page):
    url = staff["url"]
    report = []
    sign_in(page, url)
    page.wait_for_load_state()
    assert page.locator("main").count() == 1, "the page's content is shown twice"
    expect(
        page.get_by_role("heading", name="Włącz dwuetapowe logowanie").first
    ).to_be_visible()
    for size, viewport in (("390 px", PHONE), ("1280 px", DESKTOP)):
        page.set_viewport_size(viewport)
        page.reload()
        check(page, f"set-up at {size}", report)
    code = code_from(page)
    page.get_by_label("Kod z aplikacji albo kod zapasowy").first.fill("000000")
    page.get_by_role("button", name="Potwierdź i włącz").first.click()
    expect(page.get_by_text("Kod się nie zgadza").first).to_be_visible()
    check(page, "set-up with an error", report)
    page.wait_for_timeout(1100)  # the throttle's pause after a wrong code
    page.get_by_label("Kod z aplikacji albo kod zapasowy").first.fill(code)
    page.get_by_role("button", name="Potwierdź i włącz").first.click()
    expect(
        page.get_by_role("heading", name="Dwuetapowe logowanie włączone").first
    ).to_be_visible()
    codes = page.locator(".mfa-codes").first.locator("code").all_inner_texts()
    assert len(codes) == 10
    page.set_viewport_size(PHONE)
    check(page, "recovery codes at 390 px", report)
    page.get_by_role("link", name="Zapisałem kody – przejdź dalej").first.click()
    expect(page.locator("#wagtail-sidebar")).to_be_attached()

    page.goto(url + "/admin/2fa/")
    expect(page.get_by_text("Niewykorzystane kody zapasowe: 10").first).to_be_visible()
    for size, viewport in (("390 px", PHONE), ("1280 px", DESKTOP)):
        page.set_viewport_size(viewport)
        check(page, f"own page at {size}", report)

    page.context.clear_cookies()
    sign_in(page, url)
    expect(page.locator("main h1").first).to_have_text("Podaj kod z aplikacji")
    for size, viewport in (("390 px", PHONE), ("1280 px", DESKTOP)):
        page.set_viewport_size(viewport)
        check(page, f"code at {size}", report)
    page.get_by_label("Kod z aplikacji albo kod zapasowy").first.fill(codes[0])
    page.get_by_role("button", name="Zaloguj").first.click()
    expect(page.locator("#wagtail-sidebar")).to_be_attached()
    assert not report, "\n".join(report)
