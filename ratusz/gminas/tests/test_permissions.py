"""Staff of one gmina cannot see or touch another gmina's pages and images."""

from django.test import override_settings
from django.urls import reverse
from wagtail.log_actions import log
from wagtail.models import Page

from ratusz.gminas.tests.factory import (
    MEDIA,
    article_form_data,
    assert_not_shown,
    make_document,
    make_image,
    make_member,
)
from ratusz.test import (
    BaseTestCase,
    home_of,
    make_article,
    make_village,
    news_index_of,
)
from ratusz.website.models import ArticlePage


@override_settings(MEDIA_ROOT=MEDIA.name)
class IsolationTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.index_a = news_index_of(cls.gmina)
        cls.index_b = news_index_of(cls.other_gmina)
        cls.home_b = home_of(cls.other_gmina)
        cls.article_a = make_article(cls.gmina, "Droga w Zawadzie", publish=True)
        cls.live_b = make_article(cls.other_gmina, "Dożynki w Brzeziu", publish=True)
        cls.draft_b = make_article(
            cls.other_gmina, "Szkic Brzezie tajny", publish=False
        )
        cls.image_a = make_image(cls.gmina, "Rynek Zawada", by=cls.alice)
        cls.image_b = make_image(cls.other_gmina, "Obraz Brzezie tajny")
        cls.document_a = make_document(cls.gmina, "Uchwała Zawada")
        cls.document_b = make_document(cls.other_gmina, "Uchwała Brzezie tajna")


class EditorOwnGminaTest(IsolationTestCase):
    def test_it_lets_editor_create_and_publish_in_own_gmina(self):
        self.client.force_login(self.alice)

        response = self.client.post(
            reverse(
                "wagtailadmin_pages:add",
                args=("website", "articlepage", self.index_a.pk),
            ),
            article_form_data("Nowa świetlica", "publish", slug="swietlica"),
        )

        self.assertEqual(response.status_code, 302)
        page = ArticlePage.objects.get(title="Nowa świetlica")
        self.assertTrue(page.live)
        self.assertTrue(page.is_descendant_of(self.index_a))
        self.assertEqual(page.get_site(), self.gmina.site)

    def test_it_lets_editor_edit_own_gminas_page(self):
        self.client.force_login(self.alice)

        response = self.client.get(
            reverse("wagtailadmin_pages:edit", args=(self.article_a.pk,))
        )

        self.assertEqual(response.status_code, 200)


class EditorOtherGminaTest(IsolationTestCase):
    def setUp(self):
        self.client.force_login(self.alice)

    def assert_denied(self, response):
        # Wagtail answers a page permission failure with a redirect to the
        # dashboard and an error message.
        self.assertEqual(response.status_code, 302)
        self.assertEqual(response["Location"], reverse("wagtailadmin_home"))

    def test_it_refuses_page_screens_of_another_gmina(self):
        for name, page in [
            ("edit", self.draft_b),
            ("edit", self.live_b),
            ("delete", self.live_b),
            ("unpublish", self.live_b),
            ("move", self.live_b),
            ("copy", self.live_b),
            ("history", self.draft_b),
            ("usage", self.draft_b),
            ("view_draft", self.draft_b),
            ("add_subpage", self.index_b),
        ]:
            with self.subTest(name=name, page=page.title):
                response = self.client.get(
                    reverse(f"wagtailadmin_pages:{name}", args=(page.pk,))
                )
                self.assert_denied(response)
                assert_not_shown(response, "tajny")

    def test_it_refuses_to_add_a_page_in_another_gmina(self):
        url = reverse(
            "wagtailadmin_pages:add", args=("website", "articlepage", self.index_b.pk)
        )
        self.assert_denied(self.client.get(url))

        response = self.client.post(
            url, article_form_data("Podrzucony", "publish", slug="podrzucony")
        )

        self.assert_denied(response)
        self.assertFalse(ArticlePage.objects.filter(title="Podrzucony").exists())

    def test_it_refuses_to_publish_in_another_gmina(self):
        response = self.client.post(
            reverse("wagtailadmin_pages:edit", args=(self.live_b.pk,)),
            article_form_data("Przejęty", "publish", slug=self.live_b.slug),
        )

        self.assert_denied(response)
        self.live_b.refresh_from_db()
        self.assertEqual(self.live_b.title, "Dożynki w Brzeziu")
        self.assertFalse(self.live_b.has_unpublished_changes)

    def test_it_refuses_to_delete_a_page_of_another_gmina(self):
        response = self.client.post(
            reverse("wagtailadmin_pages:delete", args=(self.live_b.pk,))
        )

        self.assert_denied(response)
        self.assertTrue(Page.objects.filter(pk=self.live_b.pk).exists())

    def test_it_refuses_to_move_a_page_into_another_gmina(self):
        response = self.client.post(
            reverse(
                "wagtailadmin_pages:move_confirm",
                args=(self.article_a.pk, self.index_b.pk),
            )
        )

        self.assertEqual(response.status_code, 302)
        self.article_a.refresh_from_db()
        self.assertTrue(self.article_a.is_descendant_of(self.index_a))

    def test_it_refuses_to_lock_a_page_of_another_gmina(self):
        response = self.client.post(
            reverse("wagtailadmin_pages:lock", args=(self.live_b.pk,))
        )

        self.assertEqual(response.status_code, 302)
        self.live_b.refresh_from_db()
        self.assertFalse(self.live_b.locked)

    def test_it_refuses_to_unpublish_a_page_of_another_gmina(self):
        response = self.client.post(
            reverse("wagtailadmin_pages:unpublish", args=(self.live_b.pk,))
        )

        self.assert_denied(response)
        self.live_b.refresh_from_db()
        self.assertTrue(self.live_b.live)

    def test_it_keeps_the_explorer_inside_own_gmina(self):
        response = self.client.get(reverse("wagtailadmin_explore_root"))

        self.assertRedirects(
            response,
            reverse("wagtailadmin_explore", args=(home_of(self.gmina).pk,)),
            fetch_redirect_response=False,
        )
        response = self.client.get(
            reverse("wagtailadmin_explore", args=(self.home_b.pk,))
        )
        self.assertEqual(response.status_code, 302)
        self.assertNotEqual(
            response["Location"],
            reverse("wagtailadmin_explore", args=(self.home_b.pk,)),
        )
        response = self.client.get(
            reverse("wagtailadmin_explore", args=(self.index_b.pk,))
        )
        self.assertEqual(response.status_code, 302)

    def test_it_does_not_list_other_gminas_in_the_explorer_menu(self):
        response = self.client.get(
            "/admin/api/main/pages/", {"child_of": "root", "for_explorer": "1"}
        )

        self.assertEqual(response.status_code, 200)
        titles = {item["title"] for item in response.json()["items"]}
        self.assertEqual(titles, {"Gmina Zawada"})

    def test_it_does_not_find_other_gminas_pages_in_admin_search(self):
        response = self.client.get(reverse("wagtailadmin_pages:search"), {"q": "w"})

        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Droga w Zawadzie")
        assert_not_shown(response, "Brzezi")
        assert_not_shown(response, "tajny")

    def test_it_does_not_offer_other_gminas_pages_in_the_page_chooser(self):
        for url, params in [
            (reverse("wagtailadmin_choose_page"), {}),
            (reverse("wagtailadmin_choose_page_search"), {"q": "Szkic"}),
            (reverse("wagtailadmin_choose_page_search"), {"q": "Dożynki"}),
        ]:
            with self.subTest(url=url, params=params):
                response = self.client.get(url, params)
                self.assertEqual(response.status_code, 200)
                assert_not_shown(response, "tajny")
                assert_not_shown(response, "Dożynki")

    def test_the_page_chooser_does_not_open_other_gminas_pages(self):
        # Opening a page names it in the chooser's heading: a draft's title.
        for page in (self.home_b, self.index_b, self.draft_b):
            url = reverse("wagtailadmin_choose_page_child", args=(page.pk,))
            with self.subTest(page=page.title):
                response = self.client.get(url)
                self.assertEqual(response.status_code, 404)
                assert_not_shown(response, "Brzezi")
                assert_not_shown(response, "tajny")

    def test_the_page_chooser_opens_own_pages_and_the_root(self):
        root = Page.get_first_root_node()
        for page in (root, home_of(self.gmina)):
            url = reverse("wagtailadmin_choose_page_child", args=(page.pk,))
            with self.subTest(page=page.title):
                self.assertEqual(self.client.get(url).status_code, 200)

    def test_it_offers_own_pages_in_the_page_chooser(self):
        response = self.client.get(
            reverse("wagtailadmin_choose_page_search"), {"q": "Droga"}
        )

        self.assertContains(response, "Droga w Zawadzie")

    def test_it_does_not_offer_other_gminas_images_in_the_image_chooser(self):
        response = self.client.get(reverse("wagtailimages_chooser:choose"))

        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Rynek Zawada")
        assert_not_shown(response, "tajny")

    def test_it_does_not_list_other_gminas_files_in_the_admin_api(self):
        for endpoint, own in [
            ("images", "Rynek Zawada"),
            ("documents", "Uchwała Zawada"),
        ]:
            with self.subTest(endpoint=endpoint):
                response = self.client.get(f"/admin/api/main/{endpoint}/")
                self.assertEqual(response.status_code, 200)
                titles = [item["title"] for item in response.json()["items"]]
                self.assertEqual(titles, [own])

        response = self.client.get(f"/admin/api/main/images/{self.image_b.pk}/")
        self.assertEqual(response.status_code, 404)
        response = self.client.get(f"/admin/api/main/documents/{self.document_b.pk}/")
        self.assertEqual(response.status_code, 404)

    def test_it_lists_all_files_in_the_admin_api_for_superusers(self):
        self.client.force_login(self.admin)

        response = self.client.get("/admin/api/main/images/")

        self.assertEqual(response.json()["meta"]["total_count"], 2)

    def test_it_does_not_list_other_gminas_images(self):
        response = self.client.get(reverse("wagtailimages:index"))

        self.assertContains(response, "Rynek Zawada")
        assert_not_shown(response, "tajny")

    def test_it_refuses_to_edit_other_gminas_image(self):
        response = self.client.get(
            reverse("wagtailimages:edit", args=(self.image_b.pk,))
        )

        self.assertEqual(response.status_code, 302)
        assert_not_shown(response, "tajny")

    def test_it_does_not_name_other_gminas_pages_in_bulk_actions(self):
        for action in ("delete", "publish", "unpublish", "move"):
            with self.subTest(action=action):
                response = self.client.get(
                    reverse(
                        "wagtail_bulk_action",
                        args=("wagtailcore", "page", action),
                    ),
                    {"id": [self.draft_b.pk, self.article_a.pk]},
                )
                self.assertEqual(response.status_code, 200)
                assert_not_shown(response, "tajny")

        response = self.client.get(
            reverse("wagtail_bulk_action", args=("wagtailcore", "page", "delete")),
            {"id": "all", "childOf": self.index_b.pk},
        )
        assert_not_shown(response, "tajny")
        assert_not_shown(response, "Dożynki")

    def test_it_does_not_name_other_gminas_images_in_bulk_actions(self):
        response = self.client.get(
            reverse("wagtail_bulk_action", args=("website", "customimage", "delete")),
            {"id": [self.image_b.pk, self.image_a.pk]},
        )

        self.assertEqual(response.status_code, 200)
        assert_not_shown(response, "tajny")

    def test_it_refuses_the_page_types_report(self):
        response = self.client.get(reverse("wagtailadmin_reports:page_types_usage"))

        self.assertEqual(response.status_code, 302)
        assert_not_shown(response, "tajny")

    def test_it_keeps_the_page_types_report_for_superusers(self):
        self.client.force_login(self.admin)

        response = self.client.get(reverse("wagtailadmin_reports:page_types_usage"))

        self.assertEqual(response.status_code, 200)


class SiteHistoryTest(IsolationTestCase):
    def test_it_hides_other_gminas_setting_changes_from_site_history(self):
        dora = make_member(self.gmina, "dora")
        erin = make_member(self.other_gmina, "erin")
        log(make_village(self.gmina, "Wola Zawadzka"), "wagtail.create", user=dora)
        log(make_village(self.other_gmina, "Wola tajna"), "wagtail.create", user=erin)
        self.draft_b.save_revision(user=self.charlie, log_action=True)

        self.client.force_login(dora)
        response = self.client.get(reverse("wagtailadmin_reports:site_history"))

        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Wola Zawadzka")
        assert_not_shown(response, "tajn")

    def test_it_shows_superusers_everything(self):
        erin = make_member(self.other_gmina, "erin")
        log(make_village(self.other_gmina, "Wola tajna"), "wagtail.create", user=erin)

        self.client.force_login(self.admin)
        response = self.client.get(reverse("wagtailadmin_reports:site_history"))

        self.assertContains(response, "Wola tajna")
