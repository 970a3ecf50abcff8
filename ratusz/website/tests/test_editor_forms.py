"""The article form offers only the article's own gmina's categories and villages."""

from django.test import override_settings
from django.urls import reverse

from ratusz.gminas.tests.factory import (
    MEDIA,
    article_form_data,
    assert_not_shown,
    make_image,
)
from ratusz.test import (
    BaseTestCase,
    make_article,
    make_category,
    make_village,
    news_index_of,
)
from ratusz.website.models import ArticlePage


@override_settings(MEDIA_ROOT=MEDIA.name)
class ArticleFormTest(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.roads = make_category(cls.gmina, "Drogi Zawada")
        cls.sport_b = make_category(cls.other_gmina, "Sport Brzezie")
        cls.wola = make_village(cls.gmina, "Wola Zawadzka")
        cls.wolka_b = make_village(cls.other_gmina, "Wólka Brzeska")
        cls.index_a = news_index_of(cls.gmina)
        cls.article_b = make_article(cls.other_gmina, "Dożynki", category=cls.sport_b)

    def add_url(self, index=None):
        index = index or self.index_a
        return reverse(
            "wagtailadmin_pages:add", args=("website", "articlepage", index.pk)
        )

    def test_it_offers_own_categories_and_villages_when_adding(self):
        self.client.force_login(self.alice)

        response = self.client.get(self.add_url())

        self.assertEqual(response.status_code, 200)
        form = response.context["form"]
        self.assertEqual(list(form.fields["category"].queryset), [self.roads])
        self.assertEqual(list(form.fields["villages"].queryset), [self.wola])
        self.assertContains(response, "Drogi Zawada")
        assert_not_shown(response, "Sport Brzezie")
        assert_not_shown(response, "Wólka Brzeska")

    def test_it_offers_own_categories_and_villages_when_editing(self):
        article = make_article(self.gmina, "Remont drogi", category=self.roads)
        self.client.force_login(self.alice)

        response = self.client.get(
            reverse("wagtailadmin_pages:edit", args=(article.pk,))
        )

        form = response.context["form"]
        self.assertEqual(list(form.fields["category"].queryset), [self.roads])
        self.assertEqual(list(form.fields["villages"].queryset), [self.wola])

    def test_it_offers_superusers_the_pages_gmina_only(self):
        self.client.force_login(self.admin)

        response = self.client.get(
            reverse("wagtailadmin_pages:edit", args=(self.article_b.pk,))
        )

        form = response.context["form"]
        self.assertEqual(list(form.fields["category"].queryset), [self.sport_b])
        self.assertEqual(list(form.fields["villages"].queryset), [self.wolka_b])

    def test_it_saves_own_category_and_villages(self):
        self.client.force_login(self.alice)

        response = self.client.post(
            self.add_url(),
            article_form_data(
                "Remont w Woli",
                "publish",
                slug="remont",
                category=self.roads.pk,
                villages=[self.wola.pk],
            ),
        )

        self.assertEqual(response.status_code, 302)
        article = ArticlePage.objects.get(title="Remont w Woli")
        self.assertEqual(article.category, self.roads)
        self.assertEqual(list(article.villages.all()), [self.wola])

    def test_it_rejects_a_forged_category_of_another_gmina(self):
        self.client.force_login(self.alice)

        response = self.client.post(
            self.add_url(),
            article_form_data(
                "Podrzucona kategoria",
                "publish",
                slug="podrzucona",
                category=self.sport_b.pk,
            ),
        )

        self.assertEqual(response.status_code, 200)
        self.assertIn("category", response.context["form"].errors)
        self.assertFalse(ArticlePage.objects.filter(slug="podrzucona").exists())

    def test_it_rejects_a_forged_village_of_another_gmina(self):
        article = make_article(self.gmina, "Zebranie", villages=[self.wola])
        self.client.force_login(self.alice)

        response = self.client.post(
            reverse("wagtailadmin_pages:edit", args=(article.pk,)),
            article_form_data(
                "Zebranie",
                "publish",
                slug=article.slug,
                villages=[self.wola.pk, self.wolka_b.pk],
            ),
        )

        self.assertEqual(response.status_code, 200)
        self.assertIn("villages", response.context["form"].errors)
        article.refresh_from_db()
        self.assertEqual(list(article.villages.all()), [self.wola])

    def test_it_rejects_a_forged_image_of_another_gmina(self):
        foreign = make_image(self.other_gmina, "Zdjęcie Brzezia")
        own = make_image(self.gmina, "Zdjęcie Zawady")
        self.client.force_login(self.alice)

        response = self.client.post(
            self.add_url(),
            article_form_data(
                "Cudze zdjęcie", "publish", slug="cudze", main_image=foreign.pk
            ),
        )

        self.assertEqual(response.status_code, 200)
        self.assertIn("main_image", response.context["form"].errors)
        self.client.post(
            self.add_url(),
            article_form_data(
                "Swoje zdjęcie", "publish", slug="swoje", main_image=own.pk
            ),
        )
        self.assertEqual(ArticlePage.objects.get(slug="swoje").main_image, own)
