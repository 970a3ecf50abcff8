"""The public footer links to "Darmowy internet" while the gmina has a
public access point (its page is a 404 without one), and a staff edit of the
access points stales the pages whose footer may change."""

from django.urls import reverse
from django.utils import timezone

from ratusz.inclusion import network_checks
from ratusz.inclusion.network import AccessPoint
from ratusz.test import BaseTestCase
from ratusz.website.tests.test_pagecache import PageCacheTestCase

from .factory import make_access_point

LINK = '<li><a href="/darmowy-internet/">Darmowy internet</a></li>'


class FooterLinkTests(BaseTestCase):
    def test_there_is_no_link_without_a_network(self):
        self.assertNotContains(self.client.get("/"), "/darmowy-internet/")

    def test_the_footer_links_to_the_network_page(self):
        make_access_point(self.gmina, "Rynek")
        response = self.client.get("/")
        self.assertContains(response, LINK, html=True)
        self.assertEqual(self.client.get("/darmowy-internet/").status_code, 200)
        # Gmina B has no network: no link on its site.
        other = self.client.get("/", HTTP_HOST=self.other_gmina.site.hostname)
        self.assertNotContains(other, "/darmowy-internet/")

    def test_a_retired_network_is_not_linked(self):
        make_access_point(self.gmina, "Rynek", status=AccessPoint.Status.RETIRED)
        self.assertNotContains(self.client.get("/"), "/darmowy-internet/")
        self.assertEqual(self.client.get("/darmowy-internet/").status_code, 404)

    def test_the_link_is_on_every_public_page(self):
        make_access_point(self.gmina, "Rynek")
        for url in ["/aktualnosci/", reverse("fans-follow")]:
            self.assertContains(self.client.get(url), LINK, html=True)


class FooterCacheTests(PageCacheTestCase):
    def test_the_first_access_point_rebuilds_the_sites_pages(self):
        self.warm("/")
        with self.captureOnCommitCallbacks(execute=True):
            point = make_access_point(
                self.gmina, "Rynek", check_method="tcp", check_target="127.0.0.1:9"
            )
        self.assertIn("/darmowy-internet/", self.assertRebuilt("/").text)
        self.assertCached("/")
        # The worker's checks change no footer: the pages stay.
        with self.captureOnCommitCallbacks(execute=True):
            network_checks.record_result(
                point, network_checks.Result(False, "brak"), now=timezone.now()
            )
        self.assertCached("/")
