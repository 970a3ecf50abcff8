"""The "Powiadomienia" screens in a real chromium: the live counters in the article
editor, the live progress of a send, and axe on what this app adds."""

import re

import pytest
from playwright.sync_api import expect

from ratusz.fans.models import FanCount
from ratusz.gminas import services as gmina_services
from ratusz.gminas.models import Membership
from ratusz.outbox.models import Channel, Delivery
from ratusz.test import make_article, make_gmina, make_user
from ratusz.website.tests.browser.helpers import (
    AXE_TAGS,
    _axe,
    csp_errors,
    describe_violations,
)

# browser, context and page: the website's browser fixtures (conftest.py).
pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def editor(live_server, settings):
    # Avatars from gravatar.com are blocked by the admin's CSP; not ours.
    settings.WAGTAIL_GRAVATAR_PROVIDER_URL = None
    gmina = make_gmina("Gmina Zawada", hostname="localhost", is_default_site=True)
    user = make_user("redaktorka", password="tajne-haslo-123")
    gmina_services.add_member(gmina, user, Membership.Role.EDITOR)
    return {"url": live_server.url, "gmina": gmina, "user": user}


def login(page, data):
    page.goto(data["url"] + "/admin/login/")
    page.locator("#id_username").fill("redaktorka")
    page.locator("#id_password").fill("tajne-haslo-123")
    page.locator("#id_password").press("Enter")
    page.wait_for_url(re.compile(r"/admin/$"))


def test_the_editor_counts_sms_and_mastodon_as_you_type(editor, page):
    article = make_article(editor["gmina"], "Wywóz odpadów")
    login(page, editor)
    page.goto(f"{editor['url']}/admin/pages/{article.pk}/edit/")
    sms = page.locator("#id_sms_text")
    sms.scroll_into_view_if_needed()
    if not sms.is_visible():
        # The panel starts collapsed; its heading's toggle opens it.
        page.locator(
            '[aria-controls="panel-child-tresc-powiadomienia_obserwujacych-content"]'
        ).click()
    counter = page.locator("#id_sms_text-counter")
    expect(counter).to_have_attribute("aria-live", "polite")
    expect(counter).to_contain_text("Pusta")

    sms.fill("Odbior odpadow w piatek")
    expect(counter).to_have_text(
        "23 znaki, GSM-7, części SMS: 1 (do 160 znaków w części)."
    )
    sms.fill("Odbiór odpadów w piątek")
    expect(counter).to_contain_text("23 znaki, UCS-2, części SMS: 1 (do 70 znaków")
    sms.fill("ż" * 71)
    expect(counter).to_contain_text("71 znaków, UCS-2, części SMS: 2 (do 67 znaków")
    sms.fill("a")
    expect(counter).to_contain_text("1 znak, GSM-7")
    assert "id_sms_text-counter" in sms.get_attribute("aria-describedby")

    mastodon = page.locator("#id_mastodon_text")
    mastodon.fill("Zebranie https://example.org/" + "a" * 200)
    # 9 + the link as 23, then an empty line and the article's link (23).
    expect(page.locator("#id_mastodon_text-counter")).to_contain_text(
        "Wpis z linkiem do artykułu: 57 z 500 znaków"
    )
    # The field takes up to 450 characters, so with the link it still fits.
    mastodon.fill("x" * 460)
    expect(page.locator("#id_mastodon_text-counter")).to_have_text(
        "Wpis z linkiem do artykułu: 475 z 500 znaków (link liczy się jako 23)."
    )
    assert not [e for e in page.console_errors if "outbox" in e], page.console_errors


def test_the_progress_updates_while_the_send_runs(editor, page):
    article = make_article(editor["gmina"], "Pilny komunikat")
    rows = [
        Delivery.objects.create(
            gmina=editor["gmina"],
            item=f"article:{article.pk}",
            page=article,
            channel=Channel.EMAIL,
            recipient=f"follower:{n}",
        )
        for n in range(4)
    ]
    login(page, editor)
    page.goto(f"{editor['url']}/admin/powiadomienia/{article.pk}/")
    sent = page.locator('[data-outbox-count="email-sent"]')
    expect(sent).to_have_text("0")
    expect(page.locator("[data-outbox-status]")).to_contain_text("Trwa wysyłka")

    Delivery.objects.filter(pk__in=[r.pk for r in rows[:3]]).update(
        state=Delivery.State.SENT
    )
    expect(sent).to_have_text("3", timeout=6000)
    bar = page.locator("#outbox-bar-email")
    expect(bar).to_have_attribute("value", "3")
    expect(page.locator('[data-outbox-percent="email"]')).to_have_text("75%")

    Delivery.objects.filter(pk=rows[3].pk).update(state=Delivery.State.FAILED)
    expect(page.locator('[data-outbox-count="email-failed"]')).to_have_text(
        "1", timeout=6000
    )
    expect(page.locator("[data-outbox-status]")).to_contain_text(
        "Wysyłka zakończona. Zmieniła się liczba nieudanych"
    )
    assert not csp_errors(page)

    violations = axe_violations_in(page, "#outbox-progress")
    assert not violations, describe_violations(violations)


def test_preview_and_dashboard_panel_have_no_axe_violations(editor, page):
    article = make_article(editor["gmina"], "<b>Festyn</b> w Zawadzie", sms_text="Ą")
    FanCount.objects.create(
        gmina=editor["gmina"], day="2026-11-01", channel="all", count=120
    )
    login(page, editor)
    page.goto(f"{editor['url']}/admin/powiadomienia/{article.pk}/podglad/")
    expect(page.get_by_role("heading", name="SMS")).to_be_visible()
    violations = axe_violations_in(page, ".nice-padding")
    assert not violations, describe_violations(violations)

    page.goto(f"{editor['url']}/admin/")
    expect(page.get_by_role("img", name=re.compile("Liczba fanów"))).to_be_visible()
    violations = axe_violations_in(page, '[aria-labelledby^="fans-heading-"]')
    assert not violations, describe_violations(violations)


def axe_violations_in(page, selector):
    # Wagtail's own screens are not ours to fix; check what this app renders.
    results = _axe.run(
        page,
        context={"include": [selector]},
        options={"runOnly": {"type": "tag", "values": AXE_TAGS}},
    )
    return results.response["violations"]
