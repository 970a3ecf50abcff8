"""The SSRF guard, tested against real servers on loopback.

The canary servers listen on 127.0.0.1 and [::1]. With the guard on, every
attempt to reach them must fail before a byte is sent (0 hits); with
HTTP_ALLOW_PRIVATE_HOSTS the very same URLs do reach them, which shows that
the refusals are the guard's doing and not an unreachable address.
"""

import socket
import time
from datetime import UTC, datetime

import httpx
import time_machine
from django.test import SimpleTestCase, override_settings

from ratusz.lib.http import BlockedHost, FetchError, fetch, retry_after
from ratusz.lib.tests.servers import LoopbackServer

OK = (200, {"Content-Type": "text/plain; charset=utf-8"}, b"kanarek")


class HttpGuardTestCase(SimpleTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.canary = LoopbackServer({"/": OK, "/x": OK}).__enter__()
        cls.canary6 = LoopbackServer({"/": OK}, host="::1").__enter__()
        # An "outside" server: the only private address the tests allow.
        cls.outside = LoopbackServer({}, host="127.0.0.2").__enter__()
        cls.addClassCleanup(cls.canary.__exit__)
        cls.addClassCleanup(cls.canary6.__exit__)
        cls.addClassCleanup(cls.outside.__exit__)

    def setUp(self):
        self.canary.hits.clear()
        self.canary6.hits.clear()
        self.outside.hits.clear()
        self.outside.routes.clear()

    def local_urls(self):
        p, p6 = self.canary.port, self.canary6.port
        return [
            f"http://127.0.0.1:{p}/",
            f"http://localhost:{p}/",
            f"http://[::1]:{p6}/",
            f"http://[::ffff:127.0.0.1]:{p}/",
            f"http://[::ffff:7f00:1]:{p}/",
            f"http://2130706433:{p}/",
            f"http://0x7f.1:{p}/",
            f"http://017700000001:{p}/",
            f"http://127.1:{p}/",
            f"http://0.0.0.0:{p}/",
            f"http://[::]:{p6}/",
        ]

    def canary_hits(self):
        return len(self.canary.hits) + len(self.canary6.hits)

    def test_it_refuses_loopback_in_every_spelling(self):
        for url in self.local_urls():
            with self.subTest(url=url), self.assertRaises(BlockedHost):
                fetch(url, max_bytes=1000)
        self.assertEqual(self.canary_hits(), 0)

    def test_it_refuses_private_and_special_addresses(self):
        urls = [
            "http://169.254.169.254/latest/meta-data/",
            "http://10.0.0.1/",
            "http://172.16.5.4/",
            "http://192.168.1.1/",
            "http://100.64.0.1/",
            "http://224.0.0.1/",
            "http://255.255.255.255/",
            "http://[fe80::1]/",
            "http://[fc00::1]/",
            "http://[ff02::1]/",
            # IPv4 inside IPv6: NAT64, 6to4, IPv4-compatible.
            f"http://[64:ff9b::7f00:1]:{self.canary.port}/",
            f"http://[2002:7f00:1::]:{self.canary.port}/",
            "http://[::ffff:169.254.169.254]/",
            "http://[::ffff:a00:1]/",
        ]
        for url in urls:
            started = time.monotonic()
            with self.subTest(url=url), self.assertRaises(BlockedHost):
                fetch(url, max_bytes=1000, timeout=5)
            # Refused before any connection attempt, not after a timeout.
            self.assertLess(time.monotonic() - started, 1)
        self.assertEqual(self.canary_hits(), 0)

    @override_settings(HTTP_ALLOW_PRIVATE_HOSTS=True)
    def test_the_same_urls_reach_the_canary_when_private_hosts_are_allowed(self):
        urls = self.local_urls()
        for url in urls:
            with self.subTest(url=url):
                self.assertEqual(fetch(url, max_bytes=1000).content, b"kanarek")
        self.assertEqual(self.canary_hits(), len(urls))

    @override_settings(HTTP_ALLOW_PRIVATE_HOSTS=["127.0.0.2"])
    def test_it_refuses_a_redirect_from_an_allowed_server_to_loopback(self):
        for target in (
            self.canary.url("/"),
            f"http://2130706433:{self.canary.port}/",
            f"http://[::1]:{self.canary6.port}/",
        ):
            self.outside.routes["/go"] = (302, {"Location": target}, b"")
            with self.subTest(target=target), self.assertRaises(BlockedHost):
                fetch(self.outside.url("/go"), max_bytes=1000)
        self.assertEqual(len(self.outside.hits), 3)
        self.assertEqual(self.canary_hits(), 0)

    @override_settings(HTTP_ALLOW_PRIVATE_HOSTS=["127.0.0.2"])
    def test_it_refuses_a_redirect_to_another_scheme(self):
        self.outside.routes["/go"] = (301, {"Location": "file:///etc/passwd"}, b"")
        with self.assertRaises(BlockedHost):
            fetch(self.outside.url("/go"), max_bytes=1000)

    @override_settings(HTTP_ALLOW_PRIVATE_HOSTS=["127.0.0.2"])
    def test_it_follows_at_most_three_redirects(self):
        self.outside.routes["/end"] = OK
        for n in range(1, 5):
            target = f"/r{n - 1}" if n > 1 else "/end"
            self.outside.routes[f"/r{n}"] = (302, {"Location": target}, b"")

        self.assertEqual(fetch(self.outside.url("/r3"), max_bytes=100).content, OK[2])
        self.outside.hits.clear()
        with self.assertRaisesRegex(FetchError, "przekierowań"):
            fetch(self.outside.url("/r4"), max_bytes=100)
        self.assertEqual(self.outside.hits, ["/r4", "/r3", "/r2", "/r1"])

    def test_it_refuses_other_schemes(self):
        for url in (
            "file:///etc/passwd",
            "ftp://example.org/x",
            "gopher://127.0.0.1:70/",
            "javascript:alert(1)",
            "data:text/plain,abc",
        ):
            with self.subTest(url=url), self.assertRaises(FetchError):
                fetch(url, max_bytes=1000)

    def test_it_refuses_a_name_with_any_internal_address(self):
        """A name resolving to a public and a private address is refused whole."""
        real = socket.getaddrinfo

        def two_faced(host, *args, **kwargs):
            if host == "mixed.example":
                return [
                    (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.215.14", 80)),
                    (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", 80)),
                ]
            return real(host, *args, **kwargs)

        socket.getaddrinfo = two_faced
        try:
            with self.assertRaises(BlockedHost):
                fetch(f"http://mixed.example:{self.canary.port}/", max_bytes=100)
        finally:
            socket.getaddrinfo = real
        self.assertEqual(self.canary_hits(), 0)

    def test_it_connects_to_the_address_it_checked(self):
        """DNS rebinding: the first answer is public, later ones point inside.

        A guard that checks one answer and lets the HTTP client resolve again
        would reach the canary; ours connects to the address it checked.
        """
        real = socket.getaddrinfo
        answers = []

        def rebinding(host, port, *args, **kwargs):
            if host == "rebind.example":
                # 1.2.3.4 is public but has no route from here: the connection
                # fails instead of leaving the machine.
                ip = "127.0.0.1" if answers else "1.2.3.4"
                answers.append(ip)
                return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (ip, port))]
            return real(host, port, *args, **kwargs)

        socket.getaddrinfo = rebinding
        try:
            with self.assertRaises(FetchError):
                fetch(
                    f"http://rebind.example:{self.canary.port}/",
                    max_bytes=100,
                    timeout=2,
                )
        finally:
            socket.getaddrinfo = real
        self.assertEqual(answers[0], "1.2.3.4")
        self.assertEqual(self.canary_hits(), 0)

    @override_settings(HTTP_ALLOW_PRIVATE_HOSTS=["127.0.0.2"])
    def test_it_enforces_the_size_limit(self):
        body = b"x" * 5000
        self.outside.routes["/big"] = (200, {"Content-Type": "text/plain"}, body)
        self.outside.routes["/big-chunked"] = (
            200,
            {"Content-Type": "text/plain", "Transfer-Encoding": "chunked"},
            body,
        )
        self.assertEqual(
            len(fetch(self.outside.url("/big"), max_bytes=5000).content), 5000
        )
        for path in ("/big", "/big-chunked"):
            with self.subTest(path=path), self.assertRaisesRegex(FetchError, "za duży"):
                fetch(self.outside.url(path), max_bytes=4999)

    @override_settings(HTTP_ALLOW_PRIVATE_HOSTS=["127.0.0.2"])
    def test_it_enforces_the_content_type(self):
        self.outside.routes["/img"] = (200, {"Content-Type": "image/png"}, b"png")
        self.outside.routes["/html"] = (200, {"Content-Type": "text/html"}, b"<p>")
        self.outside.routes["/none"] = (200, {}, b"?")

        result = fetch(
            self.outside.url("/img"), max_bytes=100, content_types=["image/"]
        )
        self.assertEqual(result.content_type, "image/png")
        for path in ("/html", "/none"):
            with (
                self.subTest(path=path),
                self.assertRaisesRegex(FetchError, "typ treści"),
            ):
                fetch(self.outside.url(path), max_bytes=100, content_types=["image/"])

    @override_settings(HTTP_ALLOW_PRIVATE_HOSTS=["127.0.0.2"])
    def test_it_reports_http_errors(self):
        with self.assertRaisesRegex(FetchError, "404"):
            fetch(self.outside.url("/missing"), max_bytes=100)


def test_the_api_client_posts_through_the_guard(settings):
    import json
    import threading
    from http.server import BaseHTTPRequestHandler, HTTPServer

    import pytest

    from ratusz.lib import http

    received = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            received.append(
                json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            )
            self.send_response(429)
            self.send_header("Retry-After", "7")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_port}/x"
    try:
        settings.HTTP_ALLOW_PRIVATE_HOSTS = False
        with http.client() as api, pytest.raises(http.BlockedHost):
            api.post(url, json={"a": 1})
        assert received == []
        settings.HTTP_ALLOW_PRIVATE_HOSTS = ["127.0.0.1"]
        with http.client() as api:
            response = api.post(url, json={"a": 1})
        assert (response.status_code, response.headers["retry-after"]) == (429, "7")
        assert received == [{"a": 1}]
        with http.client() as api, pytest.raises(http.BlockedHost):
            api.get("file:///etc/passwd")
    finally:
        server.shutdown()


class RetryAfterTestCase(SimpleTestCase):
    """`retry_after`: the one reader of a provider's Retry-After header."""

    def answer(self, **headers):
        return httpx.Response(429, headers=headers)

    def test_it_reads_delta_seconds(self):
        self.assertEqual(retry_after(self.answer(**{"Retry-After": "120"})), 120.0)

    def test_it_reads_an_http_date(self):
        with time_machine.travel(datetime(2026, 12, 1, 12, 0, tzinfo=UTC), tick=False):
            when = "Tue, 01 Dec 2026 12:01:30 GMT"
            self.assertEqual(retry_after(self.answer(**{"Retry-After": when})), 90.0)
            past = "Tue, 01 Dec 2026 11:00:00 GMT"
            self.assertEqual(retry_after(self.answer(**{"Retry-After": past})), 0.0)

    def test_it_is_none_without_a_usable_header(self):
        self.assertIsNone(retry_after(self.answer()))
        self.assertIsNone(retry_after(self.answer(**{"Retry-After": "soon"})))
        self.assertIsNone(retry_after(self.answer(**{"Retry-After": "-5"})))
