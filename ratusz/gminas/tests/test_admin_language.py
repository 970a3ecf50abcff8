"""The admin speaks Polish unless a staff member chooses otherwise."""

from django.urls import reverse
from wagtail.users.models import UserProfile

from ratusz.test import BaseTestCase


class AdminLanguageTest(BaseTestCase):
    def test_it_shows_the_login_page_in_polish(self):
        # Even to a browser that asks for English first.
        response = self.client.get(
            reverse("wagtailadmin_login"), HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9"
        )

        self.assertEqual(response.status_code, 200)
        self.assertContains(response, '<html lang="pl"')
        self.assertContains(response, "Zaloguj się")
        self.assertContains(response, "Zapomniane hasło?")

    def test_it_shows_the_dashboard_in_polish(self):
        self.client.force_login(self.alice)

        response = self.client.get(
            reverse("wagtailadmin_home"), HTTP_ACCEPT_LANGUAGE="en"
        )

        self.assertContains(response, "<title>Kokpit - Wagtail</title>", html=False)
        self.assertContains(response, "Pomiń do głównej zawartości")

    def test_it_follows_a_staff_members_chosen_language(self):
        profile = UserProfile.get_for_user(self.alice)
        profile.preferred_language = "en"
        profile.save(update_fields=["preferred_language"])
        self.client.force_login(self.alice)

        response = self.client.get(reverse("wagtailadmin_home"))

        self.assertContains(response, "<title>Dashboard - Wagtail</title>", html=False)
