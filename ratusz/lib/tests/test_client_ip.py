"""client_ip: X-Forwarded-For counts only when a trusted proxy passed it on."""

from django.core.exceptions import ImproperlyConfigured
from django.test import RequestFactory, SimpleTestCase, override_settings

from ratusz.lib.client_ip import client_ip

factory = RequestFactory()


def request(remote="203.0.113.7", forwarded=None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return factory.get("/", **extra)


class ClientIpTestCase(SimpleTestCase):
    @override_settings(RATUSZ_TRUSTED_PROXIES=[])
    def test_it_ignores_the_header_without_trusted_proxies(self):
        self.assertEqual(client_ip(request()), "203.0.113.7")
        for forged in ["1.1.1.1", "1.1.1.1, 2.2.2.2", "garbage", ""]:
            self.assertEqual(client_ip(request(forwarded=forged)), "203.0.113.7")

    @override_settings(RATUSZ_TRUSTED_PROXIES=["127.0.0.1"])
    def test_it_ignores_the_header_from_an_untrusted_peer(self):
        r = request(remote="198.51.100.20", forwarded="127.0.0.1, 10.0.0.1")
        self.assertEqual(client_ip(r), "198.51.100.20")

    @override_settings(RATUSZ_TRUSTED_PROXIES=["127.0.0.1", "::1"])
    def test_it_takes_the_address_the_proxy_appended(self):
        r = request(remote="127.0.0.1", forwarded="198.51.100.20")
        self.assertEqual(client_ip(r), "198.51.100.20")
        r = request(remote="::1", forwarded="2001:db8::5")
        self.assertEqual(client_ip(r), "2001:db8::5")

    @override_settings(RATUSZ_TRUSTED_PROXIES=["127.0.0.1"])
    def test_a_client_cannot_rotate_the_header(self):
        # nginx's $proxy_add_x_forwarded_for keeps what the client sent and
        # appends the peer it saw: only the left part is the client's.
        seen = {
            client_ip(request(remote="127.0.0.1", forwarded=f"10.9.{n}.1, {n}.2.3.4"))
            for n in range(1, 20)
        }
        self.assertEqual(len(seen), 19)  # sanity: appended part differs → differs
        seen = {
            client_ip(
                request(remote="127.0.0.1", forwarded=f"10.9.{n}.1, 198.51.100.20")
            )
            for n in range(1, 20)
        }
        self.assertEqual(seen, {"198.51.100.20"})

    @override_settings(RATUSZ_TRUSTED_PROXIES=["127.0.0.1", "10.0.0.0/8"])
    def test_it_skips_a_chain_of_trusted_proxies(self):
        # client → CDN edge → load balancer 10.0.0.5 → nginx on 127.0.0.1
        r = request(remote="127.0.0.1", forwarded="6.6.6.6, 198.51.100.20, 10.0.0.5")
        self.assertEqual(client_ip(r), "198.51.100.20")
        # Separate headers are joined with commas by the server.
        r = request(remote="127.0.0.1", forwarded="198.51.100.20,10.1.2.3")
        self.assertEqual(client_ip(r), "198.51.100.20")

    @override_settings(RATUSZ_TRUSTED_PROXIES=["127.0.0.1"])
    def test_it_stops_at_garbage_and_missing_headers(self):
        r = request(remote="127.0.0.1", forwarded="<script>, 127.0.0.1")
        self.assertEqual(client_ip(r), "127.0.0.1")
        self.assertEqual(client_ip(request(remote="127.0.0.1")), "127.0.0.1")
        r = request(remote="127.0.0.1", forwarded="  ,  ")
        self.assertEqual(client_ip(r), "127.0.0.1")

    @override_settings(RATUSZ_TRUSTED_PROXIES=["127.0.0.1"])
    def test_it_normalizes_ports_and_mapped_addresses(self):
        r = request(remote="127.0.0.1", forwarded="198.51.100.20:5123")
        self.assertEqual(client_ip(r), "198.51.100.20")
        r = request(remote="127.0.0.1", forwarded="[2001:DB8::5]:443")
        self.assertEqual(client_ip(r), "2001:db8::5")
        r = request(remote="::ffff:127.0.0.1", forwarded="::ffff:198.51.100.20")
        self.assertEqual(client_ip(r), "198.51.100.20")

    def test_it_returns_what_it_has_without_an_address(self):
        self.assertEqual(client_ip(request(remote="")), "")

    @override_settings(RATUSZ_TRUSTED_PROXIES=["nginx"])
    def test_it_refuses_a_bad_setting_loudly(self):
        with self.assertRaises(ImproperlyConfigured):
            client_ip(request())
