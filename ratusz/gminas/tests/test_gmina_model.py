from django.http import Http404
from django.test import RequestFactory
from wagtail.models import Page, Site

from ratusz.gminas.models import Gmina
from ratusz.test import BaseTestCase, home_of, make_article


class GminaForRequestTests(BaseTestCase):
    def request(self, host: str):
        return RequestFactory().get("/", HTTP_HOST=host)

    def test_it_finds_the_gmina_by_host(self):
        self.assertEqual(Gmina.for_request(self.request("localhost")), self.gmina)
        self.assertEqual(
            Gmina.for_request(self.request("brzezie.localhost")), self.other_gmina
        )

    def test_it_answers_404_for_a_site_of_no_gmina(self):
        Site.objects.create(
            hostname="bez-gminy.localhost", root_page=Page.get_first_root_node()
        )
        request = self.request("bez-gminy.localhost")
        self.assertIsNone(Gmina.for_request(request))
        with self.assertRaises(Http404):
            Gmina.for_request_or_404(request)
        self.assertIsNone(Gmina.for_site(None))


class GminaForPageTests(BaseTestCase):
    def test_it_finds_the_gmina_whose_tree_holds_the_page(self):
        article = make_article(self.other_gmina, "Remont drogi")
        with self.assertNumQueries(1):
            self.assertEqual(Gmina.objects.for_page(article), self.other_gmina)
        self.assertEqual(Gmina.objects.for_page(home_of(self.gmina)), self.gmina)
        self.assertEqual(article.gmina, self.other_gmina)

    def test_it_finds_none_outside_every_gmina(self):
        self.assertIsNone(Gmina.objects.for_page(Page.get_first_root_node()))


class AbsoluteUrlTests(BaseTestCase):
    def test_it_puts_the_path_on_the_gminas_host(self):
        self.assertEqual(
            self.other_gmina.absolute_url("/obserwuj/"),
            "http://brzezie.localhost/obserwuj/",
        )
