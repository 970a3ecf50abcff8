"""Public pages keep the promises of SECURITY.md A2/A3: no cookies for an
anonymous reader, a strict nonce CSP and the other security headers, and HTML
that needs nothing the policy forbids (inline handlers, style attributes)."""

import re
import tempfile

from bs4 import BeautifulSoup
from django.test import TestCase, override_settings
from django.utils import translation

from ratusz.test import make_user
from ratusz.website.tests.content import make_site_content

_media = tempfile.TemporaryDirectory(prefix="ratusz-media-")


def _directives(header: str) -> dict[str, list[str]]:
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


REFUSED_FEATURES = (
    "camera", "microphone", "geolocation", "payment", "usb", "interest-cohort",
    "browsing-topics", "display-capture", "serial", "hid",
)  # fmt: skip


def assert_restrictive_permissions_policy(test, response, name=""):
    header = response.headers.get("Permissions-Policy", "")
    features = dict(part.strip().split("=", 1) for part in header.split(",") if part)
    for feature in REFUSED_FEATURES:
        test.assertEqual(features.get(feature), "()", f"{name}: {feature}")
    # No Ratusz page uses any: every listed feature is refused.
    test.assertEqual(set(features.values()), {"()"}, name)


@override_settings(MEDIA_ROOT=_media.name)
class SecurityHeadersTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.content = make_site_content()

    def tearDown(self):
        # A request to /en/ leaves English active in this thread; page URLs
        # that later tests build would start with /en/.
        translation.deactivate()

    def _public_urls(self):
        return {
            "home": "/",
            "news": self.content["news"].url,
            "article": self.content["article"].url,
            "statement": self.content["statement"].url,
            "standard": self.content["standard"].url,
            "search": "/szukaj/?q=remont",
            "english home": "/en/",
        }

    def test_it_sets_no_cookies_for_anonymous_readers(self):
        for name in ("home", "news", "article"):
            r = self.client.get(self._public_urls()[name])
            self.assertEqual(r.status_code, 200, name)
            self.assertEqual(dict(r.cookies), {}, name)
            self.assertNotIn("Set-Cookie", r.headers, name)

    def test_it_sends_a_strict_content_security_policy(self):
        for name, url in self._public_urls().items():
            r = self.client.get(url)
            self.assertEqual(r.status_code, 200, name)
            policy = _directives(r.headers["Content-Security-Policy"])
            self.assertEqual(policy["default-src"], ["'none'"], name)
            self.assertEqual(policy["object-src"], ["'none'"], name)
            self.assertEqual(policy["base-uri"], ["'none'"], name)
            self.assertEqual(policy["frame-ancestors"], ["'none'"], name)
            script_src = policy["script-src"]
            self.assertNotIn("'unsafe-inline'", script_src, name)
            self.assertNotIn("'unsafe-eval'", script_src, name)
            nonces = [v for v in script_src if v.startswith("'nonce-")]
            self.assertEqual(len(nonces), 1, name)

    def test_it_sends_the_other_security_headers(self):
        for name, url in self._public_urls().items():
            r = self.client.get(url)
            self.assertEqual(r.headers["X-Frame-Options"], "DENY", name)
            self.assertEqual(r.headers["X-Content-Type-Options"], "nosniff", name)
            self.assertEqual(
                r.headers["Referrer-Policy"], "strict-origin-when-cross-origin", name
            )

    def test_it_sends_a_restrictive_permissions_policy(self):
        admin = make_user("staff-pp", is_superuser=True, is_staff=True)
        pages = {**self._public_urls(), "404": "/nie-ma/", "admin login": "/admin/"}
        for name, url in pages.items():
            r = self.client.get(url)
            assert_restrictive_permissions_policy(self, r, name)
        self.client.force_login(admin)
        for url in ("/admin/", "/admin/pages/", "/django-admin/"):
            r = self.client.get(url)
            self.assertEqual(r.status_code, 200, url)
            assert_restrictive_permissions_policy(self, r, url)

    def test_it_uses_a_new_nonce_for_every_response(self):
        first = self.client.get("/").headers["Content-Security-Policy"]
        second = self.client.get("/").headers["Content-Security-Policy"]
        nonce = re.compile(r"'nonce-([^']+)'")
        self.assertNotEqual(nonce.search(first)[1], nonce.search(second)[1])

    def test_it_puts_the_response_nonce_on_every_script_and_style(self):
        for name, url in {**self._public_urls(), "404": "/nie-ma/"}.items():
            r = self.client.get(url)
            header = r.headers["Content-Security-Policy"]
            nonce = re.search(r"'nonce-([^']+)'", header)[1]
            soup = BeautifulSoup(r.content, "html.parser")
            elements = soup.find_all(["script", "style"])
            self.assertTrue(elements, name)  # site.js and the colour theme
            for element in elements:
                with self.subTest(page=name, element=str(element)[:80]):
                    self.assertEqual(element.get("nonce"), nonce)

    def test_it_has_no_inline_handlers_or_style_attributes(self):
        for name, url in {**self._public_urls(), "404": "/nie-ma/"}.items():
            soup = BeautifulSoup(self.client.get(url).content, "html.parser")
            for element in soup.find_all(True):
                with self.subTest(page=name, element=element.name):
                    self.assertNotIn("style", element.attrs)
                    handlers = [a for a in element.attrs if a.startswith("on")]
                    self.assertEqual(handlers, [])
