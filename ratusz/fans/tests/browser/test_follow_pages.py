"""Following by e-mail in chromium: the follow page, the confirmation page
and the settings page pass axe (WCAG 2.1 A/AA) at 375 and 1280 px, nothing is
blocked by the strict CSP, and the form works without JavaScript."""

import re
import time

import pytest
from playwright.sync_api import expect

from ratusz.fans.models import ChannelState, Follower, Rhythm
from ratusz.test import make_village
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
    expect(page.get_by_role("status")).to_contain_text(
        "Wysłaliśmy link potwierdzający na adres mieszkanka@example.org"
    )
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

    # Opened again, the used link says the subscription is confirmed.
    page.goto(link.replace("http://localhost", site_data["url"]))
    expect(
        page.get_by_role("heading", name="Zapis jest już potwierdzony")
    ).to_be_visible()
    expect(page.get_by_role("link", name="Moje ustawienia powiadomień")).to_be_visible()
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


def _long_lists(site_data):
    for n in range(8):
        make_village(site_data["gmina"], f"Kolonia {n}")


def test_an_article_leads_to_the_form_with_its_topics_ticked(site_data, page, sink):
    _long_lists(site_data)
    report = []
    page.goto(site_data["url"] + site_data["article"].url)
    follow = page.locator("section.article__follow")
    follow.get_by_role("link").click()
    page.wait_for_url(re.compile(r"/obserwuj/\?"))
    article = site_data["article"]
    topic = page.get_by_label(article.category.name, exact=True)
    expect(topic).to_be_checked()
    # 11 villages fold away; the summary counts what is ticked, live.
    summary = page.locator("details[data-choice-fold] summary")
    expect(summary).to_have_count(1)
    villages = list(article.villages.all())
    expect(summary).to_contain_text(
        f"zaznaczono: {len(villages)} z 11" if villages else "wszystkie"
    )
    _check(page, "follow-from-article", report)
    page.get_by_label("Kolonia 3").check()
    expect(summary).to_contain_text(f"zaznaczono: {len(villages) + 1} z 11")
    assert not report, "\n".join(report)


def test_long_lists_fold_without_javascript(site_data, browser, sink):
    _long_lists(site_data)
    context = browser.new_context(**CONTEXT_ARGS, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(site_data["url"] + "/obserwuj/")
        village = page.get_by_label("Kolonia 5")
        expect(village).to_be_hidden()
        page.locator("details[data-choice-fold] summary").click()
        village.check()
        page.get_by_label("Adres e-mail").fill("bez-js@example.org")
        page.get_by_label(re.compile("Zgadzam się na otrzymywanie")).check()
        page.get_by_role("button", name="Zapisz mnie na e-maile").click()
        page.wait_for_url(re.compile(r"/obserwuj/wyslano/$"))
    finally:
        context.close()
    follower = Follower.objects.get(email="bez-js@example.org")
    assert [v.name for v in follower.villages.all()] == ["Kolonia 5"]
