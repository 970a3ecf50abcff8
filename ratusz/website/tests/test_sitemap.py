"""sitemap.xml and robots.txt, one per gmina (site)."""

import lxml.etree
from django.utils import timezone
from wagtail.models import PageViewRestriction

from ratusz.test import BaseTestCase, make_article, make_category

NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


class SitemapTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.waste = make_category(cls.gmina, "Odpady")
        make_category(cls.gmina, "Pusta kategoria")
        cls.article = make_article(cls.gmina, "Zebranie wiejskie", category=cls.waste)
        make_article(cls.gmina, "Szkic", publish=False)
        make_article(cls.other_gmina, "Dożynki w Brzeziu")

    def _locations(self, host="localhost"):
        r = self.client.get("/sitemap.xml", headers={"host": host})
        self.assertEqual(r.status_code, 200)
        self.assertEqual(r["Content-Type"], "application/xml")
        doc = lxml.etree.fromstring(r.content)
        return {
            url.findtext("s:loc", namespaces=NS): url.findtext(
                "s:lastmod", namespaces=NS
            )
            for url in doc.findall("s:url", NS)
        }

    def test_it_lists_the_pages_of_the_requested_site(self):
        locations = self._locations()
        self.assertEqual(
            sorted(locations),
            [
                "http://localhost/",
                "http://localhost/aktualnosci/",
                "http://localhost/aktualnosci/kategoria/odpady/",
                "http://localhost/aktualnosci/zebranie-wiejskie/",
            ],
        )
        lastmod = locations["http://localhost/aktualnosci/zebranie-wiejskie/"]
        # The sitemap's dates are the site's (Warsaw) dates, not UTC ones.
        published = timezone.localtime(self.article.last_published_at)
        self.assertEqual(lastmod[:10], published.date().isoformat())

    def test_it_serves_each_gmina_its_own(self):
        locations = self._locations("brzezie.localhost")
        self.assertEqual(
            sorted(locations),
            [
                "http://brzezie.localhost/",
                "http://brzezie.localhost/aktualnosci/",
                "http://brzezie.localhost/aktualnosci/dozynki-w-brzeziu/",
            ],
        )

    def test_it_leaves_out_private_pages(self):
        PageViewRestriction.objects.create(
            page=self.article,
            restriction_type=PageViewRestriction.PASSWORD,
            password="tajne",
        )
        self.assertNotIn(
            "http://localhost/aktualnosci/zebranie-wiejskie/", self._locations()
        )

    def test_robots_txt_points_at_the_sites_sitemap(self):
        for host in ("localhost", "brzezie.localhost"):
            with self.subTest(host=host):
                r = self.client.get("/robots.txt", headers={"host": host})
                self.assertEqual(r.status_code, 200)
                self.assertEqual(r["Content-Type"], "text/plain; charset=utf-8")
                lines = r.content.decode().splitlines()
                self.assertIn(f"Sitemap: http://{host}/sitemap.xml", lines)
                self.assertIn("Disallow: /admin/", lines)
                # The sitemap it names exists.
                path = lines[-1].split(f"http://{host}")[1]
                self.assertEqual(
                    self.client.get(path, headers={"host": host}).status_code, 200
                )
