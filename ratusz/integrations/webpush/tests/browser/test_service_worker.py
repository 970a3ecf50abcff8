"""The service worker's `pushsubscriptionchange` handler, run in chromium.

Headless chromium has no Push API (and Playwright's contexts are incognito,
where Chrome refuses it), so the push service cannot really replace a
subscription here. The test runs the real /sw.js in a page of the live site
with a stand-in for the worker's `self` (its `registration.pushManager` and
Cache Storage), dispatches synthetic events and lets the script POST through
the page's real `fetch` to the live server, whose database is then checked.
"""

import base64

import pytest

from ratusz.fans.models import Follower, PushSubscription
from ratusz.gminas.models import Category, Gmina
from ratusz.integrations.webpush import vapid

from ..test_subscribe import browser_subscription
from .conftest import CONTEXT_ARGS

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

# Runs the worker's script with a fake `self`; each call dispatches one
# synthetic event and reports what the script did.
HARNESS = """async ({source, events}) => {
  const listeners = {};
  const stored = {};
  const subscribed = [];
  const results = [];
  let next = null;
  const fakeSelf = {
    location: {origin: location.origin},
    addEventListener: (type, listener) => { listeners[type] = listener; },
    skipWaiting() {},
    clients: {claim: async () => {}},
    caches: {open: async () => ({
      put: async (key, response) => { stored[key] = await response.text(); },
      match: async key => key in stored ? new Response(stored[key]) : undefined,
    })},
    registration: {pushManager: {
      getSubscription: async () => null,
      subscribe: async options => {
        subscribed.push(Array.from(new Uint8Array(options.applicationServerKey)));
        return {endpoint: next.endpoint, toJSON: () => next};
      },
    }},
  };
  new Function("self", "fetch", source)(fakeSelf, window.fetch.bind(window));
  for (const event of events) {
    next = event.next;
    const key = event.key ? new Uint8Array(event.key).buffer : null;
    let waited = null;
    listeners.pushsubscriptionchange({
      oldSubscription: event.old
        ? {endpoint: event.old, options: {applicationServerKey: key}}
        : null,
      newSubscription: null,
      waitUntil: promise => { waited = promise; },
    });
    await waited;
    results.push({subscribedWith: subscribed.pop() || null, remembered: {...stored}});
  }
  return results;
}"""


def _key_bytes(base64url: str) -> list[int]:
    return list(base64.urlsafe_b64decode(base64url + "=" * (-len(base64url) % 4)))


def test_the_worker_resubscribes_and_the_server_swaps_the_endpoint(browser, site_data):
    gmina = Gmina.objects.get(site__hostname="localhost")
    follower = Follower.objects.create(gmina=gmina, all_topics=False)
    topic = Category.objects.filter(gmina=gmina).first()
    follower.topics.set([topic])
    first, second, third = (browser_subscription(n) for n in (1, 2, 3))
    row = PushSubscription.objects.create(
        follower=follower,
        endpoint=first["endpoint"],
        p256dh=first["keys"]["p256dh"],
        auth=first["keys"]["auth"],
    )
    key = _key_bytes(vapid.keys().public_key)
    unknown = browser_subscription(4)

    context = browser.new_context(**CONTEXT_ARGS, bypass_csp=True)
    try:
        page = context.new_page()
        # A page of the site's origin, so the script's fetch is same-origin.
        response = page.goto(site_data["url"] + "/sw.js")
        assert response.status == 200
        results = page.evaluate(
            HARNESS,
            {
                "source": response.text(),
                "events": [
                    # Firefox: the old subscription and its key.
                    {"old": first["endpoint"], "key": key, "next": second},
                    # Chrome may give no old subscription: the remembered one.
                    {"old": None, "key": None, "next": third},
                    # An endpoint the server never knew: refused, not remembered.
                    {"old": unknown["endpoint"], "key": key, "next": unknown},
                ],
            },
        )
    finally:
        context.close()

    memory = "/webpush/endpoint"
    # 1. Same key as the old subscription; the server swapped the endpoint.
    assert results[0]["subscribedWith"] == key
    assert results[0]["remembered"] == {memory: second["endpoint"]}
    # 2. The key from the script (the installation's VAPID key), old = remembered.
    assert results[1]["subscribedWith"] == key
    assert results[1]["remembered"] == {memory: third["endpoint"]}
    # 3. Refused with 404: the memory still holds the last good endpoint.
    assert results[2]["remembered"] == {memory: third["endpoint"]}

    row.refresh_from_db()
    assert (row.endpoint, row.p256dh, row.auth) == (
        third["endpoint"],
        third["keys"]["p256dh"],
        third["keys"]["auth"],
    )
    assert row.follower == follower
    assert list(follower.topics.all()) == [topic]
    assert PushSubscription.objects.count() == 1
