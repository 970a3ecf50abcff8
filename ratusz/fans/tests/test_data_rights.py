"""A follower's rights over every channel: what the settings page and the
JSON export show, and that erasure leaves nothing in any table (D22)."""

import io
import json

from django.core.management import call_command

from ratusz.fans import data_rights, following
from ratusz.fans.models import ChannelState, Consent, Follower, PushSubscription
from ratusz.integrations.sms.models import InboundSms
from ratusz.integrations.sms.tests.base import SmsTestCase
from ratusz.outbox.models import Delivery
from ratusz.test import make_article, make_category, make_village

EMAIL = "Ewa.Zapomniana@example.org"
PHONE = "+48609876543"
# Every way the number is written in a table: E.164, SMSAPI's, national.
PHONE_FORMS = ["+48609876543", "48609876543", "609876543", "609 876 543"]


def dump_all_tables() -> str:
    """Every row of every model (Django's, Wagtail's and ours) as JSON."""
    out = io.StringIO()
    call_command("dumpdata", format="json", stdout=out)
    return out.getvalue()


def occurrences(dump: str) -> int:
    text = dump.lower()
    # JSON may escape "+" or not; search the bare national number too.
    return text.count(EMAIL.lower()) + sum(text.count(f) for f in PHONE_FORMS)


class DataRightsTestCase(SmsTestCase):
    def setUp(self):
        super().setUp()
        self.webhook = f"/sms/smsapi/{self.config.webhook_secret}/"
        self.msg_ids = iter(range(1, 10**6))
        self.follower = Follower.objects.create(
            gmina=self.gmina,
            email=EMAIL,
            email_state=ChannelState.ACTIVE,
            phone=PHONE,
            phone_state=ChannelState.ACTIVE,
        )
        for channel, version in [("email", "email-2026-11"), ("sms", "sms-1")]:
            for action in [Consent.Action.GIVEN, Consent.Action.CONFIRMED]:
                Consent.objects.create(
                    follower=self.follower,
                    channel=channel,
                    action=action,
                    text_version=version,
                    text=f"Zgoda na {channel}",
                    source="formularz",
                )
        PushSubscription.objects.create(
            follower=self.follower,
            endpoint="https://push.example.org/ewa",
            p256dh="key",
            auth="auth",
        )
        # Another follower of the same gmina, and the same number in another
        # gmina: neither may be touched by this follower's erasure.
        self.other = Follower.objects.create(
            gmina=self.gmina,
            email="inny@example.org",
            email_state=ChannelState.ACTIVE,
            phone="+48601111222",
            phone_state=ChannelState.ACTIVE,
        )
        self.elsewhere = InboundSms.objects.create(
            gmina=self.other_gmina, provider_id="MO-B", sender="48609876543", text="hej"
        )
        self.url = f"/obserwuj/ustawienia/{self.follower.token}/"

    def reply(self, text, sender="48609876543"):
        data = {
            "sms_to": "48799000111",
            "sms_from": sender,
            "sms_text": text,
            "sms_date": "1764000000",
            "username": "gmina.zawada",
            "MsgId": f"MO{next(self.msg_ids)}",
        }
        with self.captureOnCommitCallbacks(execute=True):
            self.assertEqual(self.client.post(self.webhook, data).status_code, 200)

    def test_the_export_shows_every_channel_consent_and_sms(self):
        self.reply("Kiedy wywóz śmieci?")
        self.reply("stop", sender="+48 609 876 543")
        self.reply("Pytanie innej osoby", sender="48601111222")
        data = json.loads(self.client.get(f"{self.url}dane.json").content)

        self.assertEqual(
            data["kanały"],
            {
                "e-mail": "aktywny",
                "sms": "wypisany",  # the STOP worked
                "powiadomienia_w_przeglądarce": "aktywny",
            },
        )
        self.assertEqual(data["e-mail"]["stan"], "active")
        self.assertEqual(data["telefon"]["stan"], "unsubscribed")
        consents = [
            (c["kanał"], c["czynność"], c["wersja_treści"]) for c in data["zgody"]
        ]
        self.assertEqual(
            consents,
            [
                ("email", "given", "email-2026-11"),
                ("email", "confirmed", "email-2026-11"),
                ("sms", "given", "sms-1"),
                ("sms", "confirmed", "sms-1"),
                ("sms", "withdrawn", ""),
            ],
        )
        for consent in data["zgody"]:
            self.assertRegex(consent["kiedy"], r"^\d{4}-\d\d-\d\dT")
        self.assertEqual(
            [(m["od"], m["treść"], m["wynik"]) for m in data["sms_odebrane"]],
            [
                ("48609876543", "Kiedy wywóz śmieci?", "zwykła wiadomość"),
                ("+48 609 876 543", "stop", "wypisano z SMS"),
            ],
        )
        self.assertEqual(
            data["sms_odebrane"][0]["wysłany"], "2025-11-24T16:00:00+00:00"
        )

    def test_the_settings_page_shows_channels_consents_and_sms(self):
        self.reply("Kiedy wywóz <b>śmieci</b>?")
        response = self.client.get(self.url)
        self.assertContains(response, EMAIL)
        self.assertContains(response, PHONE)
        self.assertContains(response, "liczba przeglądarek: 1")
        self.assertContains(response, "Twoje zgody")
        self.assertContains(response, "email-2026-11")
        self.assertContains(response, "sms-1")
        self.assertContains(response, "potwierdzona", count=2)
        self.assertContains(response, "Kiedy wywóz &lt;b&gt;śmieci&lt;/b&gt;?")
        self.assertNotContains(response, "<b>śmieci</b>")
        self.assertNotContains(response, "Pytanie innej osoby")

    def test_the_export_lists_topics_and_villages_in_polish_order(self):
        names = ["Żabno", "Zawada", "Łazy", "Lasek"]
        villages = [make_village(self.gmina, name) for name in names]
        topics = [make_category(self.gmina, n) for n in ["Źródła", "Ćmielów", "Drogi"]]
        following.update_preferences(
            self.follower, topics=topics, villages=villages, rhythm="each"
        )
        data = data_rights.export_follower(self.follower)
        self.assertEqual(data["sołectwa"], ["Lasek", "Łazy", "Zawada", "Żabno"])
        self.assertEqual(data["tematy"], ["Ćmielów", "Drogi", "Źródła"])

    def test_after_erasure_no_table_holds_the_email_or_phone(self):
        article = make_article(self.gmina, "Zbiórka", sms_text="Jutro zbiórka.")
        self.assertTrue(Delivery.objects.filter(follower=self.follower).exists())
        Delivery.objects.filter(follower=self.follower).update(
            error=f"550 {EMAIL} / {PHONE} odrzucony"
        )
        self.reply("Kiedy wywóz śmieci?")
        self.reply("STOP", sender="+48 609 876 543")
        before = dump_all_tables()
        self.assertGreater(occurrences(before), 5)  # the dump does see them
        self.assertIn("inny@example.org", before)

        response = self.client.post(f"{self.url}usun/")

        self.assertContains(response, "Dane usunięte")
        # The same number's SMS to another gmina is not this follower's
        # (erasure is per gmina): it stays, and is left out of the count.
        self.assertTrue(InboundSms.objects.filter(pk=self.elsewhere.pk).exists())
        InboundSms.objects.filter(pk=self.elsewhere.pk).delete()
        after = dump_all_tables()
        self.assertEqual(occurrences(after), 0)
        # History without the person stays; others' data stays.
        self.assertTrue(Delivery.objects.filter(page=article).exists())
        self.assertTrue(Follower.objects.filter(pk=self.other.pk).exists())
        self.assertIn("inny@example.org", after)
        self.assertIn("48601111222", after)
