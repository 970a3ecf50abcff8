"""The article page: content, links to the list, sharing and structured data."""

import json
import os
import shutil
import tempfile
from datetime import datetime
from urllib.parse import parse_qs, unquote, urlsplit

import lxml.html
import PIL.Image
from django.test import override_settings
from django.utils import timezone
from wagtail.images.tests.utils import get_test_image_file

from ratusz.test import (
    BaseTestCase,
    make_article,
    make_category,
    make_village,
)
from ratusz.website.models import ArticlePage, CustomImage

MEDIA_ROOT = tempfile.mkdtemp(prefix="ratusz-test-media-")


def _image(title="Rynek", description="Rynek w Zawadzie latem", size=(1600, 900)):
    return CustomImage.objects.create(
        title=title, description=description, file=get_test_image_file(size=size)
    )


def _with_blocks(article, blocks):
    """Replace the body with raw StreamField blocks and publish."""
    article.body = json.dumps(blocks)
    article.save_revision().publish()
    article.refresh_from_db()
    return article


def _meta(doc, key):
    found = doc.xpath(f'//meta[@property="{key}" or @name="{key}"]/@content')
    return found[0] if found else None


@override_settings(MEDIA_ROOT=MEDIA_ROOT)
class ArticlePageTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.waste = make_category(cls.gmina, "Odpady")
        cls.brzezie = make_village(cls.gmina, "Brzezie")
        cls.laki = make_village(cls.gmina, "Łąki")
        cls.photo = _image()
        cls.article = make_article(
            cls.gmina,
            "Nowy harmonogram odbioru odpadów",
            lead="Od kwietnia śmieci odbieramy we wtorki.",
            category=cls.waste,
            villages=[cls.brzezie, cls.laki],
            tags=["harmonogram", "segregacja śmieci"],
            author_name="Anna Wójcik",
            main_image=cls.photo,
        )
        ArticlePage.objects.filter(pk=cls.article.pk).update(
            date=timezone.make_aware(datetime(2026, 3, 5, 10, 0))
        )
        cls.article.refresh_from_db()
        cls.url = cls.article.relative_url(cls.gmina.site)

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        shutil.rmtree(MEDIA_ROOT, ignore_errors=True)

    def _get(self, url=None):
        r = self.client.get(url or self.url)
        self.assertEqual(r.status_code, 200)
        return r, lxml.html.fromstring(r.content)

    def test_it_shows_title_lead_date_and_author(self):
        r, doc = self._get()
        article = doc.cssselect("main article.article")[0]
        self.assertEqual(
            article.cssselect("h1")[0].text_content(),
            "Nowy harmonogram odbioru odpadów",
        )
        self.assertEqual(
            article.cssselect(".lead")[0].text_content(),
            "Od kwietnia śmieci odbieramy we wtorki.",
        )
        time = article.cssselect("header time")[0]
        self.assertEqual(time.text_content(), "5 marca 2026")
        self.assertTrue(time.get("datetime").startswith("2026-03-05T10:00:00+01:00"))
        self.assertIn(
            "Anna Wójcik", article.cssselect("header .meta")[0].text_content()
        )

    def test_it_links_category_villages_and_tags_to_the_list(self):
        _, doc = self._get()
        links = {
            a.text_content(): a.get("href")
            for a in doc.cssselect(".article__taxonomy a")
        }
        self.assertEqual(
            links,
            {
                "Odpady": "/aktualnosci/kategoria/odpady/",
                "Brzezie": "/aktualnosci/?solectwo=brzezie",
                "Łąki": "/aktualnosci/?solectwo=laki",
                "harmonogram": "/aktualnosci/?tag=harmonogram",
                "segregacja śmieci": "/aktualnosci/?tag=segregacja-%C5%9Bmieci",
            },
        )
        # Each link lists this article.
        for url in links.values():
            with self.subTest(url=url):
                r = self.client.get(url)
                self.assertContains(r, "Nowy harmonogram odbioru odpadów")
                self.assertNotContains(r, 'role="alert"')

    def test_it_renders_images_with_srcset_and_alt_text(self):
        diagram = _image("Objazd", "", size=(1600, 1200))
        _with_blocks(
            self.article,
            [
                {"type": "paragraph", "value": "<p>Wstęp.</p>"},
                {
                    "type": "image",
                    "value": {
                        "image": {
                            "image": diagram.pk,
                            "alt_text": "Mapa objazdu przez Brzezie",
                            "decorative": False,
                        },
                        "caption": "Objazd od 1 kwietnia",
                    },
                },
                {
                    "type": "image",
                    "value": {
                        "image": {
                            "image": diagram.pk,
                            "alt_text": "",
                            "decorative": True,
                        },
                        "caption": "",
                    },
                },
            ],
        )
        _, doc = self._get()
        main, block, decorative = doc.cssselect("main article img")
        self.assertEqual(main.get("alt"), "Rynek w Zawadzie latem")
        self.assertEqual(block.get("alt"), "Mapa objazdu przez Brzezie")
        self.assertEqual(decorative.get("alt"), "")
        for img in (main, block, decorative):
            widths = [c.split()[-1] for c in img.get("srcset").split(",")]
            self.assertEqual(widths, ["400w", "800w", "1200w"])
            self.assertTrue(img.get("sizes"))
        self.assertEqual(
            doc.cssselect("main figcaption")[0].text_content(), "Objazd od 1 kwietnia"
        )

    def test_it_ends_with_a_call_to_follow_its_category_and_villages(self):
        doc = lxml.html.fromstring(self.client.get(self.url).content)
        (box,) = doc.xpath('//section[@class="article__follow"]')
        text = box.text_content()
        self.assertIn("„Odpady”", text)
        self.assertIn("Brzezie", text)
        self.assertIn("Łąki", text)
        (href,) = box.xpath(".//a/@href")
        link = urlsplit(href)
        self.assertEqual(link.path, "/obserwuj/")
        query = parse_qs(link.query)
        self.assertEqual(query["kategoria"], ["odpady"])
        self.assertEqual(sorted(query["solectwo"]), ["brzezie", "laki"])
        # The follow page opens with exactly those ticked.
        follow = self.client.get(href).content.decode()
        for pk in (self.waste.pk, self.brzezie.pk, self.laki.pk):
            self.assertRegex(follow, rf'value="{pk}" id="[^"]+" checked')

    def test_an_article_without_category_or_villages_invites_to_follow_all(self):
        plain = make_article(self.gmina, "Życzenia świąteczne")
        response = self.client.get(plain.relative_url(self.gmina.site))
        doc = lxml.html.fromstring(response.content)
        (href,) = doc.xpath('//section[@class="article__follow"]//a/@href')
        self.assertEqual(href, "/obserwuj/")

    def test_it_offers_share_links(self):
        _, doc = self._get()
        share = doc.cssselect("section.share")[0]
        full_url = "http://testserver/aktualnosci/nowy-harmonogram-odbioru-odpadow/"

        facebook = share.xpath(".//a[contains(@href, 'facebook.com')]/@href")[0]
        parts = urlsplit(facebook)
        self.assertEqual(
            parts.netloc + parts.path, "www.facebook.com/sharer/sharer.php"
        )
        self.assertEqual(parse_qs(parts.query)["u"], [full_url])

        mailto = share.xpath(".//a[starts-with(@href, 'mailto:')]/@href")[0]
        self.assertNotIn("+", mailto)  # spaces are %20 in mailto (RFC 6068)
        query = parse_qs(urlsplit(mailto).query)
        self.assertEqual(query["subject"], ["Nowy harmonogram odbioru odpadów"])
        self.assertEqual(
            query["body"], [f"Od kwietnia śmieci odbieramy we wtorki.\n\n{full_url}"]
        )

        copy = share.cssselect("a[data-copy-link]")[0]
        self.assertEqual(copy.get("href"), full_url)
        status = share.cssselect("[data-copy-status]")[0]
        self.assertEqual(status.get("aria-live"), "polite")
        self.assertTrue(status.get("data-copied-text"))

    def test_it_has_open_graph_and_twitter_meta(self):
        _, doc = self._get()
        self.assertEqual(_meta(doc, "og:type"), "article")
        self.assertEqual(_meta(doc, "og:locale"), "pl_PL")
        self.assertEqual(_meta(doc, "og:title"), "Nowy harmonogram odbioru odpadów")
        self.assertEqual(
            _meta(doc, "og:description"), "Od kwietnia śmieci odbieramy we wtorki."
        )
        self.assertEqual(
            _meta(doc, "og:url"),
            "http://testserver/aktualnosci/nowy-harmonogram-odbioru-odpadow/",
        )
        self.assertEqual(_meta(doc, "og:site_name"), "Gmina Zawada")
        image = _meta(doc, "og:image")
        self.assertRegex(image, r"^http://testserver/media/images/.+\.fill-1200x630")
        self.assertEqual(_meta(doc, "og:image:width"), "1200")
        self.assertEqual(_meta(doc, "og:image:height"), "630")
        self.assertEqual(_meta(doc, "og:image:alt"), "Rynek w Zawadzie latem")
        self.assertTrue(
            _meta(doc, "article:published_time").startswith("2026-03-05T10:00")
        )
        self.assertEqual(_meta(doc, "article:section"), "Odpady")
        self.assertEqual(_meta(doc, "twitter:card"), "summary_large_image")
        self.assertEqual(_meta(doc, "twitter:image"), image)
        # The file behind it has that size.
        path = unquote(urlsplit(image).path).removeprefix("/media/")
        with PIL.Image.open(os.path.join(MEDIA_ROOT, path)) as picture:
            self.assertEqual(picture.size, (1200, 630))

    def test_it_falls_back_to_a_small_card_without_an_image(self):
        article = make_article(self.gmina, "Bez zdjęcia", lead="Krótko.")
        _, doc = self._get(article.relative_url(self.gmina.site))
        self.assertIsNone(_meta(doc, "og:image"))
        self.assertEqual(_meta(doc, "twitter:card"), "summary")
        data = json.loads(doc.xpath('//script[@type="application/ld+json"]')[0].text)
        self.assertNotIn("image", data)

    def test_it_describes_itself_as_a_news_article(self):
        r, doc = self._get()
        scripts = doc.xpath('//script[@type="application/ld+json"]')
        self.assertEqual(len(scripts), 1)
        csp = r.headers["Content-Security-Policy"]
        self.assertIn(f"'nonce-{scripts[0].get('nonce')}'", csp)
        data = json.loads(scripts[0].text)
        full_url = "http://testserver/aktualnosci/nowy-harmonogram-odbioru-odpadow/"
        self.assertEqual(data["@context"], "https://schema.org")
        self.assertEqual(data["@type"], "NewsArticle")
        self.assertEqual(data["headline"], "Nowy harmonogram odbioru odpadów")
        self.assertTrue(data["datePublished"].startswith("2026-03-05T10:00:00+01:00"))
        self.assertTrue(data["dateModified"])
        self.assertEqual(data["author"], {"@type": "Person", "name": "Anna Wójcik"})
        self.assertEqual(data["publisher"]["name"], "Gmina Zawada")
        self.assertTrue(
            data["publisher"]["logo"]["url"].startswith("http://testserver/")
        )
        self.assertEqual(data["mainEntityOfPage"]["@id"], full_url)
        self.assertEqual(data["image"], [_meta(doc, "og:image")])

    def test_its_json_ld_cannot_be_broken_out_of(self):
        title = "</script><script>alert(1)</script><!-- & \u2028"
        article = make_article(
            self.gmina, title, lead='"><img src=x onerror=alert(2)>', slug="pulapka"
        )
        r, doc = self._get(article.relative_url(self.gmina.site))
        body = r.content.decode()
        self.assertNotIn("<script>alert(1)", body)
        self.assertNotIn("<img src=x", body)
        scripts = doc.xpath("//script")
        # site.js and the JSON-LD, nothing injected.
        self.assertEqual(
            sorted(s.get("type") or s.get("src") for s in scripts),
            ["/static/js/site.js", "application/ld+json"],
        )
        data = json.loads(doc.xpath('//script[@type="application/ld+json"]')[0].text)
        self.assertEqual(data["headline"], title)
        self.assertEqual(data["description"], '"><img src=x onerror=alert(2)>')

    def test_its_back_to_top_link_has_a_target(self):
        _, doc = self._get()
        link = doc.xpath('//footer//a[@href="#gora"]')
        self.assertEqual(len(link), 1)
        self.assertEqual(len(doc.xpath('//*[@id="gora"]')), 1)

    def test_it_loads_the_copy_script_with_the_nonce(self):
        r, doc = self._get()
        script = doc.xpath('//script[@src="/static/js/site.js"]')[0]
        self.assertIn(
            f"'nonce-{script.get('nonce')}'", r.headers["Content-Security-Policy"]
        )
        js = self.client.get("/static/js/site.js")
        self.assertIn(b"navigator.clipboard.writeText", b"".join(js.streaming_content))
