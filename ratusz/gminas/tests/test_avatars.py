"""Admin avatars are initials (or an uploaded picture), never Gravatar.

The admin's CSP allows images from 'self' and data: only, so a Gravatar URL
was a broken image on every screen with a staff member's face.
"""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from wagtail.users.models import UserProfile

from ratusz.test import BaseTestCase, make_article

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06"
    b"\x00\x00\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe"
    b"\x02\xfe\xa7\x35\x81\x84\x00\x00\x00\x00IEND\xaeB`\x82"
)


class AvatarTests(BaseTestCase):
    def admin_pages(self):
        article = make_article(self.gmina, "Zebranie wiejskie")
        return [
            reverse("wagtailadmin_home"),
            reverse("wagtailadmin_explore", args=[article.get_parent().pk]),
            reverse("wagtailadmin_pages:edit", args=[article.pk]),
            reverse("wagtailadmin_pages:history", args=[article.pk]),
            reverse("wagtailadmin_account"),
            reverse("wagtailusers_users:index"),
            reverse("wagtailimages:index"),
        ]

    def test_no_admin_page_calls_gravatar(self):
        self.client.force_login(self.admin)
        for url in self.admin_pages():
            with self.subTest(url=url):
                response = self.client.get(url)
                self.assertEqual(response.status_code, 200)
                self.assertNotIn(b"gravatar", response.content.lower())

    def test_the_avatar_shows_the_initials(self):
        self.client.force_login(self.alice)
        response = self.client.get(reverse("wagtailadmin_home"))
        self.assertContains(response, 'src="data:image/svg+xml,')
        # "AN" for Alicja Nowak, inside the URL-encoded SVG.
        self.assertContains(response, "%3EAN%3C/text%3E")

    def test_an_uploaded_avatar_wins(self):
        profile = UserProfile.get_for_user(self.alice)
        profile.avatar = SimpleUploadedFile("alicja.png", PNG, "image/png")
        profile.save(update_fields=["avatar"])
        self.client.force_login(self.alice)
        response = self.client.get(reverse("wagtailadmin_home"))
        self.assertContains(response, profile.avatar.url)
        self.assertNotContains(response, "%3EAN%3C/text%3E")
