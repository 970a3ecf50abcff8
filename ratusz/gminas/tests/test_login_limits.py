"""Security review, issue 10 (5): brute force on staff logins and password
resets. Real login forms, the database store django-axes counts in, the
real SMTP sink for reset e-mails."""

from datetime import timedelta

import time_machine
from django.test import override_settings
from django.utils import timezone

from ratusz.test import BaseTestCase
from ratusz.testing.smtp import SmtpSink

WAGTAIL_LOGIN = "/admin/login/"
DJANGO_LOGIN = "/django-admin/login/"
RESET = "/admin/password_reset/"
ATTACKER = "203.0.113.7"


class LoginTestCase(BaseTestCase):
    def attempt(
        self, password, *, username="alice", url=WAGTAIL_LOGIN, ip=ATTACKER, **meta
    ):
        return self.client.post(
            url,
            {"username": username, "password": password},
            REMOTE_ADDR=ip,
            **meta,
        )

    def assert_logged_in(self, response):
        self.assertEqual(response.status_code, 302, response.content[:300])
        self.assertIn("_auth_user_id", self.client.session)
        self.client.logout()

    def assert_refused(self, response):
        self.assertEqual(response.status_code, 429)
        self.assertNotIn("_auth_user_id", self.client.session)
        self.assertContains(
            response, "Zbyt wiele nieudanych prób logowania", status_code=429
        )


class LockoutTests(LoginTestCase):
    def test_110_wrong_passwords_then_the_right_one_is_refused(self):
        now = timezone.now()
        with time_machine.travel(now, tick=False):
            for _ in range(110):
                self.attempt("zle-haslo")
            response = self.attempt("password")
        self.assert_refused(response)
        # The page says when to try again (30 minutes after the last failure),
        # in local time.
        until = timezone.localtime(now + timedelta(minutes=30))
        self.assertContains(
            response,
            f"Spróbuj ponownie po godzinie {until:%H:%M} (za około 30 min)",
            status_code=429,
        )

    def test_a_few_typos_are_forgiven(self):
        for _ in range(4):
            self.attempt("literowka")
        self.assert_logged_in(self.attempt("password"))
        # The success started this username+address afresh.
        for _ in range(4):
            self.attempt("literowka")
        self.assert_logged_in(self.attempt("password"))

    def test_the_username_is_counted_whatever_its_case(self):
        for name in ["Alice", "ALICE", " alice", "alicE", "alice "]:
            self.attempt("zle-haslo", username=name)
        self.assert_refused(self.attempt("password"))

    def test_the_django_admin_login_locks_too(self):
        for _ in range(5):
            self.attempt("zle-haslo", username="admin", url=DJANGO_LOGIN)
        self.assert_refused(
            self.attempt("password", username="admin", url=DJANGO_LOGIN)
        )
        # One count for both forms: the Wagtail login is closed as well.
        self.assert_refused(self.attempt("password", username="admin"))

    def test_the_lockout_lifts_after_the_cool_off(self):
        start = timezone.now()
        with time_machine.travel(start, tick=False):
            for _ in range(5):
                self.attempt("zle-haslo")
            self.assert_refused(self.attempt("password"))
        with time_machine.travel(start + timedelta(minutes=31), tick=False):
            self.assert_logged_in(self.attempt("password"))

    @override_settings(RATUSZ_TRUSTED_PROXIES=[])
    def test_rotating_x_forwarded_for_from_an_untrusted_peer_resets_nothing(self):
        for n in range(5):
            self.attempt("zle-haslo", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}")
        response = self.attempt("password", HTTP_X_FORWARDED_FOR="198.51.100.99")
        self.assert_refused(response)

    @override_settings(RATUSZ_TRUSTED_PROXIES=["127.0.0.1"])
    def test_behind_a_trusted_proxy_each_client_has_its_own_count(self):
        for n in range(5):
            # The client rotates what it sends; the proxy appends what it saw.
            self.attempt(
                "zle-haslo",
                ip="127.0.0.1",
                HTTP_X_FORWARDED_FOR=f"10.9.9.{n}, {ATTACKER}",
            )
        self.assert_refused(
            self.attempt(
                "password", ip="127.0.0.1", HTTP_X_FORWARDED_FOR=f"1.1.1.1, {ATTACKER}"
            )
        )
        # The real user, from another address through the same proxy.
        self.assert_logged_in(
            self.attempt("password", ip="127.0.0.1", HTTP_X_FORWARDED_FOR="192.0.2.50")
        )

    def test_a_success_elsewhere_does_not_reset_this_networks_count(self):
        for _ in range(4):
            self.attempt("zle-haslo")
        self.assert_logged_in(self.attempt("password", ip="192.0.2.50"))
        self.attempt("zle-haslo")
        self.assert_refused(self.attempt("password"))

    @override_settings(LOGIN_FAILURES_PER_IP=12)
    def test_one_network_trying_many_accounts_is_stopped(self):
        for n in range(12):
            self.attempt("zle-haslo", username=f"ktos{n % 4}")  # 3 per username
        self.assert_refused(self.attempt("password"))
        self.assert_logged_in(self.attempt("password", ip="192.0.2.50"))

    def test_many_networks_trying_one_account_are_stopped(self):
        # 110 failures, at most 2 from any address: only the per-username
        # limit (100, NIST 800-63B) sees them.
        for n in range(110):
            self.attempt("zle-haslo", ip=f"198.18.{n // 2}.{n % 2 + 1}")
        self.assert_refused(self.attempt("password", ip="192.0.2.50"))
        # Another account is not affected.
        self.assert_logged_in(self.attempt("password", username="bob", ip="192.0.2.50"))


class PasswordResetTests(BaseTestCase):
    def setUp(self):
        super().setUp()
        self.sink = SmtpSink().__enter__()
        self.addCleanup(self.sink.__exit__, None, None, None)
        overrides = override_settings(
            **self.sink.settings(), DEFAULT_FROM_EMAIL="ratusz@localhost"
        )
        overrides.enable()
        self.addCleanup(overrides.disable)

    def ask(self, email, ip=ATTACKER):
        return self.client.post(RESET, {"email": email}, REMOTE_ADDR=ip)

    def test_one_address_gets_a_few_emails_then_none(self):
        answers = [self.ask("alice@example.org") for _ in range(6)]
        self.assertEqual(len(self.sink.messages), 3)
        # Every answer is the same: nothing tells the address was limited.
        for answer in answers:
            self.assertRedirects(
                answer, "/admin/password_reset/done/", fetch_redirect_response=False
            )
        # From another network too: the limit is the address's.
        self.ask("Alice@Example.org", ip="192.0.2.50")
        self.assertEqual(len(self.sink.messages), 3)

    def test_unknown_and_known_addresses_answer_alike(self):
        known = self.ask("alice@example.org")
        unknown = self.ask("nikt@example.org")
        self.assertEqual(
            (known.status_code, known["Location"]),
            (unknown.status_code, unknown["Location"]),
        )
        self.assertEqual(len(self.sink.messages), 1)

    def test_one_network_asking_for_many_addresses_is_refused(self):
        for n in range(10):
            self.assertEqual(self.ask(f"adres{n}@example.org").status_code, 302)
        response = self.ask("alice@example.org")
        self.assertContains(
            response, "zbyt wiele próśb o zmianę hasła", status_code=429
        )
        self.assertEqual(self.sink.messages, [])
        # Another network is not affected.
        self.ask("alice@example.org", ip="192.0.2.50")
        self.assertEqual(len(self.sink.messages), 1)

    @override_settings(RATUSZ_TRUSTED_PROXIES=[])
    def test_rotating_x_forwarded_for_does_not_help(self):
        for n in range(10):
            self.client.post(
                RESET,
                {"email": f"adres{n}@example.org"},
                REMOTE_ADDR=ATTACKER,
                HTTP_X_FORWARDED_FOR=f"198.51.100.{n}",
            )
        response = self.client.post(
            RESET,
            {"email": "alice@example.org"},
            REMOTE_ADDR=ATTACKER,
            HTTP_X_FORWARDED_FOR="198.51.100.200",
        )
        self.assertEqual(response.status_code, 429)
