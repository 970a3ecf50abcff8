"""`manage.py load_demo`: the demo gmina `make run` serves."""

import io
import re
import shutil
import tempfile
from datetime import timedelta

from django.contrib.auth.models import Group
from django.core.management import call_command
from django.test import TestCase, override_settings
from django.utils import timezone
from taggit.models import Tag
from wagtail.models import Page, Revision, Site

from ratusz.gminas.models import Category, Gmina, Membership, User, Village
from ratusz.test import make_gmina
from ratusz.website.demo import loader
from ratusz.website.models import (
    AccessibilityStatementPage,
    ArticlePage,
    CustomImage,
    ProcedureIndexPage,
    ProcedurePage,
    StandardPage,
)

MEDIA_ROOT = tempfile.mkdtemp(prefix="ratusz-demo-media-")


def teardown_module():
    shutil.rmtree(MEDIA_ROOT, ignore_errors=True)


def _counts():
    return {
        model.__name__: model.objects.count()
        for model in (Gmina, Site, Page, ArticlePage, StandardPage, Village,
                      Category, CustomImage, User, Membership, Group, Tag, Revision)
    }  # fmt: skip


@override_settings(MEDIA_ROOT=MEDIA_ROOT)
class LoadDemoTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.out = io.StringIO()
        call_command("load_demo", stdout=cls.out)
        cls.gmina = Gmina.objects.get(name="Gmina Zawada Górna")
        cls.articles = ArticlePage.objects.live().descendant_of(
            cls.gmina.site.root_page
        )

    def _password(self, output: str) -> str:
        return re.search(r"Hasło:\s+(\S+)\s+\(zapisz", output).group(1)

    def test_it_creates_the_default_site(self):
        site = self.gmina.site
        # The address `make run` prints, so absolute links work as they are.
        self.assertEqual((site.hostname, site.port), ("127.0.0.1", 8000))
        self.assertTrue(site.is_default_site)
        # Any host falls back to the default site, so localhost serves it too.
        r = self.client.get("/", headers={"host": "localhost:8000"})
        self.assertContains(r, "Gmina Zawada Górna")
        self.assertContains(r, "Awaria wodociągu w Dębinie")  # urgent, on top
        self.assertContains(r, "Harmonogram odbioru odpadów")  # najczęstsze sprawy
        sitemap = self.client.get("/sitemap.xml", headers={"host": "localhost:8000"})
        self.assertContains(sitemap, "<loc>http://127.0.0.1:8000/aktualnosci/</loc>")

    def test_it_is_idempotent(self):
        before = _counts()
        out = io.StringIO()
        call_command("load_demo", stdout=out)
        self.assertEqual(_counts(), before)
        self.assertIn("dodano brakujące artykuły: 0", out.getvalue())
        self.assertNotIn("zapisz je", out.getvalue())
        self.assertIn("Login redaktora: redaktor", out.getvalue())

    def test_it_completes_a_partly_deleted_demo(self):
        article = self.articles.get(slug="dozynki-gminne-zaproszenie")
        count = self.articles.count()
        article.delete()
        result = loader.load()
        self.assertEqual(result.new_articles, 1)
        self.assertEqual(self.articles.count(), count)
        self.assertEqual(Gmina.objects.count(), 1)

    def test_it_writes_enough_varied_articles(self):
        articles = list(self.articles.select_related("category", "main_image"))
        self.assertGreaterEqual(len(articles), 45)
        now = timezone.now()
        dates = [a.date for a in articles]
        self.assertTrue(all(now - timedelta(days=366) <= d <= now for d in dates))
        self.assertGreaterEqual(len({(d.year, d.month) for d in dates}), 11)
        self.assertEqual(len({a.title for a in articles}), len(articles))

        for article in articles:
            with self.subTest(article.slug):
                self.assertTrue(article.lead)
                self.assertIsNotNone(article.category)
                self.assertTrue(1 <= article.tags.count() <= 3)
                self.assertLessEqual(article.villages.count(), 3)
                text = article.plain_text()
                self.assertGreater(len(text.split()), 50)
                # morfeusz2 lemmas were stored on save.
                self.assertTrue(article.lemmas)

        with_image = [a for a in articles if a.main_image]
        self.assertTrue(0.4 <= len(with_image) / len(articles) <= 0.6)
        for article in with_image:
            self.assertGreater(len(article.main_image.description), 20)
        in_body = [a for a in articles if any(b.block_type == "image" for b in a.body)]
        self.assertGreaterEqual(len(in_body), 4)
        self.assertTrue(any(a.featured for a in articles))
        self.assertEqual(len(self.articles.urgent_at(now)), 2)
        self.assertTrue(any("wójtem" in a.plain_text() for a in articles))
        self.assertTrue(any("Wójta Gminy" in a.plain_text() for a in articles))
        self.assertTrue(any("internet radiowy" in a.plain_text() for a in articles))

    def test_it_creates_villages_categories_and_pages(self):
        self.assertTrue(8 <= self.gmina.villages.count() <= 12)
        categories = self.gmina.categories.all()
        self.assertTrue(9 <= len(categories) <= 12)
        names = {c.name for c in categories}
        # The inbox sorts residents' matters by these (issue: the messenger).
        self.assertLessEqual({"Podatki", "Odpady", "Drogi", "Dowody i meldunki",
                              "Dostępność"}, names)  # fmt: skip
        self.assertEqual(
            [c.name for c in categories if c.is_urgent], ["Komunikaty pilne"]
        )
        self.assertTrue(self.gmina.coat_of_arms.description)
        self.assertTrue(self.gmina.iod_email)

        r = self.client.get("/ochrona-danych-osobowych/")
        for phrase in ("Administratorem", "iod@zawada-gorna.example",
                       "art. 6 ust. 1", "Odbiorcy danych", "Okres przechowywania",
                       "Prezesa Urzędu Ochrony Danych Osobowych"):  # fmt: skip
            self.assertContains(r, phrase)
        self.assertContains(self.client.get("/kontakt/"), "13 441 20 15")
        statement = AccessibilityStatementPage.objects.live().get()
        self.assertEqual(statement.title, "Deklaracja dostępności")
        r = self.client.get(statement.url)
        self.assertContains(r, "Joanna Lisowska")
        self.assertContains(r, "pętla indukcyjna")

    def test_it_adds_the_procedures(self):
        index = ProcedureIndexPage.objects.live().get()
        self.assertEqual(index.get_parent().pk, self.gmina.site.root_page_id)
        procedures = list(ProcedurePage.objects.live().child_of(index))
        self.assertGreaterEqual(len(procedures), 12)
        by_slug = {p.slug: p for p in procedures}
        self.assertIn("22 zł", by_slug["odpis-aktu-stanu-cywilnego"].fees)
        self.assertIn("17 zł", by_slug["zaswiadczenie-o-niezaleganiu"].fees)
        self.assertEqual(by_slug["dowod-osobisty"].fees, "bezpłatnie")
        for page in procedures:
            with self.subTest(page.slug):
                self.assertTrue(page.summary and len(page.summary) <= 200)
                self.assertTrue(page.office and page.phone and page.lemmas)
                if page.online_service_url:
                    self.assertTrue(
                        page.online_service_url.startswith("https://www.gov.pl/")
                    )
                page.full_clean()
        r = self.client.get("/")
        self.assertContains(r, f'href="{index.url}"')
        self.assertContains(r, f'href="{by_slug["dowod-osobisty"].url}"')
        self.assertContains(self.client.get(index.url), "Dowód osobisty")

    def test_it_links_the_procedures_from_an_older_demo_home_page(self):
        home = self.gmina.site.root_page.specific
        index = ProcedureIndexPage.objects.get()
        home.matters = [
            b for b in home.matters.raw_data if b["value"].get("page") != index.pk
        ]
        home.save_revision().publish()
        loader.load()
        loader.load()
        home.refresh_from_db()
        linked = [b.value["page"] for b in home.matters if b.value["page"]]
        self.assertEqual([p.pk for p in linked].count(index.pk), 1)

    def test_it_serves_an_article_with_its_images(self):
        article = self.articles.get(slug="jak-segregowac-odpady")
        r = self.client.get(article.url)
        self.assertContains(r, "Jak segregować?")
        self.assertContains(r, "Cztery pojemniki na odpady segregowane")  # alt
        article = self.articles.get(slug="przebudowa-drogi-kamionka-olszyny-zakonczona")
        self.assertContains(
            self.client.get(article.url), article.main_image.description
        )

    def test_it_lets_the_editor_log_in(self):
        password = self._password(self.out.getvalue())
        self.assertIn(
            "Panel redakcji:  http://127.0.0.1:8000/admin/", self.out.getvalue()
        )
        editor = User.objects.get(username="redaktor")
        self.assertEqual(
            Membership.objects.get(user=editor).role, Membership.Role.EDITOR
        )
        r = self.client.post(
            "/admin/login/", {"username": "redaktor", "password": password}
        )
        self.assertRedirects(r, "/admin/", fetch_redirect_response=False)
        self.assertEqual(self.client.get("/admin/").status_code, 200)
        article = self.articles.first()
        r = self.client.get(f"/admin/pages/{article.pk}/edit/")
        self.assertEqual(r.status_code, 200)

    def test_it_resets_the_password_only_when_asked(self):
        old = self._password(self.out.getvalue())
        out = io.StringIO()
        call_command("load_demo", "--reset-password", stdout=out)
        new = self._password(out.getvalue())
        self.assertNotEqual(new, old)
        # Through the login form: the lockout backend needs the request.
        for password, status in [(old, 200), (new, 302)]:
            r = self.client.post(
                "/admin/login/", {"username": "redaktor", "password": password}
            )
            self.assertEqual(r.status_code, status)


@override_settings(MEDIA_ROOT=MEDIA_ROOT)
class LoadDemoBesideAnotherSiteTestCase(TestCase):
    def test_it_leaves_an_existing_default_site_alone(self):
        own = make_gmina("Gmina Brzezie", hostname="localhost", is_default_site=True)
        result = loader.load()
        own.site.refresh_from_db()
        self.assertTrue(own.site.is_default_site)
        self.assertEqual(result.gmina.site.hostname, "zawada-gorna.localhost")
        self.assertFalse(result.gmina.site.is_default_site)
        r = self.client.get("/", headers={"host": "zawada-gorna.localhost"})
        self.assertContains(r, "Gmina Zawada Górna")


@override_settings(
    MEDIA_ROOT=MEDIA_ROOT,
    TASKS={"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}},
)
class BackgroundTaskTests(TestCase):
    def test_it_indexes_the_pages_itself_and_queues_nothing(self):
        from django_tasks import default_task_backend

        call_command("load_demo", stdout=io.StringIO())
        # Queued, the updates of one page would race in the worker's threads.
        self.assertEqual(default_task_backend.results, [])
        found = ArticlePage.objects.live().search("wodociąg")
        self.assertIn(
            "Awaria wodociągu w Dębinie – woda z beczkowozu",
            [page.title for page in found],
        )
