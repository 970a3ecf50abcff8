"""Previews per channel before publishing, and how long SMS and Mastodon posts are.

The lengths are the networks' own rules, registered by their integrations
(`fans.registry`); these tests read them through the registry.
"""

from unittest import mock

from django.test import SimpleTestCase
from django.urls import reverse

from ratusz.fans import registry
from ratusz.fans.previews import article_previews, mastodon_status
from ratusz.fans.registry import text_counter
from ratusz.test import BaseTestCase, make_article, make_category

MASTODON_LIMIT = text_counter("mastodon").limit
mastodon_length = text_counter("mastodon").count


class MastodonLengthTestCase(SimpleTestCase):
    def test_a_link_counts_23_however_long(self):
        url = "https://zawada.example.pl/aktualnosci/" + "bardzo-dlugi-adres-" * 10
        self.assertEqual(mastodon_length(url), 23)
        self.assertEqual(mastodon_length(f"Zebranie {url} dziś"), 9 + 23 + 5)

    def test_polish_letters_and_emoji_count_once(self):
        self.assertEqual(mastodon_length("Żółć"), 4)
        # A family emoji is five code points joined by ZWJ; a flag with a
        # variation selector; a letter with a combining accent.
        self.assertEqual(mastodon_length("👨‍👩‍👧 ❤️ e\u0301"), 5)

    def test_the_status_adds_the_link_after_an_empty_line(self):
        status = mastodon_status("Tekst", "https://x.example/a")
        self.assertEqual(status, "Tekst\n\nhttps://x.example/a")
        self.assertEqual(mastodon_length(status), 5 + 2 + 23)


class PreviewTestCase(BaseTestCase):
    def preview(self, article, user=None):
        self.client.force_login(user or self.alice)
        return self.client.get(reverse("fans-notifications-preview", args=[article.pk]))

    def by_channel(self, article):
        return {p.channel: p for p in article_previews(article, self.gmina)}

    def test_it_works(self):
        article = make_article(
            self.gmina,
            "Wywóz odpadów",
            lead="Zmiana terminu odbioru śmieci.",
            sms_text="Wywóz odpadów przesunięty na piątek.",
            facebook_text="Uwaga mieszkańcy!",
            mastodon_text="Zmiana terminu wywozu #Zawada",
        )
        response = self.preview(article)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Temat: <strong>Wywóz odpadów</strong>")
        self.assertContains(response, "Zmiana terminu odbioru śmieci.")
        self.assertContains(response, "Wywóz odpadów przesunięty na piątek.")
        # 36 characters with Polish letters: UCS-2, one SMS of up to 70.
        self.assertContains(
            response, "Długość: 36 znaków, kodowanie UCS-2, części SMS: 1 (do 70"
        )
        self.assertContains(response, "Uwaga mieszkańcy!")
        self.assertContains(response, "Zmiana terminu wywozu #Zawada")
        # 29 + an empty line + the link as 23.
        self.assertContains(response, "Długość: 54 z 500 znaków")
        self.assertContains(response, article.get_full_url())

    def test_the_sms_length_is_said_in_polish_plural(self):
        for text, said in (
            ("A", "Długość: 1 znak,"),
            ("A" * 22, "Długość: 22 znaki,"),
            ("A" * 25, "Długość: 25 znaków,"),
            ("A" * 112, "Długość: 112 znaków,"),
        ):
            with self.subTest(said):
                article = make_article(
                    self.gmina, f"Zebranie {len(text)}", sms_text=text
                )
                self.assertContains(self.preview(article), said)

    def test_it_previews_the_latest_draft(self):
        article = make_article(self.gmina, "Stary tytuł")
        article.title = "Nowy tytuł w szkicu"
        article.sms_text = "Nowy SMS"
        article.save_revision()
        response = self.preview(article)
        self.assertContains(response, "Nowy tytuł w szkicu")
        self.assertContains(response, "Nowy SMS")
        self.assertContains(response, "kodowanie GSM-7")

    def test_an_unpublished_draft_can_be_previewed(self):
        article = make_article(self.gmina, "Szkic", publish=False, lead="Lead szkicu")
        response = self.preview(article, self.bob)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Lead szkicu")
        self.assertContains(response, "(szkic)")

    def test_it_escapes_everything(self):
        article = make_article(
            self.gmina,
            "<script>alert(1)</script>",
            lead="<img src=x onerror=alert(2)>",
            sms_text="<b>sms</b>",
            mastodon_text="<i>toot</i>",
        )
        response = self.preview(article)
        for raw in ("<script>alert", "<img src=x", "<b>sms", "<i>toot"):
            self.assertNotContains(response, raw)
        self.assertContains(response, "&lt;script&gt;alert(1)&lt;/script&gt;")
        self.assertContains(response, "&lt;img src=x onerror=alert(2)&gt;")

    def test_sms_goes_only_for_urgent_news_or_with_a_text(self):
        plain = make_article(self.gmina, "Festyn")
        self.assertFalse(self.by_channel(plain)["sms"].sent)
        self.assertContains(self.preview(plain), "SMS nie zostanie wysłany")

        urgent = make_article(self.gmina, "Brak wody", is_urgent=True)
        sms = self.by_channel(urgent)["sms"]
        self.assertTrue(sms.sent)
        self.assertEqual(sms.text, f"Brak wody {urgent.get_full_url()}")

        category = make_category(self.gmina, "Komunikaty pilne", is_urgent=True)
        in_urgent_category = make_article(self.gmina, "Awaria", category=category)
        self.assertTrue(self.by_channel(in_urgent_category)["sms"].sent)

    def test_a_long_gsm_text_is_counted_in_parts_of_153(self):
        article = make_article(self.gmina, "Zebranie", sms_text="A" * 200)
        sms = self.by_channel(article)["sms"].sms
        self.assertEqual(
            (sms.encoding, sms.length, sms.segments, sms.per_segment),
            ("GSM-7", 200, 2, 153),
        )
        article = make_article(self.gmina, "Zebranie 2", sms_text="ą" * 71)
        sms = self.by_channel(article)["sms"].sms
        self.assertEqual(
            (sms.encoding, sms.segments, sms.per_segment), ("UCS-2", 2, 67)
        )

    def test_mastodon_falls_back_to_title_and_lead_and_warns_when_too_long(self):
        article = make_article(self.gmina, "Tytuł", lead="L" * 480)
        mastodon = self.by_channel(article)["mastodon"]
        self.assertEqual(
            mastodon.text, f"Tytuł\n\n{'L' * 480}\n\n{article.get_full_url()}"
        )
        self.assertEqual(mastodon.length, 5 + 2 + 480 + 2 + 23)
        self.assertTrue(mastodon.length > MASTODON_LIMIT and mastodon.too_long)
        self.assertContains(self.preview(article), "Za długi wpis:")

    def test_it_says_when_notifications_are_off(self):
        article = make_article(self.gmina, "Cicho", notify_followers=False)
        previews = self.by_channel(article)
        self.assertFalse(any(p.sent for p in previews.values()))
        self.assertContains(self.preview(article), "Powiadomienia są wyłączone.")

    def test_it_checks_ownership(self):
        article = make_article(self.gmina, "Zebranie")
        self.assertEqual(self.preview(article, self.charlie).status_code, 404)

    def test_a_network_without_a_counter_shows_the_text_without_lengths(self):
        article = make_article(self.gmina, "Zebranie", sms_text="Zebranie o 18")
        with mock.patch.dict(registry._counters, clear=True):
            previews = self.by_channel(article)
            response = self.preview(article)
        self.assertEqual(previews["sms"].text, "Zebranie o 18")
        self.assertIsNone(previews["sms"].sms)
        self.assertIsNone(previews["mastodon"].limit)
        self.assertFalse(previews["mastodon"].too_long)
        self.assertContains(response, "Zebranie o 18")
        self.assertNotContains(response, "Długość:")
