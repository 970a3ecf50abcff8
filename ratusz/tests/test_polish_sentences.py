"""Sentences that name the gmina decline its name, and counts agree with nouns.

"od: Gmina Zawada", "Gotowe odpowiedzi gminy Gmina Zawada" and "1 fanów"
are what a gmina saw on its first day.
"""

from django.core import mail
from django.urls import reverse
from django.utils import timezone

from ratusz.fans.consent import (
    email_consent_text,
    push_consent_text,
    sms_consent_text,
)
from ratusz.fans.following import code_message
from ratusz.fans.messages import follow_email
from ratusz.fans.models import ChannelState, FanCount, Follower
from ratusz.lib.polish import gmina_genitive, gmina_locative
from ratusz.messenger.models import SavedReply
from ratusz.test import BaseTestCase


class NameFormsTests(BaseTestCase):
    def test_office_names_decline_their_first_words(self):
        cases = [
            ("Gmina Zawada Górna", "Gminy Zawada Górna", "Gminie Zawada Górna"),
            ("Miasto i Gmina Sędziszów", "Miasta i Gminy Sędziszów", None),
            ("Gmina Miejska Ustka", "Gminy Miejskiej Ustka", "Gminie Miejskiej Ustka"),
            ("Miasto Zakopane", "Miasta Zakopane", "Mieście Zakopane"),
            ("Urząd w Zawadzie", "Urząd w Zawadzie", "Urząd w Zawadzie"),
        ]
        for name, genitive, locative in cases:
            with self.subTest(name=name):
                self.assertEqual(gmina_genitive(name), genitive)
                if locative:
                    self.assertEqual(gmina_locative(name), locative)

    def test_consents_and_codes_say_from_whom_in_the_genitive(self):
        for text in (
            email_consent_text(self.gmina),
            sms_consent_text(self.gmina),
            code_message(self.gmina, "123456"),
            push_consent_text(self.gmina),
        ):
            with self.subTest(text=text):
                self.assertIn("od Gminy Zawada", text)
                self.assertNotIn("Gmina Zawada", text)

    def test_the_confirmation_email_says_from_whom_in_the_genitive(self):
        follower = Follower.objects.create(gmina=self.gmina, email="jan@example.org")
        follow_email(follower, "token-123").send()
        follow_email(follower, None).send()
        for message in mail.outbox:
            html = message.alternatives[0][0]
            for text in (message.subject, message.body, html):
                self.assertIn("od Gminy Zawada", text)
                self.assertNotIn("od: Gmina", text)

    def test_the_home_page_title_names_the_gmina_once(self):
        response = self.client.get("/")
        self.assertContains(response, "<title>Gmina Zawada</title>", html=False)

    def test_the_saved_replies_caption_declines_the_name(self):
        SavedReply.objects.create(gmina=self.gmina, title="Odpady", body="{imie}")
        self.client.force_login(self.alice)
        response = self.client.get(
            reverse("messenger-saved-replies", args=[self.gmina.pk])
        )
        self.assertContains(
            response, "<caption>Gotowe odpowiedzi Gminy Zawada</caption>"
        )
        self.assertNotContains(response, "gminy Gmina")

    def test_the_dashboard_counts_fans_in_polish(self):
        FanCount.objects.create(
            gmina=self.gmina, day=timezone.localdate(), channel="all", count=1
        )
        self.client.force_login(self.alice)
        Follower.objects.create(
            gmina=self.gmina, email="a@example.org", email_state=ChannelState.ACTIVE
        )
        response = self.client.get(reverse("wagtailadmin_home"))
        self.assertContains(response, "<strong data-fans-total>1</strong> fan (")
        self.assertNotContains(response, "1</strong> fanów")
        self.assertContains(response, "Liczba fanów Gminy Zawada dzień po dniu")
        for n in (2, 3):
            Follower.objects.create(
                gmina=self.gmina,
                email=f"{n}@example.org",
                email_state=ChannelState.ACTIVE,
            )
        response = self.client.get(reverse("wagtailadmin_home"))
        self.assertContains(
            response, "<strong data-fans-total>3</strong> fanów (unikalne osoby"
        )
