"""`pushsubscriptionchange` on the server, and the endpoints' rate limits."""

import json

from django.core.cache import cache
from django.test import Client, override_settings
from django.utils.html import escapejs

from ratusz.fans.models import Consent, Follower, PushSubscription
from ratusz.integrations.webpush import vapid
from ratusz.outbox.models import Channel, Delivery
from ratusz.test import BaseTestCase, make_article, make_category, make_village

from .test_subscribe import SUBSCRIBE, UNSUBSCRIBE, browser_subscription

RESUBSCRIBE = "/powiadomienia/odnow/"
State = Delivery.State


class ResubscribeTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.roads = make_category(cls.gmina, "Drogi")
        cls.kamionka = make_village(cls.gmina, "Kamionka")
        cls.follower = Follower.objects.create(
            gmina=cls.gmina, all_topics=False, all_villages=False
        )
        cls.follower.topics.set([cls.roads])
        cls.follower.villages.set([cls.kamionka])
        old = browser_subscription(1)
        cls.old = PushSubscription.objects.create(
            follower=cls.follower,
            endpoint=old["endpoint"],
            p256dh=old["keys"]["p256dh"],
            auth=old["keys"]["auth"],
        )

    def setUp(self):
        cache.clear()
        # The service worker has no CSRF token and sends no cookie.
        self.client = Client(enforce_csrf_checks=True)

    def post(self, data, host="localhost", **extra):
        return self.client.post(
            RESUBSCRIBE,
            data=json.dumps(data),
            content_type="application/json",
            HTTP_HOST=host,
            **extra,
        )

    def test_it_replaces_the_old_row_and_keeps_the_followers_choices(self):
        article = make_article(self.gmina, "Remont drogi")
        waiting = Delivery.objects.create(
            gmina=self.gmina,
            item=f"article:{article.pk}",
            page=article,
            channel=Channel.PUSH,
            recipient=f"push:{self.old.pk}",
            follower=self.follower,
            push_subscription=self.old,
        )
        new = browser_subscription(2)
        response = self.post({"old_endpoint": self.old.endpoint, "subscription": new})
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual(response.json(), {"ok": True})
        subscription = PushSubscription.objects.get()
        self.assertEqual(subscription.pk, self.old.pk)
        self.assertEqual(
            (subscription.endpoint, subscription.p256dh, subscription.auth),
            (new["endpoint"], new["keys"]["p256dh"], new["keys"]["auth"]),
        )
        self.assertEqual(subscription.follower, self.follower)
        self.assertEqual(list(self.follower.topics.all()), [self.roads])
        self.assertEqual(list(self.follower.villages.all()), [self.kamionka])
        # The waiting message goes to the new endpoint; no consent is invented.
        waiting.refresh_from_db()
        self.assertEqual(
            (waiting.state, waiting.push_subscription_id),
            (State.PENDING, subscription.pk),
        )
        self.assertFalse(Consent.objects.exists())
        # Done once: the old endpoint is unknown from now on.
        again = self.post({"old_endpoint": self.old.endpoint, "subscription": new})
        self.assertEqual(again.status_code, 404)

    def test_it_accepts_only_a_known_old_endpoint(self):
        new = browser_subscription(2)
        response = self.post(
            {
                "old_endpoint": "https://fcm.googleapis.com/fcm/send/zgadniety",
                "subscription": new,
            }
        )
        self.assertEqual(response.status_code, 404)
        self.assertEqual(response.json()["error"], "Nieznana subskrypcja.")
        self.assertEqual(
            list(PushSubscription.objects.values_list("endpoint", flat=True)),
            [self.old.endpoint],
        )

    def test_it_checks_ownership(self):
        # The old endpoint is known, but to another gmina's site.
        response = self.post(
            {
                "old_endpoint": self.old.endpoint,
                "subscription": browser_subscription(2),
            },
            host="brzezie.localhost",
        )
        self.assertEqual(response.status_code, 404)
        self.old.refresh_from_db()
        self.assertEqual(self.old.endpoint, browser_subscription(1)["endpoint"])

    def test_it_drops_a_duplicate_the_page_stored_first(self):
        new = browser_subscription(2)
        stranger = Follower.objects.create(gmina=self.gmina)
        PushSubscription.objects.create(
            follower=stranger, endpoint=new["endpoint"], p256dh="x", auth="y"
        )
        response = self.post({"old_endpoint": self.old.endpoint, "subscription": new})
        self.assertEqual(response.status_code, 200)
        self.assertEqual(
            list(PushSubscription.objects.values_list("pk", "endpoint", "follower")),
            [(self.old.pk, new["endpoint"], self.follower.pk)],
        )

    def test_it_refuses_a_new_endpoint_of_another_gmina(self):
        new = browser_subscription(2)
        other = Follower.objects.create(gmina=self.other_gmina)
        PushSubscription.objects.create(
            follower=other, endpoint=new["endpoint"], p256dh="x", auth="y"
        )
        response = self.post({"old_endpoint": self.old.endpoint, "subscription": new})
        self.assertEqual(response.status_code, 409)
        self.assertEqual(
            response.json()["error"], "Ta subskrypcja należy do innej gminy."
        )
        self.assertEqual(PushSubscription.objects.count(), 2)

    def test_it_rejects_bad_input_with_polish_messages(self):
        new = browser_subscription(2)
        cases = [
            ({"subscription": new}, "Nieprawidłowy adres poprzedniej subskrypcji."),
            ({"old_endpoint": self.old.endpoint}, "Nieprawidłowe dane subskrypcji."),
            (
                {
                    "old_endpoint": self.old.endpoint,
                    "subscription": {**new, "endpoint": "http://push.example/x"},
                },
                "Adres subskrypcji musi zaczynać się od https://.",
            ),
            (
                {
                    "old_endpoint": self.old.endpoint,
                    "subscription": {**new, "keys": {"p256dh": "AAAA", "auth": "x"}},
                },
                "Nieprawidłowy klucz subskrypcji.",
            ),
        ]
        for data, message in cases:
            with self.subTest(message=message):
                response = self.post(data)
                self.assertEqual(response.status_code, 400)
                self.assertEqual(response.json()["error"], message)
        raw = self.client.post(
            RESUBSCRIBE, data=b"\xff{", content_type="application/json"
        )
        self.assertEqual(raw.status_code, 400)
        self.old.refresh_from_db()
        self.assertEqual(self.old.endpoint, browser_subscription(1)["endpoint"])

    def test_it_only_accepts_post(self):
        self.assertEqual(self.client.get(RESUBSCRIBE).status_code, 405)


@override_settings(WEBPUSH_RATE_PER_IP=3, WEBPUSH_RATE_PERIOD=600)
class RateLimitTests(BaseTestCase):
    def setUp(self):
        cache.clear()
        self.addCleanup(cache.clear)

    def post(self, url, data, ip="203.0.113.7", **extra):
        return self.client.post(
            url,
            data=json.dumps(data),
            content_type="application/json",
            REMOTE_ADDR=ip,
            **extra,
        )

    def test_it_limits_subscribing_per_client_address(self):
        for n in range(3):
            response = self.post(SUBSCRIBE, {"subscription": browser_subscription(n)})
            self.assertEqual(response.status_code, 201)
        response = self.post(SUBSCRIBE, {"subscription": browser_subscription(9)})
        self.assertEqual(response.status_code, 429)
        self.assertEqual(
            response.json()["error"],
            "Zbyt wiele prób. Spróbuj ponownie za kilka minut.",
        )
        self.assertEqual(response["Retry-After"], "600")
        self.assertEqual(PushSubscription.objects.count(), 3)
        # Another address has its own count.
        other = self.post(
            SUBSCRIBE, {"subscription": browser_subscription(9)}, ip="198.51.100.2"
        )
        self.assertEqual(other.status_code, 201)

    def test_it_counts_bad_requests_too(self):
        for _ in range(3):
            self.assertEqual(self.post(SUBSCRIBE, {}).status_code, 400)
        response = self.post(SUBSCRIBE, {"subscription": browser_subscription()})
        self.assertEqual(response.status_code, 429)
        self.assertFalse(PushSubscription.objects.exists())

    def test_it_limits_unsubscribing_and_resubscribing(self):
        for url in (UNSUBSCRIBE, RESUBSCRIBE):
            with self.subTest(url=url):
                for _ in range(3):
                    self.assertNotEqual(
                        self.post(url, {"endpoint": "https://x.example/1"}).status_code,
                        429,
                    )
                self.assertEqual(
                    self.post(url, {"endpoint": "https://x.example/1"}).status_code, 429
                )

    @override_settings(RATUSZ_TRUSTED_PROXIES=["127.0.0.1"])
    def test_behind_the_proxy_it_counts_the_resident_not_the_proxy(self):
        for n in range(3):
            response = self.post(
                SUBSCRIBE,
                {"subscription": browser_subscription(n)},
                ip="127.0.0.1",
                HTTP_X_FORWARDED_FOR=f"192.0.2.{n}",
            )
            self.assertEqual(response.status_code, 201)
        # A client cannot reset its count by writing its own header's start.
        statuses = [
            self.post(
                SUBSCRIBE,
                {"subscription": browser_subscription(20 + n)},
                ip="127.0.0.1",
                HTTP_X_FORWARDED_FOR=f"10.0.0.{n}, 192.0.2.50",
            ).status_code
            for n in range(4)
        ]
        self.assertEqual(statuses, [201, 201, 201, 429])


class ServiceWorkerTests(BaseTestCase):
    def test_it_handles_a_replaced_subscription(self):
        response = self.client.get("/sw.js")
        self.assertEqual(response.status_code, 200)
        script = response.content.decode()
        self.assertIn('self.addEventListener("pushsubscriptionchange"', script)
        self.assertIn(
            f'var APPLICATION_SERVER_KEY = "{escapejs(vapid.keys().public_key)}";',
            script,
        )
        self.assertIn(f'var RESUBSCRIBE_URL = "{RESUBSCRIBE}";', script)
