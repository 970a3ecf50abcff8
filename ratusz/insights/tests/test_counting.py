"""Each view counted once, at the door that answered it; the rest never."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from ratusz.insights.models import Device, MissedSearch, Source, ViewEvent
from ratusz.test import BaseTestCase
from ratusz.website import pagecache
from ratusz.website.tests.test_pagecache import path

from .helpers import DESKTOP, PHONE, TABLET, CountingMixin


class CountingTestCase(CountingMixin, BaseTestCase):
    def test_a_miss_then_hits_are_counted_once_each(self):
        first = self.view(self.a)
        second = self.view(self.a)
        self.assertEqual(first.headers["x-cache"], "MISS")
        self.assertEqual(second.headers["x-cache"], "HIT")
        views = self.counted()
        self.assertEqual(len(views), 2)
        for view in views:
            self.assertEqual(view.gmina, self.gmina)
            self.assertEqual(view.page_id, self.a.pk)
            self.assertEqual(view.path, path(self.a))
            self.assertEqual(view.source, Source.DIRECT)
            self.assertEqual(view.device, Device.DESKTOP)
        # The same browser on the same day is one visitor.
        self.assertEqual(views[0].visitor, views[1].visitor)

    def test_a_stale_answer_is_counted(self):
        self.warm(self.a)
        store = pagecache.get_store()
        key = f"http://localhost{path(self.a)}"
        store.mark_stale([key])
        token = store.acquire(key)  # someone else is rebuilding it
        self.addCleanup(store.release, key, token)
        self.assertEqual(self.view(self.a).headers["x-cache"], "STALE")
        self.assertEqual(len(self.counted()), 1)

    def test_a_view_the_cache_bypasses_is_counted_by_django(self):
        r = self.view(f"{path(self.a)}?strona=2")
        self.assertNotIn("x-cache", r.headers)
        self.assertEqual([v.page_id for v in self.counted()], [self.a.pk])

    def test_different_browsers_are_different_visitors(self):
        self.view(self.a)
        self.view(self.a, ua=PHONE)
        self.view(self.a, ua=TABLET)
        views = self.counted()
        self.assertEqual(len({v.visitor for v in views}), 3)
        self.assertEqual(
            [v.device for v in views], [Device.DESKTOP, Device.PHONE, Device.TABLET]
        )

    def test_it_writes_one_insert_per_flush(self):
        for _ in range(5):
            self.view(self.a)
        self.view(self.b)
        with CaptureQueriesContext(connection) as queries:
            self.assertEqual(len(self.counted()), 6)
        # One statement executed for every row ("6 times: INSERT ...").
        inserts = [q for q in queries if 'INSERT INTO "insights_viewevent"' in q["sql"]]
        self.assertEqual([q["sql"].split(":")[0] for q in inserts], ["6 times"])

    def test_gminas_are_counted_apart(self):
        theirs = self.view("/", host="brzezie.localhost")
        self.assertEqual(theirs.status_code, 200)
        self.view(self.a)
        views = self.counted()
        self.assertEqual(
            sorted((v.gmina_id, v.path) for v in views),
            sorted([(self.other_gmina.pk, "/"), (self.gmina.pk, path(self.a))]),
        )
        # The same browser is another visitor on another gmina's site.
        self.assertNotEqual(views[0].visitor, views[1].visitor)


class ExclusionsTestCase(CountingMixin, BaseTestCase):
    """Nothing of these is counted, whether the cache or Django answers."""

    def assertNotCounted(self, **kwargs):
        for url in (path(self.a), f"{path(self.a)}?strona=1"):
            self.view(url, **kwargs)
        self.assertEqual(self.counted(), [])

    def setUp(self):
        super().setUp()
        self.warm(self.a)

    def test_bots_and_crawlers(self):
        self.assertNotCounted(ua="Mozilla/5.0 (compatible; Googlebot/2.1)")
        self.assertNotCounted(ua="Mozilla/5.0 (compatible; bingbot/2.0)")
        self.assertNotCounted(ua="")

    def test_link_preview_fetchers(self):
        for ua in (
            "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
            "Mastodon/4.3.0 (http.rb/5.2.0; +https://mastodon.social/)",
            "WhatsApp/2.23.20.0",
            "TelegramBot (like TwitterBot)",
        ):
            self.assertNotCounted(ua=ua)

    def test_head(self):
        self.assertNotCounted(method="HEAD")

    def test_prefetch_and_prerender(self):
        self.assertNotCounted(headers={"sec-purpose": "prefetch"})
        self.assertNotCounted(headers={"sec-purpose": "prefetch;prerender"})
        self.assertNotCounted(headers={"purpose": "prefetch"})

    def test_do_not_track_and_global_privacy_control(self):
        self.assertNotCounted(headers={"dnt": "1"})
        self.assertNotCounted(headers={"sec-gpc": "1"})

    def test_logged_in_staff(self):
        self.client.force_login(self.alice)
        r = self.client.get(path(self.a), HTTP_USER_AGENT=DESKTOP)
        self.assertEqual(r.status_code, 200)
        session = self.client.cookies["sessionid"].value
        r = self.view(self.a, headers={"cookie": f"sessionid={session}"})
        self.assertEqual(r.status_code, 200)
        self.assertEqual(self.counted(), [])

    def test_admin_and_preview(self):
        self.client.force_login(self.admin)
        r = self.client.get(
            f"/admin/pages/{self.a.pk}/edit/preview/", HTTP_USER_AGENT=DESKTOP
        )
        self.assertEqual(r.status_code, 200)
        self.client.logout()
        self.view("/admin/")
        self.view("/admin/login/")
        self.assertEqual(self.counted(), [])

    def test_error_pages(self):
        # Through the test client: the ASGI handler renders a 404 in a thread
        # of its own, which SQLite's in-memory test database locks out. The
        # front never answers errors itself, so Django is the only door.
        r = self.client.get("/nie-ma-takiej-strony/", HTTP_USER_AGENT=DESKTOP)
        self.assertEqual(r.status_code, 404)
        r = self.client.get(f"{path(self.a)}ukryta/", HTTP_USER_AGENT=DESKTOP)
        self.assertEqual(r.status_code, 404)
        self.assertEqual(self.counted(), [])

    def test_non_page_views(self):
        self.view("/szukaj/?q=droga")
        self.view("/sitemap.xml")
        self.assertEqual(self.counted(), [])

    def test_nothing_when_counting_is_off(self):
        with self.settings(INSIGHTS_COUNTING=False):
            self.view(self.a)
            self.view(f"{path(self.a)}?strona=1")
        self.assertEqual(ViewEvent.objects.count() + self.counted().__len__(), 0)


class MissedSearchTestCase(CountingMixin, BaseTestCase):
    def search(self, q, **kwargs):
        r = self.view(f"/szukaj/?q={q}", **kwargs)
        self.assertEqual(r.status_code, 200)
        return r

    def test_searches_that_found_nothing_are_counted_by_lemma(self):
        self.search("zupa pomidorowa")
        self.search("zupy pomidorowej")
        self.search("remont drogi")  # found: not counted
        self.search("zupa pomidorowa", ua="Googlebot/2.1")
        self.search("zupa pomidorowa", headers={"dnt": "1"})
        self.search("kotlet", host="brzezie.localhost")
        self.counted()
        rows = {
            (m.gmina_id, m.lemmas): m.searches
            for m in MissedSearch.objects.filter(day=timezone.localdate())
        }
        self.assertEqual(
            rows,
            {
                (self.gmina.pk, "zupa pomidorowa"): 2,
                (self.other_gmina.pk, "kotlet"): 1,
            },
        )
        # Searches are no page views.
        self.assertFalse(ViewEvent.objects.exists())

    def test_a_second_flush_adds_to_the_days_count(self):
        self.search("zupa")
        self.counted()
        self.search("zupa")
        self.counted()
        self.assertEqual(MissedSearch.objects.get().searches, 2)
