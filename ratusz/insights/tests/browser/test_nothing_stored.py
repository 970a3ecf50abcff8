"""Counting leaves nothing on the resident's device: no consent banner needed."""

import pytest

from ratusz.insights.buffer import buffer
from ratusz.insights.models import ViewEvent
from ratusz.insights.tests.helpers import DESKTOP, reset_counting

from .conftest import CONTEXT_ARGS

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_three_counted_views_store_nothing_in_the_browser(site_data, browser, settings):
    # Headless Chromium names itself HeadlessChrome, which is not counted.
    context = browser.new_context(**CONTEXT_ARGS, user_agent=DESKTOP)
    page = context.new_page()
    settings.INSIGHTS_COUNTING = True
    settings.INSIGHTS_FLUSH_SECONDS = 0  # flushed below, in this thread
    reset_counting()
    articles = site_data["articles"][:2]
    page.goto(site_data["url"] + "/")
    for article in articles:
        page.goto(site_data["url"] + article.get_url())

    assert page.context.cookies() == []
    assert page.evaluate("localStorage.length") == 0
    assert page.evaluate("sessionStorage.length") == 0
    buffer.flush()
    assert ViewEvent.objects.count() == 3
    reset_counting()
    context.close()
