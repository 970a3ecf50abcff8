"""The "Zasięg wpisu" screen in chromium: 0 axe-core violations (WCAG 2.1
A/AA) and nothing wider than the window at 390 px and 1280 px, reached from
the article's "Powiadomienia" screen."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from ratusz.gminas import services as gmina_services
from ratusz.gminas.models import Membership
from ratusz.insights.models import DailyStat, PostMetric
from ratusz.outbox.models import Channel, Delivery
from ratusz.test import make_article, make_gmina, make_user
from ratusz.website.tests.browser.helpers import (
    axe_violations,
    csp_errors,
    describe_violations,
    region_overflow,
    region_violations,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
LONG = "Bardzo" + "długie" * 30  # one unbroken word wider than a phone


@pytest.fixture
def article(live_server, settings):
    # Avatars from gravatar.com are blocked by the admin's CSP; not ours.
    settings.WAGTAIL_GRAVATAR_PROVIDER_URL = None
    gmina = make_gmina("Gmina Zawada", hostname="localhost", is_default_site=True)
    user = make_user("redaktorka", password="tajne-haslo-123")
    gmina_services.add_member(gmina, user, Membership.Role.EDITOR)
    article = make_article(gmina, f"Festyn {LONG}", days_ago=20)
    for n in range(3):
        Delivery.objects.create(
            gmina=gmina,
            item=f"article:{article.pk}",
            page=article,
            channel=Channel.EMAIL,
            recipient=f"follower:{n}",
            state=Delivery.State.SENT,
        )
    today = timezone.localdate()
    for n in range(21):
        day = today - timedelta(days=20 - n)
        DailyStat.objects.create(
            gmina=gmina, day=day, dimension="site", views=50, visitors=40
        )
        DailyStat.objects.create(
            gmina=gmina,
            day=day,
            dimension="page",
            key=str(article.pk),
            views=n,
            visitors=n,
        )
        DailyStat.objects.create(
            gmina=gmina,
            day=day,
            dimension="page_source",
            key=f"{article.pk}:search",
            views=n,
            visitors=n,
        )
    for metric, value in (
        ("post_total_media_view_unique", 340),
        ("post_reactions_like_total", None),
    ):
        PostMetric.objects.create(
            gmina=gmina,
            page_id=article.pk,
            network="facebook",
            metric=metric,
            value=value,
            read_at=timezone.now(),
        )
    PostMetric.objects.create(
        gmina=gmina,
        page_id=article.pk,
        network="mastodon",
        metric="replies_count",
        checkpoint="1h",
        value=2,
        read_at=timezone.now(),
    )
    return {"url": live_server.url, "article": article}


def login(page, url):
    page.goto(url + "/admin/login/")
    page.locator("#id_username").fill("redaktorka")
    page.locator("#id_password").fill("tajne-haslo-123")
    page.locator("#id_password").press("Enter")
    page.wait_for_url(re.compile(r"/admin/$"))


def test_reach_page_on_a_phone_and_a_desktop(article, page):
    login(page, article["url"])
    page.goto(f"{article['url']}/admin/powiadomienia/{article['article'].pk}/")
    page.get_by_role("link", name="Zasięg wpisu").click()
    # 3 e-mail followers + 340 on Facebook + 0 + 1 + … + 20 from search.
    expect(page.locator("[data-combined-reach]")).to_have_text("553")
    report = []
    for label, viewport in (("390 px", PHONE), ("1280 px", DESKTOP)):
        page.set_viewport_size(viewport)
        page.reload()
        expect(page.get_by_role("img", name="Wyświetlenia artykułu")).to_be_visible()
        page.locator("details summary").click()
        expect(page.locator("[data-reach-days]")).to_be_visible()
        assert region_overflow(page, "[data-insights-reach]") == [], label
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= viewport["width"], f"{label}: the page scrolls sideways"
        violations = region_violations(page, "[data-insights-reach]")
        violations += axe_violations(page)  # the admin chrome around it too
        if violations:
            report.append(f"{label}:\n{describe_violations(violations)}")
    assert not report, "\n".join(report)
    expect(page.get_by_text("Meta nie udostępnia").first).to_be_visible()
    assert not csp_errors(page)
