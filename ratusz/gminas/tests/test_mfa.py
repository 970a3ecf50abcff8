"""Two factors for staff: enrolment forced at the first sign-in, the code at
every new session, recovery codes used once, throttled guesses."""

from urllib.parse import urlparse

from django.test import Client, override_settings
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from ratusz.gminas import mfa
from ratusz.test import BaseTestCase

SETUP = "/admin/2fa/konfiguracja/"
VERIFY = "/admin/2fa/kod/"
MANAGE = "/admin/2fa/"


def code_for(device: TOTPDevice, offset: int = 0) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=offset):06d}"  # noqa: E501


@override_settings(STAFF_MFA_REQUIRED=True)
class SecondFactorTests(BaseTestCase):
    def enrol(self, client) -> list[str]:
        client.force_login(self.alice)
        client.get(SETUP)
        device = TOTPDevice.objects.get(user=self.alice)
        page = client.post(SETUP, {"code": code_for(device), "next": "/admin/pages/"})
        self.assertEqual(page.status_code, 200)
        return page.context["codes"]

    def test_the_first_sign_in_goes_to_the_set_up_and_nowhere_else(self):
        self.client.force_login(self.alice)
        for url in (
            "/admin/",
            "/admin/pages/",
            "/admin/messenger/",
            "/admin/api/main/pages/",
        ):
            response = self.client.get(url)
            self.assertEqual(response.status_code, 302, url)
            self.assertEqual(urlparse(response["Location"]).path, SETUP)
        page = self.client.get(SETUP)
        self.assertContains(page, 'src="data:image/png;base64,')  # the QR code
        self.assertContains(page, 'autocomplete="one-time-code"')
        device = TOTPDevice.objects.get(user=self.alice)
        self.assertFalse(device.confirmed)
        # The secret is shown for typing in, grouped by four.
        self.assertContains(page, page.context["secret"])

    def test_a_wrong_code_is_refused_in_polish_and_the_right_one_enrols(self):
        self.client.force_login(self.alice)
        self.client.get(SETUP)
        device = TOTPDevice.objects.get(user=self.alice)
        wrong = f"{(int(code_for(device)) + 1) % 1_000_000:06d}"
        page = self.client.post(SETUP, {"code": wrong})
        self.assertContains(page, "Kod się nie zgadza")
        self.assertEqual(self.client.get("/admin/").status_code, 302)

        device.refresh_from_db()
        device.throttle_reset()  # a wrong code makes the next one wait a moment
        codes = self.client.post(SETUP, {"code": code_for(device)}).context["codes"]
        self.assertEqual(len(codes), 10)
        self.assertEqual(len(set(codes)), 10)
        self.assertEqual(self.client.get("/admin/").status_code, 200)

    def test_a_new_session_asks_for_the_code_and_goes_on_where_it_was_going(self):
        self.enrol(self.client)
        laptop = Client()
        laptop.force_login(self.alice)
        response = laptop.get("/admin/pages/")
        self.assertEqual(urlparse(response["Location"]).path, VERIFY)
        device = mfa.confirmed_app(self.alice)
        # The throttle counts failures; a right code later still works.
        response = laptop.post(VERIFY, {"code": "000000", "next": "/admin/pages/"})
        self.assertContains(response, "Kod się nie zgadza")
        device.refresh_from_db()
        device.throttle_reset()  # as after its pause
        response = laptop.post(
            VERIFY, {"code": code_for(device, 1), "next": "/admin/pages/"}
        )
        self.assertRedirects(response, "/admin/pages/", fetch_redirect_response=False)
        self.assertEqual(laptop.get("/admin/").status_code, 200)

    def test_a_recovery_code_works_once(self):
        codes = self.enrol(self.client)
        for attempt in range(2):
            phone_lost = Client()
            phone_lost.force_login(self.alice)
            response = phone_lost.post(VERIFY, {"code": codes[0]})
            if attempt == 0:
                self.assertEqual(response.status_code, 302)
                self.assertEqual(phone_lost.get("/admin/").status_code, 200)
            else:
                self.assertContains(response, "był już użyty")
        self.assertEqual(StaticToken.objects.filter(device__user=self.alice).count(), 9)

    def test_repeated_guesses_are_throttled(self):
        self.enrol(self.client)
        guesser = Client()
        guesser.force_login(self.alice)
        device = mfa.confirmed_app(self.alice)
        for _ in range(3):
            guesser.post(VERIFY, {"code": "123456"})
        # Even the right code waits out the throttle's delay.
        response = guesser.post(VERIFY, {"code": code_for(device, 1)})
        self.assertContains(response, "Kod się nie zgadza")

    def test_next_never_leads_off_the_admin(self):
        self.enrol(self.client)
        other = Client()
        other.force_login(self.alice)
        device = mfa.confirmed_app(self.alice)
        response = other.post(
            VERIFY, {"code": code_for(device, 1), "next": "https://evil.example/admin/"}
        )
        self.assertRedirects(response, "/admin/", fetch_redirect_response=False)

    def test_new_recovery_codes_replace_the_old(self):
        old = self.enrol(self.client)
        page = self.client.get(MANAGE)
        self.assertContains(page, "Niewykorzystane kody zapasowe: 10")
        new = self.client.post(MANAGE).context["codes"]
        self.assertFalse(set(old) & set(new))
        other = Client()
        other.force_login(self.alice)
        self.assertContains(other.post(VERIFY, {"code": old[0]}), "Kod się nie zgadza")

    def test_the_reset_command_lets_a_member_set_up_again(self):
        from django.core.management import call_command

        self.enrol(self.client)
        call_command("mfa_reset", "alice", stdout=open("/dev/null", "w"))
        fresh = Client()
        fresh.force_login(self.alice)
        self.assertEqual(urlparse(fresh.get("/admin/")["Location"]).path, SETUP)

    def test_anonymous_visitors_still_go_to_the_login(self):
        response = Client().get(SETUP)
        self.assertEqual(urlparse(response["Location"]).path, "/admin/login/")


@override_settings(STAFF_MFA_REQUIRED=False)
class OptionalSecondFactorTests(BaseTestCase):
    def test_without_an_app_the_admin_opens_and_says_the_factor_is_optional(self):
        self.client.force_login(self.alice)
        page = self.client.get("/admin/")
        self.assertEqual(page.status_code, 200)
        self.assertContains(page, "Dwuetapowe logowanie nie jest wymagane")

    def test_a_member_who_set_it_up_is_still_asked(self):
        device = TOTPDevice.objects.create(user=self.alice, name="app", confirmed=True)
        self.client.force_login(self.alice)
        self.assertEqual(urlparse(self.client.get("/admin/")["Location"]).path, VERIFY)
        self.client.post(VERIFY, {"code": code_for(device)})
        self.assertEqual(self.client.get("/admin/").status_code, 200)
