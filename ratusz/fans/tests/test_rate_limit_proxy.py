"""Sign-up limits key on the real client, also behind a reverse proxy.

A client that sends its own X-Forwarded-For, a new one each time, must not get
a fresh limit (SECURITY.md A4); behind a trusted proxy, residents who share the
proxy's address must not share one limit either.
"""

from django.test import override_settings

from ratusz.fans.models import Follower
from ratusz.fans.tests.test_follow import SinkTestCase
from ratusz.integrations.sms.tests.base import SmsTestCase

PROXY = "127.0.0.1"
SMS_SIGNUP = "/obserwuj/sms/"


def nginx(client_address: str, forged: str) -> dict:
    """What nginx passes on: the client's header plus the peer it saw."""
    return {
        "REMOTE_ADDR": PROXY,
        "HTTP_X_FORWARDED_FOR": f"{forged}, {client_address}",
    }


@override_settings(FOLLOW_RATE_PER_EMAIL=100, FOLLOW_RATE_PER_IP=3)
class FollowLimitTestCase(SinkTestCase):
    def sign_up(self, n: int, **extra) -> int:
        return self.post({"email": f"osoba{n}@example.org"}, **extra).status_code

    @override_settings(RATUSZ_TRUSTED_PROXIES=[])
    def test_rotating_the_header_does_not_reset_the_limit(self):
        codes = [
            self.sign_up(
                n, REMOTE_ADDR="198.51.100.20", HTTP_X_FORWARDED_FOR=f"10.0.{n}.1"
            )
            for n in range(6)
        ]
        self.assertEqual(codes, [302, 302, 302, 429, 429, 429])
        self.assertEqual(Follower.objects.count(), 3)

    @override_settings(RATUSZ_TRUSTED_PROXIES=[PROXY])
    def test_rotating_the_header_behind_a_trusted_proxy_does_not_either(self):
        codes = [
            self.sign_up(n, **nginx("198.51.100.20", forged=f"10.0.{n}.1"))
            for n in range(6)
        ]
        self.assertEqual(codes, [302, 302, 302, 429, 429, 429])
        self.assertEqual(Follower.objects.count(), 3)

    @override_settings(RATUSZ_TRUSTED_PROXIES=[PROXY])
    def test_residents_behind_the_proxy_have_their_own_limits(self):
        for n in range(3):
            self.assertEqual(self.sign_up(n, **nginx("198.51.100.20", "x")), 302)
        self.assertEqual(self.sign_up(3, **nginx("198.51.100.20", "x")), 429)
        # Another resident through the same proxy still gets in.
        self.assertEqual(self.sign_up(4, **nginx("198.51.100.21", "x")), 302)

    @override_settings(RATUSZ_TRUSTED_PROXIES=[])
    def test_without_trusted_proxies_the_proxy_is_the_client(self):
        for n in range(3):
            self.assertEqual(self.sign_up(n, **nginx(f"198.51.100.{n}", "x")), 302)
        self.assertEqual(self.sign_up(3, **nginx("198.51.100.99", "x")), 429)


@override_settings(SMS_CODE_RATE_PER_PHONE=100, SMS_CODE_RATE_PER_IP=2)
class SmsCodeLimitTestCase(SmsTestCase):
    def sign_up(self, n: int, **extra) -> int:
        data = {"phone": f"600 000 {n:03d}", "consent": "1"}
        return self.client.post(SMS_SIGNUP, data, **extra).status_code

    @override_settings(RATUSZ_TRUSTED_PROXIES=[PROXY])
    def test_rotating_the_header_does_not_reset_the_limit(self):
        codes = [
            self.sign_up(n, **nginx("198.51.100.20", forged=f"10.0.{n}.1"))
            for n in range(4)
        ]
        self.assertEqual(codes, [302, 302, 429, 429])
        self.assertEqual(len(self.api.sent), 2)
        self.assertEqual(self.sign_up(9, **nginx("198.51.100.21", "x")), 302)

    @override_settings(RATUSZ_TRUSTED_PROXIES=[])
    def test_an_untrusted_header_is_ignored(self):
        codes = [
            self.sign_up(
                n, REMOTE_ADDR="198.51.100.20", HTTP_X_FORWARDED_FOR=f"10.0.{n}.1"
            )
            for n in range(4)
        ]
        self.assertEqual(codes, [302, 302, 429, 429])
