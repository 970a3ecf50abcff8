"""Demo mail: with no EMAIL_HOST, outgoing mail is kept in a folder and read
in the admin ("Poczta wychodząca (tryb demonstracyjny)"), each gmina's staff
seeing only what was sent on its behalf; every admin screen says so."""

import re
import tempfile
from email import message_from_bytes, policy
from pathlib import Path

from django.test import override_settings

from ratusz.fans.models import Follower, Rhythm
from ratusz.lib import mailbox
from ratusz.test import BaseTestCase

FOLDER_MODE = {
    "EMAIL_BACKEND": "ratusz.lib.mailbox.FolderEmailBackend",
    "EMAIL_KEPT_IN_FOLDER": True,
}


class KeptMailTests(BaseTestCase):
    def setUp(self):
        super().setUp()
        folder = tempfile.TemporaryDirectory(prefix="ratusz-mail-")
        self.addCleanup(folder.cleanup)
        self.folder = Path(folder.name)
        settings = override_settings(EMAIL_FOLDER=self.folder, **FOLDER_MODE)
        settings.enable()
        self.addCleanup(settings.disable)

    def follow(self, email, host="localhost"):
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(
                "/obserwuj/",
                {"email": email, "rhythm": Rhythm.EACH, "consent": "1"},
                HTTP_HOST=host,
            )
        self.assertLess(response.status_code, 400)

    def kept_files(self):
        return sorted(self.folder.glob("*.eml"))

    def test_a_follow_confirmation_is_kept_as_a_file_with_its_link(self):
        self.follow("jan@example.org")
        [path] = self.kept_files()
        message = message_from_bytes(path.read_bytes(), policy=policy.default)
        self.assertEqual(message["To"], "jan@example.org")
        self.assertEqual(message[mailbox.GMINA_HEADER], str(self.gmina.pk))
        body = message.get_body(preferencelist=("plain",)).get_content()
        link = re.search(r"https?://\S+/obserwuj/potwierdz/\S+/", body).group(0)
        # The link in the kept message is a live one (a wrong one answers 410).
        path_of_link = "/" + link.split("://", 1)[1].split("/", 1)[1]
        self.assertEqual(self.client.get(path_of_link).status_code, 200)
        self.assertTrue(Follower.objects.filter(email="jan@example.org").exists())
        self.assertEqual(path.stat().st_mode & 0o777, 0o600)

    def test_staff_read_their_own_gminas_mail_only(self):
        self.follow("jan@example.org")
        self.follow("ewa@example.org", host="brzezie.localhost")
        mine, theirs = (
            mailbox.kept_messages({self.gmina.pk})[0],
            mailbox.kept_messages({self.other_gmina.pk})[0],
        )
        self.client.force_login(self.alice)  # editor of gmina A
        page = self.client.get("/admin/poczta-wychodzaca/")
        self.assertContains(page, "jan@example.org")
        self.assertNotContains(page, "ewa@example.org")
        detail = self.client.get(f"/admin/poczta-wychodzaca/{mine.name}/")
        self.assertContains(detail, "/obserwuj/potwierdz/")
        self.assertEqual(
            self.client.get(f"/admin/poczta-wychodzaca/{theirs.name}/").status_code,
            404,
        )
        # An author does not read residents' confirmation links.
        self.client.force_login(self.bob)
        self.assertEqual(self.client.get("/admin/poczta-wychodzaca/").status_code, 404)
        # A superuser reads everything.
        self.client.force_login(self.admin)
        page = self.client.get("/admin/poczta-wychodzaca/")
        self.assertContains(page, "jan@example.org")
        self.assertContains(page, "ewa@example.org")

    def test_names_outside_the_folder_are_refused(self):
        self.client.force_login(self.admin)
        for name in ("..%2F..%2Fsettings.py", "x.eml", "..", "%2Fetc%2Fpasswd"):
            response = self.client.get(f"/admin/poczta-wychodzaca/{name}/")
            self.assertEqual(response.status_code, 404, name)

    def test_anonymous_visitors_are_sent_to_the_login(self):
        response = self.client.get("/admin/poczta-wychodzaca/")
        self.assertEqual(response.status_code, 302)
        self.assertIn("/admin/login/", response["Location"])

    def test_every_admin_screen_says_mail_is_not_sent(self):
        self.client.force_login(self.alice)
        page = self.client.get("/admin/")
        self.assertContains(page, "Tryb demonstracyjny poczty")
        self.assertContains(page, 'href="/admin/poczta-wychodzaca/"')


class RealMailTests(BaseTestCase):
    @override_settings(EMAIL_KEPT_IN_FOLDER=False)
    def test_with_a_mail_server_there_is_no_banner_and_no_folder_page(self):
        self.client.force_login(self.admin)
        self.assertNotContains(self.client.get("/admin/"), "Tryb demonstracyjny")
        self.assertEqual(self.client.get("/admin/poczta-wychodzaca/").status_code, 404)
