"""The site history report (and its exports) shows a gmina's staff their own
gmina: its entries, and only its people in the user filter."""

from django.test import override_settings
from django.urls import reverse
from wagtail.log_actions import log

from ratusz.gminas.models import Membership
from ratusz.gminas.tests.factory import (
    MEDIA,
    assert_not_shown,
    make_image,
    make_member,
)
from ratusz.test import BaseTestCase, make_article, make_village

URL = reverse("wagtailadmin_reports:site_history")


@override_settings(MEDIA_ROOT=MEDIA.name)
class SiteHistoryTest(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        # Administrators hold the (global) Django permissions on villages,
        # so Wagtail alone would show them every gmina's village entries.
        cls.dora = make_member(cls.gmina, "dora", Membership.Role.ADMIN)
        cls.dora.first_name, cls.dora.last_name = "Dorota", "Zawadzka"
        cls.dora.save()
        cls.erin = make_member(cls.other_gmina, "erin", Membership.Role.ADMIN)
        cls.erin.first_name, cls.erin.last_name = "Eryk", "Brzeski"
        cls.erin.save()
        log(make_article(cls.gmina, "Droga Zawadzka"), "wagtail.edit", user=cls.alice)
        log(make_village(cls.gmina, "Wola Zawadzka"), "wagtail.create", user=cls.dora)
        image = make_image(cls.gmina, "Rynek Zawadzki", by=cls.alice)
        log(image, "wagtail.create", user=cls.alice)
        log(
            make_article(cls.other_gmina, "Most Brzeski"),
            "wagtail.edit",
            user=cls.charlie,
        )
        log(
            make_village(cls.other_gmina, "Wólka Brzeska"),
            "wagtail.create",
            user=cls.erin,
        )

    def get(self, user, query=""):
        self.client.force_login(user)
        response = self.client.get(URL + query)
        self.assertEqual(response.status_code, 200)
        return response

    def assert_shown(self, response, *texts):
        body = response.content.decode()
        for text in texts:
            self.assertIn(text, body)

    def test_it_shows_staff_their_own_gminas_entries(self):
        for user in (self.charlie, self.erin):
            response = self.get(user)
            self.assert_shown(response, "Most Brzeski")
            assert_not_shown(response, "Zawadzk")

    def test_its_user_filter_names_only_their_gminas_staff(self):
        for user in (self.charlie, self.erin):
            response = self.get(user)
            self.assert_shown(response, "Czesław Mazur")
            assert_not_shown(response, "Alicja Nowak")
            assert_not_shown(response, "Dorota Zawadzka")

    def test_a_foreign_user_in_the_filter_finds_nothing(self):
        for someone in (self.alice, self.dora):
            response = self.get(self.erin, f"?user={someone.pk}")
            assert_not_shown(response, "Zawadzk")

    def test_its_exports_hold_only_their_gminas_entries(self):
        for export in ("csv", "xlsx"):
            response = self.get(self.erin, f"?export={export}")
            body = b"".join(response)
            self.assertNotIn(b"Zawadzk", body, export)
            if export == "csv":
                self.assertIn(b"Most Brzeski", body)
                self.assertIn("Wólka Brzeska".encode(), body)

    def test_gmina_a_sees_its_own(self):
        response = self.get(self.dora)
        self.assert_shown(response, "Droga Zawadzka", "Wola Zawadzka")
        self.assert_shown(response, "Alicja Nowak", "Dorota Zawadzka")
        assert_not_shown(response, "Brzes")
        assert_not_shown(response, "Czesław Mazur")

    def test_superusers_see_every_gmina(self):
        response = self.get(self.admin)
        self.assert_shown(response, "Droga Zawadzka", "Most Brzeski", "Wola Zawadzka")
        self.assert_shown(response, "Alicja Nowak", "Czesław Mazur", "Eryk Brzeski")

    def test_it_requires_login(self):
        for url in (URL, URL + "?export=csv", URL + "results/"):
            response = self.client.get(url)
            self.assertEqual(response.status_code, 302, url)
            self.assertTrue(response["Location"].startswith("/admin/login/"), url)
