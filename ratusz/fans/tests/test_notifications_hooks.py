"""Notifications in the article editor: the "Powiadomienia" button, the counters."""

from django.contrib import messages
from django.contrib.messages.middleware import MessageMiddleware
from django.contrib.sessions.middleware import SessionMiddleware
from django.test import RequestFactory
from django.urls import reverse
from wagtail import hooks
from wagtail.admin import messages as wagtail_messages

from ratusz.test import BaseTestCase, make_article


class EditorTestCase(BaseTestCase):
    def edit(self, page, user=None):
        self.client.force_login(user or self.alice)
        return self.client.get(reverse("wagtailadmin_pages:edit", args=[page.pk]))

    def test_the_article_editor_links_to_its_deliveries(self):
        article = make_article(self.gmina, "Zebranie")
        for user in (self.alice, self.bob):
            response = self.edit(article, user)
            self.assertEqual(response.status_code, 200)
            self.assertContains(
                response, f'href="{reverse("fans-notifications", args=[article.pk])}"'
            )
            self.assertContains(response, "Powiadomienia")

    def test_other_pages_have_no_deliveries_button(self):
        home = self.gmina.site.root_page
        response = self.edit(home)
        self.assertEqual(response.status_code, 200)
        self.assertNotContains(response, "/admin/powiadomienia/")

    def test_the_editor_loads_the_counters_as_an_external_script(self):
        article = make_article(self.gmina, "Zebranie")
        response = self.edit(article)
        self.assertContains(response, 'id="id_sms_text"')
        self.assertContains(response, 'id="id_mastodon_text"')
        self.assertContains(
            response, '<script src="/static/js/outbox-counter.js" defer></script>'
        )


class LinksToTheScreenTestCase(BaseTestCase):
    def test_the_page_list_links_each_article_to_its_deliveries(self):
        article = make_article(self.gmina, "Zebranie")
        self.client.force_login(self.alice)
        index = article.get_parent()
        response = self.client.get(reverse("wagtailadmin_explore", args=[index.pk]))
        self.assertEqual(response.status_code, 200)
        url = reverse("fans-notifications", args=[article.pk])
        # In the row, beside the title: not only inside the "⋯" menu.
        self.assertContains(response, 'aria-label="Powiadomienia: Zebranie"')
        self.assertContains(response, f'href="{url}"')

    def publish_message(self, page, post):
        request = RequestFactory().post("/admin/pages/", post)
        request.user = self.alice
        SessionMiddleware(lambda r: None).process_request(request)
        MessageMiddleware(lambda r: None).process_request(request)
        # What Wagtail's edit view queues before the hook runs.
        wagtail_messages.success(
            request,
            f"Strona '{page.title}' została opublikowana.",
            buttons=[wagtail_messages.button(page.url, "Zobacz na żywo")],
        )
        for hook in hooks.get_hooks("after_edit_page"):
            hook(request, page)
        return [str(m) for m in messages.get_messages(request)]

    def test_the_published_message_links_to_the_deliveries(self):
        article = make_article(self.gmina, "Zebranie")
        url = reverse("fans-notifications", args=[article.pk])
        (text,) = self.publish_message(article, {"action-publish": "1"})
        self.assertIn("została opublikowana", text)
        self.assertIn("Zobacz na żywo", text)
        self.assertInHTML(
            f'<a href="{url}" class="button button-small button-secondary">'
            "Powiadomienia – stan wysyłki</a>",
            text,
        )

    def test_a_saved_draft_or_another_page_gets_no_link(self):
        article = make_article(self.gmina, "Zebranie")
        (text,) = self.publish_message(article, {})
        self.assertNotIn("/admin/powiadomienia/", text)
        home = self.gmina.site.root_page
        (text,) = self.publish_message(home, {"action-publish": "1"})
        self.assertNotIn("/admin/powiadomienia/", text)
