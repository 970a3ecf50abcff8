"""The deklaracja dostępności and the legally required links to it."""

from datetime import date, timedelta

import lxml.html
from django.utils import timezone
from wagtail.test.utils import WagtailTestUtils
from wagtail.test.utils.form_data import nested_form_data, rich_text

from ratusz.test import BaseTestCase, home_of, make_article
from ratusz.website.models import AccessibilityStatementPage, StandardPage

REQUIRED_IDS = [
    "a11y-wstep",
    "a11y-podmiot",
    "a11y-url",
    "a11y-data-publikacja",
    "a11y-data-aktualizacja",
    "a11y-status",
    "a11y-data-sporzadzenie",
    "a11y-audytor",
    "a11y-kontakt",
    "a11y-osoba",
    "a11y-email",
    "a11y-telefon",
    "a11y-procedura",
    "a11y-architektura",
    "a11y-aplikacje",
]


def make_statement(gmina, **fields):
    page = AccessibilityStatementPage(
        title="Deklaracja dostępności", slug="deklaracja-dostepnosci", **fields
    )
    home_of(gmina).add_child(instance=page)
    page.save_revision().publish()
    return page


class AccessibilityStatementTestCase(WagtailTestUtils, BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.statement = make_statement(
            cls.gmina,
            entity_name="Urząd Gminy Zawada",
            published_on=date(2019, 9, 23),
            updated_on=date(2026, 1, 15),
            status=AccessibilityStatementPage.Status.PARTIAL,
            non_accessible="<ul><li>Część plików PDF nie ma warstwy tekstu.</li></ul>",
            exemptions="<p>Mapy są wyłączone z obowiązku zapewniania dostępności.</p>",
            prepared_on=date(2026, 2, 1),
            reviewed_on=date(2026, 3, 20),
            contact_person="Jan Kowalski",
            contact_email="dostepnosc@zawada.example.org",
            contact_phone="+48 12 345 67 00",
            architecture="<p>Do budynku prowadzi podjazd dla wózków.</p>",
        )

    def _doc(self, url, host="localhost"):
        r = self.client.get(url, headers={"host": host})
        self.assertEqual(r.status_code, 200)
        return lxml.html.fromstring(r.content)

    def _text(self, doc, element_id):
        return " ".join(doc.get_element_by_id(element_id).text_content().split())

    def test_it_renders_every_required_part_with_its_id(self):
        doc = self._doc("/deklaracja-dostepnosci/")
        for element_id in REQUIRED_IDS:
            with self.subTest(id=element_id):
                self.assertEqual(len(doc.xpath(f'//*[@id="{element_id}"]')), 1)
        self.assertEqual(self._text(doc, "a11y-podmiot"), "Urząd Gminy Zawada")
        self.assertIn(
            "Urząd Gminy Zawada zobowiązuje się zapewnić dostępność swojej strony "
            "internetowej zgodnie z ustawą z dnia 4 kwietnia 2019 r. o dostępności "
            "cyfrowej stron internetowych i aplikacji mobilnych podmiotów publicznych.",
            self._text(doc, "a11y-wstep"),
        )
        self.assertEqual(
            doc.get_element_by_id("a11y-url").get("href"), "http://localhost/"
        )
        self.assertEqual(self._text(doc, "a11y-data-publikacja"), "2019-09-23")
        self.assertEqual(self._text(doc, "a11y-data-aktualizacja"), "2026-01-15")
        self.assertEqual(self._text(doc, "a11y-data-sporzadzenie"), "2026-02-01")
        self.assertEqual(self._text(doc, "a11y-data-przeglad"), "2026-03-20")
        self.assertIn(
            "Strona internetowa jest częściowo zgodna z ustawą",
            self._text(doc, "a11y-status"),
        )
        self.assertIn(
            "z powodu niezgodności lub wyłączeń", self._text(doc, "a11y-status")
        )
        self.assertIn("samooceny", self._text(doc, "a11y-audytor"))
        self.assertEqual(self._text(doc, "a11y-osoba"), "Jan Kowalski")
        self.assertEqual(
            doc.get_element_by_id("a11y-email").get("href"),
            "mailto:dostepnosc@zawada.example.org",
        )
        self.assertEqual(self._text(doc, "a11y-telefon"), "+48 12 345 67 00")
        body = doc.cssselect("main")[0].text_content()
        self.assertIn("Część plików PDF nie ma warstwy tekstu.", body)
        self.assertIn("Mapy są wyłączone", body)
        self.assertIn("podjazd dla wózków", body)
        self.assertIn("nie udostępnia aplikacji mobilnych", body)

    def test_its_default_procedure_explains_the_residents_rights(self):
        doc = self._doc("/deklaracja-dostepnosci/")
        heading = doc.get_element_by_id("a11y-procedura")
        procedure = " ".join(heading.getnext().text_content().split())
        for phrase in [
            "żądaniem zapewnienia dostępności cyfrowej",
            "alternatywnego sposobu dostępu",
            "nie później niż w ciągu 7 dni",
            "nie może być dłuższy niż 2 miesiące",
            "złożyć skargę",
            "Rzecznika Praw Obywatelskich",
        ]:
            with self.subTest(phrase=phrase):
                self.assertIn(phrase, procedure)

    def test_it_falls_back_to_the_gminas_details(self):
        make_statement(self.other_gmina, status="zgodna")
        doc = self._doc("/deklaracja-dostepnosci/", host="brzezie.localhost")
        self.assertEqual(self._text(doc, "a11y-podmiot"), "Gmina Brzezie")
        self.assertEqual(self._text(doc, "a11y-osoba"), "Gmina Brzezie")
        self.assertEqual(self._text(doc, "a11y-email"), "urzad@example.org")
        self.assertEqual(self._text(doc, "a11y-telefon"), "+48 12 345 67 89")
        self.assertEqual(
            doc.get_element_by_id("a11y-url").get("href"), "http://brzezie.localhost/"
        )
        today = timezone.localdate().isoformat()
        self.assertEqual(self._text(doc, "a11y-data-sporzadzenie"), today)
        # With no update date, the publication date stands.
        self.assertEqual(self._text(doc, "a11y-data-aktualizacja"), today)
        status = self._text(doc, "a11y-status")
        self.assertIn("jest zgodna z ustawą", status)
        self.assertNotIn("z powodu", status)
        self.assertFalse(doc.xpath('//*[@id="a11y-data-przeglad"]'))

    def test_it_says_who_assessed_the_site(self):
        self.statement.assessment_method = "zewnetrzna"
        self.statement.assessor_name = "Fundacja Widzialni"
        self.statement.save_revision().publish()
        doc = self._doc("/deklaracja-dostepnosci/")
        self.assertEqual(
            self._text(doc, "a11y-audytor"),
            "Deklarację sporządzono na podstawie badania przeprowadzonego przez "
            "podmiot zewnętrzny: Fundacja Widzialni.",
        )

    def test_it_escapes_what_editors_type(self):
        self.statement.entity_name = '<script>alert("x")</script>'
        self.statement.non_accessible = '<p>Lista</p><script>alert("y")</script>'
        self.statement.save_revision().publish()
        r = self.client.get("/deklaracja-dostepnosci/")
        self.assertNotContains(r, '<script>alert("x")')
        self.assertNotContains(r, '<script>alert("y")')
        self.assertContains(r, "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;")

    def test_every_page_links_it_in_the_footer_and_meta(self):
        article = make_article(self.gmina, "Zebranie")
        for url in [
            "/",
            "/aktualnosci/",
            article.relative_url(self.gmina.site),
            "/brak/",
        ]:
            with self.subTest(url=url):
                r = self.client.get(url)
                doc = lxml.html.fromstring(r.content)
                meta = doc.xpath('//meta[@name="deklaracja-dostępności"]/@content')
                self.assertEqual(meta, ["/deklaracja-dostepnosci/"])
                links = doc.xpath(
                    '//footer//a[normalize-space()="Deklaracja dostępności"]/@href'
                )
                self.assertEqual(links, ["/deklaracja-dostepnosci/"])

    def test_another_gmina_does_not_link_this_statement(self):
        doc = self._doc("/", host="brzezie.localhost")
        self.assertFalse(doc.xpath('//meta[@name="deklaracja-dostępności"]'))
        self.assertFalse(doc.xpath('//a[@href="/deklaracja-dostepnosci/"]'))
        self.assertFalse(doc.xpath('//a[contains(@href, "//localhost/deklaracja")]'))

    def test_the_footer_links_privacy_and_contact_pages(self):
        home = home_of(self.gmina)
        for title, slug, in_menu in [
            ("Ochrona danych osobowych (RODO)", "rodo", False),
            ("Kontakt", "kontakt", False),
            ("O gminie", "o-gminie", True),
        ]:
            page = StandardPage(title=title, slug=slug, show_in_menus=in_menu)
            home.add_child(instance=page)
            page.save_revision().publish()
        doc = self._doc("/")
        footer = {a.text_content(): a.get("href") for a in doc.cssselect("footer a")}
        self.assertEqual(footer["Ochrona danych osobowych (RODO)"], "/rodo/")
        self.assertEqual(footer["Kontakt"], "/kontakt/")
        self.assertNotIn("O gminie", footer)
        menu = [a.text_content() for a in doc.cssselect("nav.site-nav a")]
        self.assertIn("O gminie", menu)

    def test_admin_warns_when_the_review_is_over_a_year_old(self):
        old = timezone.localdate() - timedelta(days=400)
        self.statement.prepared_on = old
        self.statement.reviewed_on = None
        self.statement.save_revision().publish()
        warning = "Deklaracja dostępności wymaga przeglądu"

        self.client.force_login(self.alice)
        r = self.client.get("/admin/")
        self.assertContains(r, warning)
        self.assertContains(r, f"ostatni przegląd: {old.isoformat()}")
        self.assertContains(r, f"/admin/pages/{self.statement.pk}/edit/")

        # Staff of another gmina are not told about it.
        self.client.force_login(self.charlie)
        self.assertNotContains(self.client.get("/admin/"), warning)

        self.statement.reviewed_on = timezone.localdate()
        self.statement.save_revision().publish()
        self.client.force_login(self.alice)
        self.assertNotContains(self.client.get("/admin/"), warning)

    def test_an_editor_can_create_one_in_the_admin(self):
        self.statement.delete()
        home = home_of(self.gmina)
        self.client.force_login(self.alice)
        data = nested_form_data(
            {
                "title": "Deklaracja dostępności",
                "slug": "deklaracja",
                "published_on": "2020-01-01",
                "status": "czesciowo",
                "non_accessible": rich_text("<p>Filmy bez napisów.</p>"),
                "exemptions": rich_text(""),
                "prepared_on": "2026-03-01",
                "assessment_method": "samoocena",
                "keyboard_shortcuts": "Standardowe.",
                "procedure": rich_text("<p>Żądanie zrealizujemy w ciągu 7 dni.</p>"),
                "architecture": rich_text("<p>Winda przy wejściu.</p>"),
                "mobile_apps": rich_text(""),
                "body": rich_text(""),
                "action-publish": "publish",
            }
        )
        r = self.client.post(
            f"/admin/pages/add/website/accessibilitystatementpage/{home.pk}/", data
        )
        self.assertEqual(r.status_code, 302, r.content.decode()[:3000])
        page = AccessibilityStatementPage.objects.get(slug="deklaracja")
        self.assertTrue(page.live)
        self.assertEqual(page.prepared_on, date(2026, 3, 1))
        doc = self._doc("/deklaracja/")
        self.assertEqual(self._text(doc, "a11y-data-publikacja"), "2020-01-01")
        self.assertIn("Winda przy wejściu.", doc.text_content())
