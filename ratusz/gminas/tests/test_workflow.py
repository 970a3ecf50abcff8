"""Authors' drafts go through their own gmina's editors before publishing."""

from django.core import mail
from django.test import Client
from django.urls import reverse
from wagtail.models import TaskState, WorkflowState

from ratusz.gminas.tests.factory import (
    article_form_data,
    assert_not_shown,
    make_member,
)
from ratusz.test import BaseTestCase, make_article, news_index_of
from ratusz.website.models import ArticlePage


class WorkflowTestCase(BaseTestCase):
    def setUp(self):
        self.index = news_index_of(self.gmina)

    def add_url(self, parent):
        return reverse(
            "wagtailadmin_pages:add", args=("website", "articlepage", parent.pk)
        )

    def submit_as_bob(self, title="Zebranie wiejskie"):
        # A client of his own, so his success message does not show up in
        # the next user's response.
        client = Client()
        client.force_login(self.bob)
        response = client.post(
            self.add_url(self.index),
            article_form_data(title, "submit", slug="zebranie"),
        )
        self.assertEqual(response.status_code, 302)
        return ArticlePage.objects.get(title=title)

    def approve_url(self, page):
        task_state = page.current_workflow_task_state
        return reverse(
            "wagtailadmin_pages:workflow_action",
            args=(page.pk, "approve", task_state.pk),
        )


class AuthorTest(WorkflowTestCase):
    def test_it_lets_author_submit_a_draft_for_moderation(self):
        page = self.submit_as_bob()

        self.assertFalse(page.live)
        self.assertEqual(page.owner, self.bob)
        self.assertTrue(page.workflow_in_progress)
        state = page.current_workflow_state
        self.assertEqual(state.requested_by, self.bob)
        self.assertEqual(state.workflow.name, "Akceptacja – Gmina Zawada (localhost)")

    def test_it_does_not_let_author_publish_on_create(self):
        self.client.force_login(self.bob)
        self.client.post(
            self.add_url(self.index),
            article_form_data("Próba publikacji", "publish", slug="proba"),
        )

        page = ArticlePage.objects.get(title="Próba publikacji")
        self.assertFalse(page.live)
        self.assertIsNone(page.live_revision)
        self.assertFalse(page.workflow_in_progress)

    def test_it_does_not_let_author_publish_an_edit(self):
        article = make_article(self.gmina, "Opublikowany", publish=True)
        self.client.force_login(self.bob)
        response = self.client.post(
            reverse("wagtailadmin_pages:edit", args=(article.pk,)),
            article_form_data("Zmieniony przez autora", "publish", slug=article.slug),
        )

        self.assertEqual(response.status_code, 302)
        article.refresh_from_db()
        self.assertEqual(article.title, "Opublikowany")
        self.assertTrue(article.has_unpublished_changes)
        self.assertEqual(
            article.get_latest_revision_as_object().title, "Zmieniony przez autora"
        )

    def test_it_does_not_let_author_approve_own_draft(self):
        page = self.submit_as_bob()
        self.client.force_login(self.bob)

        response = self.client.post(self.approve_url(page), {"comment": ""})

        self.assertIn(response.status_code, (302, 403))
        page.refresh_from_db()
        self.assertFalse(page.live)
        self.assertTrue(page.workflow_in_progress)

    def test_it_notifies_the_gminas_reviewers_only(self):
        mail.outbox.clear()
        self.submit_as_bob()

        recipients = {address for m in mail.outbox for address in m.to}
        self.assertIn("alice@example.org", recipients)
        self.assertNotIn("charlie@example.org", recipients)


class ReviewTest(WorkflowTestCase):
    def test_it_lets_editor_of_the_same_gmina_approve(self):
        page = self.submit_as_bob()
        self.client.force_login(self.alice)

        response = self.client.post(self.approve_url(page), {"comment": "OK"})

        self.assertEqual(response.status_code, 302)
        page.refresh_from_db()
        self.assertTrue(page.live)
        self.assertEqual(page.title, "Zebranie wiejskie")
        state = WorkflowState.objects.for_instance(page).get()
        self.assertEqual(state.status, WorkflowState.STATUS_APPROVED)

    def test_it_lets_administrator_of_the_same_gmina_approve(self):
        page = self.submit_as_bob()
        dora = make_member(self.gmina, "dora")
        self.client.force_login(dora)

        self.client.post(self.approve_url(page), {"comment": ""})

        page.refresh_from_db()
        self.assertTrue(page.live)

    def test_it_shows_the_task_on_editors_dashboard(self):
        self.submit_as_bob()
        self.client.force_login(self.alice)

        response = self.client.get(reverse("wagtailadmin_home"))

        self.assertContains(response, "Zebranie wiejskie")

    def test_it_lets_editor_publish_directly(self):
        self.client.force_login(self.alice)

        self.client.post(
            self.add_url(self.index),
            article_form_data("Komunikat wójta", "publish", slug="komunikat"),
        )

        page = ArticlePage.objects.get(title="Komunikat wójta")
        self.assertTrue(page.live)
        self.assertFalse(page.workflow_in_progress)
        self.assertFalse(TaskState.objects.filter(revision__object_id=str(page.pk)))


class OtherGminaReviewerTest(WorkflowTestCase):
    def test_it_does_not_let_editor_of_another_gmina_approve(self):
        page = self.submit_as_bob()
        self.client.force_login(self.charlie)

        response = self.client.post(self.approve_url(page), {"comment": ""})

        self.assertIn(response.status_code, (302, 403))
        page.refresh_from_db()
        self.assertFalse(page.live)
        self.assertTrue(page.workflow_in_progress)

    def test_it_does_not_let_editor_of_another_gmina_approve_via_edit_form(self):
        page = self.submit_as_bob()
        self.client.force_login(self.charlie)

        response = self.client.post(
            reverse("wagtailadmin_pages:edit", args=(page.pk,)),
            article_form_data(
                "Zebranie wiejskie",
                slug=page.slug,
                **{"action-workflow-action": "true", "workflow-action-name": "approve"},
            ),
        )

        self.assertEqual(response.status_code, 302)
        self.assertEqual(response["Location"], reverse("wagtailadmin_home"))
        page.refresh_from_db()
        self.assertFalse(page.live)

    def test_it_hides_the_task_from_editor_of_another_gmina(self):
        self.submit_as_bob()
        self.client.force_login(self.charlie)

        for url in (
            reverse("wagtailadmin_home"),
            reverse("wagtailadmin_reports:workflow"),
            reverse("wagtailadmin_reports:workflow_tasks"),
        ):
            with self.subTest(url=url):
                response = self.client.get(url)
                self.assertEqual(response.status_code, 200)
                assert_not_shown(response, "Zebranie wiejskie")

    def test_it_does_not_let_editor_of_another_gmina_preview_the_task(self):
        page = self.submit_as_bob()
        self.client.force_login(self.charlie)
        task = page.current_workflow_task

        response = self.client.get(
            reverse("wagtailadmin_pages:workflow_preview", args=(page.pk, task.pk))
        )

        self.assertIn(response.status_code, (302, 403, 404))
        assert_not_shown(response, "Zebranie wiejskie")
