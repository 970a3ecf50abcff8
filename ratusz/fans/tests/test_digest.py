"""The daily digest: planned at the gmina's hour, one e-mail per reader with
the matching articles since their previous digest, sent through the outbox."""

import zoneinfo
from datetime import datetime

import time_machine
from django.test import override_settings

from ratusz.fans import digest, following, tasks
from ratusz.fans.models import ChannelState, FanSettings, Follower, Rhythm
from ratusz.gminas import services as gmina_services
from ratusz.gminas.models import Membership
from ratusz.outbox import services as outbox
from ratusz.outbox.models import Delivery
from ratusz.test import (
    BaseTestCase,
    make_article,
    make_category,
    make_user,
    make_village,
)
from ratusz.testing.smtp import SmtpSink

WARSAW = zoneinfo.ZoneInfo("Europe/Warsaw")


def at(day, hour, minute=0):
    return datetime(2026, 11, day, hour, minute, tzinfo=WARSAW)


def reader(gmina, email, topics=(), villages=(), rhythm=Rhythm.DAILY, **fields):
    f = Follower.objects.create(
        gmina=gmina,
        email=email,
        email_state=fields.pop("email_state", ChannelState.ACTIVE),
        email_rhythm=rhythm,
        all_topics=not topics,
        all_villages=not villages,
        created_at=at(1, 8),
        **fields,
    )
    f.topics.set(topics)
    f.villages.set(villages)
    return f


class DigestTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.waste = make_category(cls.gmina, "Odpady")
        cls.roads = make_category(cls.gmina, "Drogi")
        cls.urgent = make_category(cls.gmina, "Komunikaty", is_urgent=True)
        cls.kamionka = make_village(cls.gmina, "Kamionka")
        cls.debina = make_village(cls.gmina, "Dębina")

    def setUp(self):
        self.sink = SmtpSink().start()
        self.addCleanup(self.sink.stop)
        overrides = override_settings(**self.sink.settings())
        overrides.enable()
        self.addCleanup(overrides.disable)

    def publish(self, when, title, **fields):
        with time_machine.travel(when, tick=False):
            with self.captureOnCommitCallbacks(execute=True):
                return make_article(self.gmina, title, lead=f"Lead: {title}", **fields)

    def run_digests(self, when):
        with time_machine.travel(when, tick=False):
            with self.captureOnCommitCallbacks(execute=True):
                tasks.plan_digests.call_local()

    def mail_to(self, address):
        return [m for m in self.sink.messages if m["To"] == address]

    def text(self, message):
        return message.get_body(("plain",)).get_content()

    def test_it_sends_one_digest_at_the_gminas_hour(self):
        everything = reader(self.gmina, "wszystko@example.org")
        waste = reader(self.gmina, "odpady@example.org", topics=[self.waste])
        roads_debina = reader(
            self.gmina, "drogi@example.org", topics=[self.roads], villages=[self.debina]
        )
        each = reader(self.gmina, "kazdy@example.org", rhythm=Rhythm.EACH)
        reader(self.gmina, "czeka@example.org", email_state=ChannelState.PENDING)
        reader(self.other_gmina, "obcy@example.org")

        bins = self.publish(at(20, 9), "Wywóz odpadów", category=self.waste)
        road = self.publish(
            at(20, 11),
            "Remont drogi w Kamionce",
            category=self.roads,
            villages=[self.kamionka],
        )
        alarm = self.publish(at(20, 12), "Brak wody", category=self.urgent)
        quiet = self.publish(
            at(20, 13), "Wewnętrzne", category=self.waste, notify_followers=False
        )
        # "Each" readers got all at once; digest readers only the urgent one.
        self.assertEqual(len(self.mail_to("kazdy@example.org")), 3)
        self.assertEqual(len(self.mail_to("wszystko@example.org")), 1)
        self.sink.messages.clear()
        self.sink.envelopes.clear()

        self.run_digests(at(20, 17, 59))
        self.assertFalse(Delivery.objects.filter(item__startswith="digest:").exists())

        self.run_digests(at(20, 18, 0))
        item = f"digest:{self.gmina.pk}:2026-11-20"
        rows = Delivery.objects.filter(item=item)
        self.assertEqual(
            set(rows.values_list("recipient", flat=True)),
            {f"follower:{everything.pk}", f"follower:{waste.pk}"},
        )
        self.assertEqual(set(rows.values_list("state", flat=True)), {"sent"})
        self.assertEqual(len(self.sink.messages), 2)

        message = self.mail_to("wszystko@example.org")[0]
        text = self.text(message)
        self.assertIn("Wywóz odpadów", text)
        self.assertIn("Remont drogi w Kamionce", text)
        self.assertIn(bins.get_full_url(), text)
        self.assertIn("Lead: Wywóz odpadów", text)
        self.assertNotIn(alarm.title, text)  # already sent at once
        self.assertNotIn(quiet.title, text)
        self.assertLess(text.index(bins.title), text.index(road.title))
        self.assertEqual(message["Subject"], "Gmina Zawada: nowe wpisy (2)")
        self.assertEqual(message["List-Unsubscribe-Post"], "List-Unsubscribe=One-Click")
        self.assertIn(
            f"/obserwuj/wypisz/{everything.token}/email/", message["List-Unsubscribe"]
        )
        self.assertIn("List-Id", message)
        self.assertEqual(
            message["Message-ID"],
            f"<digest-{self.gmina.pk}-2026-11-20.follower-{everything.pk}.email@localhost>",
        )
        html = message.get_body(("html",)).get_content()
        self.assertIn('<html lang="pl">', html)
        self.assertIn(f"/obserwuj/ustawienia/{everything.token}/", html)

        text = self.text(self.mail_to("odpady@example.org")[0])
        self.assertIn("Wywóz odpadów", text)
        self.assertNotIn("Remont drogi", text)
        self.assertEqual(self.mail_to("drogi@example.org"), [])  # Dębina only
        self.assertEqual(self.mail_to("obcy@example.org"), [])
        self.assertEqual(self.mail_to("czeka@example.org"), [])
        self.assertEqual(self.mail_to("kazdy@example.org"), [])
        self.assertFalse(
            Delivery.objects.filter(
                follower=roads_debina, item__startswith="digest"
            ).exists()
        )
        self.assertFalse(
            Delivery.objects.filter(follower=each, item__startswith="digest").exists()
        )

        # Later runs the same day add nothing.
        self.run_digests(at(20, 18, 5))
        self.run_digests(at(20, 23, 55))
        self.assertEqual(len(self.sink.messages), 2)
        self.assertEqual(Delivery.objects.filter(item=item).count(), 2)

        # The next day's digest starts where the previous one ended.
        late = self.publish(at(20, 20), "Wieczorne ogłoszenie", category=self.waste)
        self.publish(at(21, 10), "Poranny wpis", category=self.roads)
        self.run_digests(at(21, 18))
        text = self.text(self.mail_to("wszystko@example.org")[1])
        self.assertIn(late.title, text)
        self.assertIn("Poranny wpis", text)
        self.assertNotIn("Wywóz odpadów", text)
        self.assertEqual(
            Delivery.objects.get(
                item=f"digest:{self.gmina.pk}:2026-11-21", follower=waste
            ).payload["articles"],
            [late.pk],
        )

    def test_each_gmina_has_its_own_hour(self):
        FanSettings.objects.create(gmina=self.gmina, digest_hour=7)
        FanSettings.objects.create(gmina=self.other_gmina, digest_hour=20)
        ours = reader(self.gmina, "nasz@example.org")
        theirs = reader(self.other_gmina, "ich@example.org")
        self.publish(at(20, 6), "Nasz wpis")
        with time_machine.travel(at(20, 6), tick=False):
            with self.captureOnCommitCallbacks(execute=True):
                make_article(self.other_gmina, "Ich wpis")
        self.run_digests(at(20, 6, 55))
        self.assertEqual(self.sink.messages, [])
        self.run_digests(at(20, 7, 0))
        self.assertEqual(len(self.mail_to("nasz@example.org")), 1)
        self.assertEqual(self.mail_to("ich@example.org"), [])
        self.run_digests(at(20, 20, 0))
        self.assertEqual(len(self.mail_to("ich@example.org")), 1)
        self.assertIn("Ich wpis", self.text(self.mail_to("ich@example.org")[0]))
        self.assertNotIn("Nasz wpis", self.text(self.mail_to("ich@example.org")[0]))
        self.assertTrue(
            Delivery.objects.filter(
                item=f"digest:{self.other_gmina.pk}:2026-11-20", follower=theirs
            ).exists()
        )
        self.assertTrue(Delivery.objects.filter(follower=ours).exists())

    def test_nothing_new_means_no_digest(self):
        reader(self.gmina, "nic@example.org", topics=[self.roads])
        self.publish(at(20, 9), "Odpady", category=self.waste)
        self.run_digests(at(20, 18))
        self.assertEqual(self.sink.messages, [])
        self.assertFalse(Delivery.objects.exists())

    def test_a_follower_who_left_gets_nothing(self):
        f = reader(self.gmina, "pa@example.org")
        self.publish(at(20, 9), "Wpis")
        with time_machine.travel(at(20, 18), tick=False):
            digest.plan_due_digests()  # planned, not yet sent
            following.unsubscribe(f, "email", source="test")
            outbox.deliver_due()
        self.assertEqual(self.sink.messages, [])
        self.assertEqual(
            Delivery.objects.get(item__startswith="digest:").state,
            Delivery.State.CANCELLED,
        )

    def test_unpublished_articles_are_left_out(self):
        reader(self.gmina, "a@example.org")
        kept = self.publish(at(20, 9), "Zostaje")
        gone = self.publish(at(20, 10), "Wycofany")
        with time_machine.travel(at(20, 18), tick=False):
            digest.plan_due_digests()
            gone.unpublish()
            outbox.deliver_due()
        text = self.text(self.sink.messages[0])
        self.assertIn(kept.title, text)
        self.assertNotIn(gone.title, text)


class FanSettingsAdminTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.boss = make_user("boss")
        gmina_services.add_member(cls.gmina, cls.boss, Membership.Role.ADMIN)

    def test_it_works(self):
        self.client.force_login(self.boss)
        r = self.client.get("/admin/obserwujacy/")
        self.assertRedirects(r, f"/admin/obserwujacy/{self.gmina.pk}/")
        r = self.client.get(f"/admin/obserwujacy/{self.gmina.pk}/")
        self.assertContains(r, "odzina wysyłki podsumowania")
        r = self.client.post(
            f"/admin/obserwujacy/{self.gmina.pk}/", {"digest_hour": "7"}
        )
        self.assertRedirects(r, f"/admin/obserwujacy/{self.gmina.pk}/")
        self.assertEqual(FanSettings.objects.get(gmina=self.gmina).digest_hour, 7)

    def test_it_validates_the_hour(self):
        self.client.force_login(self.boss)
        for value in ["24", "-1", "abc", "9" * 50]:
            r = self.client.post(
                f"/admin/obserwujacy/{self.gmina.pk}/", {"digest_hour": value}
            )
            self.assertEqual(r.status_code, 200, value)
        self.assertFalse(FanSettings.objects.exists())

    def test_it_checks_ownership(self):
        self.client.force_login(self.boss)
        r = self.client.get(f"/admin/obserwujacy/{self.other_gmina.pk}/")
        self.assertEqual(r.status_code, 404)
        r = self.client.post(
            f"/admin/obserwujacy/{self.other_gmina.pk}/", {"digest_hour": "3"}
        )
        self.assertEqual(r.status_code, 404)
        self.assertFalse(FanSettings.objects.exists())

    def test_it_requires_rw_access(self):
        # An editor, not an administrator: Wagtail turns the 403 into a
        # redirect to the dashboard with an error message.
        self.client.force_login(self.alice)
        for url in [f"/admin/obserwujacy/{self.gmina.pk}/", "/admin/obserwujacy/"]:
            self.assertRedirects(self.client.get(url), "/admin/")
        r = self.client.post(
            f"/admin/obserwujacy/{self.gmina.pk}/", {"digest_hour": "3"}
        )
        self.assertRedirects(r, "/admin/")
        self.assertFalse(FanSettings.objects.exists())
