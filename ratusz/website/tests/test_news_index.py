"""Aktualności: the filtered, paginated list of one gmina's news."""

import shutil
import tempfile
from datetime import datetime

import lxml.html
from django.test import override_settings
from django.utils import timezone
from wagtail.images.tests.utils import get_test_image_file
from wagtail.models import PageViewRestriction

from ratusz.test import (
    BaseTestCase,
    make_article,
    make_category,
    make_village,
    news_index_of,
)
from ratusz.website.models import ArticlePage, CustomImage

# Wagtail routing: site, home, child, index, ancestors, restrictions (6); listing:
# public(), archive, gmina, count, page, villages, renditions (7); form
# choices: categories, villages, tags (3); layout: gmina, statement, news index,
# menu, footer links (5); Wagtail's site root paths read twice from the shared
# cache table (2); whether the gmina shows public statistics, for the footer's
# link (1, insights); whether it has a public access point, for the footer's
# "Darmowy internet" link (1, inclusion). None of them grows with the number of
# articles.
LISTING_QUERIES = 25
MEDIA_ROOT = tempfile.mkdtemp(prefix="ratusz-test-media-")


def _at(article, year, month, day, hour=12, minute=0):
    date = timezone.make_aware(datetime(year, month, day, hour, minute))
    ArticlePage.objects.filter(pk=article.pk).update(date=date)


def _titles(response):
    doc = lxml.html.fromstring(response.content)
    return [a.text_content() for a in doc.cssselect(".cards .card__title a")]


@override_settings(MEDIA_ROOT=MEDIA_ROOT)
class NewsIndexTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.index = news_index_of(cls.gmina)
        cls.url = cls.index.relative_url(cls.gmina.site)
        cls.waste = make_category(cls.gmina, "Odpady")
        cls.roads = make_category(cls.gmina, "Drogi")
        cls.brzezie = make_village(cls.gmina, "Brzezie")
        cls.laki = make_village(cls.gmina, "Łąki")
        # The other gmina has a category with the same slug, and a village.
        cls.other_waste = make_category(cls.other_gmina, "Odpady")
        cls.other_village = make_village(cls.other_gmina, "Dąbrowa")

        cls.a1 = make_article(
            cls.gmina,
            "Odbiór odpadów w Brzeziu",
            category=cls.waste,
            villages=[cls.brzezie],
            tags=["harmonogram"],
        )
        _at(cls.a1, 2026, 5, 31, 23, 30)  # late evening, Warsaw time: still May
        cls.a2 = make_article(
            cls.gmina,
            "Remont drogi w Łąkach",
            category=cls.roads,
            villages=[cls.laki],
            tags=["remont"],
        )
        _at(cls.a2, 2026, 5, 3)
        cls.a3 = make_article(
            cls.gmina,
            "Remont mostu w Brzeziu",
            category=cls.roads,
            villages=[cls.brzezie],
            tags=["remont", "most"],
        )
        _at(cls.a3, 2026, 4, 10)
        cls.a4 = make_article(cls.gmina, "Informacja bez kategorii")
        _at(cls.a4, 2026, 3, 1, 0, 30)  # just after midnight on the 1st
        make_article(cls.gmina, "Szkic o odpadach", category=cls.waste, publish=False)
        make_article(
            cls.other_gmina,
            "Odpady w Dąbrowie",
            category=cls.other_waste,
            tags=["remont"],
        )

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        shutil.rmtree(MEDIA_ROOT, ignore_errors=True)

    def test_its_subscribe_box_offers_email_push_and_sms_beside_rss(self):
        doc = lxml.html.fromstring(self.client.get(self.url).content)
        (box,) = doc.xpath('//section[@class="feeds"]')
        links = {a.text_content(): a.get("href") for a in box.xpath(".//a")}
        self.assertEqual(links["E-mail"], "/obserwuj/?kanal=email#obserwuj-email")
        self.assertEqual(
            links["Powiadomienia w przeglądarce"], "/obserwuj/?kanal=push#obserwuj-push"
        )
        self.assertEqual(links["SMS"], "/obserwuj/?kanal=sms#obserwuj-sms")
        self.assertIn("RSS: wszystkie aktualności", links)
        # On a category's list, the category comes preselected.
        category = self.index.category_url(self.waste)
        doc = lxml.html.fromstring(self.client.get(category).content)
        (email,) = doc.xpath('//section[@class="feeds"]//a[text()="E-mail"]/@href')
        self.assertEqual(
            email, "/obserwuj/?kanal=email&kategoria=odpady#obserwuj-email"
        )

    def test_the_header_offers_to_follow_beside_writing_to_the_office(self):
        doc = lxml.html.fromstring(self.client.get(self.url).content)
        (actions,) = doc.xpath(
            '//header[@class="site-header"]//p[@class="site-actions"]'
        )
        links = [(a.text_content(), a.get("href")) for a in actions.xpath("./a")]
        self.assertEqual(
            links,
            [("Obserwuj gminę", "/obserwuj/"), ("Napisz do urzędu", "/napisz/")],
        )

    def test_it_lists_live_articles_newest_first(self):
        r = self.client.get(self.url)
        self.assertEqual(r.status_code, 200)
        self.assertEqual(
            _titles(r),
            [
                "Odbiór odpadów w Brzeziu",
                "Remont drogi w Łąkach",
                "Remont mostu w Brzeziu",
                "Informacja bez kategorii",
            ],
        )
        self.assertNotContains(r, "Szkic o odpadach")
        self.assertNotContains(r, "Odpady w Dąbrowie")
        # Polish: 1 artykuł, 2–4 artykuły, 5 artykułów.
        self.assertContains(r, "Znaleziono 4 artykuły.")

    def test_it_hides_private_articles(self):
        PageViewRestriction.objects.create(
            page=self.a2, restriction_type=PageViewRestriction.PASSWORD, password="x"
        )
        r = self.client.get(self.url)
        self.assertNotIn("Remont drogi w Łąkach", _titles(r))
        self.assertEqual(len(_titles(r)), 3)

    def test_it_filters_by_category(self):
        r = self.client.get(self.url, {"kategoria": "drogi"})
        self.assertEqual(
            _titles(r), ["Remont drogi w Łąkach", "Remont mostu w Brzeziu"]
        )

    def test_it_filters_by_village(self):
        r = self.client.get(self.url, {"solectwo": "brzezie"})
        self.assertEqual(
            _titles(r), ["Odbiór odpadów w Brzeziu", "Remont mostu w Brzeziu"]
        )
        r = self.client.get(self.url, {"solectwo": "laki"})
        self.assertEqual(_titles(r), ["Remont drogi w Łąkach"])

    def test_it_filters_by_tag(self):
        r = self.client.get(self.url, {"tag": "remont"})
        self.assertEqual(
            _titles(r), ["Remont drogi w Łąkach", "Remont mostu w Brzeziu"]
        )

    def test_it_filters_by_month_in_local_time(self):
        r = self.client.get(self.url, {"miesiac": "2026-05"})
        self.assertEqual(
            _titles(r), ["Odbiór odpadów w Brzeziu", "Remont drogi w Łąkach"]
        )
        r = self.client.get(self.url, {"miesiac": "2026-03"})
        self.assertEqual(_titles(r), ["Informacja bez kategorii"])
        r = self.client.get(self.url, {"miesiac": "2025-12"})
        self.assertEqual(_titles(r), [])
        self.assertContains(r, "Brak artykułów spełniających wybrane warunki.")

    def test_it_combines_filters(self):
        r = self.client.get(
            self.url,
            {"kategoria": "drogi", "solectwo": "brzezie", "tag": "remont"},
        )
        self.assertEqual(_titles(r), ["Remont mostu w Brzeziu"])
        r = self.client.get(
            self.url,
            {"kategoria": "odpady", "solectwo": "brzezie", "miesiac": "2026-04"},
        )
        self.assertEqual(_titles(r), [])

    def test_it_serves_a_clean_category_url(self):
        r = self.client.get(f"{self.url}kategoria/drogi/")
        self.assertEqual(r.status_code, 200)
        self.assertEqual(
            _titles(r), ["Remont drogi w Łąkach", "Remont mostu w Brzeziu"]
        )
        doc = lxml.html.fromstring(r.content)
        self.assertEqual(doc.cssselect("h1")[0].text_content(), "Aktualności: Drogi")
        selected = doc.cssselect("#id_kategoria option[selected]")
        self.assertEqual([o.get("value") for o in selected], ["drogi"])
        # The page announces its own category feeds.
        feeds = [link.get("href") for link in doc.cssselect("link[rel=alternate]")]
        self.assertIn(f"{self.url}kategoria/drogi/rss/", feeds)
        self.assertIn(f"{self.url}kategoria/drogi/atom/", feeds)

    def test_it_404s_for_an_unknown_category_url(self):
        r = self.client.get(f"{self.url}kategoria/nie-ma-takiej/")
        self.assertEqual(r.status_code, 404)
        self.assertContains(r, "Nie znaleziono strony", status_code=404)

    def test_it_scopes_filters_to_the_gmina(self):
        # "dabrowa" is a village of the other gmina only.
        r = self.client.get(self.url, {"solectwo": "dabrowa"})
        self.assertEqual(r.status_code, 200)
        self.assertEqual(_titles(r), [])
        self.assertContains(r, "Nie ma takiego sołectwa.")
        # The other gmina's "odpady" shows only its own article there.
        r = self.client.get(
            news_index_of(self.other_gmina).url,
            {"kategoria": "odpady"},
            headers={"host": "brzezie.localhost"},
        )
        self.assertEqual(_titles(r), ["Odpady w Dąbrowie"])
        # A tag used only in the other gmina is not a choice here.
        make_article(self.other_gmina, "Tylko tam", tags=["dozynki"])
        r = self.client.get(self.url, {"tag": "dozynki"})
        self.assertContains(r, "Nie ma takiego tematu.")
        self.assertEqual(_titles(r), [])

    def test_it_answers_bad_input_with_a_polish_message(self):
        cases = [
            ({"kategoria": "nie-ma"}, "Nie ma takiej kategorii."),
            ({"miesiac": "2026-13"}, "Podaj miesiąc w postaci RRRR-MM"),
            ({"miesiac": "abc"}, "Podaj miesiąc w postaci RRRR-MM"),
            ({"miesiac": "2026-00"}, "Podaj miesiąc w postaci RRRR-MM"),
            ({"miesiac": "0000-01"}, "Podaj miesiąc w postaci RRRR-MM"),
            ({"miesiac": "2026-5"}, "Podaj miesiąc w postaci RRRR-MM"),
            ({"kategoria": "x" * 10_000}, "Nie ma takiej kategorii."),
            ({"tag": "t" * 10_000}, "Nie ma takiego tematu."),
            ({"miesiac": "2" * 10_000}, "Podaj miesiąc"),
            ({"solectwo": "łąki"}, "Nie ma takiego sołectwa."),
            ({"solectwo": "\u202eikal\u200b"}, "Nie ma takiego sołectwa."),
            ({"tag": "re\x00mont"}, "Nie ma takiego tematu."),
            ({"kategoria": "🙂\ufffe\U0010ffff"}, "Nie ma takiej kategorii."),
            # Not UTF-8 at all (a lone surrogate, a stray byte).
            ("kategoria=%ED%A0%BD%FF", "Nie ma takiej kategorii."),
            ({"kategoria": "odpady' OR '1'='1"}, "Nie ma takiej kategorii."),
            ({"tag": "remont'; DROP TABLE taggit_tag; --"}, "Nie ma takiego tematu."),
            ({"solectwo": '"><script>alert(1)</script>'}, "Nie ma takiego sołectwa."),
        ]
        for params, message in cases:
            with self.subTest(params=str(params)[:60]):
                if isinstance(params, str):
                    r = self.client.get(f"{self.url}?{params}")
                else:
                    r = self.client.get(self.url, params)
                self.assertEqual(r.status_code, 200)
                self.assertContains(r, message)
                self.assertContains(r, 'role="alert"')
                self.assertContains(r, '<meta name="robots" content="noindex">')
                self.assertEqual(_titles(r), [])
                self.assertNotContains(r, "<script>alert(1)</script>")
        # The database survived the payloads.
        self.assertEqual(self.a2.tags.count(), 1)

    def test_it_404s_for_bad_page_numbers(self):
        for number in ["0", "-1", "abc", "2", "999999999", "1.5", "١"]:
            with self.subTest(number=number):
                r = self.client.get(self.url, {"strona": number})
                self.assertEqual(r.status_code, 404)
                self.assertContains(r, "Nie znaleziono strony", status_code=404)

    def test_it_paginates_twelve_per_page(self):
        for i in range(10):
            make_article(self.gmina, f"Komunikat {i:02d}", days_ago=i + 1)
        r = self.client.get(self.url)
        self.assertEqual(len(_titles(r)), 12)
        self.assertContains(r, "Znaleziono 14 artykułów.")
        doc = lxml.html.fromstring(r.content)
        nav = doc.cssselect("nav.pagination[aria-label]")
        self.assertEqual(len(nav), 1)
        current = nav[0].cssselect('[aria-current="page"]')
        self.assertEqual(current[0].text_content().split()[-1], "1")
        self.assertTrue(nav[0].cssselect(f'a[href="{self.url}?strona=2"]'))

        r = self.client.get(self.url, {"strona": "2"})
        self.assertEqual(len(_titles(r)), 2)
        self.assertIn("Informacja bez kategorii", _titles(r))
        self.assertRegex(r.content.decode(), r"<title>Aktualności – strona 2")

    def test_it_keeps_filters_in_page_links(self):
        for i in range(12):
            make_article(self.gmina, f"Odpady {i:02d}", category=self.waste, days_ago=i)
        r = self.client.get(self.url, {"kategoria": "odpady", "strona": "1"})
        doc = lxml.html.fromstring(r.content)
        hrefs = [a.get("href") for a in doc.cssselect("nav.pagination a")]
        self.assertIn(f"{self.url}?kategoria=odpady&strona=2", hrefs)
        r = self.client.get(self.url, {"kategoria": "odpady", "strona": "2"})
        self.assertEqual(len(_titles(r)), 1)

    def test_it_lists_months_with_counts(self):
        r = self.client.get(self.url)
        doc = lxml.html.fromstring(r.content)
        items = [li.text_content() for li in doc.cssselect(".archive li")]
        self.assertEqual(
            items, ["maj 2026 (2)", "kwiecień 2026 (1)", "marzec 2026 (1)"]
        )
        links = [a.get("href") for a in doc.cssselect(".archive a")]
        self.assertEqual(links[0], f"{self.url}?miesiac=2026-05")

    def test_its_form_works_without_js(self):
        r = self.client.get(self.url)
        doc = lxml.html.fromstring(r.content)
        form = doc.cssselect("form.filters")[0]
        self.assertEqual(form.get("method"), "get")
        self.assertEqual(form.get("action"), self.url)
        self.assertTrue(form.cssselect("button[type=submit]"))
        controls = form.cssselect("select, input")
        self.assertEqual(
            sorted(c.get("name") for c in controls),
            ["kategoria", "miesiac", "solectwo", "tag"],
        )
        for control in controls:
            labels = form.cssselect(f'label[for="{control.get("id")}"]')
            self.assertEqual(len(labels), 1, control.get("name"))
        categories = [o.get("value") for o in form.cssselect("#id_kategoria option")]
        self.assertEqual(categories, ["", "drogi", "odpady"])
        tags = [o.get("value") for o in form.cssselect("#id_tag option")]
        self.assertEqual(tags, ["", "harmonogram", "most", "remont"])
        months = [o.get("value") for o in form.cssselect("#id_miesiac option")]
        self.assertEqual(months, ["", "2026-05", "2026-04", "2026-03"])

    def _add_articles_with_images(self, n):
        for i in range(n):
            image = CustomImage.objects.create(
                title=f"Zdjęcie {i}",
                description=f"Opis {i}",
                file=get_test_image_file(),
            )
            make_article(
                self.gmina,
                f"Ze zdjęciem {i:02d}",
                main_image=image,
                category=self.waste if i % 2 else self.roads,
                villages=[self.brzezie, self.laki],
                tags=[f"temat-{i}"],
            )

    def test_it_lists_in_a_fixed_number_of_queries(self):
        self._add_articles_with_images(12)
        # The first view makes the renditions; count the steady state.
        self.client.get(self.url)
        with self.assertNumQueries(LISTING_QUERIES):
            r = self.client.get(self.url)
        self.assertEqual(len(_titles(r)), 12)
        self.assertEqual(r.content.decode().count('class="card__img"'), 12)
        self.assertContains(r, "Brzezie, Łąki", count=12)

        # Twice the articles, images, villages and tags: the same queries.
        self._add_articles_with_images(12)
        self.client.get(self.url)
        with self.assertNumQueries(LISTING_QUERIES):
            r = self.client.get(self.url)
        self.assertEqual(r.content.decode().count('class="card__img"'), 12)
