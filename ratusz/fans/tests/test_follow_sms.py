"""A resident signs up for SMS: number, separate consent, code from the SMS."""

import re
from datetime import timedelta

import time_machine
from django.test import override_settings
from django.urls import reverse

from ratusz.fans.consent import SMS_CONSENT_VERSION, sms_consent_text
from ratusz.fans.models import ChannelState, Confirmation, Consent, Follower
from ratusz.integrations.sms.models import SmsSettings
from ratusz.integrations.sms.tests.base import SmsTestCase, make_sms_follower

SIGNUP = "/obserwuj/sms/"


class SignupTestCase(SmsTestCase):
    def sign_up(self, phone="600 123 456", consent=True, **extra):
        data = {"phone": phone}
        if consent:
            data["consent"] = "1"
        return self.client.post(SIGNUP, data, **extra)

    def last_code(self) -> str:
        return re.search(r"\b(\d{6})\b", self.api.sent[-1]["message"]).group(1)

    def test_it_shows_a_separate_unticked_consent(self):
        response = self.client.get(SIGNUP)
        self.assertEqual(response.status_code, 200)
        html = response.content.decode()
        checkbox = re.search(r'<input type="checkbox"[^>]*>', html).group(0)
        self.assertIn('name="consent"', checkbox)
        self.assertNotIn("checked", checkbox)
        self.assertIn(sms_consent_text(self.gmina), html)
        self.assertIn("RODO", html)
        self.assertIn("Prezesa UODO", html)
        self.assertNotIn("sessionid", response.cookies)

    def test_it_sends_a_code_and_confirms_it(self):
        response = self.sign_up()

        follower = Follower.objects.get(gmina=self.gmina, phone="+48600123456")
        self.assertEqual(follower.phone_state, ChannelState.PENDING)
        confirmation = follower.confirmations.get()
        self.assertRegex(response["Location"], r"^/obserwuj/sms/kod/[\w-]{40,}/$")
        given = follower.consents.get()
        self.assertEqual(given.action, Consent.Action.GIVEN)
        self.assertEqual(given.text, sms_consent_text(self.gmina))
        self.assertEqual(given.text_version, SMS_CONSENT_VERSION)
        self.assertIn("formularz SMS", given.source)
        [sms] = self.api.sent
        self.assertEqual(sms["to"], "48600123456")
        self.assertEqual(sms["idx"], f"kod-{confirmation.pk}")
        code = self.last_code()
        self.assertNotIn(code, confirmation.code_hash)
        self.assertEqual(len(confirmation.code_hash), 64)

        page = self.client.get(response["Location"])
        self.assertContains(page, 'autocomplete="one-time-code"')
        done = self.client.post(response["Location"], {"code": code})

        self.assertContains(done, "Numer potwierdzony")
        follower.refresh_from_db()
        self.assertEqual(follower.phone_state, ChannelState.ACTIVE)
        confirmed = follower.consents.get(action=Consent.Action.CONFIRMED)
        self.assertEqual(confirmed.text, given.text)
        confirmation.refresh_from_db()
        self.assertIsNotNone(confirmation.used_at)

        again = self.client.post(response["Location"], {"code": code})
        self.assertContains(again, "użyty")

    def test_it_requires_the_consent(self):
        response = self.sign_up(consent=False)
        self.assertContains(response, "Zaznacz zgodę")
        self.assertFalse(Follower.objects.exists())
        self.assertEqual(self.api.requests, [])

    def test_it_explains_a_bad_number(self):
        for phone, message in {
            "12345": "9 cyfr",
            "+44 7700 900123": "polskie",
            "22 123 45 67": "komórkowy",
            "<script>": "tylko cyfry",
        }.items():
            with self.subTest(phone=phone):
                response = self.sign_up(phone)
                self.assertContains(response, message)
                self.assertNotContains(response, "<script>")
        self.assertFalse(Follower.objects.exists())
        self.assertEqual(self.api.requests, [])

    def test_it_explains_a_number_the_operator_refuses(self):
        response = self.sign_up("500 000 123")
        self.assertContains(response, "Operator nie przyjął tego numeru")

    def test_it_limits_code_attempts(self):
        location = self.sign_up()["Location"]
        code = self.last_code()
        wrong = "000000" if code != "000000" else "111111"
        for left in (4, 3, 2, 1):
            response = self.client.post(location, {"code": wrong})
            self.assertContains(response, f"Pozostałe próby: {left}")
        self.client.post(location, {"code": wrong})
        response = self.client.post(location, {"code": code})
        self.assertContains(response, "limit prób")
        follower = Follower.objects.get()
        self.assertEqual(follower.phone_state, ChannelState.PENDING)
        self.assertEqual(Confirmation.objects.get().attempts, 5)

    def test_it_rejects_malformed_codes_without_counting(self):
        location = self.sign_up()["Location"]
        response = self.client.post(location, {"code": "12ab"})
        self.assertContains(response, "Kod ma 6 cyfr")
        self.assertEqual(Confirmation.objects.get().attempts, 0)

    def test_it_expires_codes(self):
        location = self.sign_up()["Location"]
        code = self.last_code()
        with time_machine.travel(timedelta(hours=49)):
            response = self.client.post(location, {"code": code})
        self.assertContains(response, "wygasł")
        self.assertEqual(Follower.objects.get().phone_state, ChannelState.PENDING)

    def test_only_the_latest_code_works(self):
        first = self.sign_up()["Location"]
        first_code = self.last_code()
        self.sign_up()
        response = self.client.post(first, {"code": first_code})
        self.assertContains(response, "wygasł")

    @override_settings(SMS_CODE_RATE_PER_PHONE=2)
    def test_it_rate_limits_per_number(self):
        self.assertEqual(self.sign_up().status_code, 302)
        self.assertEqual(self.sign_up("+48 600 123 456").status_code, 302)
        response = self.sign_up()
        self.assertEqual(response.status_code, 429)
        self.assertContains(response, "Spróbuj ponownie", status_code=429)
        self.assertEqual(len(self.api.sent), 2)
        # Another number from another address is not affected.
        self.assertEqual(
            self.sign_up("601 123 456", REMOTE_ADDR="10.0.0.2").status_code, 302
        )

    @override_settings(SMS_CODE_RATE_PER_IP=2)
    def test_it_rate_limits_per_address(self):
        self.assertEqual(self.sign_up("600 000 001").status_code, 302)
        self.assertEqual(self.sign_up("600 000 002").status_code, 302)
        # A forged X-Forwarded-For does not reset the counter.
        response = self.sign_up("600 000 003", HTTP_X_FORWARDED_FOR="10.9.9.9")
        self.assertEqual(response.status_code, 429)
        self.assertEqual(len(self.api.sent), 2)

    def test_it_does_not_reveal_a_known_number(self):
        known = make_sms_follower(self.gmina, "+48600123456")
        known_response = self.sign_up("600 123 456")
        unknown_response = self.sign_up("601 123 456")

        self.assertEqual(known_response.status_code, unknown_response.status_code)
        self.assertEqual(
            re.sub(r"[\w-]{40,}", "T", known_response["Location"]),
            re.sub(r"[\w-]{40,}", "T", unknown_response["Location"]),
        )
        known_page = self.client.get(known_response["Location"]).content.decode()
        unknown_page = self.client.get(unknown_response["Location"]).content.decode()
        strip = re.compile(
            r'name="csrfmiddlewaretoken" value="[^"]+"|nonce="[^"]+"|[\w-]{40,}'
        )
        self.assertEqual(strip.sub("", known_page), strip.sub("", unknown_page))
        # The existing follower is reused and stays active meanwhile.
        known.refresh_from_db()
        self.assertEqual(known.phone_state, ChannelState.ACTIVE)
        self.assertEqual(Follower.objects.filter(phone="+48600123456").count(), 1)

    def test_it_reuses_an_unsubscribed_follower(self):
        old = make_sms_follower(self.gmina, phone_state=ChannelState.UNSUBSCRIBED)
        self.sign_up()
        old.refresh_from_db()
        self.assertEqual(old.phone_state, ChannelState.PENDING)
        self.assertEqual(Follower.objects.count(), 1)

    def test_it_keeps_gminas_apart(self):
        location = self.sign_up()["Location"]
        code = self.last_code()
        other_host = {"HTTP_HOST": "brzezie.localhost"}
        self.assertEqual(self.client.get(location, **other_host).status_code, 404)
        response = self.client.post(location, {"code": code}, **other_host)
        self.assertEqual(response.status_code, 404)
        self.assertEqual(Follower.objects.get().phone_state, ChannelState.PENDING)
        # Gmina B has no SMSAPI: no form, no SMS, no follower.
        page = self.client.get(SIGNUP, **other_host)
        self.assertContains(page, "nie wysyła jeszcze")
        self.sign_up("601 123 456", **other_host)
        self.assertFalse(Follower.objects.filter(gmina=self.other_gmina).exists())
        self.assertEqual(len(self.api.sent), 1)

    def test_it_404s_for_an_unknown_code_link(self):
        response = self.client.get(reverse("fans-sms-confirm", args=["nie-ma-takiego"]))
        self.assertEqual(response.status_code, 404)

    def test_it_explains_when_smsapi_is_down(self):
        self.api.fail_next(500, {"message": "Internal Server Error"})
        response = self.sign_up()
        self.assertContains(response, "Nie udało się wysłać SMS-a z kodem")

    def test_it_hides_the_form_when_the_token_was_refused(self):
        SmsSettings.objects.filter(pk=self.config.pk).update(token_error="zły token")
        self.assertContains(self.client.get(SIGNUP), "nie wysyła jeszcze")
        self.sign_up()
        self.assertEqual(self.api.requests, [])
