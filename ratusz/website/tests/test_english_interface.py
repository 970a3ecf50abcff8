"""The interface is available in English under /en/; content stays Polish."""

import tempfile

from bs4 import BeautifulSoup
from django.test import TestCase, override_settings
from django.utils import translation

from ratusz.website.tests.content import make_site_content

_media = tempfile.TemporaryDirectory(prefix="ratusz-media-")


def _soup(response):
    return BeautifulSoup(response.content, "html.parser")


def _language_links(soup) -> dict[str, str]:
    section = soup.find(id="stopka-jezyk").find_parent("section")
    return {a.get_text(strip=True): a["href"] for a in section.find_all("a")}


@override_settings(MEDIA_ROOT=_media.name)
class EnglishInterfaceTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.content = make_site_content()

    def tearDown(self):
        # A request to /en/ leaves English active in this thread; page URLs
        # that later tests build would start with /en/.
        translation.deactivate()

    def test_it_shows_the_home_page_interface_in_english(self):
        soup = _soup(self.client.get("/en/"))
        self.assertEqual(soup.html["lang"], "en")
        search = soup.find("form", role="search")
        self.assertEqual(search.find("button").get_text(strip=True), "Search")
        self.assertEqual(search["action"], "/en/szukaj/")
        self.assertEqual(soup.find(class_="skip-link").get_text(), "Skip to content")
        # Content is not translated.
        self.assertIn("Remont drogi gminnej w Zawadzie", soup.get_text())

    def test_it_shows_the_polish_interface_at_the_root(self):
        soup = _soup(self.client.get("/"))
        self.assertEqual(soup.html["lang"], "pl")
        search = soup.find("form", role="search")
        self.assertEqual(search.find("button").get_text(strip=True), "Szukaj")
        self.assertEqual(search["action"], "/szukaj/")

    def test_it_keeps_english_links_in_english(self):
        soup = _soup(self.client.get("/en/"))
        article_links = [
            a["href"] for a in soup.select("main a") if "aktualnosci/" in a["href"]
        ]
        self.assertTrue(article_links)
        for href in article_links:
            self.assertTrue(href.startswith("/en/"), href)

    def test_it_switches_language_from_the_footer(self):
        article_url = self.content["article"].url
        soup = _soup(self.client.get(article_url))
        links = _language_links(soup)
        self.assertEqual(links["English"], f"/en{article_url}")

        r = self.client.get(links["English"])
        self.assertEqual(r.status_code, 200)
        soup = _soup(r)
        self.assertEqual(soup.html["lang"], "en")
        self.assertEqual(soup.h1.get_text(), "Remont drogi gminnej w Zawadzie")
        self.assertEqual(_language_links(soup)["Polski"], article_url)

    def test_it_translates_the_search_and_404_pages(self):
        r = self.client.get("/en/nie-ma-takiej-strony/")
        self.assertEqual(r.status_code, 404)
        soup = _soup(r)
        self.assertEqual(soup.h1.get_text(), "Page not found")
        self.assertEqual(
            soup.main.find("a", string="Go to the home page")["href"], "/en/"
        )
        soup = _soup(self.client.get("/en/szukaj/", {"q": "remont"}))
        self.assertEqual(soup.html["lang"], "en")
        self.assertTrue(soup.title.get_text().startswith("Search results: remont"))
        self.assertIn("Found 1 result", soup.main.get_text())
