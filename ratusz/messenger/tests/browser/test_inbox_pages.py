"""The staff inbox in chromium: nothing overflows at 375 px, our markup has
0 axe-core violations (WCAG 2.1 A/AA), saved replies go in at the cursor,
and a resident's new message shows up in the open list without a reload.

axe runs on our own region of the page (the inbox or the conversation)
and on the whole page with the Wagtail admin's chrome (also 0 today).
"""

import re

import pytest
from playwright.sync_api import expect

from ratusz.gminas.models import Membership
from ratusz.gminas.tests.factory import make_member
from ratusz.messenger import services
from ratusz.messenger.models import SavedReply
from ratusz.website.tests.browser.conftest import DESKTOP, PHONE
from ratusz.website.tests.browser.helpers import (
    axe_violations,
    describe_violations,
    region_overflow,
    region_violations,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

LONG = "Bardzo" + "długie" * 40  # one unbroken word wider than a phone


@pytest.fixture
def inbox(site_data, settings):
    # Under the WSGI live server a stream is sent when it ends: keep it short
    # so the browser's EventSource gets each batch within about a second.
    settings.MESSENGER_SSE_LIFETIME = 1.0
    gmina = site_data["gmina"]
    user = make_member(gmina, "dora", Membership.Role.ADMIN)
    conversations = []
    for i in range(4):
        conversation, _, _ = services.open_conversation(
            gmina,
            body=f"Sprawa {i}: {LONG} kiedy odbiór odpadów wielkogabarytowych?",
            resident_name=f"Mieszkanka {i} {LONG[:60]}",
            category=next(iter(site_data["categories"].values()), None),
        )
        conversations.append(conversation)
    services.reply(conversations[0], user, "Dzień dobry, odbiór w piątek.")
    services.add_note(conversations[0], user, "Sprawdzić harmonogram.")
    SavedReply.objects.create(
        gmina=gmina, title="Powitanie", body="Dzień dobry {imie}, sprawa {sygnatura}."
    )
    return {**site_data, "user": user, "conversations": conversations}


def login(page, url):
    page.goto(url + "/admin/login/")
    page.fill("input[name=username]", "dora")
    page.fill("input[name=password]", "password")
    page.click("button[type=submit]")
    expect(page.locator("#wagtail-sidebar")).to_be_attached()


def test_inbox_list_on_a_phone_and_desktop(inbox, page):
    login(page, inbox["url"])
    gmina = inbox["gmina"]
    report = []
    for label, viewport in (("phone", PHONE), ("desktop", DESKTOP)):
        page.set_viewport_size(viewport)
        page.goto(f"{inbox['url']}/admin/rozmowy/gmina/{gmina.pk}/")
        expect(page.locator(".rz-row").first).to_be_visible()
        assert region_overflow(page, "[data-rz-inbox]") == [], label
        violations = region_violations(page, "[data-rz-inbox]")
        violations += axe_violations(page)  # the admin chrome around it too
        if violations:
            report.append(f"inbox ({label}):\n{describe_violations(violations)}")
    assert not report, "\n".join(report)
    page.set_viewport_size(PHONE)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the page scrolls sideways: {width}px"


def test_conversation_view_and_saved_reply_at_the_cursor(inbox, page):
    login(page, inbox["url"])
    conversation = inbox["conversations"][0]
    url = f"{inbox['url']}/admin/rozmowy/{conversation.pk}/"
    report = []
    for label, viewport in (("phone", PHONE), ("desktop", DESKTOP)):
        page.set_viewport_size(viewport)
        page.goto(url)
        expect(
            page.get_by_text("Notatka wewnętrzna — mieszkaniec jej nie widzi")
        ).to_be_visible()
        assert region_overflow(page, "[data-rz-conversation-view]") == [], label
        violations = region_violations(page, "[data-rz-conversation-view]")
        violations += axe_violations(page)
        if violations:
            report.append(f"conversation ({label}):\n{describe_violations(violations)}")
    assert not report, "\n".join(report)

    box = page.get_by_label("Odpowiedź", exact=True)
    box.fill("Na początek. Na koniec.")
    box.evaluate("el => el.setSelectionRange(13, 13)")
    page.get_by_role("button", name="Wstaw do odpowiedzi").click()
    # {imie} is the first word of "Mieszkanka 0 …".
    expect(box).to_have_value(re.compile("Dzień dobry Mieszkanka, sprawa"))
    value = box.input_value()
    assert value.startswith("Na początek. Dzień dobry Mieszkanka, sprawa"), value
    assert f"sprawa {conversation.reference}." in value
    assert value.endswith("Na koniec.")
    assert page.url == url  # inserted in the browser, no round trip


def test_a_new_resident_message_appears_without_reload(inbox, page):
    login(page, inbox["url"])
    gmina = inbox["gmina"]
    page.goto(f"{inbox['url']}/admin/rozmowy/gmina/{gmina.pk}/")
    expect(page.locator(".rz-row").first).to_be_visible()
    page.evaluate("window.__marker = 'same page'")
    conversation, _, _ = services.open_conversation(
        gmina, body="Świeże pytanie o dowód osobisty"
    )
    expect(page.get_by_text("Świeże pytanie o dowód osobisty")).to_be_visible(
        timeout=30_000
    )
    expect(page.locator("[data-rz-live]")).to_have_text(
        f"Nowa wiadomość w sprawie {conversation.reference}", timeout=30_000
    )
    assert page.evaluate("window.__marker") == "same page"


def test_inbox_search_on_a_phone_and_desktop(inbox, page):
    gmina = inbox["gmina"]
    plain, _, _ = services.open_conversation(
        gmina,
        body=f"kiedy bedzie wywoz smieci {LONG}",
        resident_name="Łucja Żak",
        resident_email="lucja.zak@example.org",
    )
    login(page, inbox["url"])
    inbox_url = f"{inbox['url']}/admin/rozmowy/gmina/{gmina.pk}/"
    report = []
    for label, viewport in (
        ("390 px", {"width": 390, "height": 844}),
        ("1280 px", DESKTOP),
    ):
        page.set_viewport_size(viewport)
        page.goto(inbox_url)
        page.get_by_label("Szukaj w rozmowach").fill("wywóz śmieci")
        page.get_by_role("button", name="Szukaj i filtruj").click()
        expect(page.locator(".rz-count")).to_contain_text("wywóz śmieci")
        expect(page.locator(".rz-row")).to_have_count(1)
        expect(page.locator(".rz-row").first).to_contain_text(plain.reference)
        assert "q=" in page.url
        assert region_overflow(page, "[data-rz-inbox]") == [], label
        violations = region_violations(page, "[data-rz-inbox]")
        violations += axe_violations(page)
        if violations:
            report.append(f"inbox search ({label}):\n{describe_violations(violations)}")
        page.goto(f"{inbox_url}?q=lucja")
        expect(page.locator(".rz-row")).to_have_count(1)
        # The search box clears with the filters.
        page.get_by_role("link", name="Wyczyść filtry i wyszukiwanie").click()
        expect(page.locator(".rz-row")).to_have_count(5)
        assert page.get_by_label("Szukaj w rozmowach").input_value() == ""
    assert not report, "\n".join(report)

    # A case reference typed in the inbox's box, or the admin's, opens the case.
    other = inbox["conversations"][2]
    page.get_by_label("Szukaj w rozmowach").fill(other.reference.lower())
    page.get_by_label("Szukaj w rozmowach").press("Enter")
    expect(page).to_have_url(re.compile(rf"/admin/rozmowy/{other.pk}/$"))
    page.goto(f"{inbox['url']}/admin/pages/search/?q={plain.reference}")
    expect(page).to_have_url(re.compile(rf"/admin/rozmowy/{plain.pk}/$"))
