"""Everything a resident needs works with JavaScript switched off: the
site's scripts are progressive enhancement only."""

import re

import pytest

from .conftest import CONTEXT_ARGS

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_it_works_without_javascript(site_data, browser):
    context = browser.new_context(**CONTEXT_ARGS, java_script_enabled=False)
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        page.goto(site_data["url"] + "/")

        page.get_by_role("navigation", name="Menu główne").get_by_role(
            "link", name="Aktualności"
        ).click()
        assert page.get_by_role("heading", level=1).inner_text() == "Aktualności"
        assert page.locator("main .card").count() >= 10

        form = page.locator("main form.filters")
        form.get_by_label("Kategoria").select_option(label="Odpady")
        form.get_by_role("button", name="Pokaż").click()
        titles = page.locator("main .card__title").all_inner_texts()
        assert sorted(titles) == [
            "Harmonogram odbioru odpadów na marzec",
            "Zbiórka elektrośmieci w Łąkach",
        ]

        page.get_by_role("link", name="Zbiórka elektrośmieci w Łąkach").click()
        heading = page.get_by_role("heading", level=1)
        assert heading.inner_text() == "Zbiórka elektrośmieci w Łąkach"

        page.get_by_label("Szukaj w serwisie").fill("remontu drogi")
        page.get_by_role("search").get_by_role("button", name="Szukaj").click()
        assert re.search(r"/szukaj/\?q=remontu\+drogi", page.url)
        results = page.locator("main").get_by_role("link", name=re.compile("Remont"))
        assert results.first.inner_text() == "Remont drogi gminnej w Zawadzie"
        results.first.click()
        assert page.url.endswith(site_data["article"].url)
    finally:
        context.close()
