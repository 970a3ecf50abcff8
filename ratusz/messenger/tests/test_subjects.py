"""What a conversation is about, as apps above the messenger tell it: the
registry, the caller-named subject, and the staff view showing both."""

from unittest import mock

from django.urls import reverse

from ratusz.messenger import services, subjects
from ratusz.messenger.subjects import Subject
from ratusz.test import BaseTestCase


def _about_a_thing(conversation, user):
    if conversation.subject.startswith("Rzecz"):
        return Subject("Dotyczy rzeczy", "R/1", "/admin/rzecz/1/" if user else "")
    return None


class SubjectsTests(BaseTestCase):
    def test_a_caller_names_the_subject(self):
        conversation, _m, _c = services.open_conversation(
            self.gmina, body="Pierwsza linia\nDruga", subject="Rzecz R/1"
        )
        self.assertEqual(conversation.subject, "Rzecz R/1")
        plain, _m, _c = services.open_conversation(self.gmina, body="Pytanie\nDalej")
        self.assertEqual(plain.subject, "Pytanie")

    def test_the_staff_view_shows_what_resolvers_say(self):
        about, _m, _c = services.open_conversation(
            self.gmina, body="Nie działa", subject="Rzecz R/1"
        )
        other, _m, _c = services.open_conversation(self.gmina, body="Pytanie")
        with mock.patch.object(subjects, "_resolvers", []):
            subjects.register(_about_a_thing)
            subjects.register(_about_a_thing)  # once
            self.assertEqual(subjects._resolvers, [_about_a_thing])
            self.client.force_login(self.alice)
            page = self.client.get(reverse("messenger-conversation", args=[about.pk]))
            self.assertContains(page, "<dt>Dotyczy rzeczy</dt>", html=True)
            self.assertContains(page, '<a href="/admin/rzecz/1/">R/1</a>', html=True)
            page = self.client.get(reverse("messenger-conversation", args=[other.pk]))
            self.assertNotContains(page, "Dotyczy rzeczy")
