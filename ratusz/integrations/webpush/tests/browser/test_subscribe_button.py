"""The subscribe button in Debian's chromium: accessible, CSP-clean, registers
the service worker at "/", and says in Polish why it could not subscribe.

Playwright's browser contexts are incognito-like, and Chrome has no Push API
in incognito (https://crbug.com/41124656): `pushManager.subscribe()` rejects
with "AbortError: Registration failed - permission denied" even with the
notifications permission granted. That is the real behaviour here, so the
test asserts the error path; the storing path is exercised by POSTing a
subscription from the page itself, with the page's CSRF token.
"""

import json

import pytest
from playwright.sync_api import expect

from ratusz.fans.models import Consent, PushSubscription
from ratusz.website.tests.browser.helpers import (
    axe_violations,
    csp_errors,
    describe_violations,
)

from ..test_subscribe import browser_subscription
from .conftest import CONTEXT_ARGS

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PAGE = "/test-obserwuj/"
BUTTON = "Włącz powiadomienia w tej przeglądarce"
PUSH_FAILED = (
    "Nie udało się włączyć powiadomień: przeglądarka nie połączyła się ze swoją "
    "usługą powiadomień. Spróbuj później albo obserwuj gminę e-mailem, SMS-em "
    "lub przez RSS."
)
INCOGNITO = "does not support the Push API in incognito mode"


@pytest.fixture
def follow_url(site_data, settings):
    settings.ROOT_URLCONF = "ratusz.integrations.webpush.tests.urls"
    return site_data["url"] + PAGE


def _problems(page) -> list[str]:
    errors = [e for e in page.console_errors if INCOGNITO not in e]
    return csp_errors(page) + errors + page.failed_requests


def test_it_is_accessible_and_registers_the_worker_at_the_root(
    follow_url, site_data, page
):
    page.goto(follow_url)
    expect(page.get_by_role("button", name=BUTTON)).to_be_visible()
    expect(page.get_by_text("działają tylko z włączonym JavaScriptem")).to_be_hidden()
    registration = page.evaluate(
        "navigator.serviceWorker.ready.then("
        "r => ({scope: r.scope, script: r.active.scriptURL}))"
    )
    assert registration == {
        "scope": site_data["url"] + "/",
        "script": site_data["url"] + "/sw.js",
    }
    violations = axe_violations(page)
    assert not violations, describe_violations(violations)
    assert not _problems(page)


def test_it_says_in_polish_why_it_could_not_subscribe(
    follow_url, site_data, context, page
):
    context.grant_permissions(["notifications"], origin=site_data["url"])
    page.goto(follow_url)
    page.get_by_label("Odpady").check()
    button = page.get_by_role("button", name=BUTTON)
    button.click()

    status = page.get_by_role("status")
    expect(status).to_have_text(PUSH_FAILED)
    expect(button).to_be_enabled()
    assert not PushSubscription.objects.exists()
    assert any(INCOGNITO in e for e in page.console_errors)
    violations = axe_violations(page)
    assert not violations, describe_violations(violations)
    assert not _problems(page)


def test_it_explains_a_refused_permission(follow_url, site_data, context, page):
    page.goto(follow_url)
    # Nobody answers the prompt in headless chromium: no permission.
    assert page.evaluate("Notification.permission") != "granted"
    page.get_by_role("button", name=BUTTON).click()
    expect(page.get_by_role("status")).to_contain_text(
        "Przeglądarka nie zezwoliła na powiadomienia."
    )
    assert not PushSubscription.objects.exists()


def test_it_stores_a_subscription_posted_by_the_page(follow_url, site_data, page):
    page.goto(follow_url)
    page.get_by_label("Odpady").check()
    subscription = browser_subscription()
    result = page.evaluate(
        """subscription => {
            const box = document.querySelector("[data-webpush]");
            const topics = [...document.querySelectorAll("input[name=topics]:checked")]
                .map(input => input.value);
            return fetch(box.dataset.subscribeUrl, {
                method: "POST",
                credentials: "same-origin",
                headers: {"Content-Type": "application/json",
                          "X-CSRFToken": box.dataset.csrf},
                body: JSON.stringify({subscription, topics, page: location.pathname}),
            }).then(async r => ({status: r.status, body: await r.json()}));
        }""",
        subscription,
    )
    assert result == {
        "status": 201,
        "body": {
            "ok": True,
            "message": "Powiadomienia w tej przeglądarce są włączone.",
        },
    }, json.dumps(result)
    stored = PushSubscription.objects.get()
    assert stored.endpoint == subscription["endpoint"]
    assert [c.name for c in stored.follower.topics.all()] == ["Odpady"]
    consent = Consent.objects.get()
    assert consent.source.endswith(PAGE)


def test_it_explains_itself_without_javascript(follow_url, browser):
    context = browser.new_context(**CONTEXT_ARGS, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(follow_url)
        expect(
            page.get_by_text("działają tylko z włączonym JavaScriptem")
        ).to_be_visible()
        expect(page.get_by_role("button", name=BUTTON)).to_be_hidden()
    finally:
        context.close()
