"""The Mastodon settings screen: access by role, the write-only token, the
instance address check, and "test connection"."""

from django.test import override_settings
from django.urls import reverse

from ratusz.gminas import services as gmina_services
from ratusz.gminas.models import Membership
from ratusz.integrations.mastodon.forms import MastodonAccountForm
from ratusz.integrations.mastodon.models import MastodonAccount
from ratusz.test import make_user

from .base import MastodonTestCase

VALID = {"enabled": "on", "visibility": "public"}


class SettingsAccessTests(MastodonTestCase):
    def url(self, name="mastodon-settings", gmina=None):
        return reverse(name, args=[(gmina or self.gmina).pk])

    def test_it_works_for_editors_admins_and_superusers(self):
        boss = make_user("wojt")
        gmina_services.add_member(self.gmina, boss, Membership.Role.ADMIN)
        for user in (self.alice, boss, self.admin):
            self.client.force_login(user)
            response = self.client.get(self.url())
            self.assertEqual(response.status_code, 200, user)
            self.assertContains(response, "Adres serwera")
            self.assertContains(response, "Token dostępu: zapisany")
            self.assertNotContains(response, self.api.token)

    def test_it_checks_ownership(self):
        self.client.force_login(self.charlie)
        self.assertEqual(self.client.get(self.url()).status_code, 404)
        response = self.client.post(
            self.url(), {**VALID, "instance_url": "https://example.org"}
        )
        self.assertEqual(response.status_code, 404)
        self.assertEqual(self.client.post(self.url("mastodon-check")).status_code, 404)
        self.config.refresh_from_db()
        self.assertEqual(self.config.instance_url, self.server.url)
        self.assertEqual(self.api.requests, [])

    def test_it_requires_rw_access(self):
        denied = reverse("wagtailadmin_home")  # Wagtail's answer to PermissionDenied
        self.client.force_login(self.bob)  # an author
        response = self.client.get(self.url())
        self.assertRedirects(response, denied, fetch_redirect_response=False)
        response = self.client.post(
            self.url(), {**VALID, "instance_url": "https://example.org"}
        )
        self.assertRedirects(response, denied, fetch_redirect_response=False)
        response = self.client.post(self.url("mastodon-check"))
        self.assertRedirects(response, denied, fetch_redirect_response=False)
        self.config.refresh_from_db()
        self.assertEqual(self.config.instance_url, self.server.url)
        self.assertEqual(self.api.requests, [])

    def test_it_requires_login(self):
        response = self.client.get(self.url())
        self.assertEqual(response.status_code, 302)
        self.assertIn("/admin/login/", response["Location"])

    def test_superusers_reach_every_gmina(self):
        self.client.force_login(self.admin)
        self.assertEqual(
            self.client.get(self.url(gmina=self.other_gmina)).status_code, 200
        )
        self.assertFalse(
            MastodonAccount.objects.filter(gmina=self.other_gmina).exists()
        )


class InstanceAddressTests(MastodonTestCase):
    def errors(self, url):
        form = MastodonAccountForm({**VALID, "instance_url": url}, instance=self.config)
        self.assertFalse(form.is_valid(), url)
        return " ".join(form.errors["instance_url"])

    def test_it_requires_https(self):
        self.assertIn("https://", self.errors("http://mastodon.social"))
        self.assertIn("https://", self.errors("ftp://mastodon.social"))
        self.assertIn("https://", self.errors("mastodon.social"))

    def test_it_wants_the_server_not_a_profile(self):
        self.assertIn("bez ścieżki", self.errors("https://mastodon.social/@gmina"))
        self.assertIn("sam adres", self.errors("https://user:pass@mastodon.social"))
        self.assertIn("poprawny", self.errors("https://mastodon.social:99999"))

    def test_it_refuses_internal_addresses(self):
        with override_settings(HTTP_ALLOW_PRIVATE_HOSTS=False):
            for url in (
                "https://127.0.0.1",
                "https://localhost",
                "https://10.0.0.5",
                "https://169.254.169.254",
                "https://[::1]",
                "https://[::ffff:127.0.0.1]",
                "https://2130706433",
                "https://0.0.0.0",
            ):
                self.assertIn("sieci wewnętrznej", self.errors(url))

    def test_it_accepts_a_public_server_and_normalises_it(self):
        # 127.0.0.1 stands in for a public address here.
        form = MastodonAccountForm(
            {**VALID, "instance_url": " https://127.0.0.1:8443/ "}, instance=self.config
        )
        self.assertTrue(form.is_valid(), form.errors)
        self.assertEqual(form.cleaned_data["instance_url"], "https://127.0.0.1:8443")

    def test_the_page_shows_the_errors_in_polish(self):
        self.client.force_login(self.alice)
        url = reverse("mastodon-settings", args=[self.gmina.pk])
        response = self.client.post(
            url, {**VALID, "instance_url": "http://mastodon.social", "new_token": "x y"}
        )
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Adres serwera musi zaczynać się od https://")
        self.assertContains(response, "To nie wygląda na token Mastodona")
        self.config.refresh_from_db()
        self.assertEqual(self.config.instance_url, self.server.url)


class SettingsFormTests(MastodonTestCase):
    def setUp(self):
        super().setUp()
        self.client.force_login(self.alice)
        self.url = reverse("mastodon-settings", args=[self.gmina.pk])

    def test_it_saves_and_keeps_the_token_when_left_empty(self):
        response = self.client.post(
            self.url,
            {**VALID, "instance_url": "https://127.0.0.1", "visibility": "unlisted"},
        )
        self.assertRedirects(response, self.url)
        self.config.refresh_from_db()
        self.assertEqual(self.config.instance_url, "https://127.0.0.1")
        self.assertEqual(self.config.visibility, "unlisted")
        self.assertEqual(self.config.access_token, self.api.token)

    def test_a_new_token_clears_the_warning(self):
        self.config.token_error = "Token Mastodona unieważniony."
        self.config.save()
        self.client.post(
            self.url,
            {
                **VALID,
                "instance_url": "https://127.0.0.1",
                "new_token": "new-mastodon-token-abcdefghijklmnop",
            },
        )
        self.config.refresh_from_db()
        self.assertEqual(
            self.config.access_token, "new-mastodon-token-abcdefghijklmnop"
        )
        self.assertEqual(self.config.token_error, "")
        self.assertTrue(self.config.is_ready())

    def test_it_rejects_a_bad_visibility(self):
        response = self.client.post(
            self.url,
            {**VALID, "instance_url": "https://127.0.0.1", "visibility": "direct"},
        )
        self.assertEqual(response.status_code, 200)
        self.config.refresh_from_db()
        self.assertEqual(self.config.visibility, "public")


class CheckConnectionTests(MastodonTestCase):
    def setUp(self):
        super().setUp()
        self.client.force_login(self.alice)
        self.url = reverse("mastodon-check", args=[self.gmina.pk])

    def test_it_names_the_account(self):
        response = self.client.post(self.url, follow=True)
        self.assertContains(
            response, "Połączenie działa: konto @gminazawada@127.0.0.1 (Gmina Zawada)."
        )
        method, path, headers, _params = self.api.requests[0]
        self.assertEqual((method, path), ("GET", "/api/v1/accounts/verify_credentials"))
        self.assertEqual(headers["authorization"], f"Bearer {self.api.token}")
        self.config.refresh_from_db()
        self.assertEqual(self.config.account_name, "@gminazawada@127.0.0.1")
        self.assertEqual(self.api.statuses, [])

    def test_it_explains_a_revoked_token(self):
        self.api.revoked_tokens.add(self.api.token)
        response = self.client.post(self.url, follow=True)
        self.assertContains(response, "Token Mastodona unieważniony")
        self.config.refresh_from_db()
        self.assertIn("Token Mastodona unieważniony", self.config.token_error)

    def test_it_explains_an_unreachable_server(self):
        self.server.__exit__(None, None, None)  # nothing listens there now
        response = self.client.post(self.url, follow=True)
        self.assertContains(response, "Połączenie nie działa: Brak połączenia")
