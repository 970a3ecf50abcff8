"""Allow-lists for one call: a private network opened for the callers that
name it (the free network's checks), and for nothing else."""

import ipaddress
import os
from unittest import mock

from django.test import SimpleTestCase, override_settings

from ratusz.lib import http
from ratusz.lib.tests.servers import LoopbackServer
from ratusz.settings import envallowlists

OK = (200, {"Content-Type": "text/plain"}, b"ok")
LOOPBACK = (ipaddress.ip_network("127.0.0.1/32"),)


@override_settings(HTTP_ALLOW_PRIVATE_HOSTS=[])
class AllowTestCase(SimpleTestCase):
    def test_allow_list_takes_the_common_and_the_keys_own_entries(self):
        lists = {"*": ["10.20.0.0/16"], "zawada.pl": ["192.168.5.1"]}
        self.assertEqual(
            [str(n) for n in http.allow_list(lists, "zawada.pl")],
            ["10.20.0.0/16", "192.168.5.1/32"],
        )
        self.assertEqual(
            [str(n) for n in http.allow_list(lists, "brzezie.pl")], ["10.20.0.0/16"]
        )
        self.assertEqual(http.allow_list({}, "zawada.pl"), ())
        with self.assertRaises(ValueError):
            http.allow_list({"*": ["10.20.0.0/33"]}, "x")

    def test_fetch_reaches_an_allowed_private_address_only_when_asked(self):
        with LoopbackServer({"/": OK}) as server:
            with self.assertRaises(http.BlockedHost):
                http.fetch(server.url("/"), max_bytes=10)
            result = http.fetch(server.url("/"), max_bytes=10, allow=LOOPBACK)
            self.assertEqual(result.content, b"ok")
            with http.client(timeout=2, allow=LOOPBACK) as api:
                self.assertEqual(api.get(server.url("/")).status_code, 200)
            self.assertEqual(server.hits, ["/", "/"])

    def test_an_allowed_network_does_not_open_its_neighbours(self):
        with LoopbackServer({"/": OK}, host="127.0.0.2") as server:
            with self.assertRaises(http.BlockedHost):
                http.fetch(server.url("/"), max_bytes=10, allow=LOOPBACK)
            with self.assertRaises(http.BlockedHost):
                http.probe_tcp("127.0.0.2", server.port, timeout=1, allow=LOOPBACK)
            self.assertEqual(server.hits, [])

    def test_probe_tcp_connects_or_says_why_not(self):
        with LoopbackServer({"/": OK}) as server:
            http.probe_tcp("127.0.0.1", server.port, timeout=1, allow=LOOPBACK)
            port = server.port
        with self.assertRaises(http.FetchError) as refused:
            http.probe_tcp("127.0.0.1", port, timeout=1, allow=LOOPBACK)
        self.assertNotIsInstance(refused.exception, http.BlockedHost)


class SettingTestCase(SimpleTestCase):
    def test_it_reads_named_lists_and_fails_loudly_on_a_typo(self):
        value = "*=10.20.0.0/16; Zawada.example.pl=192.168.5.0/24, 192.168.6.1"
        with mock.patch.dict(os.environ, {"X_ALLOW": value}):
            self.assertEqual(
                envallowlists("X_ALLOW", ""),
                {
                    "*": ["10.20.0.0/16"],
                    "zawada.example.pl": ["192.168.5.0/24", "192.168.6.1"],
                },
            )
        for bad in ("10.20.0.0/16", "*=10.20.0.300", "=10.0.0.1"):
            with self.subTest(bad), mock.patch.dict(os.environ, {"X_ALLOW": bad}):
                with self.assertRaises(ValueError):
                    envallowlists("X_ALLOW", "")
