"""Villages and topics are listed in Polish alphabetical order on the follow
page, the settings page and the article editor (the database sorts by code
point, which puts "Łazy" after "Zawada Górna")."""

from ratusz.fans.models import Follower
from ratusz.test import BaseTestCase, make_category, make_village, news_index_of

VILLAGES = ["Zawada Górna", "Żabno", "Łazy", "Zawada", "Źródła", "Lasek", "Ćmielów"]
VILLAGES_SORTED = [
    "Ćmielów",
    "Lasek",
    "Łazy",
    "Zawada",
    "Zawada Górna",
    "Źródła",
    "Żabno",
]
TOPICS = ["Śmieci", "Sport", "Ścieżki rowerowe", "Drogi", "Ogłoszenia", "Ósemka"]
TOPICS_SORTED = [
    "Drogi",
    "Ogłoszenia",
    "Ósemka",
    "Sport",
    "Ścieżki rowerowe",
    "Śmieci",
]


class PolishOrderTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        for name in VILLAGES:
            make_village(cls.gmina, name)
        for name in TOPICS:
            make_category(cls.gmina, name)

    def in_order(self, html: str, names: list[str]) -> list[str]:
        positions = {name: html.find(f">{name}<") for name in names}
        self.assertNotIn(-1, positions.values(), positions)
        return sorted(names, key=positions.get)

    def test_the_follow_page_lists_them_in_polish_order(self):
        html = self.client.get("/obserwuj/").content.decode()
        self.assertEqual(self.in_order(html, VILLAGES), VILLAGES_SORTED)
        self.assertEqual(self.in_order(html, TOPICS), TOPICS_SORTED)

    def test_the_settings_page_lists_them_in_polish_order(self):
        follower = Follower.objects.create(gmina=self.gmina, email="a@example.org")
        r = self.client.get(f"/obserwuj/ustawienia/{follower.token}/")
        html = r.content.decode()
        self.assertEqual(self.in_order(html, VILLAGES), VILLAGES_SORTED)
        self.assertEqual(self.in_order(html, TOPICS), TOPICS_SORTED)

    def test_the_article_editor_lists_them_in_polish_order(self):
        self.client.force_login(self.alice)
        index = news_index_of(self.gmina)
        r = self.client.get(f"/admin/pages/add/website/articlepage/{index.pk}/")
        self.assertEqual(r.status_code, 200)
        form = r.context["form"]
        topics = [str(label) for _, label in form.fields["category"].choices]
        villages = [str(label) for _, label in form.fields["villages"].choices]
        self.assertEqual(topics[1:], TOPICS_SORTED)  # after the empty choice
        self.assertEqual(villages, VILLAGES_SORTED)
        widget = [str(label) for _, label in form.fields["villages"].widget.choices]
        self.assertEqual(widget, VILLAGES_SORTED)
