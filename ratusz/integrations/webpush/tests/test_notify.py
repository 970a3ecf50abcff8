"""Publishing an article pushes it, encrypted and signed, to every subscribed
browser through the outbox; the push service's answers are handled as RFC 8030
says: 404/410 forget the subscription, 429/5xx are retried later."""

from datetime import timedelta

import time_machine
from django.test import override_settings
from django.utils import timezone

from ratusz.fans.models import Follower, PushSubscription
from ratusz.integrations.webpush import vapid
from ratusz.lib.source_links import with_source
from ratusz.outbox import services as outbox
from ratusz.outbox.models import Delivery
from ratusz.test import BaseTestCase, make_article, make_category

from .pushservice import PushService

LOOPBACK = override_settings(HTTP_ALLOW_PRIVATE_HOSTS=["127.0.0.1"])


def subscribe(gmina, service, **fields) -> PushSubscription:
    info = service.subscribe()
    follower = Follower.objects.create(gmina=gmina, **fields)
    return PushSubscription.objects.create(
        follower=follower,
        endpoint=info["endpoint"],
        p256dh=info["keys"]["p256dh"],
        auth=info["keys"]["auth"],
    )


def push_rows(article):
    return Delivery.objects.filter(item=f"article:{article.pk}", channel="push")


class PushTestCase(BaseTestCase):
    def setUp(self):
        self.service = PushService(vapid_public_key=vapid.keys().public_key)
        self.service.__enter__()
        self.addCleanup(self.service.__exit__)

    def publish(self, title="Remont drogi w Kamionce", **fields):
        return make_article(
            self.gmina, title, lead="Od poniedziałku droga jest zamknięta.", **fields
        )


@LOOPBACK
class DeliveryTests(PushTestCase):
    def test_it_delivers_a_decryptable_article_to_every_subscription(self):
        first = subscribe(self.gmina, self.service)
        second = subscribe(self.gmina, self.service)
        subscribe(self.other_gmina, self.service)
        article = self.publish()
        self.assertEqual(push_rows(article).count(), 2)

        tally = outbox.deliver_due()

        self.assertEqual(tally["sent"], 2, tally)
        self.assertEqual(self.service.problems, [])
        self.assertEqual(len(self.service.received), 2)
        paths = {r["path"] for r in self.service.received}
        self.assertEqual(
            paths,
            {
                first.endpoint.removeprefix(self.service.origin),
                second.endpoint.removeprefix(self.service.origin),
            },
        )
        record = self.service.received[0]
        payload = record["payload"]
        self.assertEqual(payload["title"], "Remont drogi w Kamionce")
        self.assertEqual(payload["body"], "Od poniedziałku droga jest zamknięta.")
        self.assertEqual(payload["url"], with_source(article.get_full_url(), "push"))
        self.assertTrue(payload["url"].startswith("http://localhost"))
        self.assertTrue(payload["icon"].endswith("/static/img/favicon.svg"))
        self.assertEqual(record["ttl"], 48 * 3600)
        self.assertEqual(record["urgency"], "normal")
        self.assertEqual(record["claims"]["aud"], self.service.origin)
        self.assertEqual(record["claims"]["sub"], "mailto:ratusz@localhost")
        for row in push_rows(article):
            self.assertEqual(row.state, Delivery.State.SENT)
            self.assertTrue(row.remote_id.startswith(self.service.origin + "/m/"))

    def test_it_marks_urgent_announcements_high(self):
        subscribe(self.gmina, self.service)
        self.publish("Awaria wodociągu", is_urgent=True)
        outbox.deliver_due()
        self.assertEqual(self.service.problems, [])
        self.assertEqual(self.service.received[0]["urgency"], "high")

    def test_it_sends_only_to_subscribers_of_the_article_topic(self):
        waste = make_category(self.gmina, "Odpady")
        roads = make_category(self.gmina, "Drogi")
        wants_roads = subscribe(self.gmina, self.service, all_topics=False)
        wants_roads.follower.topics.set([roads])
        wants_waste = subscribe(self.gmina, self.service, all_topics=False)
        wants_waste.follower.topics.set([waste])
        article = self.publish(category=roads)
        outbox.deliver_due()
        self.assertEqual(
            [r.push_subscription_id for r in push_rows(article)], [wants_roads.pk]
        )
        self.assertEqual(len(self.service.received), 1)

    def test_it_removes_the_subscription_on_410_and_404(self):
        gone = subscribe(self.gmina, self.service)
        unknown = subscribe(self.gmina, self.service)
        kept = subscribe(self.gmina, self.service)
        self.service.answer(gone.endpoint, 410, text="Subscription expired")
        # The push service has never heard of it: 404.
        del self.service.subscribers[unknown.endpoint.removeprefix(self.service.origin)]
        article = self.publish()

        tally = outbox.deliver_due()

        self.assertEqual((tally["sent"], tally["failed"]), (1, 2), tally)
        self.assertEqual(
            list(PushSubscription.objects.values_list("pk", flat=True)), [kept.pk]
        )
        failed = push_rows(article).filter(state=Delivery.State.FAILED)
        self.assertEqual(failed.count(), 2)
        for row in failed:
            self.assertEqual(row.attempts, 1)
            self.assertIn("usunięto", row.error)
            self.assertIsNone(row.push_subscription_id)
        self.assertIn("(410)", " ".join(r.error for r in failed))
        self.assertIn("(404)", " ".join(r.error for r in failed))
        # The next article goes only to the browser that is still there.
        later = self.publish("Zebranie wiejskie")
        self.assertEqual(push_rows(later).count(), 1)

    def test_it_retries_a_429_after_the_retry_after(self):
        subscription = subscribe(self.gmina, self.service)
        self.service.answer(subscription.endpoint, 429, {"Retry-After": "600"})
        article = self.publish()
        start = timezone.now()

        tally = outbox.deliver_due()

        self.assertEqual(tally["retry"], 1, tally)
        row = push_rows(article).get()
        self.assertEqual((row.state, row.attempts), (Delivery.State.PENDING, 1))
        self.assertIn("(429)", row.error)
        self.assertGreaterEqual(row.next_attempt_at, start + timedelta(seconds=600))
        self.assertTrue(PushSubscription.objects.filter(pk=subscription.pk).exists())
        self.assertEqual(outbox.deliver_due()["sent"], 0)  # not due yet

        with time_machine.travel(row.next_attempt_at + timedelta(seconds=1)):
            tally = outbox.deliver_due()
        self.assertEqual(tally["sent"], 1, tally)
        row.refresh_from_db()
        self.assertEqual((row.state, row.attempts), (Delivery.State.SENT, 2))
        self.assertEqual(len(self.service.received), 1)
        self.assertEqual(self.service.problems, [])

    def test_it_retries_a_server_error(self):
        subscription = subscribe(self.gmina, self.service)
        self.service.answer(subscription.endpoint, 500, text="Internal error")
        self.service.answer(subscription.endpoint, 503, text="Try later")
        article = self.publish()
        outbox.deliver_due()
        row = push_rows(article).get()
        self.assertEqual(row.state, Delivery.State.PENDING)
        self.assertIn("(500)", row.error)
        with time_machine.travel(row.next_attempt_at + timedelta(seconds=1)):
            outbox.deliver_due()
        row.refresh_from_db()
        self.assertEqual((row.state, row.attempts), (Delivery.State.PENDING, 2))
        self.assertIn("(503)", row.error)
        with time_machine.travel(row.next_attempt_at + timedelta(seconds=1)):
            outbox.deliver_due()
        row.refresh_from_db()
        self.assertEqual((row.state, row.attempts), (Delivery.State.SENT, 3))

    def test_it_fails_other_4xx_at_once_with_the_reason(self):
        subscription = subscribe(self.gmina, self.service)
        self.service.answer(subscription.endpoint, 400, text="Bad crypto-key")
        article = self.publish()
        outbox.deliver_due()
        row = push_rows(article).get()
        self.assertEqual((row.state, row.attempts), (Delivery.State.FAILED, 1))
        self.assertEqual(
            row.error, "Usługa powiadomień odrzuciła wiadomość (400) (Bad crypto-key)."
        )
        self.assertTrue(PushSubscription.objects.filter(pk=subscription.pk).exists())

    def test_it_fails_when_the_push_service_rejects_the_vapid_key(self):
        self.service.vapid_public_key = "B" + "A" * 86  # not our key: 403
        subscribe(self.gmina, self.service)
        article = self.publish()
        outbox.deliver_due()
        row = push_rows(article).get()
        self.assertEqual(row.state, Delivery.State.FAILED)
        self.assertIn("VAPID", row.error)
        self.assertEqual(
            self.service.problems, ["403 Key does not match the subscription's"]
        )

    @override_settings(WEBPUSH_TIMEOUT=0.5)
    def test_it_retries_when_the_push_service_does_not_answer(self):
        subscribe(self.gmina, self.service)
        self.service.delay = 1.5
        article = self.publish()
        outbox.deliver_due()
        row = push_rows(article).get()
        self.assertEqual(row.state, Delivery.State.PENDING)
        self.assertEqual(row.error, "Usługa powiadomień nie odpowiedziała na czas.")

    def test_it_fails_a_subscription_with_broken_keys_without_sending(self):
        subscription = subscribe(self.gmina, self.service)
        PushSubscription.objects.filter(pk=subscription.pk).update(p256dh="AAAA")
        article = self.publish()
        outbox.deliver_due()
        row = push_rows(article).get()
        self.assertEqual(row.state, Delivery.State.FAILED)
        self.assertIn("klucze", row.error)
        self.assertEqual(self.service.hits, [])


class SsrfTests(PushTestCase):
    @override_settings(HTTP_ALLOW_PRIVATE_HOSTS=[])
    def test_it_refuses_an_endpoint_on_loopback_without_the_allowance(self):
        subscription = subscribe(self.gmina, self.service)
        article = self.publish()
        tally = outbox.deliver_due()
        self.assertEqual(tally["failed"], 1, tally)
        row = push_rows(article).get()
        self.assertEqual(row.state, Delivery.State.FAILED)
        self.assertIn("sieci wewnętrznej", row.error)
        self.assertEqual(self.service.hits, [])
        # Not the browser's fault: the subscription stays.
        self.assertTrue(PushSubscription.objects.filter(pk=subscription.pk).exists())
