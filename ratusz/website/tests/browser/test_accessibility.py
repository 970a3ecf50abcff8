"""axe-core finds no WCAG 2.1 A/AA violations on the public pages, at phone
and desktop widths, and the strict CSP blocks nothing the pages need."""

import pytest

from .conftest import DESKTOP, PHONE
from .helpers import axe_violations, csp_errors, describe_violations

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _news_filtered(page, data):
    page.goto(data["url"] + data["news"].url)
    form = page.locator("main form.filters")
    form.get_by_label("Kategoria").select_option(label="Odpady")
    form.get_by_role("button", name="Pokaż").click()
    assert "kategoria=" in page.url
    return page.url


def _results(page):
    return page.locator("main").get_by_role("link", name="Remont drogi gminnej")


PAGES = {
    "home": lambda page, data: data["url"] + "/",
    "news": lambda page, data: data["url"] + data["news"].url,
    "news-filtered": _news_filtered,
    "article": lambda page, data: data["url"] + data["article"].url,
    "search": lambda page, data: data["url"] + "/szukaj/?q=remont+drogi",
    "search-empty": lambda page, data: data["url"] + "/szukaj/?q=xyzzyqwerty",
    "statement": lambda page, data: data["url"] + data["statement"].url,
    "standard": lambda page, data: data["url"] + data["standard"].url,
    "follow": lambda page, data: data["url"] + "/obserwuj/",
    "follow-preselected": lambda page, data: (
        data["url"] + "/obserwuj/?kanal=sms&kategoria=odpady&solectwo=laki"
    ),
    "home-en": lambda page, data: data["url"] + "/en/",
    "not-found": lambda page, data: data["url"] + "/nie-ma-takiej-strony/",
}
# The pages must show what they are named after, or axe checks the wrong thing.
# Pages residents reach from "Obserwuj" are checked at 390 px as well.
PHONE_390 = {"width": 390, "height": 844}
AT_390 = {"news", "article", "follow", "follow-preselected"}
EXPECT = {
    "follow-preselected": lambda page: (
        page.get_by_label("Odpady").is_checked()
        and page.get_by_label("Łąki").is_checked()
    ),
    "news-filtered": lambda page: page.locator("main .card").count() == 2,
    "search": lambda page: _results(page).count() >= 1,
    "search-empty": lambda page: _results(page).count() == 0,
}


def test_it_has_no_axe_violations_on_public_pages(site_data, page):
    """Each page at both widths: 0 axe violations, nothing blocked by the CSP,
    no script errors and no failed requests."""
    report = []
    for name, make_url in PAGES.items():
        url = make_url(page, site_data)
        viewports = [("phone", PHONE), ("desktop", DESKTOP)]
        if name in AT_390:
            viewports.insert(1, ("phone-390", PHONE_390))
        for label, viewport in viewports:
            page.set_viewport_size(viewport)
            response = page.goto(url)
            expected = 404 if name == "not-found" else 200
            assert response.status == expected, f"{url}: {response.status}"
            assert EXPECT.get(name, bool)(page), f"{name}: unexpected content"
            violations = axe_violations(page)
            if violations:
                report.append(f"{name}, {label}, {url}:")
                report.append(describe_violations(violations))
        problems = csp_errors(page) + page.console_errors + page.failed_requests
        if problems:
            report.append(f"{name}, {url}: " + "\n  ".join(problems))
        page.console_errors.clear()
        page.failed_requests.clear()
    assert not report, "\n" + "\n".join(report)


def test_it_keeps_contrast_with_the_lightest_allowed_gmina_colours(site_data, page):
    gmina = site_data["gmina"]
    # Each only just reaches the 4.5:1 against white that a gmina must meet.
    gmina.primary_colour = "#2379c9"
    gmina.accent_colour = "#c45323"
    gmina.full_clean()
    gmina.save()
    news = site_data["url"] + site_data["news"].url
    urls = [
        site_data["url"] + "/",  # urgent box: accent text
        news + "?strona=2",  # current page: white on primary
        site_data["url"] + site_data["article"].url,
        site_data["url"] + "/szukaj/?q=remont+drogi",  # <mark> inside links
        site_data["url"] + "/szukaj/?q=remont&strona=9",  # a notice
    ]
    report = []
    for viewport in (PHONE, DESKTOP):
        page.set_viewport_size(viewport)
        for url in urls:
            page.goto(url)
            violations = axe_violations(page)
            if violations:
                report.append(f"{viewport} {url}:\n{describe_violations(violations)}")
    assert not report, "axe violations:\n" + "\n".join(report)
    page.goto(urls[0])
    assert page.locator(".urgent h2").evaluate("e => getComputedStyle(e).color") == (
        "rgb(196, 83, 35)"
    )
