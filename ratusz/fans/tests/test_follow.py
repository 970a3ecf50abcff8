"""The follow page and the double opt-in: form, consent proof, confirmation
link by a real SMTP server, expiry, bad input, abuse and gmina isolation."""

import re
from datetime import timedelta

import time_machine
from django.core.cache import cache
from django.test import Client, override_settings
from django.utils import timezone

from ratusz.fans import following
from ratusz.fans.consent import EMAIL_CONSENT_VERSION, email_consent_text
from ratusz.fans.models import (
    ChannelState,
    Confirmation,
    Consent,
    Follower,
    Rhythm,
    hash_token,
)
from ratusz.test import BaseTestCase, make_category, make_village
from ratusz.testing.smtp import SmtpSink

URL = "/obserwuj/"
OTHER_HOST = "brzezie.localhost"


def _without_nonce(content: bytes) -> bytes:
    return re.sub(rb'nonce="[^"]*"', b"", content)


class SinkTestCase(BaseTestCase):
    """Mail goes to a real SMTP server on loopback; the cache starts empty."""

    def setUp(self):
        super().setUp()
        cache.clear()
        self.sink = SmtpSink().start()
        self.addCleanup(self.sink.stop)
        mail_settings = override_settings(**self.sink.settings())
        mail_settings.enable()
        self.addCleanup(mail_settings.disable)

    def post(self, data=None, *, client=None, **extra):
        form = {
            "email": "jan@example.org",
            "rhythm": Rhythm.EACH,
            "consent": "1",
            **(data or {}),
        }
        form = {k: v for k, v in form.items() if v is not None}
        with self.captureOnCommitCallbacks(execute=True):
            return (client or self.client).post(URL, form, **extra)

    def link_in(
        self, message, pattern=r"https?://[^\s\"<]+/obserwuj/potwierdz/[^\s\"<]+/"
    ):
        body = message.get_body(preferencelist=("plain",)).get_content()
        match = re.search(pattern, body)
        return match.group(0) if match else None


class FollowPageTestCase(SinkTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.waste = make_category(cls.gmina, "Odpady")
        cls.roads = make_category(cls.gmina, "Drogi")
        cls.kamionka = make_village(cls.gmina, "Kamionka")
        cls.foreign_topic = make_category(cls.other_gmina, "Tylko w Brzeziu")
        cls.gmina.iod_email = "iod@zawada.example.org"
        cls.gmina.facebook_url = "https://www.facebook.com/gminazawada"
        cls.gmina.mastodon_url = "https://mastodon.example.org/@zawada"
        cls.gmina.save()

    def test_it_shows_the_form(self):
        r = self.client.get(URL)
        self.assertEqual(r.status_code, 200)
        html = r.content.decode()
        self.assertIn('name="email"', html)
        self.assertIn("Odpady", html)
        self.assertIn("Kamionka", html)
        self.assertNotIn("Tylko w Brzeziu", html)
        consent = re.search(r"<input[^>]*id=\"follow-consent\"[^>]*>", html).group(0)
        self.assertNotIn("checked", consent)
        # RODO information clause beside the form
        self.assertIn("iod@zawada.example.org", html)
        self.assertIn("art. 6 ust. 1 lit. a RODO", html)
        self.assertIn("Prezesa Urzędu Ochrony Danych Osobowych", html)
        self.assertIn("wycofać", html)
        self.assertIn("Gmina Zawada", html)
        # other ways to follow
        self.assertIn("https://www.facebook.com/gminazawada", html)
        self.assertIn("https://mastodon.example.org/@zawada", html)
        self.assertIn("/aktualnosci/rss/", html)
        # separate channels: SMS and push have their own places and consents
        self.assertTrue(r.context["sms_signup"])
        self.assertTrue(r.context["webpush_signup"])
        self.assertIn('id="sms-signup-heading"', html)
        self.assertIn("data-webpush", html)
        self.assertIn(email_consent_text(self.gmina), html)

    def test_it_is_linked_from_every_page(self):
        r = self.client.get("/")
        self.assertContains(r, 'href="/obserwuj/"')

    def test_it_signs_up_and_sends_a_confirmation(self):
        r = self.post(
            {
                "topics": [self.waste.pk],
                "villages": [self.kamionka.pk],
                "rhythm": "daily",
            }
        )
        self.assertRedirects(r, "/obserwuj/wyslano/")
        follower = Follower.objects.get(gmina=self.gmina)
        self.assertEqual(follower.email, "jan@example.org")
        self.assertEqual(follower.email_state, ChannelState.PENDING)
        self.assertEqual(follower.email_rhythm, Rhythm.DAILY)
        self.assertFalse(follower.all_topics)
        self.assertEqual(list(follower.topics.all()), [self.waste])
        self.assertEqual(list(follower.villages.all()), [self.kamionka])

        consent = Consent.objects.get(follower=follower)
        self.assertEqual(consent.action, Consent.Action.GIVEN)
        self.assertEqual(consent.channel, "email")
        self.assertEqual(consent.text_version, EMAIL_CONSENT_VERSION)
        self.assertEqual(consent.text, email_consent_text(self.gmina))
        self.assertEqual(consent.source, "formularz /obserwuj/")

        self.assertEqual(len(self.sink.messages), 1)
        message = self.sink.messages[0]
        self.assertEqual(self.sink.envelopes[0][1], ["jan@example.org"])
        self.assertIn("Potwierdź zapis", message["Subject"])
        self.assertIn("Gmina Zawada", message["From"])
        html = message.get_body(preferencelist=("html",)).get_content()
        self.assertIn('<html lang="pl">', html)
        link = self.link_in(message)
        self.assertIsNotNone(link)
        self.assertIn(link, html)
        token = link.rstrip("/").rsplit("/", 1)[1]
        self.assertGreaterEqual(len(token), 43)  # 256 bits, URL-safe base64

        confirmation = Confirmation.objects.get(follower=follower)
        # Only the hash is stored.
        self.assertEqual(confirmation.token_hash, hash_token(token))
        stored = [str(v) for v in Confirmation.objects.values_list().get()]
        self.assertNotIn(token, stored)
        self.assertAlmostEqual(
            confirmation.expires_at,
            timezone.now() + timedelta(hours=48),
            delta=timedelta(minutes=1),
        )

    def test_it_confirms_by_post_only(self):
        self.post()
        link = self.link_in(self.sink.messages[0])
        path = link.split("localhost", 1)[1]
        # A mail scanner's GET changes nothing.
        r = self.client.get(path)
        self.assertEqual(r.status_code, 200)
        self.assertContains(r, "Potwierdzam zapis")
        follower = Follower.objects.get()
        self.assertEqual(follower.email_state, ChannelState.PENDING)

        r = self.client.post(path)
        self.assertContains(r, "Zapis potwierdzony")
        self.assertContains(r, f"/obserwuj/ustawienia/{follower.token}/")
        follower.refresh_from_db()
        self.assertEqual(follower.email_state, ChannelState.ACTIVE)
        confirmed = Consent.objects.get(action=Consent.Action.CONFIRMED)
        self.assertEqual(confirmed.text, email_consent_text(self.gmina))
        self.assertEqual(confirmed.text_version, EMAIL_CONSENT_VERSION)
        self.assertIsNotNone(Confirmation.objects.get().used_at)

        # Single use: opened again, it says the address is already confirmed.
        for again in (self.client.post(path), self.client.get(path)):
            self.assertEqual(again.status_code, 200)
            self.assertContains(again, "Zapis jest już potwierdzony")
            self.assertContains(again, f"/obserwuj/ustawienia/{follower.token}/")
            self.assertNotContains(again, "nieaktualny")
        self.assertEqual(Consent.objects.filter(action="confirmed").count(), 1)

        # After leaving, the used link is just used.
        following.unsubscribe(follower, "email", source="test")
        r = self.client.get(path)
        self.assertEqual(r.status_code, 410)
        self.assertContains(r, "nieaktualny", status_code=410)
        self.assertNotContains(r, follower.token, status_code=410)

    def test_an_expired_link_gives_410(self):
        self.post()
        path = self.link_in(self.sink.messages[0]).split("localhost", 1)[1]
        with time_machine.travel(timezone.now() + timedelta(hours=48, minutes=1)):
            r = self.client.get(path)
            self.assertEqual(r.status_code, 410)
            self.assertContains(r, "wygasł", status_code=410)
            self.assertEqual(self.client.post(path).status_code, 410)
        follower = Follower.objects.get()
        self.assertEqual(follower.email_state, ChannelState.PENDING)
        # Just before expiry it still works.
        with time_machine.travel(timezone.now() + timedelta(hours=47, minutes=59)):
            self.assertEqual(self.client.post(path).status_code, 200)
        follower.refresh_from_db()
        self.assertEqual(follower.email_state, ChannelState.ACTIVE)

    def test_an_unknown_token_gives_404(self):
        for token in ["x" * 43, "a", "z" * 5000, "%C4%85%F0%9F%98%80"]:
            r = self.client.get(f"/obserwuj/potwierdz/{token}/")
            self.assertEqual(r.status_code, 404, token)
            self.assertContains(r, "Ten link jest nieaktualny", status_code=404)
            self.assertEqual(
                self.client.post(f"/obserwuj/potwierdz/{token}/").status_code, 404
            )

    def test_a_link_of_another_gmina_gives_404(self):
        self.post(HTTP_HOST=OTHER_HOST)
        follower = Follower.objects.get()
        self.assertEqual(follower.gmina, self.other_gmina)
        link = self.link_in(self.sink.messages[0])
        self.assertIn(OTHER_HOST, link)
        path = link.split(OTHER_HOST, 1)[1].lstrip(":0123456789")
        self.assertEqual(self.client.get(path).status_code, 404)
        self.assertEqual(self.client.post(path).status_code, 404)
        self.assertEqual(self.client.get(path, HTTP_HOST=OTHER_HOST).status_code, 200)
        follower.refresh_from_db()
        self.assertEqual(follower.email_state, ChannelState.PENDING)

    def test_it_uses_the_categories_of_the_requests_gmina(self):
        r = self.post({"topics": [self.foreign_topic.pk]})
        self.assertEqual(r.status_code, 400)
        self.assertContains(r, "Wybrany temat nie istnieje", status_code=400)
        r = self.post({"topics": [self.foreign_topic.pk]}, HTTP_HOST=OTHER_HOST)
        self.assertEqual(r.status_code, 302)
        follower = Follower.objects.get()
        self.assertEqual(list(follower.topics.all()), [self.foreign_topic])

    def test_it_does_not_reveal_an_active_address(self):
        existing = Follower.objects.create(
            gmina=self.gmina,
            email="jan@example.org",
            email_state=ChannelState.ACTIVE,
            all_topics=False,
        )
        existing.topics.set([self.roads])
        fresh = self.post({"email": "nowy@example.org"})
        fresh_page = self.client.get(fresh["Location"]).content
        again = self.post({"email": "JAN@Example.ORG", "topics": [self.waste.pk]})
        again_page = self.client.get(again["Location"]).content
        self.assertEqual(fresh.status_code, again.status_code)
        self.assertEqual(fresh["Location"], again["Location"])
        # Each page repeats only what was typed; otherwise they are the same.
        self.assertEqual(
            _without_nonce(fresh_page).replace(b"nowy@example.org", b"ADRES"),
            _without_nonce(again_page).replace(b"JAN@Example.ORG", b"ADRES"),
        )
        self.assertEqual(len(self.sink.messages), 2)
        already = self.sink.messages[1]
        self.assertEqual(self.sink.envelopes[1][1], ["jan@example.org"])
        self.assertEqual(already["Subject"], self.sink.messages[0]["Subject"])
        self.assertIsNone(self.link_in(already))
        self.assertIn(
            f"/obserwuj/ustawienia/{existing.token}/",
            already.get_body(preferencelist=("plain",)).get_content(),
        )
        # Somebody who only knows the address changes nothing.
        existing.refresh_from_db()
        self.assertEqual(existing.email_state, ChannelState.ACTIVE)
        self.assertEqual(list(existing.topics.all()), [self.roads])
        self.assertFalse(existing.confirmations.exists())
        self.assertFalse(existing.consents.exists())

    def test_a_second_sign_up_before_confirming_sends_a_new_link(self):
        self.post()
        self.post({"rhythm": "daily"})
        self.assertEqual(Follower.objects.count(), 1)
        self.assertEqual(Confirmation.objects.count(), 2)
        self.assertEqual(Follower.objects.get().email_rhythm, "daily")
        links = [self.link_in(m) for m in self.sink.messages]
        self.assertNotEqual(links[0], links[1])

    def test_it_requires_the_consent(self):
        r = self.post({"consent": None})
        self.assertEqual(r.status_code, 400)
        self.assertContains(r, "Zaznacz zgodę na wiadomości e-mail", status_code=400)
        self.assertFalse(Follower.objects.exists())
        self.assertEqual(self.sink.messages, [])

    def test_it_refuses_header_injection(self):
        for email in [
            "jan@example.org\r\nBcc: ofiara@example.org",
            "jan@example.org\nSubject: spam",
            "jan@example.org\r\n",
            "\r\nBcc: ofiara@example.org",
            "jan@example.org%0d%0aBcc:ofiara@example.org",
        ]:
            r = self.post({"email": email})
            self.assertEqual(r.status_code, 400, repr(email))
        r = self.post({"email": "jan@example.org\r\n"})
        self.assertContains(r, "znaków końca linii", status_code=400)
        self.assertFalse(Follower.objects.exists())
        self.assertEqual(self.sink.messages, [])

    def test_it_answers_bad_input_in_polish(self):
        payload = '<script>alert("x")</script>'
        cases = [
            ({"email": "a" * 10_000 + "@example.org"}, "za długi"),
            ({"email": payload}, "Podaj poprawny adres e-mail"),
            ({"email": "jan\x00@example.org"}, "niedozwolone znaki"),
            ({"email": "\u202ejan@example.org"}, "Podaj poprawny adres e-mail"),
            ({"email": "   "}, "Podaj poprawny adres e-mail"),
            ({"email": ""}, "Podaj adres e-mail"),
            ({"topics": ["abc"]}, "Wybrany temat nie istnieje"),
            ({"topics": ["9" * 40]}, "Wybrany temat nie istnieje"),
            ({"topics": [payload]}, "Wybrany temat nie istnieje"),
            ({"villages": ["-1"]}, "Wybrane sołectwo nie istnieje"),
            ({"rhythm": payload}, "Wybierz, jak często"),
            ({"rhythm": "x" * 10_000}, "Wybierz, jak często"),
            ({"consent": "\U0001f600" * 5000, "email": "ą" * 300}, "za długi"),
        ]
        for data, error in cases:
            with self.subTest(data=str(data)[:60]):
                r = self.post(data)
                self.assertEqual(r.status_code, 400)
                self.assertContains(r, error, status_code=400)
                self.assertNotContains(r, payload, status_code=400)
        self.assertFalse(Follower.objects.exists())
        self.assertEqual(self.sink.messages, [])

    def test_it_escapes_what_it_echoes(self):
        r = self.post({"email": '"><script>alert(1)</script>@example.org'})
        self.assertEqual(r.status_code, 400)
        self.assertNotContains(r, "<script>alert(1)", status_code=400)
        self.assertContains(r, "&lt;script&gt;alert(1)", status_code=400)

    def test_it_takes_international_domains(self):
        r = self.post({"email": "jan@Zażółć.example.pl"})
        self.assertEqual(r.status_code, 302)
        self.assertEqual(Follower.objects.get().email, "jan@zażółć.example.pl")
        self.assertEqual(len(self.sink.messages), 1)
        self.assertEqual(
            self.sink.envelopes[0][1],
            ["jan@" + "zażółć".encode("idna").decode() + ".example.pl"],
        )
        r = self.post({"email": "zażółć@example.org"})
        self.assertContains(r, "Podaj poprawny adres e-mail", status_code=400)

    def test_the_honeypot_catches_bots(self):
        r = self.post({"website": "http://spam.example.org"})
        self.assertRedirects(r, "/obserwuj/wyslano/")
        self.assertFalse(Follower.objects.exists())
        self.assertEqual(self.sink.messages, [])

    @override_settings(FOLLOW_RATE_PER_EMAIL=2, FOLLOW_RATE_PER_IP=100)
    def test_it_limits_sign_ups_per_address(self):
        self.assertEqual(self.post().status_code, 302)
        self.assertEqual(self.post({"email": "Jan@EXAMPLE.org"}).status_code, 302)
        r = self.post(REMOTE_ADDR="10.0.0.9")
        self.assertEqual(r.status_code, 429)
        self.assertContains(r, "Za dużo prób", status_code=429)
        self.assertEqual(len(self.sink.messages), 2)
        self.assertEqual(self.post({"email": "ktos@example.org"}).status_code, 302)

    @override_settings(FOLLOW_RATE_PER_EMAIL=100, FOLLOW_RATE_PER_IP=3)
    def test_it_limits_sign_ups_per_client(self):
        for n in range(3):
            self.assertEqual(self.post({"email": f"a{n}@example.org"}).status_code, 302)
        r = self.post({"email": "a9@example.org"})
        self.assertEqual(r.status_code, 429)
        self.assertFalse(Follower.objects.filter(email="a9@example.org").exists())
        other = self.post({"email": "a9@example.org"}, REMOTE_ADDR="10.0.0.2")
        self.assertEqual(other.status_code, 302)

    def test_it_enforces_csrf(self):
        client = Client(enforce_csrf_checks=True)
        r = self.post(client=client)
        self.assertEqual(r.status_code, 403)
        self.assertFalse(Follower.objects.exists())
        # with the token it works
        page = client.get(URL)
        token = page.cookies["csrftoken"].value
        r = self.post({"csrfmiddlewaretoken": token}, client=client)
        self.assertEqual(r.status_code, 302)
        link = self.link_in(self.sink.messages[0]).split("localhost", 1)[1]
        self.assertEqual(Client(enforce_csrf_checks=True).post(link).status_code, 403)
        self.assertEqual(Follower.objects.get().email_state, ChannelState.PENDING)

    def test_a_failing_mail_server_does_not_break_the_page(self):
        self.sink.data_reply = "451 4.3.0 Try again later"
        r = self.post()
        self.assertRedirects(r, "/obserwuj/wyslano/")
        self.assertEqual(Follower.objects.get().email_state, ChannelState.PENDING)
        self.assertEqual(self.sink.messages, [])


class SentPageTestCase(SinkTestCase):
    """The "check your inbox" page repeats the address this browser typed."""

    def test_it_names_the_address_just_typed(self):
        r = self.post({"email": "ala.kowalska@example.org"})
        self.assertRedirects(r, "/obserwuj/wyslano/")
        page = self.client.get("/obserwuj/wyslano/")
        self.assertContains(
            page,
            "Wysłaliśmy link potwierdzający na adres "
            '<strong class="follow-sent__address">ala.kowalska@example.org</strong>',
        )
        self.assertIn("no-store", page["Cache-Control"])
        # Only in the browser that typed it, and only to that page.
        cookie = r.cookies["ratusz_follow_sent"]
        self.assertEqual(cookie["path"], "/obserwuj/wyslano/")
        self.assertTrue(cookie["httponly"])
        self.assertNotIn(b"ala.kowalska", Client().get("/obserwuj/wyslano/").content)

    def test_it_learns_nothing_from_the_database(self):
        Follower.objects.create(
            gmina=self.gmina, email="sasiad@example.org", email_state="active"
        )
        page = self.client.get("/obserwuj/wyslano/")
        self.assertEqual(page.status_code, 200)
        self.assertNotContains(page, "sasiad@")
        self.assertNotContains(page, "Wysłaliśmy link potwierdzający na adres")
        self.assertContains(page, "Jeśli adres jest poprawny")
        # A cookie made up by hand (not signed by us) shows nothing either.
        self.client.cookies["ratusz_follow_sent"] = "sasiad@example.org"
        self.assertNotContains(self.client.get("/obserwuj/wyslano/"), "sasiad@")

    def test_the_address_is_forgotten_after_ten_minutes(self):
        self.post({"email": "ala@example.org"})
        with time_machine.travel(timezone.now() + timedelta(minutes=11)):
            page = self.client.get("/obserwuj/wyslano/")
        self.assertNotContains(page, "ala@example.org")

    def test_a_bot_gets_no_address_back(self):
        r = self.post({"email": "bot@example.org", "website": "http://spam"})
        self.assertNotIn("ratusz_follow_sent", r.cookies)


class PreselectTestCase(BaseTestCase):
    """Links preselect topics, villages and the way to follow, within the
    gmina's own lists; anything else is ignored."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.waste = make_category(cls.gmina, "Odpady")
        cls.roads = make_category(cls.gmina, "Drogi")
        cls.kamionka = make_village(cls.gmina, "Kamionka")
        cls.debina = make_village(cls.gmina, "Dębina")
        cls.foreign = make_category(cls.other_gmina, "Tylko w Brzeziu")

    def checked(self, response):
        html = response.content.decode()
        return set(
            re.findall(
                r'<input type="checkbox" name="\w+" value="(\d+)"[^>]* checked', html
            )
        )

    def test_a_link_preselects_its_category_and_villages(self):
        r = self.client.get(
            URL,
            {
                "kategoria": ["odpady", "tylko-w-brzeziu", "x" * 500],
                "solectwo": ["debina", "nie-ma-takiego"],
            },
        )
        self.assertEqual(r.status_code, 200)
        self.assertEqual(self.checked(r), {str(self.waste.pk), str(self.debina.pk)})
        self.assertNotContains(r, "Tylko w Brzeziu")
        self.assertNotContains(r, "nie istnieje")

    def test_without_a_query_nothing_is_ticked(self):
        self.assertEqual(self.checked(self.client.get(URL)), set())

    def test_a_post_keeps_what_the_resident_ticked_not_the_link(self):
        r = self.client.post(
            f"{URL}?kategoria=odpady",
            {"email": "zle", "topics": [self.roads.pk], "rhythm": Rhythm.EACH},
        )
        self.assertEqual(r.status_code, 400)
        self.assertEqual(self.checked(r), {str(self.roads.pk)})

    def test_a_link_preselects_the_way_to_follow(self):
        r = self.client.get(URL, {"kanal": "email"})
        self.assertContains(r, 'class="follow-channel follow-channel--chosen"')
        self.assertContains(r, '<a href="#obserwuj-email" aria-current="true">')
        r = self.client.get(URL, {"kanal": "<b>fax</b>"})
        self.assertNotContains(r, "follow-channel--chosen")
        self.assertNotContains(r, "<b>fax</b>")

    def test_long_lists_fold_and_say_how_many_are_ticked(self):
        for n in range(7):
            make_village(self.gmina, f"Wieś {n}")
        r = self.client.get(URL)
        # 9 villages fold; 2 topics do not.
        self.assertContains(r, "<details", count=1)
        self.assertContains(r, "Sołectwa: <span")
        self.assertContains(r, "wszystkie (nic nie zaznaczono)</span></summary>")
        self.assertNotContains(
            r, '<details class="fans-choices__fold" data-choice-fold open>'
        )

        r = self.client.get(URL, {"solectwo": ["kamionka", "debina"]})
        self.assertContains(r, "data-choice-fold open>")
        self.assertContains(r, "zaznaczono: 2 z 9</span></summary>")
