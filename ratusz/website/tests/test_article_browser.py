"""The article in a real chromium: "copy link" and the printed page.

The pages are rendered by the test client and served, with the real static
files, from a loopback file server: the browser needs no live Django and no
transactional database, so these tests leave the database as they found it.
"""

import functools
import shutil
import tempfile
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import sync_playwright

from ratusz.test import BaseTestCase, make_article

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


@pytest.mark.browser
class ArticleInBrowserTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.article = make_article(
            cls.gmina,
            "Remont mostu na Wiśle",
            lead="Most będzie zamknięty przez dwa tygodnie.",
            body="<p>Objazd prowadzi przez Brzezie.</p>",
        )

    def setUp(self):
        assert CHROMIUM.exists(), f"{CHROMIUM} is missing: apt-get install chromium"
        self.root = Path(tempfile.mkdtemp(prefix="ratusz-browser-"))
        self.addCleanup(shutil.rmtree, self.root, ignore_errors=True)
        shutil.copytree(settings.BASE_DIR / "ratusz" / "static", self.root / "static")
        self.article_path = self.article.relative_url(self.gmina.site)
        for path in [self.article_path, "/aktualnosci/"]:
            r = self.client.get(path)
            self.assertEqual(r.status_code, 200)
            target = self.root / path.strip("/") / "index.html"
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(r.content)

        handler = functools.partial(_QuietHandler, directory=str(self.root))
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.addCleanup(self.server.server_close)
        self.addCleanup(self.server.shutdown)
        # "localhost" is a secure context, as the clipboard API requires.
        self.base = f"http://localhost:{self.server.server_port}"

        # Playwright runs an event loop in this thread: the ORM work is done
        # above, and the browser is gone before the test's rollback.
        self.playwright = sync_playwright().start()
        self.addCleanup(self.playwright.stop)
        self.browser = self.playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=ARGS
        )
        self.addCleanup(self.browser.close)

    def test_copy_link_copies_the_address_and_says_so(self):
        context = self.browser.new_context(locale="pl-PL")
        context.grant_permissions(
            ["clipboard-read", "clipboard-write"], origin=self.base
        )
        page = context.new_page()
        page.goto(self.base + self.article_path)
        copy = page.locator("[data-copy-link]")
        href = copy.get_attribute("href")
        self.assertTrue(href.endswith(self.article_path))
        # The script turned the plain link into a button.
        self.assertEqual(copy.get_attribute("role"), "button")
        self.assertEqual(copy.inner_text(), "Kopiuj link")
        copy.click()
        status = page.locator("[data-copy-status]")
        status.filter(has_text="Skopiowano link do schowka.").wait_for()
        self.assertEqual(status.get_attribute("aria-live"), "polite")
        self.assertEqual(page.evaluate("navigator.clipboard.readText()"), href)
        # Clicking did not navigate away.
        self.assertEqual(page.url, self.base + self.article_path)
        context.close()

        # Without JavaScript it stays a plain link to the article.
        context = self.browser.new_context(java_script_enabled=False)
        page = context.new_page()
        page.goto(self.base + self.article_path)
        copy = page.locator("[data-copy-link]")
        self.assertEqual(copy.inner_text(), "Link do artykułu")
        self.assertIsNone(copy.get_attribute("role"))
        context.close()

    def test_printed_pages_leave_out_navigation_and_controls(self):
        context = self.browser.new_context(locale="pl-PL")
        page = context.new_page()
        page.goto(self.base + self.article_path)
        page.emulate_media(media="print")
        for selector in [".site-nav", ".site-search", ".share", ".back-to-top"]:
            with self.subTest(selector=selector):
                self.assertFalse(page.locator(selector).first.is_visible())
        for selector in ["h1", ".lead", ".article__body"]:
            with self.subTest(selector=selector):
                self.assertTrue(page.locator(selector).first.is_visible())
        font = page.evaluate("getComputedStyle(document.body).fontFamily")
        self.assertIn("Georgia", font)
        # And chromium prints it to PDF without trouble.
        self.assertTrue(page.pdf(format="A4").startswith(b"%PDF"))

        # The news list prints without its filters and side column.
        page.emulate_media(media="screen")
        page.goto(self.base + "/aktualnosci/")
        self.assertTrue(page.locator("form.filters").is_visible())
        page.emulate_media(media="print")
        self.assertFalse(page.locator("form.filters").is_visible())
        self.assertFalse(page.locator(".news-layout__aside").is_visible())
        self.assertTrue(page.locator(".card__title").first.is_visible())
        context.close()
