"""Following by e-mail in chromium: the follow page, the confirmation page
and the settings page pass axe (WCAG 2.1 A/AA) at 375 and 1280 px, nothing is
blocked by the strict CSP, and the form works without JavaScript."""

import re
import time

import pytest
from playwright.sync_api import expect

from ratusz.fans.models import ChannelState, Follower, Rhythm
from ratusz.testing.smtp import SmtpSink
from ratusz.website.tests.browser.conftest import CONTEXT_ARGS, DESKTOP, PHONE
from ratusz.website.tests.browser.helpers import (
    axe_violations,
    csp_errors,
    describe_violations,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def sink(settings):
    with SmtpSink() as sink:
        for name, value in sink.settings().items():
            setattr(settings, name, value)
        yield sink


def _check(page, name, report):
    for label, viewport in (("phone", PHONE), ("desktop", DESKTOP)):
        page.set_viewport_size(viewport)
        violations = axe_violations(page)
        if violations:
            report.append(f"{name} ({label}):\n{describe_violations(violations)}")
    assert not csp_errors(page), csp_errors(page)
    assert not page.failed_requests, page.failed_requests


def _confirm_link(sink, count=1):
    deadline = time.monotonic() + 10
    while len(sink.messages) < count and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(sink.messages) >= count, "no confirmation e-mail"
    body = sink.messages[count - 1].get_body(("plain",)).get_content()
    return re.search(r"https?://\S+/obserwuj/potwierdz/\S+/", body).group(0)


def test_a_resident_follows_by_email(site_data, page, sink):
    gmina = site_data["gmina"]
    gmina.iod_email = "iod@example.org"
    gmina.facebook_url = "https://www.facebook.com/gmina"
    gmina.mastodon_url = "https://mastodon.example.org/@gmina"
    gmina.save()
    report = []
    page.goto(site_data["url"] + "/obserwuj/")
    expect(page.get_by_role("heading", name="Obserwuj gminę", level=1)).to_be_visible()
    _check(page, "follow", report)
    consent = page.get_by_label(re.compile("Zgadzam się na otrzymywanie"))
    assert not consent.is_checked()

    # Without the consent: an announced error, nothing stored or sent.
    page.get_by_label("Adres e-mail").fill("mieszkanka@example.org")
    page.get_by_role("button", name="Zapisz mnie na e-maile").click()
    expect(page.get_by_text("Zaznacz zgodę na wiadomości e-mail")).to_be_visible()
    _check(page, "follow-errors", report)
    assert not Follower.objects.exists()

    page.get_by_label("Adres e-mail").fill("mieszkanka@example.org")
    page.get_by_label("Odpady").check()
    page.get_by_label("raz dziennie (podsumowanie)").check()
    page.get_by_label(re.compile("Zgadzam się na otrzymywanie")).check()
    page.get_by_role("button", name="Zapisz mnie na e-maile").click()
    page.wait_for_url(re.compile(r"/obserwuj/wyslano/$"))
    _check(page, "sent", report)

    link = _confirm_link(sink)
    page.goto(link.replace("http://localhost", site_data["url"]))
    expect(page.get_by_role("button", name="Potwierdzam zapis")).to_be_visible()
    _check(page, "confirm", report)
    follower = Follower.objects.get()
    assert follower.email_state == ChannelState.PENDING  # a GET confirms nothing
    page.get_by_role("button", name="Potwierdzam zapis").click()
    expect(page.get_by_role("heading", name="Zapis potwierdzony")).to_be_visible()
    _check(page, "confirmed", report)
    follower.refresh_from_db()
    assert follower.email_state == ChannelState.ACTIVE
    assert follower.email_rhythm == Rhythm.DAILY

    page.get_by_role("link", name="Moje ustawienia powiadomień").click()
    expect(page.get_by_role("heading", name="Ustawienia powiadomień")).to_be_visible()
    _check(page, "manage", report)
    page.get_by_label("każdy wpis osobno").check()
    page.get_by_role("button", name="Zapisz zmiany").click()
    expect(page.get_by_text("Zapisano zmiany.")).to_be_visible()
    _check(page, "manage-saved", report)
    follower.refresh_from_db()
    assert follower.email_rhythm == Rhythm.EACH

    page.get_by_role("link", name="Usuń wszystkie moje dane").click()
    _check(page, "erase", report)

    # The used link now says so.
    page.goto(link.replace("http://localhost", site_data["url"]))
    expect(
        page.get_by_role("heading", name="Ten link jest nieaktualny")
    ).to_be_visible()
    _check(page, "confirm-used", report)
    assert not report, "\n".join(report)


def test_the_form_works_without_javascript(site_data, browser, sink):
    context = browser.new_context(**CONTEXT_ARGS, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(site_data["url"] + "/obserwuj/")
        page.get_by_label("Adres e-mail").fill("bez-js@example.org")
        page.get_by_label(re.compile("Zgadzam się na otrzymywanie")).check()
        page.get_by_role("button", name="Zapisz mnie na e-maile").click()
        page.wait_for_url(re.compile(r"/obserwuj/wyslano/$"))
        expect(
            page.get_by_role("heading", name="Sprawdź skrzynkę e-mail")
        ).to_be_visible()
        link = _confirm_link(sink)
        page.goto(link.replace("http://localhost", site_data["url"]))
        page.get_by_role("button", name="Potwierdzam zapis").click()
        expect(page.get_by_role("heading", name="Zapis potwierdzony")).to_be_visible()
    finally:
        context.close()
    follower = Follower.objects.get(email="bez-js@example.org")
    assert follower.email_state == ChannelState.ACTIVE
    assert follower.all_topics and follower.all_villages
