"""One article, both networks: posted once each, and never twice after a crash.

What happens when the worker dies between a network's 200 and our commit:

- The post id is written to the row right after the answer (its own UPDATE),
  before the engine records "sent". A row found in `sending` becomes
  `unknown` (never retried automatically); when an editor retries it, a row
  with a remote id returns that id without posting: no duplicate on either
  network.
- If the worker dies in the narrower window before even that write, the row
  has no remote id. Mastodon: the retry carries the same Idempotency-Key, so
  within the hour the instance returns the status it already made. Facebook
  has no such key: the row is `unknown`, the engine leaves it alone, and the
  editor is told the message may have gone out; retrying it by hand would
  post again (pinned below so the limit stays visible).
"""

import socket
from unittest import mock

from django.test import override_settings

from ratusz.integrations import pages
from ratusz.integrations.facebook.models import FacebookPage
from ratusz.integrations.facebook.tests.fake_graph import FakeGraphServer
from ratusz.integrations.mastodon.models import MastodonAccount
from ratusz.lib.source_links import with_source
from ratusz.outbox import services as outbox
from ratusz.outbox.models import Delivery
from ratusz.test import make_article

from .base import MastodonTestCase

State = Delivery.State


class Killed(BaseException):
    """Stands in for SIGKILL: nothing after it runs, nothing catches it."""


def dies_once(real, times=1):
    calls = []

    def wrapper(*args, **kwargs):
        if len(calls) < times:
            calls.append(1)
            raise Killed
        return real(*args, **kwargs)

    return wrapper


class CrossPostTests(MastodonTestCase):
    def setUp(self):
        super().setUp()
        self.graph_server = FakeGraphServer().__enter__()
        self.addCleanup(self.graph_server.__exit__, None, None, None)
        self.graph = self.graph_server.api
        overrides = override_settings(FACEBOOK_GRAPH_URL=self.graph_server.url)
        overrides.enable()
        self.addCleanup(overrides.disable)
        FacebookPage.objects.create(
            gmina=self.gmina, page_id=self.graph.page_id, access_token=self.graph.token
        )

    def rows(self, article):
        return Delivery.objects.filter(page=article).order_by("channel")

    def restart_worker(self):
        """The killed worker is gone: what the next worker does on start."""
        dead = f"{socket.gethostname()}:999999999:0#killed"
        Delivery.objects.filter(state=State.SENDING).update(claimed_by=dead)
        return outbox.recover_interrupted()

    def test_publishing_posts_once_on_each_network(self):
        article = make_article(
            self.gmina, "Przerwa w dostawie wody", lead="W czwartek od 8 do 14."
        )
        outbox.deliver_due()
        self.assertEqual(len(self.graph.posts), 1)
        self.assertEqual(len(self.api.statuses), 1)
        self.assertEqual(
            self.graph.posts[0].fields["link"],
            with_source(article.get_full_url(), "facebook"),
        )
        self.assertEqual(
            self.graph.posts[0].fields["message"], "W czwartek od 8 do 14."
        )
        self.assertIn(
            with_source(article.get_full_url(), "mastodon"),
            self.api.statuses[0]["text"],
        )
        facebook, mastodon = self.rows(article)
        self.assertEqual((facebook.channel, facebook.state), ("facebook", State.SENT))
        self.assertEqual(facebook.remote_id, self.graph.posts[0].id)
        self.assertEqual((mastodon.channel, mastodon.state), ("mastodon", State.SENT))
        self.assertEqual(mastodon.remote_id, self.api.statuses[0]["id"])

        # Edited and published again: nothing is posted again, and an
        # editor's "retry" leaves sent rows alone.
        article.title = "Przerwa w dostawie wody – zmiana godzin"
        article.save_revision().publish()
        self.assertEqual(outbox.retry(self.rows(article)), 0)
        outbox.deliver_due()
        self.assertEqual(len(self.graph.posts), 1)
        self.assertEqual(len(self.api.statuses), 1)
        self.assertEqual(self.rows(article).count(), 2)

    def test_a_crash_before_the_result_is_recorded_posts_nothing_twice(self):
        article = make_article(self.gmina, "Zebranie", lead="W piątek.")
        with mock.patch.object(outbox, "_finish", dies_once(outbox._finish, 2)):
            with self.assertRaises(Killed):
                outbox.deliver_due()
            with self.assertRaises(Killed):
                outbox.deliver_due()
        # Both networks answered 200; both rows are stuck in flight, with the
        # ids already kept.
        states = {r.channel: (r.state, r.remote_id) for r in self.rows(article)}
        self.assertEqual(states["facebook"], (State.SENDING, self.graph.posts[0].id))
        self.assertEqual(
            states["mastodon"], (State.SENDING, self.api.statuses[0]["id"])
        )

        self.assertEqual(self.restart_worker(), 2)
        self.assertEqual(
            set(self.rows(article).values_list("state", flat=True)), {State.UNKNOWN}
        )
        outbox.deliver_due()  # unknown rows are never retried by themselves
        self.assertEqual(len(self.graph.requests), 1)

        # An editor retries: each transport sees the id and does not post.
        self.assertEqual(outbox.retry(self.rows(article)), 2)
        outbox.deliver_due()
        self.assertEqual(len(self.graph.posts), 1)
        self.assertEqual(len(self.api.statuses), 1)
        self.assertEqual(len(self.graph.requests), 1)
        self.assertEqual(len([r for r in self.api.requests if r[0] == "POST"]), 1)
        facebook, mastodon = self.rows(article)
        self.assertEqual(
            (facebook.state, facebook.remote_id), (State.SENT, self.graph.posts[0].id)
        )
        self.assertEqual(
            (mastodon.state, mastodon.remote_id),
            (State.SENT, self.api.statuses[0]["id"]),
        )

    def test_mastodon_idempotency_key_covers_a_crash_before_the_id_is_kept(self):
        # Both page transports keep the id through their shared frame.
        transport = pages
        FacebookPage.objects.update(enabled=False)
        article = make_article(self.gmina, "Dożynki", lead="Zapraszamy.")
        record = dies_once(transport.record_remote_id)
        with mock.patch.object(transport, "record_remote_id", record):
            with self.assertRaises(Killed):
                outbox.deliver_due()
            row = self.rows(article).get()
            self.assertEqual((row.state, row.remote_id), (State.SENDING, ""))
            self.assertEqual(self.restart_worker(), 1)
            outbox.retry(self.rows(article))
            outbox.deliver_due()
        row.refresh_from_db()
        self.assertEqual(row.state, State.SENT)
        posts = [r for r in self.api.requests if r[0] == "POST"]
        self.assertEqual(len(posts), 2)  # it did ask again…
        self.assertEqual(posts[0][2]["idempotency-key"], posts[1][2]["idempotency-key"])
        self.assertEqual(len(self.api.statuses), 1)  # …and got the same status
        self.assertEqual(row.remote_id, self.api.statuses[0]["id"])

    def test_facebook_without_a_kept_id_is_reconciled_on_an_editors_retry(self):
        transport = pages
        MastodonAccount.objects.update(enabled=False)
        article = make_article(self.gmina, "Dożynki", lead="Zapraszamy.")
        record = dies_once(transport.record_remote_id)
        with mock.patch.object(transport, "record_remote_id", record):
            with self.assertRaises(Killed):
                outbox.deliver_due()
        self.assertEqual(self.restart_worker(), 1)
        row = self.rows(article).get()
        self.assertEqual((row.state, row.remote_id), (State.UNKNOWN, ""))
        self.assertIn("mogła dotrzeć", row.error)
        for _ in range(3):
            outbox.deliver_due()
        self.assertEqual(len(self.graph.posts), 1)  # never re-posted by itself
        # Facebook has no idempotency key: the editor's retry reads the Page
        # back first and takes the post that is already there (C15).
        outbox.retry(self.rows(article))
        outbox.deliver_due()
        row.refresh_from_db()
        self.assertEqual(len(self.graph.posts), 1)
        self.assertEqual(
            (row.state, row.remote_id), (State.SENT, self.graph.posts[0].id)
        )
