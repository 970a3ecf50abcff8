from ratusz.test import BaseTestCase, make_article


class PagesTestCase(BaseTestCase):
    def test_it_serves_home_and_article(self):
        article = make_article(self.gmina, "Zebranie wiejskie w Zawadzie")
        r = self.client.get("/")
        self.assertContains(r, "Zebranie wiejskie w Zawadzie")
        r = self.client.get(article.url)
        self.assertContains(r, "<h1>Zebranie wiejskie w Zawadzie</h1>", html=True)

    def test_it_serves_other_gmina_by_host(self):
        make_article(self.other_gmina, "Dożynki w Brzeziu")
        r = self.client.get("/", headers={"host": "brzezie.localhost"})
        self.assertContains(r, "Dożynki w Brzeziu")
        r = self.client.get("/")
        self.assertNotContains(r, "Dożynki w Brzeziu")
