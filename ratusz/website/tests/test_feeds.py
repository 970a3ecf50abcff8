"""RSS 2.0 and Atom feeds: all news of a gmina, and per category."""

from datetime import datetime

import feedparser
import lxml.html
from django.utils import timezone

from ratusz.test import BaseTestCase, make_article, make_category, news_index_of
from ratusz.website.models import ArticlePage


class FeedsTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.index = news_index_of(cls.gmina)
        cls.url = cls.index.relative_url(cls.gmina.site)
        cls.waste = make_category(cls.gmina, "Odpady")
        cls.roads = make_category(cls.gmina, "Drogi")
        cls.a1 = make_article(
            cls.gmina,
            "Odbiór odpadów – zmiana terminu",
            lead="Śmieci odbierzemy we wtorek, nie w poniedziałek.",
            category=cls.waste,
            tags=["harmonogram", "segregacja"],
            author_name="Anna Wójcik",
        )
        ArticlePage.objects.filter(pk=cls.a1.pk).update(
            date=timezone.make_aware(datetime(2026, 3, 5, 9, 30))
        )
        cls.a2 = make_article(
            cls.gmina,
            "Remont drogi",
            lead="Droga będzie zamknięta.",
            category=cls.roads,
        )
        cls.a3 = make_article(cls.gmina, "Bez kategorii <b>&</b>", lead="Tekst & znaki")
        make_article(cls.gmina, "Szkic", category=cls.waste, publish=False)
        make_article(cls.other_gmina, "Dożynki w Brzeziu", lead="Zapraszamy")

    def _parse(self, path, **kwargs):
        r = self.client.get(path, **kwargs)
        self.assertEqual(r.status_code, 200)
        feed = feedparser.parse(r.content)
        self.assertFalse(feed.bozo, feed.get("bozo_exception"))
        return r, feed

    def test_it_serves_rss_of_all_news(self):
        r, feed = self._parse(f"{self.url}rss/")
        self.assertEqual(r["Content-Type"], "application/rss+xml; charset=utf-8")
        self.assertEqual(feed.version, "rss20")
        self.assertEqual(feed.feed.title, "Gmina Zawada – Aktualności")
        self.assertEqual(feed.feed.link, "http://testserver/aktualnosci/")
        self.assertEqual(feed.feed.language, "pl")
        titles = [e.title for e in feed.entries]
        self.assertEqual(
            titles,
            [
                "Bez kategorii <b>&</b>",
                "Remont drogi",
                "Odbiór odpadów – zmiana terminu",
            ],
        )

    def test_its_items_carry_all_fields(self):
        _, feed = self._parse(f"{self.url}rss/")
        entry = feed.entries[-1]
        self.assertEqual(
            entry.link, "http://testserver/aktualnosci/odbior-odpadow-zmiana-terminu/"
        )
        self.assertEqual(
            entry.description, "Śmieci odbierzemy we wtorek, nie w poniedziałek."
        )
        # 9:30 in Warsaw on 5 March is 8:30 UTC.
        self.assertEqual(entry.published_parsed[:5], (2026, 3, 5, 8, 30))
        self.assertIn("Anna Wójcik", entry.author)
        self.assertEqual(
            sorted(t.term for t in entry.tags), ["Odpady", "harmonogram", "segregacja"]
        )
        self.assertEqual(entry.id, f"urn:uuid:{self.a1.translation_key}")
        self.assertFalse(entry.guidislink)

    def test_its_guid_survives_a_slug_change(self):
        _, before = self._parse(f"{self.url}rss/")
        self.a2.slug = "remont-drogi-gminnej"
        self.a2.save_revision().publish()
        _, after = self._parse(f"{self.url}rss/")
        self.assertEqual([e.id for e in before.entries], [e.id for e in after.entries])
        self.assertIn("remont-drogi-gminnej", after.entries[1].link)

    def test_it_serves_atom(self):
        r, feed = self._parse(f"{self.url}atom/")
        self.assertEqual(r["Content-Type"], "application/atom+xml; charset=utf-8")
        self.assertEqual(feed.version, "atom10")
        self.assertEqual(len(feed.entries), 3)
        entry = feed.entries[-1]
        self.assertEqual(entry.id, f"urn:uuid:{self.a1.translation_key}")
        self.assertEqual(
            entry.summary, "Śmieci odbierzemy we wtorek, nie w poniedziałek."
        )
        self.assertEqual(entry.author, "Anna Wójcik")
        self.assertTrue(entry.updated_parsed)
        self.assertEqual(feed.feed.links[0].href, "http://testserver/aktualnosci/")

    def test_it_serves_category_feeds(self):
        for kind in ("rss", "atom"):
            with self.subTest(kind=kind):
                _, feed = self._parse(f"{self.url}kategoria/odpady/{kind}/")
                self.assertEqual(feed.feed.title, "Gmina Zawada – Aktualności – Odpady")
                self.assertEqual(
                    [e.title for e in feed.entries], ["Odbiór odpadów – zmiana terminu"]
                )

    def test_it_404s_for_another_gminas_category(self):
        make_category(self.other_gmina, "Kultura")
        r = self.client.get(f"{self.url}kategoria/kultura/rss/")
        self.assertEqual(r.status_code, 404)
        self.assertContains(r, "Nie znaleziono strony", status_code=404)

    def test_it_serves_each_gminas_own_feed(self):
        _, feed = self._parse(
            news_index_of(self.other_gmina).relative_url(self.other_gmina.site)
            + "rss/",
            headers={"host": "brzezie.localhost"},
        )
        self.assertEqual([e.title for e in feed.entries], ["Dożynki w Brzeziu"])
        self.assertEqual(feed.feed.title, "Gmina Brzezie – Aktualności")
        self.assertTrue(feed.entries[0].link.startswith("http://brzezie.localhost/"))

    def test_it_leaves_out_drafts_and_unpublished(self):
        self.a2.unpublish()
        _, feed = self._parse(f"{self.url}rss/")
        titles = [e.title for e in feed.entries]
        self.assertNotIn("Szkic", titles)
        self.assertNotIn("Remont drogi", titles)
        self.assertEqual(len(titles), 2)

    def test_the_feed_url_tag_points_at_working_feeds(self):
        r = self.client.get("/")
        self.assertContains(
            r,
            'type="application/rss+xml" title="Aktualności (RSS)" '
            f'href="{self.url}rss/"',
        )
        self.assertContains(r, f'href="{self.url}atom/"')


PAYLOADS = [
    "<script>alert(1)</script>",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    '<img src=x onerror="alert(1)">',
    "&lt;img src=x onerror=alert(1)&gt;",
    '<b onmouseover="alert(1)">x</b>',
    '<a href="javascript:alert(1)">x</a>',
    "&amp;lt;script&amp;gt;alert(1)",
]


class FeedMarkupTestCase(BaseTestCase):
    """What a reader renders from a feed never carries a script (review 6d)."""

    def assert_harmless(self, detail, text):
        # A reader renders text/html as markup: parse it as a browser would.
        if detail.type in ("text/html", "application/xhtml+xml"):
            doc = lxml.html.fragment_fromstring(detail.value or "", create_parent="div")
            self.assertEqual(doc.xpath("//script|//img|//a|//b|//iframe"), [], text)
            for element in doc.iter():
                for name, value in element.attrib.items():
                    self.assertFalse(name.lower().startswith("on"), text)
                    self.assertNotIn("javascript:", value.lower(), text)
            # The resident reads the lead as it was written.
            self.assertEqual(doc.text_content(), text)
        else:
            self.assertEqual(detail.value, text)

    def test_no_payload_becomes_markup(self):
        index = news_index_of(self.gmina)
        url = index.relative_url(self.gmina.site)
        for payload in PAYLOADS:
            type(index).objects.filter(pk=index.pk).update(intro=payload)
            make_article(
                self.gmina, f"Tytuł {payload}", lead=payload, body=f"<p>{payload}</p>"
            )
            for kind in ("rss", "atom"):
                with self.subTest(payload=payload, kind=kind):
                    r = self.client.get(f"{url}{kind}/")
                    feed = feedparser.parse(r.content, sanitize_html=False)
                    self.assertFalse(feed.bozo, feed.get("bozo_exception"))
                    entry = feed.entries[0]
                    self.assertEqual(entry.title, f"Tytuł {payload}")
                    self.assert_harmless(entry.summary_detail, payload)
                    self.assert_harmless(feed.feed.subtitle_detail, payload)
