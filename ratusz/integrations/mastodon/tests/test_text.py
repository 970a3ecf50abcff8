"""Mastodon's counting rule, shared by the transport, the preview and the editor."""

import json
import re
from pathlib import Path

from django.conf import settings
from django.test import SimpleTestCase

from ratusz.fans.registry import text_counter
from ratusz.integrations.mastodon import text

URL = "https://zawada.example.pl/aktualnosci/" + "remont-drogi-" * 10 + "/"


class LengthTests(SimpleTestCase):
    def test_emoji_sequences_count_as_one(self):
        self.assertEqual(text.length("👩‍👩‍👧"), 1)  # ZWJ family
        self.assertEqual(text.length("🇵🇱🇺🇦"), 2)  # two flags
        self.assertEqual(text.length("👍🏽"), 1)  # skin tone
        self.assertEqual(text.length("🏴󠁧󠁢󠁳󠁣󠁴󠁿"), 1)  # tag sequence
        self.assertEqual(text.length("e\u0301ż"), 2)  # combining accent
        self.assertEqual(text.length("❤️ Żółć"), 6)

    def test_a_url_counts_as_23(self):
        self.assertEqual(text.length(URL), 23)
        self.assertEqual(text.length(f"Zob. {URL} dziś"), 5 + 23 + 5)
        self.assertEqual(text.length("http://a.pl"), 23)

    def test_trailing_punctuation_is_not_part_of_the_url(self):
        self.assertEqual(text.length(f"({URL}), {URL}."), 1 + 23 + 3 + 23 + 1)
        self.assertEqual(text.length(f"{URL}?a=1&b=2!"), 23 + 1)

    def test_balanced_parentheses_stay_in_the_url(self):
        self.assertEqual(text.length("https://pl.wikipedia.org/wiki/Most_(Kraków)"), 23)

    def test_a_development_host_counts_as_a_link_too(self):
        self.assertEqual(text.length("http://localhost/x"), 23)

    def test_a_remote_mention_counts_as_its_local_part(self):
        self.assertEqual(text.length("@wojt@mastodon.social hej"), 9)
        self.assertEqual(text.length("@wojt hej"), 9)

    def test_status_text_never_splits_an_emoji(self):
        status = text.status_text("👩‍👩‍👧" * 600, URL)
        self.assertEqual(text.length(status), 500)
        self.assertTrue(status.endswith("👩‍👩‍👧…\n\n" + URL))

    def test_the_preview_uses_the_same_rule(self):
        self.assertIs(text_counter("mastodon").count, text.length)
        self.assertEqual(text_counter("mastodon").limit, text.LIMIT)

    def test_the_editor_counter_uses_the_same_url_pattern(self):
        js = (
            Path(settings.BASE_DIR) / "ratusz/static/js/outbox-counter.js"
        ).read_text()
        match = re.search(r'var URL = new RegExp\((".*"), "giu"\);', js)
        self.assertIsNotNone(match)
        self.assertEqual(json.loads(match.group(1)), text.URL_PATTERN)
        self.assertIn('granularity: "grapheme"', js)
