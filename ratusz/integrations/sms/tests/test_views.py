"""The gmina's SMS settings in the admin: its administrators only."""

from django.urls import reverse

from ratusz.gminas import services as gmina_services
from ratusz.gminas.models import Membership
from ratusz.integrations.sms.models import SmsSettings
from ratusz.test import BaseTestCase, make_user


class SettingsAdminTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.dora = make_user("dora")
        gmina_services.add_member(cls.gmina, cls.dora, Membership.Role.ADMIN)

    def url(self, gmina=None):
        return f"/admin/sms/{(gmina or self.gmina).pk}/"

    def test_it_works(self):
        SmsSettings.objects.create(
            gmina=self.gmina, token="sekretny-token-1234", token_error="zły token"
        )
        self.client.force_login(self.dora)
        index = self.client.get("/admin/sms/")
        self.assertRedirects(index, self.url(), fetch_redirect_response=False)

        page = self.client.get(self.url())
        self.assertContains(page, "••••••••1234")
        self.assertNotContains(page, "sekretny-token-1234")
        self.assertContains(page, "zły token")
        config = SmsSettings.objects.get()
        self.assertContains(page, f"/sms/smsapi/{config.webhook_secret}/")

        response = self.client.post(
            self.url(),
            {
                "sender": "GminaZawada",
                "test_mode": "on",
                "new_token": "nowy-token-9876",
            },
        )
        self.assertRedirects(response, self.url(), fetch_redirect_response=False)
        config.refresh_from_db()
        self.assertEqual(config.token, "nowy-token-9876")
        self.assertEqual(config.token_error, "")
        self.assertEqual(config.sender, "GminaZawada")
        self.assertTrue(config.test_mode)
        self.assertNotContains(self.client.get(self.url()), "nowy-token-9876")

    def test_it_keeps_the_token_when_left_empty(self):
        SmsSettings.objects.create(gmina=self.gmina, token="stary-token")
        self.client.force_login(self.dora)
        self.client.post(self.url(), {"sender": "", "new_token": ""})
        self.assertEqual(SmsSettings.objects.get().token, "stary-token")

    def test_it_rotates_the_webhook_secret(self):
        config = SmsSettings.objects.create(gmina=self.gmina, token="t")
        self.client.force_login(self.dora)
        self.client.post(self.url(), {"sender": "", "new_webhook_secret": "on"})
        config.refresh_from_db()
        old = SmsSettings(gmina=self.gmina).webhook_secret  # a fresh default
        self.assertNotEqual(config.webhook_secret, old)

    def test_it_explains_bad_input(self):
        self.client.force_login(self.dora)
        response = self.client.post(
            self.url(), {"sender": "GminaŻółta", "new_token": "z spacją"}
        )
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "bez polskich znaków")
        self.assertContains(response, "nie może zawierać spacji")

    def test_it_checks_ownership(self):
        self.client.force_login(self.charlie)
        self.assertEqual(self.client.get(self.url()).status_code, 404)
        self.assertEqual(self.client.post(self.url(), {}).status_code, 404)
        self.client.force_login(self.dora)
        self.assertEqual(self.client.get(self.url(self.other_gmina)).status_code, 404)
        self.assertFalse(SmsSettings.objects.filter(gmina=self.other_gmina).exists())

    def test_it_requires_rw_access(self):
        # Wagtail answers PermissionDenied with a redirect to the dashboard.
        denied = reverse("wagtailadmin_home")
        for user in (self.alice, self.bob):
            self.client.force_login(user)
            response = self.client.get(self.url())
            self.assertRedirects(response, denied, fetch_redirect_response=False)
            response = self.client.post(self.url(), {"new_token": "przejęty"})
            self.assertRedirects(response, denied, fetch_redirect_response=False)
        self.assertFalse(SmsSettings.objects.filter(token="przejęty").exists())

    def test_superusers_may_edit_any_gmina(self):
        self.client.force_login(self.admin)
        self.assertEqual(self.client.get(self.url(self.other_gmina)).status_code, 200)
