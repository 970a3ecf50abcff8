"""Fixtures for the browser tests: Debian's chromium driven by Playwright
against pytest-django's live server, with a gmina full of realistic content.

One browser serves a test module; every test gets a fresh context. Other
apps' browser tests import these fixtures. Module scope (not package or
session) because pytest-django runs transactional tests after the others, so
tests of different packages interleave: only module scope guarantees that one
module's Playwright has stopped before the next one starts (two at once fail
with "Sync API inside the asyncio loop"). The tests do not use
pytest-playwright's session fixtures, so that Playwright's event loop (see
`browser`) is gone again when the rest of the suite runs.
"""

import os
from pathlib import Path

import pytest
from django.core.cache import caches
from django.db import connections
from django.utils import translation
from playwright.sync_api import expect, sync_playwright

from ratusz.website.tests.content import make_site_content

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# A loaded CI machine (two suites at once) can take longer than
# Playwright's default 5 s for a page to answer a click.
expect.set_options(timeout=15_000)

PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 800}
CONTEXT_ARGS = {
    "viewport": DESKTOP,
    "locale": "pl-PL",
    # Smooth scrolling would leave a just-focused element off screen for a
    # moment; residents who ask for less motion get none.
    "reduced_motion": "reduce",
}


@pytest.fixture(scope="module")
def browser(django_db_setup, django_db_blocker, live_server):
    # A missing chromium must fail the suite, never skip it.
    assert CHROMIUM.exists(), f"{CHROMIUM} is missing: apt-get install -y chromium"
    sync_connections = {alias: connections[alias] for alias in connections}
    # Only while these tests run: subprocesses of other tests must not inherit it.
    async_unsafe = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    playwright = sync_playwright().start()
    # From here on Playwright's sync API marks an asyncio loop as running in
    # this thread, so asgiref (behind django.db.connections) keys connections
    # by context instead of by thread and would hand the tests new connection
    # objects: without the data serialized_rollback restores, and not the one
    # the live server shares for in-memory SQLite. Keep the same ones.
    for alias, connection in sync_connections.items():
        connections[alias] = connection
    browser = playwright.chromium.launch(
        executable_path=str(CHROMIUM), args=CHROMIUM_ARGS
    )
    yield browser
    browser.close()
    playwright.stop()
    # serialized_rollback flushes without post_migrate, expecting the next
    # test to restore the data; tests after this package may not, so leave
    # the database as the migrations made it.
    with django_db_blocker.unblock():
        for connection in sync_connections.values():
            contents = getattr(connection, "_test_serialized_contents", None)
            if contents:
                connection.creation.deserialize_db_from_string(contents)
    if async_unsafe is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE")
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = async_unsafe


@pytest.fixture
def context(browser):
    context = browser.new_context(**CONTEXT_ARGS)
    context.set_default_timeout(10_000)
    yield context
    context.close()


@pytest.fixture
def site_data(live_server, settings, tmp_path):
    """A gmina on the live server's host with a realistic amount of content."""
    settings.MEDIA_ROOT = tmp_path / "media"
    # Renditions are cached by image id, and ids repeat between tests.
    for cache in caches.all():
        cache.clear()
    # Page URLs are built in this thread: Polish ones, whatever ran before.
    with translation.override("pl"):
        yield {"url": live_server.url, **make_site_content()}


@pytest.fixture
def page(context):
    """A page that records console errors (CSP violations among them) and
    failed requests for anything but the document itself."""
    page = context.new_page()
    page.console_errors = []
    page.failed_requests = []

    def on_console(message):
        # A failed request shows up here too; `failed_requests` says which.
        if message.type == "error" and "Failed to load resource" not in message.text:
            page.console_errors.append(message.text)

    def on_response(response):
        if response.status >= 400 and response.request.resource_type != "document":
            page.failed_requests.append(f"{response.status} {response.url}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: page.console_errors.append(str(error)))
    page.on("response", on_response)
    page.on("requestfailed", lambda r: page.failed_requests.append(f"failed {r.url}"))
    return page
