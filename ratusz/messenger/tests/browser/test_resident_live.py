"""The resident's open page against the real ASGI server: a staff reply
appears without a reload, a dropped connection catches up, and a reply
whose answer is lost on the way is retried and stored once."""

import time
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

from ratusz.messenger.tests.asgi_server import asgi_site
from ratusz.website.tests.browser.helpers import csp_errors

# Like every browser test: the shared `browser` fixture restores the
# serialized database when its module ends.
pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def site(tmp_path, tmp_path_factory):
    # Short streams: the page reconnects every few seconds, as after a drop.
    with asgi_site(tmp_path, tmp_path_factory, MESSENGER_SSE_LIFETIME="3") as site:
        yield site


def test_a_staff_reply_appears_without_a_reload(site, page):
    case = site.open_conversation("Kiedy będzie naprawiona lampa na Polnej?")
    resumed_from = []

    def on_response(response):
        # EventSource reconnects with Last-Event-ID; the page's own reconnect
        # (back online) starts a new stream at ?after=<last shown id>. Only
        # the streams the server answered count: an attempt made while
        # offline fails before its headers are final (no Last-Event-ID yet).
        request = response.request
        if "/zdarzenia/" in request.url:
            query = parse_qs(urlsplit(request.url).query)
            header = request.all_headers().get("last-event-id")
            resumed_from.append(header or query.get("after", [None])[0])

    page.on("response", on_response)
    page.goto(f"{site.url}/napisz/r/{case['token']}/")
    region = page.locator("[aria-live=polite]")
    expect(region.get_by_text("Kiedy będzie naprawiona lampa")).to_be_visible()
    expect(page.get_by_text("Nowe odpowiedzi pojawią się tu same.")).to_be_visible()

    reply_id = site.reply(case["id"], "Lampę naprawimy w czwartek. <script>x</script>")
    item = region.locator(f"#w{reply_id}")
    expect(item).to_be_visible(timeout=30_000)
    expect(item).to_contain_text("Lampę naprawimy w czwartek. <script>x</script>")
    expect(item.locator("script")).to_have_count(0)

    # Streams live 3 s: the next one resumes from the reply the page shows.
    # Waiting for it (instead of assuming when it happens) keeps the test
    # independent of how fast the server and the browser are.
    _wait_until(page, lambda: str(reply_id) in resumed_from)

    # Offline for a while: what was written meanwhile arrives afterwards,
    # once. Whether it comes over the stream open before the cut or over the
    # one after it depends on timing; either way every resumption names a
    # message the page had already shown (the reply or the missed one).
    offline_at = len(resumed_from)
    page.context.set_offline(True)
    missed = site.reply(case["id"], "Odpowiedź w czasie przerwy")
    page.context.set_offline(False)
    expect(region.locator(f"#w{missed}")).to_be_visible(timeout=60_000)
    expect(region.get_by_text("Odpowiedź w czasie przerwy")).to_have_count(1)
    assert set(resumed_from[offline_at:]) <= {str(reply_id), str(missed)}
    assert csp_errors(page) == []


def _wait_until(page, condition, timeout=30.0):
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "the condition did not come true"
        page.wait_for_timeout(100)  # lets Playwright deliver its events


def test_a_lost_answer_is_retried_and_stored_once(site, page):
    case = site.open_conversation("Pytanie o podatek")
    url = f"{site.url}/napisz/r/{case['token']}/"
    lost = []

    def lose_two_answers(route):
        if route.request.method != "POST":
            return route.continue_()
        if len(lost) < 2:
            # The server stores the reply; its answer never reaches the page.
            response = route.fetch()
            lost.append(response.status)
            return route.abort("connectionreset")
        return route.continue_()

    page.route(url, lose_two_answers)
    page.goto(url)
    page.get_by_label("Twoja wiadomość").fill("Czy mogę zapłacić przelewem?")
    page.get_by_role("button", name="Wyślij", exact=True).click()
    region = page.locator("[aria-live=polite]")
    expect(region.get_by_text("Czy mogę zapłacić przelewem?")).to_be_visible(
        timeout=30_000
    )
    expect(page.get_by_text("Wiadomość wysłana.")).to_be_visible(timeout=30_000)
    assert lost == [200, 200]
    assert site.count(case["id"], "Czy mogę zapłacić przelewem?") == 1
    expect(region.get_by_text("Czy mogę zapłacić przelewem?")).to_have_count(1)
    # The form is ready for the next message, with a new submit id.
    expect(page.get_by_label("Twoja wiadomość")).to_have_value("")
