"""Polish error pages: 404 for missing pages, 500 when something breaks."""

import lxml.html
from django.test import Client, RequestFactory, override_settings
from django.urls import path

from ratusz import urls as project_urls
from ratusz.test import BaseTestCase, make_article
from ratusz.website import views


def _boom(request):
    raise RuntimeError("Awaria testowa")


# The project's URLs plus one view that fails, with the project's handlers.
urlpatterns = [path("test-awaria/", _boom), *project_urls.urlpatterns]
handler404 = project_urls.handler404
handler500 = project_urls.handler500


class ErrorPagesTestCase(BaseTestCase):
    def test_a_missing_page_is_a_polish_404(self):
        for url in ["/nie-ma-takiej-strony/", "/aktualnosci/nie-ma-takiego/"]:
            with self.subTest(url=url):
                r = self.client.get(url)
                self.assertEqual(r.status_code, 404)
                doc = lxml.html.fromstring(r.content)
                self.assertEqual(doc.get("lang"), "pl")
                self.assertEqual(
                    doc.cssselect("h1")[0].text_content(), "Nie znaleziono strony"
                )
                self.assertIn(
                    "Nie znaleziono strony – Gmina Zawada", doc.findtext(".//title")
                )
                # The visitor can still find their way: menu, search, footer.
                self.assertTrue(doc.cssselect("form[role=search]"))
                self.assertTrue(doc.cssselect("footer.site-footer"))

    def test_another_gminas_page_is_a_404_here(self):
        article = make_article(self.other_gmina, "Tylko w Brzeziu")
        path = article.relative_url(self.other_gmina.site)
        r = self.client.get(path, headers={"host": "brzezie.localhost"})
        self.assertEqual(r.status_code, 200)
        # The same path on this gmina's host.
        r = self.client.get(path)
        self.assertEqual(r.status_code, 404)
        self.assertContains(r, "Nie znaleziono strony", status_code=404)

    @override_settings(ROOT_URLCONF=__name__)
    def test_an_exception_is_a_polish_500(self):
        client = Client(raise_request_exception=False)
        r = client.get("/test-awaria/")
        self.assertEqual(r.status_code, 500)
        doc = lxml.html.fromstring(r.content)
        self.assertEqual(doc.get("lang"), "pl")
        self.assertEqual(
            doc.cssselect("h1")[0].text_content(), "Przepraszamy, wystąpił błąd"
        )
        self.assertNotIn("Awaria testowa", r.content.decode())
        self.assertNotIn("Traceback", r.content.decode())

    def test_the_500_page_needs_no_database(self):
        request = RequestFactory().get("/")
        with self.assertNumQueries(0):
            r = views.server_error(request)
        self.assertEqual(r.status_code, 500)
        self.assertIn("Przepraszamy, wystąpił błąd", r.content.decode())
