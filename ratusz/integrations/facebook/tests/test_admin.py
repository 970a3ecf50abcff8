"""The Facebook settings screen: who may use it, the write-only token, the check."""

from django.urls import reverse

from ratusz.gminas import services as gmina_services
from ratusz.gminas.models import Membership
from ratusz.integrations.facebook.models import FacebookPage
from ratusz.test import make_user

from .base import FacebookTestCase


class SettingsAccessTests(FacebookTestCase):
    def url(self, name="facebook-settings", gmina=None):
        return reverse(name, args=[(gmina or self.gmina).pk])

    def test_it_works_for_editors_admins_and_superusers(self):
        boss = make_user("wojt")
        gmina_services.add_member(self.gmina, boss, Membership.Role.ADMIN)
        for user in (self.alice, boss, self.admin):
            self.client.force_login(user)
            response = self.client.get(self.url())
            self.assertEqual(response.status_code, 200, user)
            self.assertContains(response, "Identyfikator strony")
            self.assertContains(response, "Token strony: zapisany")

    def test_it_never_renders_the_token(self):
        self.client.force_login(self.alice)
        response = self.client.get(self.url())
        self.assertNotContains(response, self.api.token)
        self.assertNotContains(response, self.api.token[-8:])

    def test_it_checks_ownership(self):
        self.client.force_login(self.charlie)
        self.assertEqual(self.client.get(self.url()).status_code, 404)
        response = self.client.post(
            self.url(), {"enabled": "on", "page_id": "123456789", "post_as": "link"}
        )
        self.assertEqual(response.status_code, 404)
        self.assertEqual(self.client.post(self.url("facebook-check")).status_code, 404)
        self.config.refresh_from_db()
        self.assertEqual(self.config.page_id, self.api.page_id)
        self.assertEqual(self.api.requests, [])

    def test_it_requires_rw_access(self):
        # An author: PermissionDenied, which Wagtail answers with a redirect
        # to the dashboard and a "no permission" message.
        denied = reverse("wagtailadmin_home")
        self.client.force_login(self.bob)
        response = self.client.get(self.url())
        self.assertRedirects(response, denied, fetch_redirect_response=False)
        response = self.client.post(
            self.url(), {"enabled": "on", "page_id": "123456789", "post_as": "link"}
        )
        self.assertRedirects(response, denied, fetch_redirect_response=False)
        response = self.client.post(self.url("facebook-check"))
        self.assertRedirects(response, denied, fetch_redirect_response=False)
        self.assertEqual(self.api.requests, [])
        self.config.refresh_from_db()
        self.assertEqual(self.config.page_id, self.api.page_id)

    def test_it_requires_login(self):
        response = self.client.get(self.url())
        self.assertEqual(response.status_code, 302)
        self.assertIn("/admin/login/", response["Location"])

    def test_the_index_leads_to_the_users_gmina(self):
        self.client.force_login(self.charlie)
        response = self.client.get(reverse("facebook-settings-index"))
        self.assertRedirects(
            response, self.url(gmina=self.other_gmina), fetch_redirect_response=False
        )

    def test_the_check_is_post_only(self):
        self.client.force_login(self.alice)
        self.assertEqual(self.client.get(self.url("facebook-check")).status_code, 405)


class SettingsFormTests(FacebookTestCase):
    def setUp(self):
        super().setUp()
        self.client.force_login(self.alice)
        self.url = reverse("facebook-settings", args=[self.gmina.pk])

    def post(self, **data):
        form = {"enabled": "on", "page_id": self.api.page_id, "post_as": "link"}
        form.update(data)
        return self.client.post(
            self.url, {k: v for k, v in form.items() if v is not None}
        )

    def test_it_keeps_the_token_when_the_field_is_left_empty(self):
        response = self.post(post_as="photo")
        self.assertRedirects(response, self.url)
        self.config.refresh_from_db()
        self.assertEqual(self.config.access_token, self.api.token)
        self.assertEqual(self.config.post_as, "photo")

    def test_a_new_token_replaces_the_old_and_clears_the_warning(self):
        self.config.token_error = "Token Facebooka wygasł 1.11.2026, 10:00."
        self.config.save()
        self.api.token = "EAANewPageToken-abcdefghijkl"  # Facebook's new one
        self.post(new_token="EAANewPageToken-abcdefghijkl")
        self.config.refresh_from_db()
        self.assertEqual(self.config.access_token, "EAANewPageToken-abcdefghijkl")
        self.assertEqual(self.config.token_error, "")

    def test_a_new_page_takes_its_name_from_facebook(self):
        self.config.page_name = "Stara strona"
        self.config.save()
        self.api.other_pages["EAANowaStrona-abcdefghijkl"] = (
            "200300400500600",
            "Gmina Zawada – nowa strona",
        )
        self.post(page_id="200300400500600", new_token="EAANowaStrona-abcdefghijkl")
        self.config.refresh_from_db()
        self.assertEqual(self.config.page_id, "200300400500600")
        self.assertEqual(self.config.page_name, "Gmina Zawada – nowa strona")
        self.assertEqual(self.config.access_token, "EAANowaStrona-abcdefghijkl")
        self.assertIsNotNone(self.config.checked_at)

    def test_a_new_page_id_with_the_old_pages_token_is_refused(self):
        response = self.post(page_id="200300400500600")
        self.assertContains(response, "Ten token należy do „Gmina Zawada”")
        self.config.refresh_from_db()
        self.assertEqual(self.config.page_id, self.api.page_id)

    def test_it_removes_the_token(self):
        self.post(remove_token="on")
        self.config.refresh_from_db()
        self.assertEqual(self.config.access_token, "")

    def test_it_creates_the_settings_of_a_new_gmina(self):
        self.config.delete()
        self.post(new_token=self.api.token)
        config = FacebookPage.objects.get(gmina=self.gmina)
        self.assertEqual(config.page_id, self.api.page_id)
        self.assertTrue(config.is_ready())

    def test_bad_input_gets_polish_errors(self):
        response = self.post(page_id="strona-gminy", new_token="krótki")
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Identyfikator strony to same cyfry")
        self.assertContains(response, "To nie wygląda na token Facebooka")
        self.assertNotContains(response, "krótki")  # a typed token is not echoed
        self.config.refresh_from_db()
        self.assertEqual(self.config.page_id, self.api.page_id)

    def test_the_warning_is_shown_in_plain_words(self):
        self.config.token_error = "Token Facebooka wygasł 1.11.2026, 10:00. Wygeneruj"
        self.config.save()
        response = self.client.get(self.url)
        self.assertContains(response, "Token Facebooka wygasł 1.11.2026, 10:00.")


class PageOwnershipTests(FacebookTestCase):
    """A Page id belongs to one gmina, proven by its Page access token."""

    B_PAGE, B_TOKEN = "300400500600700", "EAAStronaBrzezia-abcdefghijkl"

    def setUp(self):
        super().setUp()
        self.api.other_pages[self.B_TOKEN] = (self.B_PAGE, "Gmina Brzezie")
        self.url = reverse("facebook-settings", args=[self.other_gmina.pk])
        self.client.force_login(self.charlie)

    def post(self, **data):
        form = {"enabled": "on", "post_as": "link", **data}
        return self.client.post(self.url, form)

    def b_config(self):
        return FacebookPage.objects.filter(gmina=self.other_gmina).first()

    def test_another_gminas_page_id_is_refused(self):
        response = self.post(page_id=self.api.page_id, new_token=self.B_TOKEN)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "jest już połączona z inną gminą")
        self.assertIsNone(self.b_config())
        self.assertEqual(self.api.requests, [])

    def test_a_page_id_with_another_pages_token_is_refused(self):
        # Gmina A's Page, not yet connected here: charlie has no token of it.
        self.config.delete()
        response = self.post(page_id=self.api.page_id, new_token=self.B_TOKEN)
        self.assertContains(response, "Ten token należy do „Gmina Brzezie”")
        self.assertContains(response, f"a nie do strony {self.api.page_id}")
        self.assertIsNone(self.b_config())
        method, path, params = self.api.requests[0]
        self.assertEqual((method, path), ("GET", "/v26.0/me"))
        self.assertEqual(params["fields"], "id,name")

    def test_a_page_id_needs_a_token(self):
        self.config.delete()
        response = self.post(page_id=self.api.page_id)
        self.assertContains(response, "Podaj token strony")
        self.assertIsNone(self.b_config())

    def test_an_expired_token_is_explained(self):
        self.api.expired_tokens.add(self.B_TOKEN)
        response = self.post(page_id=self.B_PAGE, new_token=self.B_TOKEN)
        self.assertContains(response, "Facebook nie przyjął tego tokenu: Token")
        self.assertContains(response, "wygasł")
        self.assertIsNone(self.b_config())

    def test_a_token_facebook_does_not_know_is_explained(self):
        response = self.post(
            page_id=self.B_PAGE, new_token="EAAZmyslony-abcdefghijklmn"
        )
        self.assertContains(response, "Facebook nie przyjął tego tokenu")
        self.assertIsNone(self.b_config())

    def test_facebook_being_down_saves_nothing(self):
        self.api.fail_next(500, {"error": {"message": "Unknown", "code": 2}})
        response = self.post(page_id=self.B_PAGE, new_token=self.B_TOKEN)
        self.assertContains(response, "Nie udało się sprawdzić u Facebooka")
        self.assertContains(response, "chwilowe kłopoty")
        self.assertIsNone(self.b_config())

    def test_the_gminas_own_page_is_saved_with_its_name(self):
        response = self.post(page_id=self.B_PAGE, new_token=self.B_TOKEN)
        self.assertRedirects(response, self.url)
        config = self.b_config()
        self.assertEqual(
            (config.page_id, config.page_name, config.access_token),
            (self.B_PAGE, "Gmina Brzezie", self.B_TOKEN),
        )

    def test_unchanged_settings_are_not_checked_again(self):
        self.post(page_id=self.B_PAGE, new_token=self.B_TOKEN)
        requests = len(self.api.requests)
        response = self.post(page_id=self.B_PAGE, post_as="photo")
        self.assertRedirects(response, self.url)
        self.assertEqual(len(self.api.requests), requests)
        self.assertEqual(self.b_config().post_as, "photo")

    def test_the_database_refuses_a_second_gmina_on_one_page(self):
        from django.db import IntegrityError, transaction

        with self.assertRaises(IntegrityError), transaction.atomic():
            FacebookPage.objects.create(
                gmina=self.other_gmina, page_id=self.api.page_id
            )
        # Gminas without a Page do not collide.
        self.config.page_id = ""
        self.config.save()
        FacebookPage.objects.create(gmina=self.other_gmina, page_id="")


class CheckConnectionTests(FacebookTestCase):
    def setUp(self):
        super().setUp()
        self.client.force_login(self.alice)
        self.url = reverse("facebook-check", args=[self.gmina.pk])

    def test_it_shows_the_pages_name(self):
        response = self.client.post(self.url, follow=True)
        self.assertContains(response, "Połączenie działa: strona „Gmina Zawada”.")
        method, path, params = self.api.requests[0]
        self.assertEqual((method, path), ("GET", f"/v26.0/{self.api.page_id}"))
        self.assertEqual(params["fields"], "name")
        self.config.refresh_from_db()
        self.assertEqual(self.config.page_name, "Gmina Zawada")
        self.assertIsNotNone(self.config.checked_at)
        self.assertEqual(self.api.posts, [])

    def test_it_explains_an_expired_token(self):
        self.api.expired_tokens.add(self.api.token)
        response = self.client.post(self.url, follow=True)
        self.assertContains(response, "Token Facebooka wygasł")
        self.assertContains(response, "wygeneruj nowy token strony")
        self.config.refresh_from_db()
        self.assertIn("Token Facebooka wygasł", self.config.token_error)

    def test_it_explains_a_server_error(self):
        self.api.fail_next(500, {"error": {"message": "Unknown", "code": 2}})
        response = self.client.post(self.url, follow=True)
        self.assertContains(response, "Połączenie nie działa: Facebook ma chwilowe")
        self.config.refresh_from_db()
        self.assertEqual(self.config.token_error, "")

    def test_it_asks_for_settings_first(self):
        self.config.delete()
        response = self.client.post(self.url, follow=True)
        self.assertContains(response, "Najpierw zapisz identyfikator strony i token.")
