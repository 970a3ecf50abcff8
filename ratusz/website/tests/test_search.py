from urllib.parse import quote

from bs4 import BeautifulSoup
from django.db import connection
from django.test import SimpleTestCase
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from wagtail.models import PageViewRestriction
from wagtail.rich_text import RichText

from ratusz.test import BaseTestCase, home_of, make_article
from ratusz.website import search
from ratusz.website.models import StandardPage

URL = "/szukaj/"


def make_standard_page(gmina, title, body, publish=True):
    page = StandardPage(title=title, body=[("paragraph", RichText(body))], live=False)
    home_of(gmina).add_child(instance=page)
    revision = page.save_revision()
    if publish:
        revision.publish()
        page.refresh_from_db()
    return page


class SearchTestCase(BaseTestCase):
    def get(self, query=None, host="localhost", **params):
        if query is not None:
            params["q"] = query
        return self.client.get(URL, params, HTTP_HOST=host)

    def soup(self, response):
        return BeautifulSoup(response.content, "html.parser")

    def titles(self, response):
        return [h2.get_text() for h2 in self.soup(response).select(".search-result h2")]


class SearchMatchingTestCase(SearchTestCase):
    def test_it_finds_inflected_forms_of_the_issue_examples(self):
        make_article(
            self.gmina, "Dyżur w urzędzie", body="<p>Dyżur wójta gminy w piątek.</p>"
        )
        make_article(
            self.gmina,
            "Spotkanie w świetlicy",
            body="<p>Spotkanie z wójtem naszej gminy.</p>",
        )
        make_article(
            self.gmina,
            "Nowa usługa",
            body="<p>Ruszył dostęp do internetu radiowego.</p>",
        )

        self.assertEqual(
            sorted(self.titles(self.get("wójt gminy"))),
            ["Dyżur w urzędzie", "Spotkanie w świetlicy"],
        )
        self.assertEqual(self.titles(self.get("internet radiowy")), ["Nowa usługa"])
        self.assertEqual(self.titles(self.get("wójtem")), self.titles(self.get("wójt")))

    def test_it_requires_every_word(self):
        make_article(self.gmina, "Oba słowa", body="<p>Remont drogi w Lipniku.</p>")
        make_article(self.gmina, "Jedno słowo", body="<p>Remont świetlicy.</p>")

        response = self.get("remont dróg")

        self.assertEqual(self.titles(response), ["Oba słowa"])
        self.assertNotContains(response, "Żadna strona nie zawiera wszystkich")

    def test_it_falls_back_to_pages_with_most_words(self):
        make_article(
            self.gmina, "Dwa słowa", body="<p>Festyn i koncert.</p>", days_ago=3
        )
        make_article(self.gmina, "Jedno słowo", body="<p>Wielki festyn.</p>")
        make_article(self.gmina, "Nic", body="<p>Sesja rady.</p>")

        response = self.get("festyn koncert dożynki")

        self.assertEqual(self.titles(response), ["Dwa słowa", "Jedno słowo"])
        self.assertContains(response, "Żadna strona nie zawiera wszystkich")

    def test_it_matches_whole_words_only(self):
        make_article(self.gmina, "Remont", body="<p>Remont drogi.</p>")

        response = self.get("rem")

        self.assertEqual(self.titles(response), [])
        self.assertContains(response, "Nie znaleźliśmy stron zawierających „rem”.")

    def test_it_finds_words_whose_only_reading_is_archaic(self):
        # SGJP marks the singular "odpad" archaic; it must still be a word.
        make_article(self.gmina, "Segregacja", body="<p>Każdy odpad do worka.</p>")

        self.assertEqual(self.titles(self.get("odpad")), ["Segregacja"])

    def test_it_finds_standard_pages(self):
        make_standard_page(
            self.gmina, "Odbiór odpadów", "<p>Harmonogram wywozu śmieci.</p>"
        )

        self.assertEqual(self.titles(self.get("śmieci")), ["Odbiór odpadów"])

    def test_it_never_shows_another_gminas_pages(self):
        make_article(self.gmina, "Festyn w Zawadzie", body="<p>Festyn.</p>")
        make_article(self.other_gmina, "Festyn w Brzeziu", body="<p>Festyn.</p>")
        make_standard_page(self.other_gmina, "Festyny w Brzeziu", "<p>Festyn.</p>")

        self.assertEqual(self.titles(self.get("festyn")), ["Festyn w Zawadzie"])
        self.assertEqual(
            sorted(self.titles(self.get("festyn", host="brzezie.localhost"))),
            ["Festyn w Brzeziu", "Festyny w Brzeziu"],
        )

    def test_it_never_shows_drafts_or_private_pages(self):
        make_article(self.gmina, "Szkic festynu", body="<p>Festyn.</p>", publish=False)
        make_standard_page(self.gmina, "Szkic strony", "<p>Festyn.</p>", publish=False)
        private = make_article(
            self.gmina, "Tylko dla zalogowanych", body="<p>Festyn</p>"
        )
        PageViewRestriction.objects.create(
            page=private, restriction_type=PageViewRestriction.LOGIN
        )
        live = make_article(self.gmina, "Opublikowany", body="<p>Koncert.</p>")
        # A draft of a live page: its new words must not be searchable yet.
        live.body = [("paragraph", RichText("<p>Koncert i festyn.</p>"))]
        live.save_revision()

        response = self.get("festyn")

        self.assertEqual(self.titles(response), [])
        self.assertEqual(self.titles(self.get("koncert")), ["Opublikowany"])

    def test_it_ranks_title_matches_first_then_newer(self):
        make_article(self.gmina, "Zebranie sołeckie", body="<p>Wójt zaprasza.</p>")
        make_article(self.gmina, "Wójt przyjmuje", body="<p>Dyżur.</p>", days_ago=30)
        make_article(
            self.gmina, "Wójtowie gmin obradowali", body="<p>Narada.</p>", days_ago=10
        )
        make_article(self.gmina, "Komunikat", body="<p>Z wójtem.</p>", days_ago=1)

        self.assertEqual(
            self.titles(self.get("wójt")),
            [
                "Wójtowie gmin obradowali",
                "Wójt przyjmuje",
                "Zebranie sołeckie",
                "Komunikat",
            ],
        )

    def test_it_ranks_more_title_words_first(self):
        make_article(self.gmina, "Remont", body="<p>Remont drogi.</p>")
        make_article(self.gmina, "Remont drogi", body="<p>Tak.</p>", days_ago=5)

        self.assertEqual(
            self.titles(self.get("remont drogi")), ["Remont drogi", "Remont"]
        )


class SearchWithoutPolishLettersTestCase(SearchTestCase):
    """Residents on phones type "wojt", "smieci", "dowod osobisty"."""

    def test_wojt_finds_wojt_with_its_polish_letter(self):
        make_article(self.gmina, "Dyżur w urzędzie", body="<p>Dyżur wójta gminy.</p>")
        make_article(self.gmina, "Festyn", body="<p>Zapraszamy.</p>")

        for query in ("wojt", "wojta", "WOJT gminy", "wójt"):
            with self.subTest(query=query):
                self.assertEqual(self.titles(self.get(query)), ["Dyżur w urzędzie"])

    def test_the_exact_polish_form_ranks_first(self):
        # Typed without letters by an editor on a phone, and newer.
        plain = make_article(
            self.gmina, "Zebranie", body="<p>Spotkanie z wojtem w remizie.</p>"
        )
        exact = make_article(
            self.gmina,
            "Zebranie sołeckie",
            body="<p>Spotkanie z wójtem w świetlicy.</p>",
            days_ago=10,
        )

        self.assertEqual(self.titles(self.get("wójt")), [exact.title, plain.title])
        # Typed without letters, the page with exactly those letters first.
        self.assertEqual(self.titles(self.get("wojt")), [plain.title, exact.title])

    def test_odpady_smieci_wywoz_finds_the_waste_collection_schedule(self):
        make_article(
            self.gmina,
            "Harmonogram wywozu śmieci na grudzień",
            body="<p>Odpady zmieszane i segregowane odbieramy według terminów.</p>",
        )
        make_article(
            self.gmina, "Segregacja odpadów", body="<p>Jak segregować odpady.</p>"
        )
        make_standard_page(self.gmina, "Wywóz mebli", "<p>Zbiórka gabarytów.</p>")

        response = self.get("odpady smieci wywoz")

        self.assertEqual(
            self.titles(response), ["Harmonogram wywozu śmieci na grudzień"]
        )
        self.assertNotContains(response, "Żadna strona nie zawiera wszystkich")

    def test_it_finds_pages_typed_without_letters_by_polish_forms(self):
        make_article(self.gmina, "Komunikat", body="<p>Wywoz smieci we wtorek.</p>")

        self.assertEqual(self.titles(self.get("wywóz śmieci")), ["Komunikat"])

    def test_it_highlights_folded_matches(self):
        make_article(
            self.gmina,
            "Spotkanie z wójtem",
            lead="",
            body="<p>Wywóz śmieci omówi wójt.</p>",
        )

        result = self.soup(self.get("wojt smieci")).select_one(".search-result")

        self.assertEqual([m.get_text() for m in result.select("h2 mark")], ["wójtem"])
        self.assertEqual(
            [m.get_text() for m in result.select(".search-result__snippet mark")],
            ["śmieci", "wójt"],
        )

    def test_it_still_matches_whole_words_only(self):
        make_article(self.gmina, "Wójtostwo", body="<p>Dawne wójtostwo.</p>")

        self.assertEqual(self.titles(self.get("wojt")), [])

    def test_it_keeps_the_number_of_queries(self):
        for n in range(3):
            make_article(self.gmina, f"Wójt {n}", body="<p>Wywóz śmieci.</p>")
        query = search.parse_query("wojt smieci")

        # restrictions (public()), count, ids of the page, types, articles
        with self.assertNumQueries(5):
            results = search.search_site(self.gmina.site, query, "1")
        self.assertEqual(results.count, 3)


class SearchPresentationTestCase(SearchTestCase):
    def test_it_highlights_matches_by_lemma(self):
        make_article(
            self.gmina,
            "Spotkanie z wójtem",
            lead="",
            body="<p>W czwartek odbędzie się spotkanie z wójtem (gminy Zawada).</p>",
        )

        soup = self.soup(self.get("wójt gminy"))

        result = soup.select_one(".search-result")
        self.assertEqual([m.get_text() for m in result.select("h2 mark")], ["wójtem"])
        self.assertEqual(
            [m.get_text() for m in result.select(".search-result__snippet mark")],
            ["wójtem", "gminy"],
        )
        self.assertIn("(<mark>gminy</mark>", str(result))

    def test_it_cuts_the_snippet_around_the_first_match(self):
        filler = " ".join(f"słowo{n}" for n in range(200))
        make_article(
            self.gmina,
            "Długi tekst",
            body=f"<p>{filler} Na końcu wójtem. {filler}</p>",
        )

        snippet = self.soup(self.get("wójt")).select_one(".search-result__snippet")

        text = snippet.get_text()
        self.assertTrue(text.startswith("… "))
        self.assertTrue(text.endswith(" …"))
        self.assertIn("Na końcu wójtem.", text)
        self.assertLess(len(text.split()), search.SNIPPET_WORDS + 3)

    def test_it_escapes_page_text_in_results(self):
        make_article(
            self.gmina,
            "Kod <b>pogrubiony</b>",
            body="<p>Wpisz &lt;script&gt;alert(1)&lt;/script&gt; festyn.</p>",
        )

        response = self.get("festyn")

        self.assertNotContains(response, "<script>alert")
        self.assertContains(response, "&lt;script&gt;alert(1)&lt;/script&gt;")
        self.assertContains(response, "Kod &lt;b&gt;pogrubiony&lt;/b&gt;")

    def test_it_echoes_the_query_in_both_search_boxes(self):
        response = self.get('wójt "gminy"')

        soup = self.soup(response)
        self.assertEqual(soup.select_one("#site-search-q")["value"], 'wójt "gminy"')
        self.assertEqual(soup.select_one("#szukaj-q")["value"], 'wójt "gminy"')
        self.assertEqual(soup.select_one('form[role="search"] input')["name"], "q")

    def test_it_counts_results_in_polish(self):
        for n in range(2):
            make_article(self.gmina, f"Festyn {n}")

        self.assertContains(self.get("festyn"), "Znaleziono 2 wyniki")

    def test_it_paginates_results(self):
        for n in range(23):
            make_article(self.gmina, f"Festyn numer {n}", days_ago=n)

        first = self.get("festyn")
        third = self.get("festyn", strona="3")

        self.assertContains(first, "Znaleziono 23 wyniki")
        self.assertEqual(len(self.titles(first)), 10)
        self.assertEqual(self.titles(first)[0], "Festyn numer 0")
        self.assertEqual(
            self.titles(third),
            ["Festyn numer 20", "Festyn numer 21", "Festyn numer 22"],
        )
        nav = self.soup(third).select_one("nav.pagination")
        self.assertEqual(nav["aria-label"], "Strony wyników")
        current = nav.select_one('[aria-current="page"]')
        self.assertEqual(" ".join(current.get_text().split()), "Strona 3")
        self.assertEqual(
            nav.select_one('a[rel="prev"]')["href"], "/szukaj/?q=festyn&strona=2"
        )
        self.assertIsNone(nav.select_one('a[rel="next"]'))
        self.assertEqual(self.soup(third).select_one("ol")["start"], "21")

    def test_it_prompts_for_an_empty_query(self):
        response = self.get()

        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Wpisz powyżej, czego szukasz.")

    def test_it_explains_a_query_of_only_stop_words(self):
        response = self.get("i w na")

        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Zapytanie nie zawiera słów")

    def test_it_works_in_the_english_interface(self):
        make_article(self.gmina, "Festyn")

        response = self.client.get("/en/szukaj/", {"q": "festyn"})

        self.assertEqual(response.status_code, 200)
        self.assertEqual(self.titles(response), ["Festyn"])

    def test_it_tells_robots_not_to_index(self):
        self.assertContains(
            self.get("festyn"), '<meta name="robots" content="noindex">'
        )


class SearchBadInputTestCase(SearchTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        make_article(cls.gmina, "Festyn gminny", body="<p>Zapraszamy na festyn.</p>")

    def test_it_cuts_a_very_long_query(self):
        response = self.get("festyn " + "a" * 10_000)

        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Zapytanie było bardzo długie")
        value = self.soup(response).select_one("#szukaj-q")["value"]
        self.assertLessEqual(len(value), search.MAX_QUERY_CHARS)
        self.assertEqual(value, "festyn")

    def test_it_caps_the_number_of_words(self):
        response = self.get("festyn " + " ".join(f"słowo{n}" for n in range(20)))

        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Szukamy według pierwszych 8 słów zapytania.")

    def test_it_survives_odd_unicode(self):
        for query in [
            "\u200ffestyn\u200e",  # direction marks
            "fes\u200btyn",  # zero-width space inside the word
            "festyn\u0301",  # a stray combining accent
            "🎉 festyn 🎉",
            "festyn\x00",
            "\ufeff\u202e",
            "\x00",
        ]:
            with self.subTest(query=query):
                response = self.get(query)
                self.assertEqual(response.status_code, 200)
        self.assertEqual(self.titles(self.get("\u200ffestyn\u200e")), ["Festyn gminny"])
        self.assertEqual(self.titles(self.get("fes\u200btyn")), ["Festyn gminny"])
        self.assertEqual(self.titles(self.get("🎉 festyn 🎉")), ["Festyn gminny"])

    def test_it_survives_a_raw_nul_byte_in_the_url(self):
        response = self.client.get(URL + "?q=festyn%00&strona=1%00")

        self.assertEqual(response.status_code, 404)
        self.assertContains(response, "Nie ma takiej strony wyników.", status_code=404)
        response = self.client.get(URL + "?q=fes%00tyn")
        self.assertEqual(response.status_code, 200)

    def test_it_treats_sql_and_html_as_text(self):
        sql = self.get("' OR 1=1 --")
        html = self.get("<script>alert(1)</script>")

        self.assertEqual(sql.status_code, 200)
        self.assertEqual(self.titles(sql), [])
        self.assertEqual(html.status_code, 200)
        self.assertNotContains(html, "<script>alert(1)")
        self.assertContains(html, "&lt;script&gt;alert(1)&lt;/script&gt;")

    def test_it_answers_bad_page_numbers_with_a_polish_page(self):
        for page in ["999", "abc", "-1", "0", "1.5", "9" * 50, " 1"]:
            with self.subTest(page=page):
                response = self.get("festyn", strona=page)
                self.assertContains(
                    response, "Nie ma takiej strony wyników.", status_code=404
                )
                self.assertContains(
                    response, 'href="/szukaj/?q=festyn"', status_code=404
                )

    def test_it_percent_encodes_the_query_in_links(self):
        for n in range(11):
            make_article(self.gmina, f"Festyn & koncert {n}")

        response = self.get("festyn & koncert")

        nav = self.soup(response).select_one("nav.pagination")
        self.assertEqual(
            nav.select_one('a[rel="next"]')["href"],
            f"/szukaj/?q={quote('festyn & koncert', safe='').replace('%20', '+')}"
            "&strona=2",
        )


class SearchQueriesTestCase(SearchTestCase):
    def test_it_runs_a_bounded_number_of_queries(self):
        for n in range(15):
            make_article(self.gmina, f"Festyn {n}", body="<p>Festyn i koncert.</p>")
            make_standard_page(
                self.gmina, f"Strona o festynie {n}", "<p>Festyn, koncert.</p>"
            )
        site = self.gmina.site
        query = search.parse_query("festyn koncert")

        # restrictions (public()), count, ids of the page, then the pages:
        # their types, articles, standard pages
        with self.assertNumQueries(6):
            results = search.search_site(site, query, "1")
        self.assertEqual(results.count, 30)
        self.assertEqual(
            {type(item.page).__name__ for item in results.items},
            {"ArticlePage", "StandardPage"},
        )

        # No page has every word: one more count, for the fallback.
        query = search.parse_query("festyn dożynki")
        with self.assertNumQueries(7):
            results = search.search_site(site, query, "3")
        self.assertEqual(results.count, 30)
        self.assertEqual(len(results.items), 10)
        self.assertTrue(results.partial)

    def test_it_renders_results_without_a_query_per_result(self):
        for n in range(3):
            make_article(self.gmina, f"Festyn {n}", body="<p>Festyn.</p>")
        self.get("festyn")  # warm the per-process caches (content types, sites)
        with CaptureQueriesContext(connection) as three:
            self.assertEqual(len(self.titles(self.get("festyn"))), 3)
        for n in range(3, 12):
            make_article(self.gmina, f"Festyn {n}", body="<p>Festyn.</p>")
            make_standard_page(self.gmina, f"Festyny {n}", "<p>Festyn.</p>")

        with CaptureQueriesContext(connection) as ten:
            self.assertEqual(len(self.titles(self.get("festyn"))), 10)

        # One more only for the second page type's rows.
        self.assertLessEqual(len(ten.captured_queries), len(three.captured_queries) + 1)
        self.assertLessEqual(len(ten.captured_queries), 15)


class QueryParsingTestCase(SimpleTestCase):
    def test_it_keeps_every_reading_of_a_word(self):
        query = search.parse_query("remont drogi")

        self.assertEqual(query.words[0], ("remont",))
        self.assertEqual(set(query.words[1]), {"droga", "drogi"})

    def test_it_folds_every_word_beside_its_readings(self):
        query = search.parse_query("wójt smieci")

        self.assertEqual(query.words, [("wójt",), ("smieci",)])
        self.assertEqual(query.folded[0], ("wojt",))
        self.assertLessEqual({"smieci", "smiec", "smiecie"}, set(query.folded[1]))

    def test_it_drops_invisible_characters(self):
        self.assertEqual(
            search.clean_query("a\u200b\u200fb\x00 c\n\td"), ("ab c d", False)
        )

    def test_it_cuts_at_a_word_boundary(self):
        text, truncated = search.clean_query("słowo " * 100)

        self.assertTrue(truncated)
        self.assertLessEqual(len(text), search.MAX_QUERY_CHARS)
        self.assertTrue(text.endswith("słowo"))

    def test_it_uses_polish_plural_forms(self):
        with translation.override("pl"):
            self.assertEqual(
                [search.results_summary(n) for n in (1, 2, 4, 5, 12, 21, 22, 112)],
                [
                    "Znaleziono 1 wynik",
                    "Znaleziono 2 wyniki",
                    "Znaleziono 4 wyniki",
                    "Znaleziono 5 wyników",
                    "Znaleziono 12 wyników",
                    "Znaleziono 21 wyników",
                    "Znaleziono 22 wyniki",
                    "Znaleziono 112 wyników",
                ],
            )

    def test_it_highlights_without_trusting_the_text(self):
        html = search.highlight('<img src=x onerror="wójt">', frozenset({"wójt"}))

        self.assertNotIn("<img", html)
        self.assertIn("&lt;img", html)
