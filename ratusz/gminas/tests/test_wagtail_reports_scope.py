"""Wagtail's reports and move confirmation name only the user's own gmina.

Their rows were the user's pages already; their filters (workflow, task,
who asked for a review, who holds a lock) listed every gmina's, and the move
confirmation named any two pages before checking the move.
"""

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ratusz.gminas.models import Membership
from ratusz.gminas.tests.factory import article_form_data, assert_not_shown, make_member
from ratusz.test import BaseTestCase, make_article, news_index_of
from ratusz.website.models import ArticlePage


class WorkflowReportsTest(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.erin = make_member(cls.other_gmina, "erin", Membership.Role.ADMIN)
        cls.dora = make_member(cls.gmina, "dora", Membership.Role.ADMIN)
        # Bob (gmina A) asks for a review; Alice (gmina A) locks a page.
        client = Client()
        client.force_login(cls.bob)
        index = news_index_of(cls.gmina)
        response = client.post(
            reverse(
                "wagtailadmin_pages:add", args=("website", "articlepage", index.pk)
            ),
            article_form_data("Droga Zawadzka", "submit", slug="droga"),
        )
        assert response.status_code == 302, response.status_code
        cls.submitted = ArticlePage.objects.get(title="Droga Zawadzka")
        locked = make_article(cls.gmina, "Most Zawadzki")
        locked.locked, locked.locked_by = True, cls.alice
        locked.locked_at = timezone.now()
        locked.save()

    def get(self, user, name):
        self.client.force_login(user)
        response = self.client.get(reverse(name))
        self.assertEqual(response.status_code, 200)
        return response

    def test_the_workflow_reports_offer_only_the_users_gminas_workflows(self):
        for name in (
            "wagtailadmin_reports:workflow",
            "wagtailadmin_reports:workflow_tasks",
        ):
            with self.subTest(name):
                response = self.get(self.charlie, name)
                assert_not_shown(response, "Zawada")
                self.assertContains(response, "Brzezie")
                response = self.get(self.alice, name)
                self.assertContains(response, "Zawada")
                assert_not_shown(response, "Brzezie")

    def test_the_workflow_report_names_only_the_users_gminas_requesters(self):
        option = f'<option value="{self.bob.pk}"'
        assert_not_shown(
            self.get(self.charlie, "wagtailadmin_reports:workflow"), option
        )
        self.assertContains(
            self.get(self.alice, "wagtailadmin_reports:workflow"), option
        )

    def test_the_locked_pages_report_names_only_the_users_gminas_staff(self):
        option = f'<option value="{self.alice.pk}"'
        assert_not_shown(
            self.get(self.erin, "wagtailadmin_reports:locked_pages"), option
        )
        self.assertContains(
            self.get(self.dora, "wagtailadmin_reports:locked_pages"), option
        )

    def test_the_superuser_still_sees_every_gminas_workflows(self):
        response = self.get(self.admin, "wagtailadmin_reports:workflow")
        self.assertContains(response, "Zawada")
        self.assertContains(response, "Brzezie")

    def test_only_workflow_editors_open_the_task_chooser(self):
        task = self.submitted.current_workflow_task
        urls = [
            reverse("wagtailadmin_workflows:task_chooser"),
            reverse("wagtailadmin_workflows:task_chooser_results"),
            reverse("wagtailadmin_workflows:task_chosen", args=(task.pk,)),
        ]
        for user in (self.erin, self.charlie, self.alice):
            self.client.force_login(user)
            for url in urls:
                with self.subTest(user=user.username, url=url):
                    response = self.client.get(url)
                    self.assertIn(response.status_code, (302, 403))
                    assert_not_shown(response, "Zawada")
        self.client.force_login(self.admin)
        self.assertContains(self.client.get(urls[0]), "Zawada")


class MoveConfirmationTest(BaseTestCase):
    def url(self, page, destination):
        return reverse(
            "wagtailadmin_pages:move_confirm", args=(page.pk, destination.pk)
        )

    def test_it_refuses_a_move_into_another_gmina_without_naming_it(self):
        own = make_article(self.other_gmina, "Most Brzeski")
        theirs = news_index_of(self.gmina)
        self.client.force_login(self.charlie)
        response = self.client.get(self.url(own, theirs))
        self.assertIn(response.status_code, (302, 403))
        assert_not_shown(response, theirs.title)
        response = self.client.post(self.url(own, theirs))
        self.assertIn(response.status_code, (302, 403))
        own.refresh_from_db()
        self.assertTrue(own.is_descendant_of(news_index_of(self.other_gmina)))

    def test_it_refuses_to_name_another_gminas_page_to_move(self):
        theirs = make_article(self.gmina, "Droga Zawadzka", publish=False)
        self.client.force_login(self.charlie)
        response = self.client.get(self.url(theirs, news_index_of(self.other_gmina)))
        self.assertIn(response.status_code, (302, 403))
        assert_not_shown(response, "Droga Zawadzka")

    def test_it_confirms_a_move_within_the_users_gmina(self):
        own = make_article(self.other_gmina, "Most Brzeski")
        # Within its own news (a move the form offers: the same or another list).
        destination = news_index_of(self.other_gmina)
        self.client.force_login(self.charlie)
        response = self.client.get(self.url(own, destination))
        self.assertContains(response, "Most Brzeski")
        self.assertContains(response, destination.title)
