"""The insights pages in chromium: the public statistics and privacy pages,
the monthly report and the public statistics settings in the admin. Each
fits 390 px and 1280 px without sideways scrolling and has 0 axe-core
violations (WCAG 2.1 A/AA)."""

from datetime import date

import pytest
from playwright.sync_api import expect

from ratusz.fans.models import FanCount
from ratusz.gminas.models import Membership
from ratusz.gminas.tests.factory import make_member
from ratusz.insights.models import DailyStat, MissedSearch, NetworkDaily, PublicStats
from ratusz.insights.report import Month
from ratusz.website.tests.browser.conftest import DESKTOP
from ratusz.website.tests.browser.helpers import axe_violations, describe_violations

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PHONE_390 = {"width": 390, "height": 844}
LONG = "Bardzo długi tytuł artykułu o przebudowie drogi gminnej " * 3


@pytest.fixture
def numbers(site_data):
    """Last month's numbers for the gmina, with small and large counts."""
    gmina = site_data["gmina"]
    month = Month.previous()
    article = site_data["article"]
    article.title = LONG
    article.save_revision().publish()
    for day in range(1, 29):
        when = date(month.year, month.month, day)
        for dimension, key, views, visitors in (
            ("site", "", 1200 + day, 800),
            ("page", str(article.pk), 900, 600),
            ("source", "facebook", 700, 500),
            ("source", "sms", 3, 2),
            ("device", "phone", 1000, 700),
        ):
            DailyStat.objects.create(
                gmina=gmina, day=when, dimension=dimension, key=key,
                views=views, visitors=visitors,
            )  # fmt: skip
    FanCount.objects.create(gmina=gmina, day=month.last_day, channel="all", count=1234)
    FanCount.objects.create(gmina=gmina, day=month.last_day, channel="sms", count=4)
    NetworkDaily.objects.create(
        gmina=gmina, network="facebook", metric="followers", day=month.last_day,
        value=None, note="Strona ma mniej niż 100 polubień: Meta nie podaje liczb",
    )  # fmt: skip
    MissedSearch.objects.create(
        gmina=gmina, day=month.first_day, lemmas="wywóz " + "gabaryt" * 12, searches=7
    )
    PublicStats.objects.create(gmina=gmina, **dict.fromkeys(PublicStats.SECTIONS, True))
    return {**site_data, "month": month}


def check(page, url, ready) -> list[str]:
    """Problems of one page at 390 px and 1280 px (overflow, axe)."""
    problems = []
    for label, viewport in (("390", PHONE_390), ("1280", DESKTOP)):
        page.set_viewport_size(viewport)
        page.goto(url)
        expect(page.get_by_role("heading", name=ready).first).to_be_visible()
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > viewport["width"]:
            problems.append(f"{url} at {label}: {width}px wide")
        violations = axe_violations(page)
        if violations:
            problems.append(f"{url} at {label}:\n{describe_violations(violations)}")
    return problems


def login(page, url):
    page.goto(url + "/admin/login/")
    page.fill("input[name=username]", "dora")
    page.fill("input[name=password]", "password")
    page.click("button[type=submit]")
    expect(page.locator("#wagtail-sidebar")).to_be_attached()


def test_public_pages_fit_and_pass_axe(numbers, page, settings):
    settings.INSIGHTS_COUNTING = True
    settings.INSIGHTS_FLUSH_SECONDS = 0
    base = numbers["url"]
    problems = check(page, base + "/statystyki/", "Obserwujący")
    problems += check(page, base + "/statystyki/prywatnosc/", "Jak długo przechowujemy")
    assert not problems, "\n".join(problems)
    assert page.console_errors == []  # no CSP violation either
    page.goto(base + "/statystyki/")
    expect(page.get_by_role("cell", name="< 10").first).to_be_visible()


def test_admin_report_and_settings_fit_and_pass_axe(numbers, page):
    gmina = numbers["gmina"]
    make_member(gmina, "dora", Membership.Role.ADMIN)
    base = numbers["url"]
    login(page, base)
    report = (
        f"{base}/admin/statystyki/sprawozdanie/{gmina.pk}/?miesiac={numbers['month']}"
    )
    problems = check(page, report, "Serwis internetowy")
    problems += check(
        page, f"{base}/admin/statystyki-publiczne/{gmina.pk}/", "Statystyki publiczne"
    )
    assert not problems, "\n".join(problems)
    page.goto(report)
    with page.expect_download() as download:
        page.get_by_role("link", name="Pobierz PDF").click()
    assert download.value.suggested_filename.endswith(f"{numbers['month']}.pdf")
