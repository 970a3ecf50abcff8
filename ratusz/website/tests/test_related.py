from bs4 import BeautifulSoup
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from ratusz.test import (
    BaseTestCase,
    make_article,
    make_category,
    make_village,
)
from ratusz.website.models import ArticlePage
from ratusz.website.related import related_articles, text_similarities


class RelatedArticlesTestCase(BaseTestCase):
    def test_it_never_lists_the_article_itself(self):
        article = make_article(self.gmina, "Remont drogi w Zawadzie", tags=["drogi"])
        make_article(self.gmina, "Remont drogi w Zawadzie", tags=["drogi"])

        related = related_articles(article)

        self.assertNotIn(article.pk, [a.pk for a in related])
        self.assertEqual(len(related), 1)

    def test_it_ranks_shared_tags_and_villages_above_unrelated(self):
        village = make_village(self.gmina, "Lipnik")
        article = make_article(
            self.gmina, "Zebranie wiejskie", tags=["zebranie"], villages=[village]
        )
        tagged = make_article(self.gmina, "Kolejny komunikat", tags=["zebranie"])
        in_village = make_article(
            self.gmina, "Wiadomość z sołectwa", villages=[village], days_ago=1
        )
        unrelated = make_article(self.gmina, "Zupełnie coś innego", days_ago=0.5)

        related = related_articles(article)

        self.assertEqual([a.pk for a in related], [tagged.pk, in_village.pk])
        self.assertNotIn(unrelated.pk, [a.pk for a in related])

    def test_it_counts_the_same_category(self):
        category = make_category(self.gmina, "Oświata")
        article = make_article(self.gmina, "Nabór do przedszkola", category=category)
        same = make_article(self.gmina, "Dzień otwarty", category=category)
        make_article(self.gmina, "Turniej piłkarski")

        self.assertEqual([a.pk for a in related_articles(article)], [same.pk])

    def test_it_relates_inflected_texts(self):
        article = make_article(
            self.gmina,
            "Remont drogi w Lipniku",
            body="<p>Rozpoczyna się remont drogi gminnej. Asfalt położy wykonawca.</p>",
        )
        similar = make_article(
            self.gmina,
            "Harmonogram remontu dróg",
            body="<p>Remonty dróg gminnych potrwają do jesieni; asfaltu starczy.</p>",
            days_ago=3,
        )
        make_article(
            self.gmina,
            "Koncert kolęd w kościele",
            body="<p>Zapraszamy na wspólne śpiewanie kolęd.</p>",
        )
        make_article(
            self.gmina,
            "Szczepienia psów",
            body="<p>Weterynarz przyjmie właścicieli psów w remizie.</p>",
        )

        self.assertEqual([a.pk for a in related_articles(article)], [similar.pk])

    def test_it_relates_texts_typed_without_polish_letters(self):
        article = make_article(
            self.gmina,
            "Harmonogram wywozu śmieci",
            body="<p>Wywóz śmieci segregowanych w każdy wtorek; wójt przypomina.</p>",
        )
        typed_on_a_phone = make_article(
            self.gmina,
            "Zmiana terminu",
            body="<p>Wywoz smieci segregowanych przesuniety na srode, "
            "przypomina wojt.</p>",
            days_ago=2,
        )
        make_article(
            self.gmina,
            "Koncert kolęd w kościele",
            body="<p>Zapraszamy na wspólne śpiewanie kolęd.</p>",
        )

        self.assertEqual(
            [a.pk for a in related_articles(article)], [typed_on_a_phone.pk]
        )
        self.assertEqual(
            [a.pk for a in related_articles(typed_on_a_phone)], [article.pk]
        )

    def test_it_never_lists_another_gminas_articles(self):
        article = make_article(self.gmina, "Remont drogi", tags=["drogi"])
        make_article(self.other_gmina, "Remont drogi", tags=["drogi"])

        self.assertEqual(related_articles(article), [])

    def test_it_lists_nothing_for_a_page_outside_any_site(self):
        make_article(self.gmina, "Remont drogi", tags=["drogi"])
        unsaved = ArticlePage(title="Remont drogi", lemmas="remont droga drogi")

        self.assertEqual(related_articles(unsaved), [])

    def test_it_skips_drafts(self):
        article = make_article(self.gmina, "Remont drogi", tags=["drogi"])
        make_article(self.gmina, "Remont drogi", tags=["drogi"], publish=False)

        self.assertEqual(related_articles(article), [])

    def test_it_puts_newer_first_on_ties(self):
        article = make_article(self.gmina, "Zebranie", tags=["zebranie"])
        older = make_article(self.gmina, "Pierwszy", tags=["zebranie"], days_ago=5)
        newer = make_article(self.gmina, "Drugi", tags=["zebranie"], days_ago=1)
        oldest = make_article(self.gmina, "Trzeci", tags=["zebranie"], days_ago=9)

        self.assertEqual(
            [a.pk for a in related_articles(article)], [newer.pk, older.pk, oldest.pk]
        )

    def test_it_respects_the_limit(self):
        article = make_article(self.gmina, "Zebranie", tags=["zebranie"])
        for n in range(6):
            make_article(self.gmina, f"Komunikat {n}", tags=["zebranie"], days_ago=n)

        self.assertEqual(len(related_articles(article)), 4)
        self.assertEqual(len(related_articles(article, limit=2)), 2)

    def test_it_runs_a_bounded_number_of_queries(self):
        village = make_village(self.gmina, "Lipnik")
        article = make_article(
            self.gmina, "Zebranie", tags=["zebranie", "wieś"], villages=[village]
        )
        for n in range(3):
            make_article(
                self.gmina, f"Komunikat {n}", tags=["zebranie"], villages=[village]
            )
        article = type(article).objects.get(pk=article.pk)
        with CaptureQueriesContext(connection) as few:
            related_articles(article)
        for n in range(3, 15):
            make_article(
                self.gmina, f"Komunikat {n}", tags=["zebranie"], villages=[village]
            )
        article = type(article).objects.get(pk=article.pk)
        # tags, villages, restrictions (public()), candidates, winners
        with self.assertNumQueries(5):
            related = related_articles(article)
        self.assertEqual(len(related), 4)
        self.assertEqual(len(few.captured_queries), 5)

    def test_it_renders_a_related_section_on_the_article_page(self):
        article = make_article(self.gmina, "Remont drogi", tags=["drogi"])
        other = make_article(self.gmina, "Droga gotowa", tags=["drogi"], days_ago=2)

        response = self.client.get(article.url)

        self.assertContains(response, 'aria-labelledby="powiazane-artykuly"')
        self.assertContains(response, "Powiązane artykuły")
        section = BeautifulSoup(response.content, "html.parser").select_one(
            "section.related"
        )
        site = self.gmina.site
        links = [a["href"] for a in section.select("li a")]
        self.assertEqual(links, [other.relative_url(site)])
        self.assertEqual(
            section.select_one("time")["datetime"],
            timezone.localtime(other.date).isoformat(),
        )

    def test_it_omits_the_section_when_nothing_is_related(self):
        article = make_article(self.gmina, "Remont drogi")

        response = self.client.get(article.url)

        self.assertEqual(response.status_code, 200)
        self.assertNotContains(response, "Powiązane artykuły")


def test_it_weighs_rare_lemmas_above_common_ones():
    scores = text_similarities(
        "gmina remont droga",
        {
            1: "gmina remont droga asfalt",
            2: "gmina koncert",
            3: "gmina festyn",
            4: "gmina zebranie",
        },
    )

    assert scores[1] > 0.5
    assert all(scores.get(pk, 0.0) == 0.0 for pk in (2, 3, 4))
