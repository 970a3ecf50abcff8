"""The follower's private settings page: preferences, leaving channels,
"my data" and erasure; other gminas' tokens give 404."""

import json

from django.test import Client

from ratusz.fans.models import (
    ChannelState,
    Consent,
    Follower,
    PushSubscription,
    Rhythm,
)
from ratusz.outbox.models import Delivery
from ratusz.test import BaseTestCase, make_category, make_village

OTHER_HOST = "brzezie.localhost"


class ManageTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.waste = make_category(cls.gmina, "Odpady")
        cls.roads = make_category(cls.gmina, "Drogi")
        cls.kamionka = make_village(cls.gmina, "Kamionka")
        cls.foreign_topic = make_category(cls.other_gmina, "Brzeskie sprawy")

    def setUp(self):
        self.follower = Follower.objects.create(
            gmina=self.gmina,
            email="jan@example.org",
            email_state=ChannelState.ACTIVE,
            phone="+48600123456",
            phone_state=ChannelState.ACTIVE,
            all_topics=False,
        )
        self.follower.topics.set([self.waste])
        Consent.objects.create(
            follower=self.follower,
            channel="email",
            action="given",
            text_version="email-2026-11",
            text="Zgadzam się…",
            source="formularz /obserwuj/",
        )
        PushSubscription.objects.create(
            follower=self.follower,
            endpoint="https://push.example.org/abc",
            p256dh="key",
            auth="auth",
        )
        self.delivery = Delivery.objects.create(
            gmina=self.gmina,
            item="article:7",
            channel="email",
            recipient=f"follower:{self.follower.pk}",
            follower=self.follower,
            state=Delivery.State.SENT,
            error="421 jan@example.org busy (retried)",
        )
        self.pending = Delivery.objects.create(
            gmina=self.gmina,
            item="article:8",
            channel="email",
            recipient=f"follower:{self.follower.pk}",
            follower=self.follower,
        )
        self.url = f"/obserwuj/ustawienia/{self.follower.token}/"

    def test_it_works(self):
        r = self.client.get(self.url)
        self.assertEqual(r.status_code, 200)
        self.assertContains(r, "Ustawienia powiadomień")
        self.assertContains(r, "jan@example.org")
        self.assertContains(r, '<meta name="robots" content="noindex">', html=False)
        self.assertIn("no-cache", r["Cache-Control"])
        html = r.content.decode()
        self.assertIn(f'value="{self.waste.pk}" id="id_topics_1" checked', html)
        self.assertIn(f'value="{self.roads.pk}" id="id_topics_0">', html)
        self.assertNotIn("Brzeskie sprawy", html)
        self.assertContains(r, "o godzinie 18:00")
        self.assertContains(r, f"/obserwuj/wypisz/{self.follower.token}/email/")
        self.assertContains(r, f"/obserwuj/wypisz/{self.follower.token}/sms/")
        self.assertContains(r, f"/obserwuj/wypisz/{self.follower.token}/push/")
        self.assertContains(r, f"/obserwuj/wypisz/{self.follower.token}/all/")
        self.assertContains(r, f"{self.url}dane.json")
        self.assertContains(r, f"{self.url}usun/")

    def test_it_checks_ownership(self):
        urls = [
            self.url,
            f"{self.url}dane.json",
            f"{self.url}usun/",
            f"/obserwuj/wypisz/{self.follower.token}/email/",
        ]
        for url in urls:
            self.assertEqual(
                self.client.get(url, HTTP_HOST=OTHER_HOST).status_code, 404
            )
            if not url.endswith(".json"):  # GET only
                self.assertEqual(
                    self.client.post(url, HTTP_HOST=OTHER_HOST).status_code, 404
                )
        self.assertEqual(
            self.client.get("/obserwuj/ustawienia/nie-ma/").status_code, 404
        )
        self.follower.refresh_from_db()
        self.assertEqual(self.follower.email_state, ChannelState.ACTIVE)

    def test_it_changes_preferences(self):
        r = self.client.post(
            self.url,
            {
                "topics": [self.roads.pk],
                "villages": [self.kamionka.pk],
                "rhythm": Rhythm.DAILY,
            },
        )
        self.assertContains(r, "Zapisano zmiany.")
        self.follower.refresh_from_db()
        self.assertEqual(self.follower.email_rhythm, Rhythm.DAILY)
        self.assertEqual(list(self.follower.topics.all()), [self.roads])
        self.assertFalse(self.follower.all_villages)
        self.assertEqual(list(self.follower.villages.all()), [self.kamionka])

        # Nothing ticked: everything again.
        self.client.post(self.url, {"rhythm": Rhythm.EACH})
        self.follower.refresh_from_db()
        self.assertTrue(self.follower.all_topics)
        self.assertTrue(self.follower.all_villages)
        self.assertFalse(self.follower.topics.exists())

    def test_it_refuses_bad_input(self):
        for data in [
            {"topics": [self.foreign_topic.pk], "rhythm": "each"},
            {"topics": ["9" * 30], "rhythm": "each"},
            {"villages": ["<b>x</b>"], "rhythm": "each"},
            {"rhythm": "co godzinę" * 1000},
        ]:
            r = self.client.post(self.url, data)
            self.assertEqual(r.status_code, 400)
            self.assertContains(r, "Popraw zaznaczone pola", status_code=400)
            self.assertNotContains(r, "<b>x</b>", status_code=400)
        self.follower.refresh_from_db()
        self.assertEqual(list(self.follower.topics.all()), [self.waste])

    def test_it_enforces_csrf(self):
        client = Client(enforce_csrf_checks=True)
        self.assertEqual(client.post(self.url, {"rhythm": "daily"}).status_code, 403)
        self.assertEqual(client.post(f"{self.url}usun/").status_code, 403)
        self.assertTrue(Follower.objects.filter(pk=self.follower.pk).exists())
        # RFC 8058 one-click: no cookies, no CSRF token.
        r = client.post(
            f"/obserwuj/wypisz/{self.follower.token}/email/",
            {"List-Unsubscribe": "One-Click"},
        )
        self.assertEqual(r.status_code, 200)
        self.follower.refresh_from_db()
        self.assertEqual(self.follower.email_state, ChannelState.UNSUBSCRIBED)

    def test_it_leaves_one_channel(self):
        r = self.client.post(f"/obserwuj/wypisz/{self.follower.token}/sms/")
        self.assertContains(r, "Wypisano")
        self.follower.refresh_from_db()
        self.assertEqual(self.follower.phone_state, ChannelState.UNSUBSCRIBED)
        self.assertEqual(self.follower.email_state, ChannelState.ACTIVE)
        self.assertTrue(self.follower.push_subscriptions.exists())
        r = self.client.get(self.url)
        self.assertNotContains(r, f"/obserwuj/wypisz/{self.follower.token}/sms/")

    def test_it_leaves_everything(self):
        self.client.post(f"/obserwuj/wypisz/{self.follower.token}/all/")
        self.follower.refresh_from_db()
        self.assertEqual(self.follower.email_state, ChannelState.UNSUBSCRIBED)
        self.assertEqual(self.follower.phone_state, ChannelState.UNSUBSCRIBED)
        self.assertFalse(self.follower.push_subscriptions.exists())
        self.pending.refresh_from_db()
        self.assertEqual(self.pending.state, Delivery.State.CANCELLED)

    def test_it_exports_my_data(self):
        r = self.client.get(f"{self.url}dane.json")
        self.assertEqual(r.status_code, 200)
        self.assertEqual(r["Content-Type"], "application/json; charset=utf-8")
        self.assertIn("attachment", r["Content-Disposition"])
        data = json.loads(r.content)
        self.assertEqual(data["e-mail"]["adres"], "jan@example.org")
        self.assertEqual(data["e-mail"]["stan"], "active")
        self.assertEqual(data["telefon"]["numer"], "+48600123456")
        self.assertEqual(data["tematy"], ["Odpady"])
        self.assertEqual(data["sołectwa"], "wszystkie")
        self.assertEqual(
            data["powiadomienia_w_przeglądarce"][0]["adres_usługi"],
            "https://push.example.org/abc",
        )
        self.assertEqual(data["zgody"][0]["treść"], "Zgadzam się…")
        self.assertEqual(data["zgody"][0]["źródło"], "formularz /obserwuj/")
        self.assertEqual([d["co"] for d in data["wysyłki"]], ["article:7", "article:8"])

    def test_it_erases_everything_after_confirmation(self):
        r = self.client.get(f"{self.url}usun/")
        self.assertContains(r, "Tak, usuń wszystkie moje dane")
        self.assertTrue(Follower.objects.filter(pk=self.follower.pk).exists())

        r = self.client.post(f"{self.url}usun/")
        self.assertContains(r, "Dane usunięte")
        self.assertFalse(Follower.objects.filter(pk=self.follower.pk).exists())
        self.assertFalse(Consent.objects.exists())
        self.assertFalse(PushSubscription.objects.exists())
        # Deliveries stay as history without personal data.
        for row in Delivery.objects.all():
            self.assertIsNone(row.follower_id)
            self.assertNotIn("jan@example.org", str(row.__dict__))
            self.assertNotIn("600123456", str(row.__dict__))
        self.pending.refresh_from_db()
        self.assertEqual(self.pending.state, Delivery.State.CANCELLED)
        self.assertEqual(self.client.get(self.url).status_code, 404)
