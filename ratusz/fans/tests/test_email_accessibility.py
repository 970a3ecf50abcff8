"""The article e-mail is accessible (axe-core, WCAG 2.1 AA) in real chromium."""

from django.test import override_settings
from playwright.sync_api import sync_playwright

from ratusz.fans.models import ChannelState, Follower
from ratusz.test import BaseTestCase, make_article
from ratusz.testing.smtp import SmtpSink
from ratusz.website.tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, PHONE
from ratusz.website.tests.browser.helpers import axe_violations, describe_violations


class EmailAccessibilityTestCase(BaseTestCase):
    def test_the_article_email_has_no_axe_violations(self):
        Follower.objects.create(
            gmina=self.gmina, email="ala@example.org", email_state=ChannelState.ACTIVE
        )
        with SmtpSink() as sink, override_settings(**sink.settings()):
            with self.captureOnCommitCallbacks(execute=True):
                make_article(
                    self.gmina,
                    "Zebranie wiejskie w Kamionce",
                    lead="W piątek o 18:00 w świetlicy.",
                )
            html = sink.messages[0].get_body(("html",)).get_content()

        assert CHROMIUM.exists(), f"{CHROMIUM} is missing: apt-get install -y chromium"
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=str(CHROMIUM), args=CHROMIUM_ARGS
            )
            try:
                for viewport in (PHONE, {"width": 1280, "height": 800}):
                    page = browser.new_page(viewport=viewport)
                    page.set_content(html)
                    violations = axe_violations(page)
                    self.assertEqual(violations, [], describe_violations(violations))
                    self.assertEqual(
                        page.locator("h1").inner_text(), "Zebranie wiejskie w Kamionce"
                    )
                    page.close()
            finally:
                browser.close()
