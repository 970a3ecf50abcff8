"""Where each view came from: Ratusz's own parameter first, then the Referer."""

import re

from django.test import SimpleTestCase

from ratusz.insights.attribution import classify, source_of
from ratusz.insights.models import INTERNAL, Device, Source
from ratusz.lib.source_links import split_source, with_source
from ratusz.test import BaseTestCase
from ratusz.website.tests.test_pagecache import path

from .helpers import DESKTOP, PHONE, TABLET, CountingMixin

CANONICAL = re.compile(r'<link rel="canonical" href="([^"]+)"')


class SourceParamTestCase(CountingMixin, BaseTestCase):
    def test_every_channel_of_ratusz_is_attributed(self):
        self.warm(self.a)
        for code, source in [
            ("e", Source.EMAIL),
            ("p", Source.PUSH),
            ("s", Source.SMS),
            ("f", Source.FACEBOOK),
            ("m", Source.MASTODON),
        ]:
            with self.subTest(source):
                r = self.view(f"{path(self.a)}?z={code}")
                self.assertEqual(r.headers["x-cache"], "HIT")
                self.assertEqual(self.counted()[-1].source, source)

    def test_the_parameter_is_dropped_before_the_cache_and_django(self):
        first = self.view(f"{path(self.a)}?z=e")
        self.assertEqual(first.headers["x-cache"], "MISS")
        self.assertNotIn("z=e", first.text)
        canonical = CANONICAL.search(first.text)
        if canonical:
            self.assertNotIn("?", canonical.group(1))
        # Stored under the plain URL: both are answered from the cache now.
        self.assertEqual(self.view(self.a).headers["x-cache"], "HIT")
        self.assertEqual(self.view(f"{path(self.a)}?z=s").headers["x-cache"], "HIT")
        sources = [v.source for v in self.counted()]
        self.assertEqual(sources, [Source.EMAIL, Source.DIRECT, Source.SMS])

    def test_other_parameters_stay(self):
        r = self.view(f"{path(self.a)}?z=e&strona=1")
        self.assertNotIn("x-cache", r.headers)  # a query string: not cached
        self.assertEqual([v.source for v in self.counted()], [Source.EMAIL])

    def test_referrers_of_every_source(self):
        self.warm(self.a)
        for referrer, source in [
            ("https://l.facebook.com/l.php?u=x", Source.FACEBOOK),
            ("https://m.facebook.com/", Source.FACEBOOK),
            ("https://mastodon.social/@gmina", Source.MASTODON),
            ("https://pol.social/@gmina/1", Source.MASTODON),
            ("https://www.google.pl/", Source.SEARCH),
            ("https://duckduckgo.com/", Source.SEARCH),
            ("https://www.bing.com/search?q=x", Source.SEARCH),
            ("https://poczta.onet.pl/", Source.EMAIL),
            ("https://mail.google.com/mail/u/0/", Source.EMAIL),
            ("https://forum.example.org/watek/1", Source.OTHER),
            ("", Source.DIRECT),
        ]:
            with self.subTest(referrer):
                self.view(self.a, headers={"referer": referrer} if referrer else {})
                self.assertEqual(self.counted()[-1].source, source)

    def test_a_click_within_the_site_is_internal_until_rolled_up(self):
        self.view(self.a, headers={"referer": "http://localhost/"})
        self.assertEqual(self.counted()[-1].source, INTERNAL)


class SourceLinksTestCase(SimpleTestCase):
    def test_with_source(self):
        self.assertEqual(
            with_source("https://gmina.pl/a/", "email"), "https://gmina.pl/a/?z=e"
        )
        self.assertEqual(
            with_source("https://gmina.pl/a/?x=1&z=p", "sms"),
            "https://gmina.pl/a/?x=1&z=s",
        )
        self.assertEqual(
            with_source("https://gmina.pl/a/", "messenger"), "https://gmina.pl/a/"
        )

    def test_split_source(self):
        self.assertEqual(split_source(b"z=e"), ("email", b""))
        self.assertEqual(split_source(b"q=zupa&z=m"), ("mastodon", b"q=zupa"))
        self.assertEqual(split_source(b"q=zupa"), (None, b"q=zupa"))
        self.assertEqual(split_source(b"z=nonsense"), (None, b""))


class ClassifyTestCase(SimpleTestCase):
    def test_devices(self):
        self.assertEqual(classify(DESKTOP), Device.DESKTOP)
        self.assertEqual(classify(PHONE), Device.PHONE)
        self.assertEqual(classify(TABLET), Device.TABLET)
        android_phone = (
            "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 "
            "(KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36"
        )
        self.assertEqual(classify(android_phone), Device.PHONE)

    def test_bots(self):
        for ua in ("", "curl/8.5.0", "facebookexternalhit/1.1", "Googlebot/2.1"):
            self.assertIsNone(classify(ua), ua)

    def test_source_of_own_host_with_port(self):
        self.assertEqual(source_of("http://gmina.pl/x/", "gmina.pl:443"), INTERNAL)
