"""Publishing an article plans deliveries for exactly the followers it concerns."""

from datetime import datetime
from zoneinfo import ZoneInfo

import time_machine
from django.test import override_settings

from ratusz.fans.models import ChannelState, Follower, PushSubscription, Rhythm
from ratusz.outbox.models import Delivery
from ratusz.test import BaseTestCase, make_article, make_category, make_village
from ratusz.testing.smtp import SmtpSink
from ratusz.website.importers.common import importing_pages as importing
from ratusz.website.tasks import publish_scheduled_pages

WARSAW = ZoneInfo("Europe/Warsaw")


def follower(gmina, email="", phone="", topics=(), villages=(), **fields):
    f = Follower.objects.create(
        gmina=gmina,
        email=email,
        email_state=ChannelState.ACTIVE if email else "",
        phone=phone,
        phone_state=ChannelState.ACTIVE if phone else "",
        all_topics=not topics,
        all_villages=not villages,
        **fields,
    )
    f.topics.set(topics)
    f.villages.set(villages)
    return f


class PlanningTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.waste = make_category(cls.gmina, "Odpady")
        cls.roads = make_category(cls.gmina, "Drogi")
        cls.kamionka = make_village(cls.gmina, "Kamionka")
        cls.debina = make_village(cls.gmina, "Dębina")

    def recipients(self, article, channel="email"):
        return set(
            Delivery.objects.filter(
                item=f"article:{article.pk}", channel=channel
            ).values_list("follower__email", flat=True)
        )

    def test_it_matches_topics_and_villages(self):
        follower(self.gmina, "wszystko@example.org")
        follower(self.gmina, "odpady@example.org", topics=[self.waste])
        follower(self.gmina, "drogi@example.org", topics=[self.roads])
        follower(self.gmina, "kamionka@example.org", villages=[self.kamionka])
        follower(
            self.gmina,
            "debina-odpady@example.org",
            topics=[self.waste],
            villages=[self.debina],
        )
        follower(self.other_gmina, "obca@example.org")
        unconfirmed = follower(self.gmina, "niepotwierdzony@example.org")
        unconfirmed.email_state = ChannelState.PENDING
        unconfirmed.save()

        article = make_article(
            self.gmina,
            "Odbiór odpadów w Kamionce",
            category=self.waste,
            villages=[self.kamionka],
        )
        self.assertEqual(
            self.recipients(article),
            {"wszystko@example.org", "odpady@example.org", "kamionka@example.org"},
        )
        gmina_wide = make_article(
            self.gmina, "Harmonogram odpadów", category=self.waste
        )
        self.assertEqual(
            self.recipients(gmina_wide),
            {
                "wszystko@example.org",
                "odpady@example.org",
                "kamionka@example.org",
                "debina-odpady@example.org",
            },
        )

    def test_urgent_news_reaches_the_village_on_every_channel(self):
        follower(
            self.gmina, "drogi@example.org", phone="+48600100200", topics=[self.roads]
        )
        follower(self.gmina, "digest@example.org", email_rhythm=Rhythm.DAILY)
        far = follower(
            self.gmina,
            "debina@example.org",
            phone="+48600100300",
            villages=[self.debina],
        )
        PushSubscription.objects.create(
            follower=far, endpoint="https://push.example.org/x", p256dh="k", auth="a"
        )
        article = make_article(
            self.gmina,
            "Awaria wodociągu",
            category=self.waste,
            villages=[self.kamionka],
            is_urgent=True,
        )
        self.assertEqual(
            self.recipients(article), {"drogi@example.org", "digest@example.org"}
        )
        self.assertEqual(self.recipients(article, "sms"), {"drogi@example.org"})
        self.assertEqual(self.recipients(article, "push"), set())

    def test_sms_only_for_urgent_or_with_an_sms_text(self):
        follower(self.gmina, phone="+48600100200")
        plain = make_article(self.gmina, "Dożynki")
        self.assertEqual(Delivery.objects.filter(page=plain, channel="sms").count(), 0)
        with_text = make_article(
            self.gmina, "Dożynki 2", sms_text="Dożynki w sobotę o 14:00"
        )
        row = Delivery.objects.get(page=with_text, channel="sms")
        self.assertEqual(row.payload["text"], "Dożynki w sobotę o 14:00")

    def test_daily_digest_followers_wait_for_the_digest(self):
        follower(self.gmina, "digest@example.org", email_rhythm=Rhythm.DAILY)
        article = make_article(self.gmina, "Sesja rady")
        self.assertEqual(self.recipients(article), set())

    def test_editing_never_reposts_and_imports_are_silent(self):
        follower(self.gmina, "a@example.org")
        article = make_article(self.gmina, "Sesja rady")
        self.assertEqual(Delivery.objects.filter(page=article).count(), 1)
        follower(self.gmina, "b@example.org")
        article.title = "Sesja rady gminy (poprawione)"
        article.save_revision().publish()
        self.assertEqual(self.recipients(article), {"a@example.org"})

        with importing():
            imported = make_article(self.gmina, "Archiwum 2013")
        self.assertFalse(Delivery.objects.filter(page=imported).exists())

    def test_opted_out_article_plans_nothing(self):
        follower(self.gmina, "a@example.org")
        article = make_article(self.gmina, "Wewnętrzne", notify_followers=False)
        self.assertFalse(Delivery.objects.filter(page=article).exists())

    def test_a_draft_plans_nothing(self):
        follower(self.gmina, "a@example.org")
        article = make_article(self.gmina, "Szkic", publish=False)
        self.assertFalse(Delivery.objects.filter(page=article).exists())


class SendingTestCase(BaseTestCase):
    def setUp(self):
        self.sink = SmtpSink().start()
        self.addCleanup(self.sink.stop)
        overrides = override_settings(**self.sink.settings())
        overrides.enable()
        self.addCleanup(overrides.disable)

    def test_publishing_sends_one_email_per_follower(self):
        a = follower(self.gmina, "ala@example.org")
        follower(self.gmina, "olek@example.org")
        with self.captureOnCommitCallbacks(execute=True):
            article = make_article(
                self.gmina, "Zebranie wiejskie", lead="W piątek o 18:00."
            )
        self.assertEqual(len(self.sink.messages), 2)
        message = next(m for m in self.sink.messages if m["To"] == "ala@example.org")
        self.assertEqual(message["Subject"], "Zebranie wiejskie")
        self.assertIn("Gmina Zawada", message["From"])
        self.assertEqual(message["List-Unsubscribe-Post"], "List-Unsubscribe=One-Click")
        self.assertIn(f"/obserwuj/wypisz/{a.token}/email/", message["List-Unsubscribe"])
        self.assertEqual(
            message["Message-ID"],
            f"<article-{article.pk}.follower-{a.pk}.email@localhost>",
        )
        text = message.get_body(("plain",)).get_content()
        html = message.get_body(("html",)).get_content()
        self.assertIn("W piątek o 18:00.", text)
        self.assertIn(article.get_full_url(), text)
        self.assertIn('lang="pl"', html)
        rows = Delivery.objects.filter(page=article)
        self.assertEqual(set(rows.values_list("state", flat=True)), {"sent"})
        self.assertTrue(all(r.sent_at for r in rows))

        with self.captureOnCommitCallbacks(execute=True):
            article.save_revision().publish()
        self.assertEqual(len(self.sink.messages), 2)

    def test_a_scheduled_article_is_sent_when_it_goes_live_not_before(self):
        # Wagtail sends page_published when a page is only scheduled; rows
        # planned then were cancelled (not live) and blocked the real send.
        follower(self.gmina, "ala@example.org")
        with time_machine.travel(datetime(2026, 3, 9, 23, 0, tzinfo=WARSAW)):
            with self.captureOnCommitCallbacks(execute=True):
                article = make_article(
                    self.gmina,
                    "Od jutra objazd przez Kamionkę",
                    go_live_at=datetime(2026, 3, 10, 7, 0, tzinfo=WARSAW),
                )
        self.assertFalse(article.live)
        self.assertFalse(Delivery.objects.filter(page=article).exists())
        self.assertEqual(self.sink.messages, [])

        with time_machine.travel(datetime(2026, 3, 10, 7, 0, 30, tzinfo=WARSAW)):
            with self.captureOnCommitCallbacks(execute=True):
                publish_scheduled_pages()
        self.assertEqual(len(self.sink.messages), 1)
        self.assertEqual(self.sink.messages[0]["To"], "ala@example.org")

    def test_html_in_titles_is_escaped_in_the_html_part(self):
        follower(self.gmina, "ala@example.org")
        with self.captureOnCommitCallbacks(execute=True):
            make_article(self.gmina, "<script>alert(1)</script> Zebranie")
        html = self.sink.messages[0].get_body(("html",)).get_content()
        self.assertNotIn("<script>", html)
        self.assertIn("&lt;script&gt;", html)
