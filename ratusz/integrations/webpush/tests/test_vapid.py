"""The VAPID key pair: from the environment, else generated once into var/."""

from django.core.exceptions import ImproperlyConfigured
from django.test import SimpleTestCase, override_settings
from py_vapid import Vapid
from py_vapid.utils import b64urlencode

from ratusz.integrations.webpush import vapid


def new_key() -> Vapid:
    key = Vapid()
    key.generate_keys()
    return key


class VapidKeyTests(SimpleTestCase):
    def setUp(self):
        import tempfile
        from pathlib import Path

        self.tmp = Path(tempfile.mkdtemp())
        self.addCleanup(vapid.keys.cache_clear)

    def test_it_generates_a_key_once_and_keeps_it(self):
        path = self.tmp / "sub" / ".vapid_private_key.pem"
        with override_settings(VAPID_PRIVATE_KEY="", VAPID_KEY_FILE=path):
            first = vapid.keys().public_key
            self.assertTrue(path.exists())
            self.assertEqual(path.stat().st_mode & 0o777, 0o600)
            vapid.keys.cache_clear()
            self.assertEqual(vapid.keys().public_key, first)
        self.assertEqual(len(first), 87)  # 65 bytes, base64url

    def test_it_reads_the_key_from_the_environment(self):
        key = new_key()
        raw = b64urlencode(key.private_key.private_numbers().private_value.to_bytes(32))
        pem = key.private_pem().decode()
        for value in (raw, pem):
            with (
                self.subTest(value=value[:10]),
                override_settings(
                    VAPID_PRIVATE_KEY=value,
                    VAPID_PUBLIC_KEY="",
                    VAPID_KEY_FILE=self.tmp / "unused.pem",
                ),
            ):
                keys = vapid.keys()
                self.assertEqual(
                    keys.public_key,
                    vapid.Keys(key, "mailto:a@example.org").public_key,
                )
        self.assertFalse((self.tmp / "unused.pem").exists())

    def test_it_refuses_a_public_key_of_another_pair(self):
        key, other = new_key(), new_key()
        with (
            override_settings(
                VAPID_PRIVATE_KEY=key.private_pem().decode(),
                VAPID_PUBLIC_KEY=vapid.Keys(other, "mailto:a@example.org").public_key,
            ),
            self.assertRaises(ImproperlyConfigured),
        ):
            vapid.keys()
        with (
            override_settings(VAPID_PRIVATE_KEY="not a key"),
            self.assertRaises(ImproperlyConfigured),
        ):
            vapid.keys()

    def test_it_signs_for_the_endpoint_origin_and_reuses_the_token(self):
        keys = vapid.Keys(new_key(), "mailto:urzad@example.org")
        first = keys.authorization("https://push.example.org:8443/a/b", now=1000.0)
        again = keys.authorization("https://push.example.org:8443/c", now=2000.0)
        self.assertEqual(first, again)
        renewed = keys.authorization(
            "https://push.example.org:8443/c", now=1000.0 + vapid.TOKEN_LIFETIME
        )
        self.assertNotEqual(first, renewed)
        other = keys.authorization("https://fcm.googleapis.com/x", now=1000.0)
        self.assertNotEqual(first, other)
        from py_vapid import jwt

        token = first.split("t=")[1].split(",")[0]
        claims = jwt.decode(token, keys.public_key)
        self.assertEqual(
            claims,
            {
                "aud": "https://push.example.org:8443",
                "sub": "mailto:urzad@example.org",
                "exp": 1000 + vapid.TOKEN_LIFETIME,
            },
        )

    @override_settings(VAPID_SUBJECT="", DEFAULT_FROM_EMAIL="Gmina <urzad@zawada.pl>")
    def test_it_takes_the_subject_from_the_sender_address(self):
        with override_settings(VAPID_KEY_FILE=self.tmp / "k.pem"):
            self.assertEqual(vapid.keys().subject, "mailto:urzad@zawada.pl")


class VapidKeysCommandTests(SimpleTestCase):
    def test_it_prints_a_matching_pair_for_the_environment(self):
        from io import StringIO

        from django.core.management import call_command

        out = StringIO()
        call_command("vapid_keys", stdout=out)
        lines = dict(line.split("=", 1) for line in out.getvalue().split())
        self.addCleanup(vapid.keys.cache_clear)
        with override_settings(
            VAPID_PRIVATE_KEY=lines["VAPID_PRIVATE_KEY"],
            VAPID_PUBLIC_KEY=lines["VAPID_PUBLIC_KEY"],
        ):
            self.assertEqual(vapid.keys().public_key, lines["VAPID_PUBLIC_KEY"])
