"""The endpoints the button calls: a browser's subscription becomes a
follower of the site's gmina with a recorded consent; "Wyłącz" forgets it."""

import json

from django.core.cache import cache
from django.template import Context, Template
from django.test import Client, RequestFactory

from ratusz.fans.consent import push_consent_text
from ratusz.fans.models import Consent, Follower, PushSubscription
from ratusz.integrations.webpush import vapid
from ratusz.outbox.models import Delivery
from ratusz.test import BaseTestCase, make_article, make_category, make_village

from .pushservice import PushService

SUBSCRIBE = "/powiadomienia/subskrypcja/"
UNSUBSCRIBE = "/powiadomienia/wypisz/"


def browser_subscription(n=1) -> dict:
    """What PushSubscription.toJSON() gives, with real browser-like keys."""
    info = PushService().subscribe()
    endpoint = f"https://fcm.googleapis.com/fcm/send/abc{n}:APA91b{n}"
    return {"endpoint": endpoint, "expirationTime": None, "keys": info["keys"]}


class SubscribeTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.roads = make_category(cls.gmina, "Drogi")
        cls.kamionka = make_village(cls.gmina, "Kamionka")
        cls.foreign = make_category(cls.other_gmina, "Obca kategoria")

    def setUp(self):
        cache.clear()  # the endpoints' rate limits count in the cache

    def post(self, data, url=SUBSCRIBE, host="localhost", client=None):
        return (client or self.client).post(
            url,
            data=json.dumps(data) if not isinstance(data, bytes) else data,
            content_type="application/json",
            HTTP_HOST=host,
        )

    def test_it_stores_the_subscription_follower_and_consent(self):
        sub = browser_subscription()
        response = self.post(
            {
                "subscription": sub,
                "topics": [str(self.roads.pk)],
                "villages": [self.kamionka.pk],
                "page": "/obserwuj/",
            }
        )
        self.assertEqual(response.status_code, 201, response.content)
        self.assertEqual(
            response.json()["message"], "Powiadomienia w tej przeglądarce są włączone."
        )
        subscription = PushSubscription.objects.get()
        self.assertEqual(subscription.endpoint, sub["endpoint"])
        self.assertEqual(subscription.p256dh, sub["keys"]["p256dh"])
        self.assertEqual(subscription.auth, sub["keys"]["auth"])
        follower = subscription.follower
        self.assertEqual(follower.gmina, self.gmina)
        self.assertFalse(follower.all_topics)
        self.assertEqual(list(follower.topics.all()), [self.roads])
        self.assertFalse(follower.all_villages)
        self.assertEqual(list(follower.villages.all()), [self.kamionka])
        consent = Consent.objects.get()
        self.assertEqual(
            (consent.follower, consent.channel, consent.action, consent.text_version),
            (follower, "push", "given", "push-1"),
        )
        self.assertIn("od Gminy Zawada", consent.text)
        self.assertEqual(consent.source, "przycisk powiadomień: localhost/obserwuj/")
        self.assertTrue(Follower.objects.fans().filter(pk=follower.pk).exists())

    def test_it_uses_the_gmina_of_the_site(self):
        response = self.post(
            {"subscription": browser_subscription()}, host="brzezie.localhost"
        )
        self.assertEqual(response.status_code, 201)
        follower = Follower.objects.get()
        self.assertEqual(follower.gmina, self.other_gmina)
        self.assertTrue(follower.all_topics and follower.all_villages)

    def test_it_updates_a_browser_that_subscribes_again(self):
        sub = browser_subscription()
        self.post({"subscription": sub})
        renewed = {**sub, "keys": browser_subscription()["keys"]}
        response = self.post({"subscription": renewed, "topics": [self.roads.pk]})
        self.assertEqual(response.status_code, 201)
        subscription = PushSubscription.objects.get()
        self.assertEqual(subscription.p256dh, renewed["keys"]["p256dh"])
        self.assertEqual(Follower.objects.count(), 1)
        self.assertEqual(list(subscription.follower.topics.all()), [self.roads])
        self.assertEqual(Consent.objects.count(), 2)

    def test_it_joins_the_follower_of_a_private_link(self):
        follower = Follower.objects.create(
            gmina=self.gmina, email="ala@example.org", email_state="active"
        )
        response = self.post(
            {"subscription": browser_subscription(), "follower": follower.token}
        )
        self.assertEqual(response.status_code, 201)
        self.assertEqual(PushSubscription.objects.get().follower, follower)
        self.assertEqual(Follower.objects.count(), 1)

    def test_it_refuses_an_endpoint_of_another_gmina(self):
        sub = browser_subscription()
        self.post({"subscription": sub}, host="brzezie.localhost")
        response = self.post({"subscription": sub})
        self.assertEqual(response.status_code, 409)
        self.assertEqual(
            response.json()["error"], "Ta subskrypcja należy do innej gminy."
        )
        self.assertEqual(
            PushSubscription.objects.get().follower.gmina, self.other_gmina
        )

    def test_it_rejects_bad_input_with_polish_messages(self):
        good = browser_subscription()
        cases = [
            (b"nie json", "Nieprawidłowe dane subskrypcji."),
            ({"subscription": "x"}, "Nieprawidłowe dane subskrypcji."),
            (
                {"subscription": {**good, "endpoint": "http://push.example/x"}},
                "Adres subskrypcji musi zaczynać się od https://.",
            ),
            (
                {"subscription": {**good, "endpoint": "javascript:alert(1)"}},
                "Nieprawidłowy adres subskrypcji.",
            ),
            (
                {"subscription": {**good, "keys": {"p256dh": "AAAA", "auth": "x"}}},
                "Nieprawidłowy klucz subskrypcji.",
            ),
            (
                {"subscription": {"endpoint": good["endpoint"]}},
                "To pole jest wymagane.",
            ),
            (
                {"subscription": good, "topics": [self.foreign.pk]},
                "Wybrano temat lub sołectwo spoza tej gminy.",
            ),
            ({"subscription": good, "topics": ["x"]}, None),
        ]
        for data, message in cases:
            with self.subTest(data=data):
                response = self.post(data)
                self.assertEqual(response.status_code, 400)
                if message:
                    self.assertEqual(response.json()["error"], message)
        self.assertFalse(PushSubscription.objects.exists())
        self.assertFalse(Follower.objects.exists())

    def test_it_accepts_only_known_push_services(self):
        good = browser_subscription()
        accepted = [
            "https://fcm.googleapis.com/fcm/send/a:b",
            "https://updates.push.services.mozilla.com/wpush/v2/gAAA",
            "https://web.push.apple.com/QGuQyavX",
            "https://wns2-par02p.notify.windows.com/w/?token=BQYAAA",
        ]
        refused = [
            "https://127.0.0.1/push",
            "https://[::1]/push",
            "https://169.254.169.254/latest/meta-data/",
            "https://attacker.example/push",
            "https://fcm.googleapis.com.attacker.example/x",
            "https://evilpush.apple.com/x",
            "https://push.apple.com.evil/x",
            "https://fcm.googleapis.com:8443/x",
            "https://user:pw@fcm.googleapis.com/x",
            "https://localhost/x",
        ]
        for endpoint in accepted:
            with self.subTest(endpoint=endpoint):
                sub = {**good, "endpoint": endpoint}
                response = self.post({"subscription": sub})
                self.assertEqual(response.status_code, 201, response.content)
        for endpoint in refused:
            with self.subTest(endpoint=endpoint):
                response = self.post({"subscription": {**good, "endpoint": endpoint}})
                self.assertEqual(response.status_code, 400)
                self.assertEqual(
                    response.json()["error"],
                    "Adres subskrypcji nie należy do znanej usługi powiadomień.",
                )
        self.assertEqual(PushSubscription.objects.count(), len(accepted))

    def test_tests_may_allow_their_loopback_push_service(self):
        sub = {**browser_subscription(), "endpoint": "https://127.0.0.1/push/1"}
        with self.settings(WEBPUSH_ALLOWED_HOSTS=["127.0.0.1"]):
            self.assertEqual(self.post({"subscription": sub}).status_code, 201)

    def test_it_answers_400_to_deep_or_large_json(self):
        deep = b"[" * 8000 + b"]" * 8000  # under 16 kB
        nested = {"subscription": browser_subscription()}
        for _ in range(20):
            nested = {"a": nested}
        cases = [
            (deep, "Przesłane dane są zbyt zagnieżdżone."),
            (
                b'{"a":' * 2500 + b"1" + b"}" * 2500,
                "Przesłane dane są zbyt zagnieżdżone.",
            ),
            (nested, "Przesłane dane są zbyt zagnieżdżone."),
            (
                b'{"x": "' + b"a" * 20000 + b'"}',
                "Przesłane dane są za duże (najwyżej 16 kB).",
            ),
        ]
        for url in (SUBSCRIBE, UNSUBSCRIBE, "/powiadomienia/odnow/"):
            for data, message in cases:
                with self.subTest(url=url, size=len(str(data))):
                    cache.clear()
                    response = self.post(data, url=url)
                    self.assertEqual(response.status_code, 400)
                    self.assertEqual(response.json()["error"], message)
        self.assertFalse(PushSubscription.objects.exists())

    def test_it_requires_the_csrf_token(self):
        client = Client(enforce_csrf_checks=True)
        data = {"subscription": browser_subscription()}
        self.assertEqual(self.post(data, client=client).status_code, 403)
        client.get("/")  # any page would do; the token comes with the form
        token = _csrf_token(client)
        response = client.post(
            SUBSCRIBE,
            data=json.dumps(data),
            content_type="application/json",
            HTTP_X_CSRFTOKEN=token,
        )
        self.assertEqual(response.status_code, 201)

    def test_it_only_accepts_post(self):
        self.assertEqual(self.client.get(SUBSCRIBE).status_code, 405)
        self.assertEqual(self.client.get(UNSUBSCRIBE).status_code, 405)

    def test_it_unsubscribes_and_cancels_pending_messages(self):
        sub = browser_subscription()
        self.post({"subscription": sub})
        other = browser_subscription(2)
        self.post({"subscription": other})
        article = make_article(self.gmina, "Zebranie")
        self.assertEqual(
            Delivery.objects.filter(item=f"article:{article.pk}").count(), 2
        )

        response = self.post({"endpoint": sub["endpoint"]}, url=UNSUBSCRIBE)

        self.assertEqual(response.status_code, 200)
        self.assertEqual(
            response.json()["message"], "Powiadomienia w tej przeglądarce są wyłączone."
        )
        self.assertEqual(
            list(PushSubscription.objects.values_list("endpoint", flat=True)),
            [other["endpoint"]],
        )
        states = sorted(
            Delivery.objects.filter(item=f"article:{article.pk}").values_list(
                "state", flat=True
            )
        )
        self.assertEqual(states, ["cancelled", "pending"])
        withdrawn = Consent.objects.get(action="withdrawn")
        self.assertEqual(withdrawn.channel, "push")
        # Twice is harmless; another gmina's site cannot remove it.
        self.assertEqual(
            self.post({"endpoint": sub["endpoint"]}, url=UNSUBSCRIBE).status_code, 200
        )
        self.post(
            {"endpoint": other["endpoint"]}, url=UNSUBSCRIBE, host="brzezie.localhost"
        )
        self.assertEqual(PushSubscription.objects.count(), 1)
        self.assertEqual(Consent.objects.filter(action="withdrawn").count(), 1)

    def test_it_rejects_an_unsubscribe_without_an_endpoint(self):
        response = self.post({"endpoint": "nic"}, url=UNSUBSCRIBE)
        self.assertEqual(response.status_code, 400)
        self.assertEqual(response.json()["error"], "Nieprawidłowy adres subskrypcji.")


def _csrf_token(client) -> str:
    from django.conf import settings
    from django.middleware.csrf import _get_new_csrf_string

    if settings.CSRF_COOKIE_NAME not in client.cookies:
        client.cookies[settings.CSRF_COOKIE_NAME] = _get_new_csrf_string()
    return client.cookies[settings.CSRF_COOKIE_NAME].value


class ServiceWorkerTests(BaseTestCase):
    def test_it_serves_the_service_worker_for_the_whole_site(self):
        response = self.client.get("/sw.js")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "text/javascript; charset=utf-8")
        self.assertEqual(response["Service-Worker-Allowed"], "/")
        self.assertEqual(response["Cache-Control"], "no-cache")
        body = response.content.decode()
        self.assertIn("showNotification", body)
        self.assertIn("openWindow", body)
        self.assertEqual(self.client.post("/sw.js").status_code, 405)


class TemplateTests(BaseTestCase):
    def test_it_renders_the_button_for_javascript_and_explains_without(self):
        request = RequestFactory().get("/obserwuj/", HTTP_HOST="localhost")
        request.csp_nonce = "n0nce"
        html = Template('<form>{% include "webpush/subscribe.html" %}</form>').render(
            Context({"request": request, "gmina": self.gmina, "csrf_token": "t"})
        )
        self.assertIn("Włącz powiadomienia w tej przeglądarce", html)
        self.assertIn("działają tylko z włączonym JavaScriptem", html)
        self.assertIn("data-webpush-controls hidden", html)
        self.assertIn(f'data-public-key="{vapid.keys().public_key}"', html)
        self.assertIn('data-subscribe-url="/powiadomienia/subskrypcja/"', html)
        self.assertIn('src="/static/js/webpush.js" defer nonce="n0nce"', html)
        self.assertIn(push_consent_text(self.gmina), html)
        self.assertIn('type="button" data-webpush-on', html)
        self.assertNotIn("onclick", html)
