"""Jak załatwić sprawę: suggestions for residents' questions, the public list
and page, site search, and drafts made from staff answers."""

import dataclasses
import json

import lxml.html
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import TestCase
from django.utils import timezone
from wagtail.models import PageViewRestriction, Site
from wagtail.rich_text import RichText
from wagtail.test.utils import WagtailPageTestCase
from wagtail.test.utils.form_data import (
    inline_formset,
    nested_form_data,
    rich_text,
    streamfield,
)

from ratusz.test import BaseTestCase, home_of, make_category, make_gmina
from ratusz.website import procedures
from ratusz.website.models import (
    HomePage,
    NewsIndexPage,
    ProcedureIndexPage,
    ProcedurePage,
)
from ratusz.website.procedures import (
    NoProcedureIndex,
    Suggestion,
    draft_procedure_from_answer,
    suggest_procedures,
)

from .factory_procedures import (
    make_demo_procedures,
    make_procedure,
    make_procedure_index,
)

# Residents' questions as they type them, and the page that answers them.
QUESTIONS = [
    ("Jak wyrobić dowód dla dziecka?", {"dowod-osobisty"}),
    ("kiedy trzeba zapłacić podatek od domu", {"podatek-od-nieruchomosci"}),
    ("chcę wyciąć drzewo na działce", {"wycinka-drzew"}),
    ("gdzie zgłosić dziurę w drodze", {"zgloszenie-uszkodzenia-drogi"}),
    (
        "śmieci nie odebrali",
        {"nieodebrane-odpady", "deklaracja-odpady", "odpady-wielkogabarytowe"},
    ),
    ("Potrzebuję odpisu aktu urodzenia syna", {"odpis-aktu-stanu-cywilnego"}),
    ("jak się zameldować po przeprowadzce?", {"zameldowanie"}),
    (
        "Dzień dobry, potrzebuję zaświadczenia, że nie mam zaległości w podatkach",
        {"zaswiadczenie-o-niezaleganiu"},
    ),
    ("jak oddać stary tapczan i szafę", {"odpady-wielkogabarytowe"}),
    ("nie stać mnie na czynsz, czy dostanę jakąś pomoc", {"dodatek-mieszkaniowy"}),
    ("mamy czwórkę dzieci, należą nam się zniżki?", {"karta-duzej-rodziny"}),
    ("chcę postawić rusztowanie przy drodze", {"zajecie-pasa-drogowego"}),
]

# The same, typed on a phone without Polish letters.
QUESTIONS_WITHOUT_LETTERS = [
    ("dowod osobisty", {"dowod-osobisty"}),
    ("jak wyrobic dowod dla dziecka", {"dowod-osobisty"}),
    (
        "smieci nie odebrali",
        {"nieodebrane-odpady", "deklaracja-odpady", "odpady-wielkogabarytowe"},
    ),
    ("chce wyciac drzewo na dzialce", {"wycinka-drzew"}),
    ("jak sie zameldowac po przeprowadzce", {"zameldowanie"}),
    ("karta duzej rodziny", {"karta-duzej-rodziny"}),
]


class SuggestTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        odpady = make_category(cls.gmina, "Odpady")
        drogi = make_category(cls.gmina, "Drogi")
        cls.index = make_demo_procedures(
            cls.gmina, categories={"Odpady": odpady, "Drogi": drogi}
        )
        cls.site = cls.gmina.site
        cls.other_site = cls.other_gmina.site
        make_procedure(
            cls.other_gmina,
            "Rejestracja psa i podatek od posiadania psa",
            summary="Jak zarejestrować psa w gminie Brzezie.",
        )

    def setUp(self):
        procedures.forget_indexes()

    def test_it_answers_residents_questions(self):
        for question, expected in QUESTIONS:
            with self.subTest(question):
                found = suggest_procedures(self.site, question)
                self.assertTrue(found, question)
                self.assertIn(found[0].page.slug, expected, [s.title for s in found])

    def test_it_answers_questions_typed_without_polish_letters(self):
        for question, expected in QUESTIONS_WITHOUT_LETTERS:
            with self.subTest(question):
                found = suggest_procedures(self.site, question)
                self.assertTrue(found, question)
                self.assertIn(found[0].page.slug, expected, [s.title for s in found])

    def test_an_exact_polish_question_scores_above_its_folded_twin(self):
        exact = suggest_procedures(self.site, "dowód osobisty")
        folded = suggest_procedures(self.site, "dowod osobisty")

        self.assertEqual(exact[0].page.slug, "dowod-osobisty")
        self.assertEqual(folded[0].page.slug, "dowod-osobisty")
        self.assertGreater(exact[0].score, folded[0].score)

    def test_it_returns_suggestions_with_full_urls_best_first(self):
        found = suggest_procedures(self.site, "Jak wyrobić dowód dla dziecka?")
        first = found[0]
        self.assertIsInstance(first, Suggestion)
        self.assertIsInstance(first.page, ProcedurePage)
        self.assertEqual(first.title, "Dowód osobisty")
        self.assertEqual(
            first.url, "http://localhost/jak-zalatwic-sprawe/dowod-osobisty/"
        )
        self.assertEqual(first.summary, first.page.summary)
        self.assertLessEqual(len(found), 3)
        scores = [s.score for s in found]
        self.assertEqual(scores, sorted(scores, reverse=True))
        self.assertTrue(all(isinstance(s, float) and s > 0 for s in scores))
        with self.assertRaises(dataclasses.FrozenInstanceError):
            first.score = 0.0

    def test_it_respects_the_limit(self):
        self.assertEqual(len(suggest_procedures(self.site, "podatek", limit=1)), 1)
        self.assertEqual(suggest_procedures(self.site, "podatek", limit=0), [])

    def test_it_suggests_nothing_for_greetings_or_unknown_words(self):
        for text in ("Dzień dobry!", "", "   ", "xyzzy qwerty", "urząd gminy", "?!"):
            with self.subTest(text):
                self.assertEqual(suggest_procedures(self.site, text), [])
        self.assertEqual(suggest_procedures(None, "dowód osobisty"), [])

    def test_it_weighs_down_lemmas_common_to_most_procedures(self):
        # "opłata" is on most demo pages; "skarbowy" on a few.
        index = procedures.procedure_index(self.site)
        self.assertNotIn("opłata", index.idf)
        self.assertNotIn("bezpłatnie", index.idf)
        # "PSZOK" is on one page, "dowód" on four.
        self.assertGreater(index.idf["pszok"], index.idf["dowód"])
        self.assertEqual(index.idf["pszok"], max(index.idf.values()))

    def test_it_keeps_to_the_site(self):
        question = "jak zarejestrować psa"
        self.assertEqual(suggest_procedures(self.site, question), [])
        found = suggest_procedures(self.other_site, question)
        self.assertEqual(
            [s.title for s in found], ["Rejestracja psa i podatek od posiadania psa"]
        )
        self.assertTrue(found[0].url.startswith("http://brzezie.localhost/"))

    def test_it_never_suggests_drafts_or_restricted_pages(self):
        make_procedure(
            self.gmina,
            "Zasiłek pogrzebowy",
            summary="Pomoc na pokrycie kosztów pogrzebu.",
            publish=False,
        )
        self.assertEqual(suggest_procedures(self.site, "zasiłek pogrzebowy"), [])
        hidden = make_procedure(self.gmina, "Zasiłek pogrzebowy dla pracowników")
        PageViewRestriction.objects.create(
            page=hidden, restriction_type=PageViewRestriction.LOGIN
        )
        self.assertEqual(suggest_procedures(self.site, "zasiłek pogrzebowy"), [])

    def test_it_uses_the_cached_index(self):
        # + one read of Wagtail's site root paths (the shared cache table)
        # per suggestion's URL: 3. Count with that cache filled, as it is
        # once the site has served a page.
        Site.get_site_root_paths()
        with self.assertNumQueries(4 + 3):
            suggest_procedures(self.site, "dowód osobisty")
        with self.assertNumQueries(3 + 3):
            found = suggest_procedures(self.site, "odpis aktu małżeństwa")
        self.assertEqual(found[0].page.slug, "odpis-aktu-stanu-cywilnego")

    def test_it_sees_a_new_publication_at_once(self):
        self.assertEqual(suggest_procedures(self.site, "zasiłek pogrzebowy"), [])
        page = make_procedure(self.gmina, "Zasiłek pogrzebowy")
        found = suggest_procedures(self.site, "zasiłek pogrzebowy")
        self.assertEqual([s.page.pk for s in found], [page.pk])
        page.unpublish()
        self.assertEqual(suggest_procedures(self.site, "zasiłek pogrzebowy"), [])

    def test_it_notices_changes_made_by_another_process(self):
        page = ProcedurePage.objects.get(slug="karta-duzej-rodziny")
        self.assertEqual(
            suggest_procedures(self.site, "karta dużej rodziny")[0].page.pk, page.pk
        )
        # No signal reaches this process: only the database changes, as when
        # another process unpublishes or publishes.
        ProcedurePage.objects.filter(pk=page.pk).update(live=False)
        found = suggest_procedures(self.site, "karta dużej rodziny")
        self.assertNotIn(page.pk, [s.page.pk for s in found])
        ProcedurePage.objects.filter(pk=page.pk).update(
            live=True,
            title_lemmas="bon senior",
            lemmas="bon senior",
            last_published_at=timezone.now(),
        )
        found = suggest_procedures(self.site, "bon dla seniora")
        self.assertEqual([s.page.pk for s in found], [page.pk])


class SiteSearchTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        make_demo_procedures(cls.gmina)

    def test_it_finds_procedures_by_inflected_forms(self):
        r = self.client.get("/szukaj/", {"q": "dowodu osobistego"})
        self.assertEqual(r.status_code, 200)
        doc = lxml.html.fromstring(r.content)
        titles = [
            " ".join(a.text_content().split())
            for a in doc.cssselect(".search-result__title a")
        ]
        self.assertEqual(titles[0], "Dowód osobisty")

    def test_it_finds_procedures_typed_without_polish_letters(self):
        r = self.client.get("/szukaj/", {"q": "dowod osobisty"})
        doc = lxml.html.fromstring(r.content)
        titles = [
            " ".join(a.text_content().split())
            for a in doc.cssselect(".search-result__title a")
        ]
        self.assertEqual(titles[0], "Dowód osobisty")

    def test_it_finds_words_of_the_documents_list(self):
        r = self.client.get("/szukaj/", {"q": "zdjęcie 35 × 45"})
        self.assertContains(r, "Dowód osobisty")


class ProcedurePagesTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.odpady = make_category(cls.gmina, "Odpady")
        cls.index = make_demo_procedures(cls.gmina, categories={"Odpady": cls.odpady})
        cls.draft = make_procedure(
            cls.gmina, "Zasiłek pogrzebowy w przygotowaniu", publish=False
        )

    def test_the_index_lists_procedures_by_category(self):
        r = self.client.get(self.index.url)
        self.assertEqual(r.status_code, 200)
        doc = lxml.html.fromstring(r.content)
        headings = [h.text_content() for h in doc.cssselect("main h2")]
        self.assertEqual(headings, ["Kategorie", "Odpady", "Pozostałe sprawy"])
        odpady = doc.get_element_by_id("kategoria-odpady").getparent()
        self.assertEqual(
            [a.text_content() for a in odpady.cssselect("li a")],
            [
                "Deklaracja o wysokości opłaty za gospodarowanie odpadami",
                "Nieodebrane odpady – reklamacja wywozu",
                "Odbiór odpadów wielkogabarytowych",
            ],
        )
        self.assertContains(r, "Pomoc w opłatach za mieszkanie")  # a summary
        self.assertNotContains(r, "Zasiłek pogrzebowy")

    def test_the_index_filters_by_lemmas(self):
        r = self.client.get(self.index.url, {"q": "wycinki drzewa"})
        doc = lxml.html.fromstring(r.content)
        links = [a.text_content() for a in doc.cssselect("main ul.procedures a")]
        self.assertEqual(links, ["Zezwolenie na wycinkę drzew i krzewów"])
        self.assertContains(r, "Liczba znalezionych spraw: 1.")
        self.assertContains(r, '<meta name="robots" content="noindex">', html=True)
        r = self.client.get(self.index.url, {"q": "xyzzy qwerty"})
        self.assertContains(r, "Nie znaleźliśmy takiej sprawy.")
        r = self.client.get(self.index.url, {"q": "<script>alert(1)</script>"})
        self.assertEqual(r.status_code, 200)
        self.assertNotContains(r, "<script>alert(1)</script>")

    def test_the_index_filters_by_words_typed_without_polish_letters(self):
        r = self.client.get(self.index.url, {"q": "dowod osobisty"})
        doc = lxml.html.fromstring(r.content)
        links = [a.text_content() for a in doc.cssselect("main ul.procedures a")]
        self.assertEqual(links[0], "Dowód osobisty")

    def test_the_page_shows_every_section(self):
        page = ProcedurePage.objects.get(slug="odpis-aktu-stanu-cywilnego")
        r = self.client.get(page.url)
        self.assertEqual(r.status_code, 200)
        doc = lxml.html.fromstring(r.content)
        self.assertEqual(doc.cssselect("main h1")[0].text_content(), page.title)
        headings = [h.text_content() for h in doc.cssselect("main h2")]
        self.assertEqual(
            headings,
            [
                "Gdzie i u kogo",
                "Co zabrać",
                "Opłaty i terminy",
                "Jak załatwić sprawę",
                "Podstawa prawna",
            ],
        )
        facts = {
            dt.text_content(): " ".join(dt.getnext().text_content().split())
            for dt in doc.cssselect("dl.procedure__facts dt")
        }
        self.assertEqual(facts["Pokój"], "pokój nr 4 (parter)")
        self.assertIn("odpis skrócony: 22 zł", facts["Opłata"])
        self.assertEqual(facts["Telefon"], "+48 13 441 20 23")
        online = doc.cssselect(".procedure__online a")[0]
        self.assertEqual(
            online.get("href"),
            "https://www.gov.pl/web/gov/uzyskaj-odpis-aktu-stanu-cywilnego",
        )
        self.assertEqual(
            online.text_content(), "Zamów odpis aktu przez internet (gov.pl)"
        )

    def test_the_page_falls_back_to_the_offices_address(self):
        page = make_procedure(self.gmina, "Wpis do rejestru żłobków")
        r = self.client.get(page.url)
        self.assertContains(r, "ul. Rynek 1")
        self.assertContains(r, "+48 12 345 67 89")
        self.assertNotContains(r, "Co zabrać")

    def test_the_page_describes_a_government_service(self):
        page = ProcedurePage.objects.get(slug="zaswiadczenie-o-niezaleganiu")
        r = self.client.get(page.url)
        doc = lxml.html.fromstring(r.content)
        (script,) = doc.cssselect('script[type="application/ld+json"]')
        self.assertTrue(script.get("nonce"))
        data = json.loads(script.text)
        self.assertEqual(data["@type"], "GovernmentService")
        self.assertEqual(data["name"], page.title)
        self.assertEqual(data["provider"]["name"], "Gmina Zawada")
        self.assertEqual(data["offers"]["price"], "17")
        self.assertEqual(data["offers"]["priceCurrency"], "PLN")
        urls = [c.get("serviceUrl") for c in data["availableChannel"]]
        self.assertIn(page.online_service_url, urls)
        located = data["availableChannel"][0]
        self.assertEqual(located["servicePhone"]["telephone"], "+48 13 441 20 25")
        self.assertIn("Rynek 1", located["serviceLocation"]["address"])
        free = ProcedurePage.objects.get(slug="dowod-osobisty")
        r = self.client.get(free.url)
        doc = lxml.html.fromstring(r.content)
        data = json.loads(doc.cssselect('script[type="application/ld+json"]')[0].text)
        self.assertEqual(data["offers"]["price"], "0")

    def test_the_json_ld_cannot_be_broken_out_of(self):
        page = make_procedure(
            self.gmina, "Sprawa </script><script>alert(1)</script>", fees="10 zł"
        )
        r = self.client.get(page.url)
        self.assertNotContains(r, "<script>alert(1)</script>")

    def test_the_body_goes_through_the_safe_rich_text(self):
        page = make_procedure(
            self.gmina,
            "Sprawa z niebezpieczną treścią",
            body='<p>Tekst</p><script>alert(1)</script><a href="javascript:x()">a</a>',
        )
        r = self.client.get(page.url)
        self.assertContains(r, "Tekst")
        self.assertNotContains(r, "alert(1)")
        self.assertNotContains(r, "javascript:")

    def test_it_lists_downloadable_forms(self):
        from django.core.files.base import ContentFile
        from wagtail.documents import get_document_model

        document = get_document_model().objects.create(
            title="Wniosek o wydanie zaświadczenia",
            file=ContentFile(b"%PDF-1.4\n", name="wniosek-zaswiadczenie.pdf"),
        )
        page = make_procedure(self.gmina, "Zaświadczenie o zameldowaniu")
        page.forms.create(document=document, label="Wniosek (PDF)")
        page.save_revision().publish()
        page.refresh_from_db()
        r = self.client.get(page.url)
        doc = lxml.html.fromstring(r.content)
        (link,) = doc.cssselect("#formularze + ul a")
        self.assertEqual(link.text_content(), "Wniosek (PDF)")
        self.assertEqual(link.get("href"), document.url)
        self.assertIn("wniosek", page.lemmas.split())

    def test_it_stores_lemmas_on_save(self):
        page = ProcedurePage.objects.get(slug="dowod-osobisty")
        self.assertEqual(page.title_lemmas, "dowód osobisty")
        for lemma in ("dziecko", "zdjęcie", "bezpłatnie", "wniosek"):
            self.assertIn(lemma, page.lemmas.split())
        self.assertEqual(page.folded_title_lemmas, "dowod osobisty")
        for lemma in ("dziecko", "zdjecie", "bezplatnie", "wniosek"):
            self.assertIn(lemma, page.folded_lemmas.split())


class ProcedureValidationTestCase(BaseTestCase):
    def test_it_accepts_only_https_online_services(self):
        page = make_procedure(self.gmina, "Wniosek o coś")
        for url in ("http://www.gov.pl/web/gov/x", "javascript:alert(1)", "ftp://x"):
            with self.subTest(url):
                page.online_service_url = url
                with self.assertRaises(ValidationError) as caught:
                    page.full_clean()
                self.assertIn("online_service_url", caught.exception.message_dict)
        page.online_service_url = "https://www.gov.pl/web/gov/x"
        page.full_clean()

    def test_it_requires_a_short_summary(self):
        page = make_procedure(self.gmina, "Wniosek o coś")
        for summary in ("", "x" * 201):
            with self.subTest(len(summary)):
                page.summary = summary
                with self.assertRaises(ValidationError) as caught:
                    page.full_clean()
                self.assertIn("summary", caught.exception.message_dict)

    def test_it_refuses_another_gminas_category(self):
        page = make_procedure(self.gmina, "Wniosek o coś")
        page.category = make_category(self.other_gmina, "Cudza")
        with self.assertRaises(ValidationError) as caught:
            page.full_clean()
        self.assertIn("category", caught.exception.message_dict)


class ProcedureAdminTestCase(WagtailPageTestCase, BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.index = make_procedure_index(cls.gmina)

    def test_it_fits_only_under_the_home_page(self):
        self.assertAllowedParentPageTypes(ProcedureIndexPage, {HomePage})
        self.assertAllowedSubpageTypes(ProcedureIndexPage, {ProcedurePage})
        self.assertAllowedParentPageTypes(ProcedurePage, {ProcedureIndexPage})
        self.assertAllowedSubpageTypes(ProcedurePage, set())
        self.assertCanNotCreateAt(NewsIndexPage, ProcedurePage)

    def test_an_editor_creates_a_procedure_in_polish(self):
        self.client.force_login(self.alice)
        r = self.client.get(f"/admin/pages/add/website/procedurepage/{self.index.pk}/")
        self.assertContains(r, "W jednym zdaniu")
        self.assertContains(r, "Czego dotyczy sprawa, do 200 znaków.")
        self.assertContains(r, "Co zabrać")
        self.assertContains(r, "tylko https://")
        category = make_category(self.gmina, "Podatki")
        self.assertCanCreate(
            self.index,
            ProcedurePage,
            nested_form_data(
                {
                    "title": "Podatek rolny",
                    "slug": "podatek-rolny",
                    "summary": "Kto płaci podatek rolny i kiedy.",
                    "category": category.pk,
                    "fees": "według uchwały",
                    "online_service_url": "https://www.gov.pl/web/gov/podatek-rolny",
                    "forms": inline_formset([]),
                    "body": streamfield(
                        [("paragraph", rich_text("<p>Raty do 15 marca.</p>"))]
                    ),
                }
            ),
        )
        page = ProcedurePage.objects.get(slug="podatek-rolny")
        self.assertEqual(page.get_parent().pk, self.index.pk)
        self.assertIn("rata", page.lemmas.split())

    def test_it_previews_a_new_procedure(self):
        self.client.force_login(self.alice)
        url = f"/admin/pages/add/website/procedurepage/{self.index.pk}/preview/"
        data = nested_form_data(
            {
                "title": "Podatek od psa",
                "slug": "podatek-od-psa",
                "summary": "Kto płaci podatek od posiadania psa.",
                "fees": "według uchwały",
                "forms": inline_formset([]),
                "body": streamfield([("paragraph", rich_text("<p>Do 15 marca.</p>"))]),
            }
        )
        self.assertEqual(self.client.post(url, data).json()["is_valid"], True)
        r = self.client.get(url)
        self.assertContains(r, "Podatek od psa")
        self.assertContains(r, "GovernmentService")

    def test_another_gminas_editor_cannot_add_here(self):
        self.client.force_login(self.charlie)
        r = self.client.get(f"/admin/pages/add/website/procedurepage/{self.index.pk}/")
        self.assertIn(r.status_code, (302, 403))
        self.assertFalse(ProcedurePage.objects.exists())


class DraftFromAnswerTestCase(BaseTestCase):
    ANSWER = (
        "Dzień dobry, odpis aktu urodzenia wydaje Urząd Stanu Cywilnego w pokoju "
        "nr 4. Opłata skarbowa wynosi 22 zł.\n\nMożna też zamówić odpis przez "
        "internet <na gov.pl>."
    )

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.index = make_procedure_index(cls.gmina)

    def test_it_creates_an_unpublished_draft_under_the_index(self):
        page = draft_procedure_from_answer(
            self.gmina.site, "Odpis aktu urodzenia", self.ANSWER, self.alice
        )
        page = ProcedurePage.objects.get(pk=page.pk)
        self.assertFalse(page.live)
        self.assertEqual(page.get_parent().pk, self.index.pk)
        self.assertEqual(page.title, "Odpis aktu urodzenia")
        self.assertEqual(page.owner, self.alice)
        self.assertLessEqual(len(page.summary), 200)
        self.assertTrue(page.summary.startswith("Dzień dobry, odpis aktu"))
        revision = page.latest_revision
        self.assertEqual(revision.user, self.alice)
        body = revision.as_object().body[0].value.source
        self.assertIn("&lt;na gov.pl&gt;", body)
        self.assertEqual(body.count("<p>"), 2)
        self.assertEqual(suggest_procedures(self.gmina.site, "odpis aktu"), [])
        self.client.force_login(self.alice)
        r = self.client.get(f"/admin/pages/{page.pk}/edit/")
        self.assertEqual(r.status_code, 200)

    def test_it_gives_each_draft_its_own_slug(self):
        one = draft_procedure_from_answer(self.gmina.site, "Odpis", "Tekst.", self.bob)
        two = draft_procedure_from_answer(self.gmina.site, "Odpis", "Tekst.", self.bob)
        self.assertEqual((one.slug, two.slug), ("odpis", "odpis-2"))

    def test_it_shortens_a_long_first_sentence(self):
        text = "Słowo " * 100
        page = draft_procedure_from_answer(self.gmina.site, "Długa", text, self.alice)
        self.assertLessEqual(len(page.summary), 200)
        self.assertTrue(page.summary.endswith("…"))

    def test_another_gminas_staff_cannot_draft_here(self):
        with self.assertRaises(PermissionDenied):
            draft_procedure_from_answer(
                self.gmina.site, "Odpis", self.ANSWER, self.charlie
            )
        self.assertFalse(ProcedurePage.objects.exists())

    def test_it_needs_a_procedure_index(self):
        with self.assertRaises(NoProcedureIndex) as caught:
            draft_procedure_from_answer(
                self.other_gmina.site, "Odpis", self.ANSWER, self.charlie
            )
        self.assertIn("Jak załatwić sprawę", str(caught.exception))


class ProcedureIndexAloneTestCase(TestCase):
    def test_it_shows_an_empty_list(self):
        gmina = make_gmina("Gmina Pusta", hostname="localhost", is_default_site=True)
        index = home_of(gmina).add_child(
            instance=ProcedureIndexPage(title="Sprawy", slug="sprawy")
        )
        r = self.client.get(index.url)
        self.assertContains(r, "Nie ma jeszcze opisanych spraw.")
        page = ProcedurePage(
            title="Bez kategorii",
            summary="Opis.",
            body=[("paragraph", RichText("<p>x</p>"))],
        )
        index.add_child(instance=page)
        r = self.client.get(index.url)
        # One group only: no table of contents.
        self.assertNotContains(r, "Kategorie")
