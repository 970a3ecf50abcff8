"""The public page cache, driven through the real ASGI application.

Requests go through `ratusz.asgi.application` (the front cache wrapping
Django) with httpx's in-process ASGI transport; entries are real files in a
temporary directory, invalidations run from the real Wagtail signals once
the publishing transaction commits.
"""

import asyncio
import io
import os
import re
import shutil
import tempfile
from contextlib import contextmanager

import httpx
from asgiref.sync import async_to_sync
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import TransactionTestCase, override_settings
from wagtail import hooks
from wagtail.actions.unpublish_page import UnpublishPageAction
from wagtail.models import PageViewRestriction

from ratusz.asgi import application
from ratusz.gminas.models import Gmina, User
from ratusz.test import (
    BaseTestCase,
    home_of,
    make_article,
    make_category,
    make_gmina,
    news_index_of,
)
from ratusz.website import pagecache
from ratusz.website.cache_models import PageCacheDependency, PageCacheEntry
from ratusz.website.models import ArticlePage, NewsIndexPage, StandardPage
from ratusz.website.tests.test_security_headers import (
    assert_restrictive_permissions_policy,
)

NONCE = re.compile(r'nonce="([^"]+)"')


@contextmanager
def _keep_test_connection():
    # As Django's own test clients do: the handler must not close the
    # connection that holds the test's transaction.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


async def _send(client, path, host, method, headers):
    return await client.request(method, f"http://{host}{path}", headers=headers or {})


async def _as_served(scope, receive, send):
    # httpx leaves the port out of "server" for default ports; granian and
    # every other server fill it in, and Django's request needs it.
    host, port = scope["server"]
    scope["server"] = (host, port or 80)
    await application(scope, receive, send)


def _client():
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=_as_served))


def fetch(path, *, host="localhost", method="GET", headers=None):
    async def run():
        async with _client() as client:
            return await _send(client, path, host, method, headers)

    with _keep_test_connection():
        return async_to_sync(run)()


def fetch_concurrently(path, n, *, host="localhost"):
    async def run():
        async with _client() as client:
            return await asyncio.gather(
                *(_send(client, path, host, "GET", None) for _ in range(n))
            )

    with _keep_test_connection():
        return async_to_sync(run)()


def path(page):
    return page.get_url_parts()[2]


def nonces(response):
    csp = response.headers["content-security-policy"]
    header = re.search(r"'nonce-([^']+)'", csp).group(1)
    return header, set(NONCE.findall(response.text))


class PageCacheMixin:
    """A cache in a temporary directory; articles A and B share a tag."""

    def setUp(self):
        super().setUp()
        self.cache_dir = tempfile.mkdtemp(prefix="pagecache-")
        self.addCleanup(shutil.rmtree, self.cache_dir, ignore_errors=True)
        overrides = override_settings(
            PAGE_CACHE_ENABLED=True, PAGE_CACHE_DIR=self.cache_dir
        )
        overrides.enable()
        self.addCleanup(overrides.disable)
        self.a = make_article(self.gmina, "Remont drogi w Zawadzie", tags=["drogi"])
        self.b = make_article(self.gmina, "Nowa droga do szkoły", tags=["drogi"])
        self.c = make_article(self.gmina, "Koncert chóru w remizie", tags=["kultura"])
        self.news = news_index_of(self.gmina)
        self.home = home_of(self.gmina)

    def warm(self, *pages, host="localhost"):
        for page in pages:
            url = page if isinstance(page, str) else path(page)
            fetch(url, host=host)
            self.assertCached(url, host=host)

    def assertCached(self, url, host="localhost"):
        r = fetch(url, host=host)
        self.assertEqual(r.status_code, 200)
        self.assertEqual(r.headers.get("x-cache"), "HIT", url)
        return r

    def assertRebuilt(self, url, host="localhost"):
        r = fetch(url, host=host)
        self.assertEqual(r.headers.get("x-cache"), "MISS", url)
        return r

    def publish(self, page, **changes):
        with self.captureOnCommitCallbacks(execute=True):
            for name, value in changes.items():
                setattr(page, name, value)
            page.save_revision().publish()


class PageCacheTestCase(PageCacheMixin, BaseTestCase):
    pass


class GoneAtOnceTestCase(PageCacheMixin, TransactionTestCase):
    """Pages that disappear answer 404 at once.

    Real commits: Django renders a 404 in another thread (its async handler
    runs exception responses outside the request's thread), which cannot see
    a test transaction.
    """

    serialized_rollback = True

    def setUp(self):
        self.gmina = make_gmina(
            "Gmina Zawada", hostname="localhost", is_default_site=True
        )
        super().setUp()

    def test_it_removes_an_unpublished_page_at_once(self):
        self.warm(self.a, self.b, self.c, self.news)
        self.a.unpublish()
        r = fetch(path(self.a))
        self.assertEqual(r.status_code, 404)
        self.assertEqual(fetch(path(self.a)).status_code, 404)
        # Lists that named it are dropped too, not served stale.
        self.assertNotIn("Remont drogi", self.assertRebuilt(path(self.news)).text)
        self.assertNotIn("Remont drogi", self.assertRebuilt(path(self.b)).text)
        self.assertCached(path(self.c))

    def test_it_removes_a_deleted_page_at_once(self):
        self.warm(self.a, self.c)
        url = path(self.a)
        ArticlePage.objects.get(pk=self.a.pk).delete()
        self.assertEqual(fetch(url).status_code, 404)
        self.assertFalse(PageCacheEntry.objects.filter(page_id=self.a.pk).exists())
        self.assertCached(path(self.c))

    def test_it_removes_a_subtree_that_is_unpublished(self):
        self.warm(self.a, self.c)
        editor = User.objects.create_superuser("root", "root@example.org", "x")
        UnpublishPageAction(self.news, include_descendants=True, user=editor).execute()
        self.assertEqual(fetch(path(self.a)).status_code, 404)
        self.assertEqual(fetch(path(self.c)).status_code, 404)

    def test_it_follows_a_moved_page(self):
        notices = self.home.add_child(
            instance=NewsIndexPage(title="Ogłoszenia", slug="ogloszenia")
        )
        notices.save_revision().publish()
        self.warm(self.a, self.c, self.news)
        old_url = path(self.a)
        self.a.move(notices, pos="last-child")
        self.a.refresh_from_db()
        self.assertNotEqual(path(self.a), old_url)
        old = fetch(old_url)
        self.assertNotEqual(old.status_code, 200)  # a redirect or 404
        self.assertIn("Remont drogi", self.assertRebuilt(path(self.a)).text)
        self.assertNotIn("Remont drogi", self.assertRebuilt(path(self.news)).text)
        self.assertCached(path(self.c))


class FrontTestCase(PageCacheTestCase):
    def test_it_hits_after_a_miss(self):
        first = fetch(path(self.a))
        self.assertEqual(first.headers["x-cache"], "MISS")
        self.assertContains_(first, "Remont drogi w Zawadzie")
        second = fetch(path(self.a))
        self.assertEqual(second.headers["x-cache"], "HIT")
        self.assertEqual(
            NONCE.sub("", first.text), NONCE.sub("", second.text), "same page"
        )
        entry = PageCacheEntry.objects.get(key=f"http://localhost{path(self.a)}")
        self.assertEqual(entry.page_id, self.a.pk)
        self.assertEqual(entry.site_id, self.gmina.site_id)

    def assertContains_(self, response, text):
        self.assertEqual(response.status_code, 200)
        self.assertIn(text, response.text)

    def test_it_puts_a_fresh_nonce_into_every_cached_response(self):
        fetch(path(self.a))
        one, two = fetch(path(self.a)), fetch(path(self.a))
        header_one, body_one = nonces(one)
        header_two, body_two = nonces(two)
        self.assertEqual(body_one, {header_one})
        self.assertEqual(body_two, {header_two})
        self.assertNotEqual(header_one, header_two)
        self.assertEqual(len(header_one), 24)  # base64 of 16 bytes
        self.assertNotIn("\x00", one.text)

    def test_it_keeps_the_security_headers(self):
        miss = fetch(path(self.a))
        hit = fetch(path(self.a))
        for name in (
            "content-type",
            "x-content-type-options",
            "referrer-policy",
            "x-frame-options",
            "cross-origin-opener-policy",
            "content-language",
            "permissions-policy",
        ):
            self.assertEqual(hit.headers.get(name), miss.headers.get(name), name)
        self.assertEqual(hit.headers["x-content-type-options"], "nosniff")
        assert_restrictive_permissions_policy(self, hit, "cached page")
        self.assertEqual(int(hit.headers["content-length"]), len(hit.content))
        policy = re.sub(r"'nonce-[^']+'", "", hit.headers["content-security-policy"])
        self.assertEqual(
            policy,
            re.sub(r"'nonce-[^']+'", "", miss.headers["content-security-policy"]),
        )

    def test_it_answers_head_from_the_cache(self):
        get = fetch(path(self.a))
        fetch(path(self.a))
        head = fetch(path(self.a), method="HEAD")
        self.assertEqual(head.status_code, 200)
        self.assertEqual(head.headers["x-cache"], "HIT")
        self.assertEqual(head.content, b"")
        self.assertEqual(head.headers["content-length"], get.headers["content-length"])

    def test_it_does_not_fill_from_head(self):
        head = fetch(path(self.a), method="HEAD")
        self.assertEqual(head.headers["x-cache"], "MISS")
        self.assertEqual(fetch(path(self.a)).headers["x-cache"], "MISS")

    def test_an_articles_call_to_follow_is_cached_and_follows_its_edits(self):
        waste = make_category(self.gmina, "Odpady")
        self.publish(self.a, category=waste)
        self.warm(self.a)
        cached = self.assertCached(path(self.a))
        self.assertIn('href="/obserwuj/?kategoria=odpady"', cached.text)
        # The same link for everyone: nothing personal went into the cache.
        self.assertNotIn("csrfmiddlewaretoken", cached.text)
        roads = make_category(self.gmina, "Drogi")
        self.publish(self.a, category=roads)
        rebuilt = self.assertRebuilt(path(self.a))
        self.assertIn('href="/obserwuj/?kategoria=drogi"', rebuilt.text)

    def test_it_bypasses_query_strings(self):
        self.warm(self.news)
        r = fetch(path(self.news) + "?strona=1")
        self.assertNotIn("x-cache", r.headers)
        r = fetch("/szukaj/?q=droga")
        self.assertNotIn("x-cache", r.headers)
        self.assertFalse(PageCacheEntry.objects.filter(key__contains="szukaj").exists())

    def test_it_never_caches_non_page_views(self):
        fetch("/szukaj/")
        r = fetch("/szukaj/")
        self.assertEqual(r.headers["x-cache"], "MISS")
        fetch("/robots.txt")
        self.assertEqual(fetch("/robots.txt").headers["x-cache"], "MISS")

    def test_it_lets_logged_in_staff_through(self):
        self.warm(self.a)
        self.client.force_login(self.alice)
        session = self.client.cookies["sessionid"].value
        r = fetch(path(self.a), headers={"cookie": f"theme=dark; sessionid={session}"})
        self.assertEqual(r.status_code, 200)
        self.assertNotIn("x-cache", r.headers)

    def test_it_does_not_store_what_staff_saw(self):
        self.client.force_login(self.alice)
        session = self.client.cookies["sessionid"].value
        fetch(path(self.b), headers={"cookie": f"sessionid={session}"})
        self.assertFalse(PageCacheEntry.objects.exists())
        r = fetch(path(self.b))
        self.assertEqual(r.headers["x-cache"], "MISS")

    def test_it_lets_csrf_and_messages_cookies_through(self):
        self.warm(self.a)
        for cookie in ("csrftoken=abc", "messages=xyz"):
            r = fetch(path(self.a), headers={"cookie": cookie})
            self.assertNotIn("x-cache", r.headers, cookie)

    def test_it_lets_previews_through(self):
        self.warm(self.a)
        self.client.force_login(self.admin)
        session = self.client.cookies["sessionid"].value
        url = f"/admin/pages/{self.a.pk}/edit/preview/"
        r = fetch(url, headers={"cookie": f"sessionid={session}"})
        self.assertNotIn("x-cache", r.headers)
        self.assertFalse(PageCacheEntry.objects.filter(key__contains="/admin/"))

    def test_it_never_stores_set_cookie(self):
        def set_cookie(next_serve):
            def serve(page, request, args, kwargs):
                response = next_serve(page, request, args, kwargs)
                response.set_cookie("visited", "1")
                return response

            return serve

        with hooks.register_temporarily("on_serve_page", set_cookie):
            first = fetch(path(self.a))
            second = fetch(path(self.a))
        self.assertEqual(first.headers["set-cookie"][:9], "visited=1")
        self.assertEqual(second.headers["x-cache"], "MISS")
        self.assertFalse(PageCacheEntry.objects.exists())
        self.assertEqual(os.listdir(os.path.join(self.cache_dir, "entries")), [])

    def test_it_never_caches_restricted_pages(self):
        PageViewRestriction.objects.create(
            page=self.a, restriction_type=PageViewRestriction.LOGIN
        )
        fetch(path(self.a))
        self.assertFalse(PageCacheEntry.objects.exists())

    def test_it_deletes_entries_of_a_page_that_gets_restricted(self):
        self.warm(self.a)
        with self.captureOnCommitCallbacks(execute=True):
            PageViewRestriction.objects.create(
                page=self.news,
                restriction_type=PageViewRestriction.PASSWORD,
                password="tajne",
            )
        r = fetch(path(self.a))
        self.assertNotIn("Remont drogi", r.text)
        self.assertNotEqual(r.headers["x-cache"], "HIT")

    def test_it_keeps_gminas_apart(self):
        make_article(self.other_gmina, "Dożynki w Brzeziu")
        self.warm("/")
        here = self.assertCached("/")
        there = fetch("/", host="brzezie.localhost")
        self.assertEqual(there.headers["x-cache"], "MISS")
        self.assertIn("Dożynki w Brzeziu", there.text)
        self.assertNotIn("Remont drogi", there.text)
        self.assertIn("Remont drogi", here.text)
        self.assertEqual(fetch("/", host="brzezie.localhost").headers["x-cache"], "HIT")
        # A port that is the scheme's default is the same host.
        self.assertEqual(fetch("/", host="localhost:80").headers["x-cache"], "HIT")

    def test_it_calls_hit_hooks(self):
        seen = []

        def hook(*, scope, key, status, page_id):
            seen.append((scope["path"], key, status, page_id))

        pagecache.hit_hooks.append(hook)
        self.addCleanup(pagecache.hit_hooks.remove, hook)
        fetch(path(self.a))
        fetch(path(self.a))
        fetch("/szukaj/?q=x")
        key = f"http://localhost{path(self.a)}"
        self.assertEqual(
            seen,
            [
                (path(self.a), key, "MISS", self.a.pk),
                (path(self.a), key, "HIT", self.a.pk),
            ],
        )

    def test_it_is_off_when_disabled(self):
        with override_settings(PAGE_CACHE_ENABLED=False):
            fetch(path(self.a))
            r = fetch(path(self.a))
        self.assertNotIn("x-cache", r.headers)
        self.assertFalse(PageCacheEntry.objects.exists())

    def test_it_records_what_a_page_showed(self):
        fetch(path(self.b))
        entry = PageCacheEntry.objects.get(page_id=self.b.pk)
        tags = set(entry.dependencies.values_list("tag", flat=True))
        # B's related articles list A (shared tag), not the concert.
        self.assertIn(f"page:{self.a.pk}", tags)
        self.assertIn(f"page:{self.b.pk}", tags)
        self.assertNotIn(f"page:{self.c.pk}", tags)


class InvalidationTestCase(PageCacheTestCase):
    def test_it_rebuilds_an_edited_page_and_what_lists_it(self):
        self.warm(self.a, self.b, self.c, self.news, self.home)
        self.publish(self.a, title="Remont drogi zakończony")
        self.assertIn("Remont drogi zakończony", self.assertRebuilt(path(self.a)).text)
        self.assertIn(
            "Remont drogi zakończony", self.assertRebuilt(path(self.news)).text
        )
        self.assertIn("Remont drogi zakończony", self.assertRebuilt("/").text)
        # B lists A among its related articles.
        self.assertIn("Remont drogi zakończony", self.assertRebuilt(path(self.b)).text)
        # The concert page has nothing to do with A.
        self.assertCached(path(self.c))

    def test_it_leaves_unrelated_articles_cached_when_one_is_published(self):
        self.warm(self.a, self.c, self.news)
        new = make_article(self.gmina, "Zebranie sołeckie", publish=False)
        self.publish(new)
        self.assertCached(path(self.a))
        self.assertCached(path(self.c))
        self.assertIn("Zebranie sołeckie", self.assertRebuilt(path(self.news)).text)

    def test_it_invalidates_the_sitemap(self):
        self.warm("/sitemap.xml")
        entry = PageCacheEntry.objects.get(key="http://localhost/sitemap.xml")
        self.assertTrue(entry.is_listing)
        new = make_article(self.gmina, "Zebranie sołeckie", publish=False)
        self.publish(new)
        self.assertIn(path(new), self.assertRebuilt("/sitemap.xml").text)
        self.assertCached("/sitemap.xml")

    def test_it_invalidates_feeds_of_the_news_index(self):
        feed = path(self.news) + "rss/"
        self.warm(feed)
        new = make_article(self.gmina, "Zebranie sołeckie", publish=False)
        self.publish(new)
        self.assertIn("Zebranie sołeckie", self.assertRebuilt(feed).text)

    def test_it_stales_a_gminas_pages_when_its_settings_change(self):
        make_article(self.other_gmina, "Dożynki w Brzeziu")
        self.warm(self.a, "/")
        self.warm("/", host="brzezie.localhost")
        with self.captureOnCommitCallbacks(execute=True):
            gmina = Gmina.objects.get(pk=self.gmina.pk)
            gmina.phone = "+48 600 700 800"
            gmina.save()
        self.assertIn("+48 600 700 800", self.assertRebuilt(path(self.a)).text)
        self.assertRebuilt("/")
        self.assertCached("/", host="brzezie.localhost")

    def test_it_stales_the_site_when_a_menu_page_appears(self):
        self.warm(self.c)
        self.warm("/", host="brzezie.localhost")
        page = StandardPage(title="Urząd gminy", slug="urzad", show_in_menus=True)
        self.home.add_child(instance=page)
        self.publish(page)
        self.assertIn("Urząd gminy", self.assertRebuilt(path(self.c)).text)
        self.assertCached("/", host="brzezie.localhost")

    def test_it_does_not_touch_the_other_gmina(self):
        theirs = make_article(self.other_gmina, "Dożynki w Brzeziu")
        self.warm(path(theirs), host="brzezie.localhost")
        self.warm("/", host="brzezie.localhost")
        self.publish(self.a, title="Remont drogi zakończony")
        self.assertCached(path(theirs), host="brzezie.localhost")
        self.assertCached("/", host="brzezie.localhost")

    def test_it_drops_a_fill_that_raced_an_invalidation(self):
        # An edit committed (in another process) while B was rendering: what
        # B rendered may predate it, so it must not be stored as fresh.
        def edit_meanwhile(next_serve):
            def serve(page, request, args, kwargs):
                response = next_serve(page, request, args, kwargs)
                pagecache.invalidate(stale=pagecache.Selection(pages={page.pk}))
                return response

            return serve

        with hooks.register_temporarily("on_serve_page", edit_meanwhile):
            self.assertEqual(fetch(path(self.b)).headers["x-cache"], "MISS")
        self.assertEqual(fetch(path(self.b)).headers["x-cache"], "MISS")
        self.assertCached(path(self.b))

    def test_it_needs_the_commit(self):
        self.warm(self.a)
        with self.captureOnCommitCallbacks(execute=False) as callbacks:
            self.a.title = "Remont drogi zakończony"
            self.a.save_revision().publish()
            self.assertCached(path(self.a))
        self.assertEqual(len(callbacks), 1)


class StampedeTestCase(PageCacheTestCase):
    def count_django_requests(self):
        served = []

        def count(sender, **kwargs):
            served.append(1)

        request_finished.connect(count)
        self.addCleanup(request_finished.disconnect, count)
        return served

    def test_it_lets_one_request_rebuild_a_stale_entry(self):
        self.warm(self.a)
        self.publish(self.a, title="Remont drogi zakończony")
        served = self.count_django_requests()
        responses = fetch_concurrently(path(self.a), 8)
        labels = sorted(r.headers["x-cache"] for r in responses)
        self.assertEqual(labels, ["MISS"] + ["STALE"] * 7)
        self.assertEqual(len(served), 1)
        for r in responses:
            self.assertEqual(r.status_code, 200)
            expected = "zakończony" if r.headers["x-cache"] == "MISS" else "Zawadzie"
            self.assertIn(expected, r.text)
        self.assertIn("zakończony", self.assertCached(path(self.a)).text)

    def test_it_rebuilds_an_entry_past_its_ttl(self):
        self.warm(path(self.a))
        entry = pagecache.get_store().path(f"http://localhost{path(self.a)}")
        filled = os.stat(entry).st_mtime
        os.utime(entry, (filled - 599, filled - 599))
        self.assertCached(path(self.a))
        os.utime(entry, (filled - 601, filled - 601))
        served = self.count_django_requests()
        labels = sorted(
            r.headers["x-cache"] for r in fetch_concurrently(path(self.a), 5)
        )
        self.assertEqual(labels, ["MISS"] + ["STALE"] * 4)
        self.assertEqual(len(served), 1)
        self.assertCached(path(self.a))

    def test_it_serves_stale_while_another_process_rebuilds(self):
        self.warm(self.a)
        key = f"http://localhost{path(self.a)}"
        store = pagecache.get_store()
        store.mark_stale([key])
        token = store.acquire(key)
        self.assertIsNotNone(token)
        self.assertEqual(fetch(path(self.a)).headers["x-cache"], "STALE")
        store.release(key, token)
        self.assertEqual(fetch(path(self.a)).headers["x-cache"], "MISS")

    def test_it_takes_over_a_lock_left_by_a_crashed_rebuild(self):
        self.warm(path(self.a))
        key = f"http://localhost{path(self.a)}"
        store = pagecache.get_store()
        store.mark_stale([key])
        store.acquire(key)  # never released: the process died
        self.assertEqual(fetch(path(self.a)).headers["x-cache"], "STALE")
        lock = store.locks_dir / os.path.basename(store.path(key))[:-5]
        taken = lock.stat().st_mtime
        os.utime(lock, (taken - 29, taken - 29))
        self.assertEqual(fetch(path(self.a)).headers["x-cache"], "STALE")
        os.utime(lock, (taken - 31, taken - 31))
        self.assertEqual(fetch(path(self.a)).headers["x-cache"], "MISS")
        self.assertCached(path(self.a))
        self.assertFalse(lock.exists())

    def test_it_serves_stale_to_everyone_but_the_rebuilder_on_a_cold_miss(self):
        served = self.count_django_requests()
        responses = fetch_concurrently(path(self.c), 4)
        self.assertEqual([r.headers["x-cache"] for r in responses], ["MISS"] * 4)
        self.assertEqual(len(served), 4)  # nothing stale to give: all render
        self.assertEqual(PageCacheEntry.objects.count(), 1)
        self.assertCached(path(self.c))


class StoreTestCase(PageCacheTestCase):
    def test_it_drops_unreadable_files(self):
        self.warm(self.a)
        entry = pagecache.get_store().path(f"http://localhost{path(self.a)}")
        with open(entry, "wb") as f:
            f.write(b"garbage")
        self.assertEqual(fetch(path(self.a)).headers["x-cache"], "MISS")
        self.assertCached(path(self.a))

    def test_it_clears_everything(self):
        self.warm(self.a, self.news)
        call_command("clear_page_cache", stdout=io.StringIO())
        self.assertFalse(PageCacheEntry.objects.exists())
        self.assertFalse(PageCacheDependency.objects.exists())
        self.assertEqual(fetch(path(self.a)).headers["x-cache"], "MISS")
