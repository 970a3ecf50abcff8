"""Suggestions in a conversation come from the gmina's real procedure pages
(no stand-ins): the resident's colloquial question finds the right page."""

from django.urls import reverse

from ratusz.messenger import services
from ratusz.test import BaseTestCase
from ratusz.website.tests.factory_procedures import make_demo_procedures


class RealSuggestionTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        make_demo_procedures(cls.gmina)

    def test_the_question_brings_up_the_matching_procedure(self):
        self.client.force_login(self.alice)
        conversation, _, _ = services.open_conversation(
            self.gmina, body="Dzień dobry, jak wyrobić dowód dla dziecka?"
        )
        url = reverse("messenger-conversation", args=[conversation.pk])
        page = self.client.get(url)
        suggestions = page.context["suggestions"]
        self.assertTrue(suggestions)
        self.assertEqual(suggestions[0]["title"], "Dowód osobisty")

        response = self.client.post(
            reverse("messenger-insert-suggestion", args=[conversation.pk, 0]),
            {"body": "Dzień dobry,"},
        )
        draft = response.context["reply_form"].initial["body"]
        self.assertIn("Dowód osobisty — ", draft)
        # The link stands on its own line after a full sentence (no ".:").
        self.assertIn(f".\n{suggestions[0]['url']}", draft)
        self.assertNotIn(".:", draft)

    def test_another_gminas_procedures_are_never_suggested(self):
        self.client.force_login(self.charlie)
        conversation, _, _ = services.open_conversation(
            self.other_gmina, body="Jak wyrobić dowód osobisty?"
        )
        page = self.client.get(
            reverse("messenger-conversation", args=[conversation.pk])
        )
        self.assertEqual(page.status_code, 200)
        self.assertEqual(list(page.context["suggestions"]), [])
