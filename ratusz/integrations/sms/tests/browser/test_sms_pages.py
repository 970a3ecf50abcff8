"""The SMS sign-up and code pages in chromium: usable by keyboard and label,
0 axe WCAG 2.1 A/AA violations, nothing blocked by the strict CSP."""

import re

import pytest
from playwright.sync_api import expect

from ratusz.fans.models import ChannelState, Follower
from ratusz.integrations.sms.models import SmsSettings
from ratusz.website.tests.browser.conftest import DESKTOP, PHONE
from ratusz.website.tests.browser.helpers import (
    axe_violations,
    csp_errors,
    describe_violations,
)

from ..fake_smsapi import FakeSmsApiServer

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _check(page, name, report):
    for label, viewport in (("phone", PHONE), ("desktop", DESKTOP)):
        page.set_viewport_size(viewport)
        violations = axe_violations(page)
        if violations:
            report.append(f"{name} ({label}):\n{describe_violations(violations)}")
    assert not csp_errors(page), csp_errors(page)
    assert not page.failed_requests, page.failed_requests


def test_a_resident_signs_up_for_sms(site_data, page, settings):
    with FakeSmsApiServer() as server:
        settings.SMSAPI_URL = server.url
        settings.HTTP_ALLOW_PRIVATE_HOSTS = ["127.0.0.1"]
        SmsSettings.objects.create(
            gmina=site_data["gmina"], token=server.api.token, sender="GminaZawada"
        )
        report = []
        page.goto(site_data["url"] + "/obserwuj/sms/")
        _check(page, "signup", report)
        consent = page.get_by_role("checkbox")
        assert not consent.is_checked()

        # Without the consent: an error, announced, and nothing sent.
        page.get_by_label("Numer telefonu komórkowego").fill("600 123 456")
        page.get_by_role("button", name="Wyślij kod SMS").click()
        expect(page.get_by_text("Zaznacz zgodę")).to_be_visible()
        _check(page, "signup-errors", report)
        assert server.api.requests == []

        page.get_by_label("Numer telefonu komórkowego").fill("600 123 456")
        consent.check()
        page.keyboard.press("Enter")  # submits from the keyboard too
        page.wait_for_url(re.compile(r"/obserwuj/sms/kod/"))
        _check(page, "code", report)

        code = re.search(r"\d{6}", server.api.sent[0]["message"]).group(0)
        page.get_by_label("Kod z SMS-a").fill("000000" if code != "000000" else "1")
        page.get_by_role("button", name="Potwierdź").click()
        expect(page.get_by_text("Nieprawidłowy kod")).to_be_visible()
        _check(page, "code-error", report)

        page.get_by_label("Kod z SMS-a").fill(code)
        page.get_by_role("button", name="Potwierdź").click()
        expect(page.get_by_role("heading", name="Numer potwierdzony")).to_be_visible()
        _check(page, "confirmed", report)

        assert not report, "\n".join(report)
        follower = Follower.objects.get(phone="+48600123456")
        assert follower.phone_state == ChannelState.ACTIVE
