"""Saved replies: list, create, edit, delete per gmina; placeholders."""

from django.urls import reverse

from ratusz.messenger import services
from ratusz.messenger.models import SavedReply
from ratusz.messenger.staff.conversation import fill_placeholders
from ratusz.test import BaseTestCase


class SavedReplyCrudTests(BaseTestCase):
    def setUp(self):
        self.client.force_login(self.alice)

    def test_create_edit_delete(self):
        add = reverse("messenger-saved-reply-add", args=[self.gmina.pk])
        response = self.client.post(
            add, {"title": "Podatek", "body": "{imie}, raty do 15 marca."}
        )
        self.assertRedirects(
            response,
            reverse("messenger-saved-replies", args=[self.gmina.pk]),
            fetch_redirect_response=False,
        )
        reply = SavedReply.objects.get()
        self.assertEqual((reply.gmina, reply.created_by), (self.gmina, self.alice))
        edit = reverse("messenger-saved-reply-edit", args=[self.gmina.pk, reply.pk])
        self.client.post(edit, {"title": "Podatek rolny", "body": "Treść"})
        reply.refresh_from_db()
        self.assertEqual(reply.title, "Podatek rolny")
        listing = self.client.get(
            reverse("messenger-saved-replies", args=[self.gmina.pk])
        )
        self.assertContains(listing, "Podatek rolny")
        delete = reverse("messenger-saved-reply-delete", args=[self.gmina.pk, reply.pk])
        self.assertContains(self.client.get(delete), "Czy na pewno usunąć")
        self.client.post(delete)
        self.assertFalse(SavedReply.objects.exists())

    def test_empty_fields_get_polish_errors(self):
        response = self.client.post(
            reverse("messenger-saved-reply-add", args=[self.gmina.pk]),
            {"title": "", "body": ""},
        )
        self.assertContains(response, "To pole jest wymagane.")
        self.assertFalse(SavedReply.objects.exists())

    def test_another_gminas_reply_is_not_listed_nor_reachable(self):
        theirs = SavedReply.objects.create(
            gmina=self.other_gmina, title="Brzezie: odpady", body="x"
        )
        listing = self.client.get(
            reverse("messenger-saved-replies", args=[self.gmina.pk])
        )
        self.assertNotContains(listing, "Brzezie: odpady")
        # Through gmina A's URL with B's id, and through B's URL.
        for gmina in (self.gmina, self.other_gmina):
            url = reverse("messenger-saved-reply-edit", args=[gmina.pk, theirs.pk])
            self.assertEqual(
                self.client.post(url, {"title": "x", "body": "y"}).status_code, 404
            )
        theirs.refresh_from_db()
        self.assertEqual(theirs.title, "Brzezie: odpady")

    def test_placeholders(self):
        conversation, _, _ = services.open_conversation(
            self.gmina, body="Pytanie", resident_name="Jan Kos"
        )
        text = (
            "{imie} | {imie_nazwisko} | {sygnatura} | {gmina} | {urzednik} | {nieznane}"
        )
        self.assertEqual(
            fill_placeholders(text, conversation, self.alice),
            f"Jan | Jan Kos | {conversation.reference} | Gmina Zawada "
            "| Alicja Nowak | {nieznane}",
        )
        anonymous, _, _ = services.open_conversation(self.gmina, body="Pytanie")
        self.assertEqual(
            fill_placeholders("{imie}; {imie_nazwisko}", anonymous, self.alice),
            "Szanowni Państwo; Szanowni Państwo",
        )
