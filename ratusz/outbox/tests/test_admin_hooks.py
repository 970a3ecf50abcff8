"""The outbox in the article editor: the "Powiadomienia" button, the counters."""

from django.urls import reverse

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
                response, f'href="{reverse("outbox-article", args=[article.pk])}"'
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
