"""The staff dashboard and the missed searches screen in chromium, full of
data: nothing scrolls the page sideways at 390 px (wide tables scroll in
their own labelled box), 0 axe-core violations at 390 and 1280 px, and the
"napisz stronę" button opens a new draft in the editor."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from ratusz.fans.models import FanCount
from ratusz.gminas.models import Membership
from ratusz.gminas.tests.factory import make_member
from ratusz.insights.models import DailyStat, MissedSearch, NetworkDaily, ViewEvent
from ratusz.messenger import services
from ratusz.tests.browser.test_staff_on_a_phone import HIDDEN_ON_PURPOSE, OVERFLOW_JS
from ratusz.website.models import ProcedurePage
from ratusz.website.tests.browser.conftest import DESKTOP
from ratusz.website.tests.browser.helpers import axe_violations, describe_violations
from ratusz.website.tests.factory_procedures import make_procedure_index

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PHONE = {"width": 390, "height": 844}
LONG = "Konstantynopolitańczykowianeczka" * 3


@pytest.fixture
def stats(site_data):
    gmina = site_data["gmina"]
    make_procedure_index(gmina)
    user = make_member(gmina, "ewa", Membership.Role.EDITOR)
    today = timezone.localdate()
    articles = site_data["articles"]
    rows = []
    for n in range(400):
        day = today - timedelta(days=n + 1)
        views = 40 + (n * 7) % 60
        rows += [
            DailyStat(gmina=gmina, day=day, dimension="site", views=views, visitors=25),
            DailyStat(
                gmina=gmina,
                day=day,
                dimension="source",
                key="facebook",
                views=views // 2,
                visitors=10,
            ),
            DailyStat(
                gmina=gmina,
                day=day,
                dimension="source",
                key="direct",
                views=views - views // 2,
                visitors=15,
            ),
            DailyStat(
                gmina=gmina,
                day=day,
                dimension="device",
                key="phone",
                views=views,
                visitors=25,
            ),
            DailyStat(
                gmina=gmina,
                day=day,
                dimension="hour",
                key=f"{(n * 5) % 24:02d}",
                views=views,
                visitors=25,
            ),
        ]
        for i, article in enumerate(articles[:6]):
            rows.append(
                DailyStat(
                    gmina=gmina,
                    day=day,
                    dimension="page",
                    key=str(article.pk),
                    views=views // (i + 2),
                    visitors=5,
                )
            )
        NetworkDaily.objects.create(
            gmina=gmina,
            network="facebook",
            metric="reach",
            day=day,
            value=None if n % 9 == 0 else 500 + n,
            note="Strona ma mniej niż 100 polubień: Meta nie podaje liczb."
            if n % 9 == 0
            else "",
        )
        NetworkDaily.objects.create(
            gmina=gmina, network="mastodon", metric="followers", day=day, value=50 + n
        )
        FanCount.objects.create(gmina=gmina, day=day, channel="all", count=900 - n)
        FanCount.objects.create(gmina=gmina, day=day, channel="email", count=600 - n)
    DailyStat.objects.bulk_create(rows)
    ViewEvent.objects.create(
        gmina=gmina,
        day=today,
        at=timezone.now(),
        page_id=articles[0].pk,
        path="/",
        visitor="a",
        source="sms",
        device="tablet",
    )
    for i, lemmas in enumerate(["wywóz gruz", f"dowód {LONG}", "=2+3 podatek"]):
        MissedSearch.objects.create(
            gmina=gmina, day=today - timedelta(days=i), lemmas=lemmas, searches=9 - i
        )
    for i in range(3):
        conversation, _, _ = services.open_conversation(
            gmina, body=f"Pytanie {i}", resident_name="Mieszkanka"
        )
        services.reply(conversation, user, "Odpowiedź.")
    return {**site_data, "user": user}


def login(page, url):
    page.goto(url + "/admin/login/")
    page.fill("input[name=username]", "ewa")
    page.fill("input[name=password]", "password")
    page.click("button[type=submit]")
    expect(page.locator("#wagtail-sidebar")).to_be_attached()


def test_the_screens_fit_a_phone_and_pass_axe(stats, page):
    login(page, stats["url"])
    gmina = stats["gmina"]
    paths = [
        reverse("insights-dashboard", args=[gmina.pk]) + "?dni=30",
        reverse("insights-dashboard", args=[gmina.pk]) + "?dni=365",
        reverse("insights-dashboard", args=[gmina.pk]) + "?od=2020-01-01&do=jutro",
        reverse("insights-missed", args=[gmina.pk]),
    ]
    report = []
    for path in paths:
        for label, viewport in (("390 px", PHONE), ("1280 px", DESKTOP)):
            page.set_viewport_size(viewport)
            response = page.goto(stats["url"] + path)
            assert response.status == 200, path
            expect(page.locator("main h2").first).to_be_visible()
            problems = page.evaluate(OVERFLOW_JS, HIDDEN_ON_PURPOSE)
            if problems:
                report.append(f"{path} at {label}: " + "\n    ".join(problems))
            violations = axe_violations(page)
            if violations:
                report.append(f"{path} at {label}: {describe_violations(violations)}")
    assert not report, "\n".join(report)
    assert not page.console_errors, page.console_errors


def test_the_wide_heatmap_table_scrolls_in_its_own_box(stats, page):
    login(page, stats["url"])
    page.set_viewport_size(PHONE)
    page.goto(stats["url"] + reverse("insights-dashboard", args=[stats["gmina"].pk]))
    page.locator("#godziny summary").click()
    box = page.locator("#godziny .rz-scroll")
    expect(box).to_have_attribute("role", "region")
    assert box.evaluate("el => el.scrollWidth > el.clientWidth")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], width


def test_the_button_opens_a_new_draft_in_the_editor(stats, page):
    login(page, stats["url"])
    page.goto(stats["url"] + reverse("insights-missed", args=[stats["gmina"].pk]))
    row = page.get_by_role("row").filter(has_text="wywóz gruz")
    row.get_by_role("button", name="Napisz stronę").click()
    page.wait_for_url("**/edit/")
    draft = ProcedurePage.objects.get(title="Wywóz gruz")
    assert page.url == f"{stats['url']}/admin/pages/{draft.pk}/edit/"
    assert ProcedurePage.objects.filter(title="Wywóz gruz", live=False).count() == 1
