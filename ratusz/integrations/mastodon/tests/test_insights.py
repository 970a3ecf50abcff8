"""Reading statuses' counts at checkpoints and followers through the fake."""

from datetime import timedelta

from django.test import override_settings
from django.utils import timezone

from ratusz.insights.models import NetworkDaily, PostMetric
from ratusz.integrations.mastodon.insights import collect
from ratusz.integrations.mastodon.models import MastodonAccount, is_configured
from ratusz.lib.dates import WARSAW
from ratusz.outbox import services as outbox
from ratusz.outbox.models import Delivery
from ratusz.test import make_article

from .base import MastodonTestCase
from .fake_mastodon import FakeMastodonServer, rate_limited

COUNTS = {"replies_count", "reblogs_count", "favourites_count"}


class InsightsTestCase(MastodonTestCase):
    def setUp(self):
        super().setUp()
        self.now = timezone.now()
        self.number = 114000000000000000

    def sent_status(self, gmina=None, *, ago, api=None, **counts):
        """An article of `gmina` posted as a status `ago` before self.now."""
        gmina = gmina or self.gmina
        self.number += 1
        status_id = str(self.number)
        (api or self.api).add_status(status_id, **counts)
        article = make_article(gmina, f"Artykuł {self.number}")
        Delivery.objects.update_or_create(
            item=f"article:{article.pk}",
            channel="mastodon",
            recipient="page",
            defaults={
                "gmina": gmina,
                "page": article,
                "state": Delivery.State.SENT,
                "remote_id": status_id,
                "sent_at": self.now - ago,
            },
        )
        return article, status_id

    def readings(self, article, gmina=None):
        rows = PostMetric.objects.filter(
            gmina=gmina or self.gmina, network="mastodon", page_id=article.pk
        )
        return {(row.checkpoint, row.metric): row.value for row in rows}

    def status_reads(self, status_id=None, api=None):
        prefix = "/api/v1/statuses/" + (status_id or "")
        return [
            path
            for method, path, headers, params in (api or self.api).requests
            if method == "GET" and path.startswith(prefix)
        ]

    def followers(self, gmina=None):
        rows = NetworkDaily.objects.filter(
            gmina=gmina or self.gmina, network="mastodon"
        )
        return {(row.metric, row.day): row.value for row in rows}


class CheckpointTests(InsightsTestCase):
    def test_a_status_two_hours_old_gets_its_first_hour_only(self):
        article, status_id = self.sent_status(
            ago=timedelta(hours=2), replies_count=1, reblogs_count=4, favourites_count=9
        )
        collect(self.gmina, self.now)
        self.assertEqual(
            self.readings(article),
            {
                ("1h", "replies_count"): 1,
                ("1h", "reblogs_count"): 4,
                ("1h", "favourites_count"): 9,
            },
        )
        method, path, headers, params = [
            r for r in self.api.requests if r[1].startswith("/api/v1/statuses/")
        ][0]
        self.assertEqual(path, f"/api/v1/statuses/{status_id}")
        self.assertEqual(headers["authorization"], f"Bearer {self.api.token}")

    def test_a_status_eight_days_old_gets_all_three(self):
        article, _ = self.sent_status(ago=timedelta(days=8), favourites_count=30)
        collect(self.gmina, self.now)
        found = self.readings(article)
        self.assertEqual({checkpoint for checkpoint, _ in found}, {"1h", "24h", "7d"})
        self.assertEqual({metric for _, metric in found}, COUNTS)
        self.assertEqual(found[("7d", "favourites_count")], 30)
        # One read served every due checkpoint.
        self.assertEqual(len(self.status_reads()), 1)

    def test_a_fresh_status_is_not_read_yet(self):
        article, _ = self.sent_status(ago=timedelta(minutes=30))
        collect(self.gmina, self.now)
        self.assertEqual(self.readings(article), {})
        self.assertEqual(self.status_reads(), [])

    def test_a_checkpoint_is_read_once(self):
        article, status_id = self.sent_status(ago=timedelta(hours=2), reblogs_count=2)
        collect(self.gmina, self.now)
        self.api.set_counts(status_id, reblogs_count=5)
        collect(self.gmina, self.now + timedelta(minutes=15))
        self.assertEqual(len(self.status_reads(status_id)), 1)
        self.assertEqual(self.readings(article)[("1h", "reblogs_count")], 2)
        # A day later the 24h checkpoint is due: read once, the 1h kept.
        a_day_later = self.now + timedelta(hours=23)
        collect(self.gmina, a_day_later)
        collect(self.gmina, a_day_later + timedelta(minutes=15))
        self.assertEqual(len(self.status_reads(status_id)), 2)
        found = self.readings(article)
        self.assertEqual(found[("1h", "reblogs_count")], 2)
        self.assertEqual(found[("24h", "reblogs_count")], 5)
        self.assertEqual(
            PostMetric.objects.filter(page_id=article.pk).count(), 2 * len(COUNTS)
        )

    def test_a_status_the_outbox_posted_is_read(self):
        article = make_article(self.gmina, "Dożynki", lead="Zapraszamy.")
        outbox.deliver_due()
        status_id = self.mastodon_rows(article).get().remote_id
        self.api.set_counts(status_id, favourites_count=7)
        collect(self.gmina, timezone.now() + timedelta(hours=1, minutes=1))
        self.assertEqual(self.readings(article)[("1h", "favourites_count")], 7)

    def test_a_deleted_status_is_stored_empty(self):
        article, status_id = self.sent_status(ago=timedelta(hours=3))
        self.api.statuses.clear()
        collect(self.gmina, self.now)
        self.assertEqual(
            self.readings(article), {("1h", metric): None for metric in COUNTS}
        )

    def test_statuses_not_sent_are_not_read(self):
        article, _ = self.sent_status(ago=timedelta(days=2))
        Delivery.objects.filter(page=article).update(state=Delivery.State.FAILED)
        collect(self.gmina, self.now)
        self.assertEqual(self.status_reads(), [])


class FollowerTests(InsightsTestCase):
    def test_followers_are_read_once_a_day_and_no_reach_is_made_up(self):
        self.api.followers = 412
        collect(self.gmina, self.now)
        today = timezone.localtime(self.now, WARSAW).date()
        self.assertEqual(self.followers(), {("followers", today): 412})
        self.api.followers = 415
        collect(self.gmina, self.now + timedelta(minutes=15))
        credentials = [
            r
            for r in self.api.requests
            if r[1] == "/api/v1/accounts/verify_credentials"
        ]
        self.assertEqual(len(credentials), 1)
        collect(self.gmina, self.now + timedelta(days=1))
        tomorrow = today + timedelta(days=1)
        self.assertEqual(self.followers()[("followers", tomorrow)], 415)
        self.assertFalse(NetworkDaily.objects.exclude(metric="followers").exists())
        self.assertFalse(PostMetric.objects.exclude(metric__in=COUNTS).exists())


class FaultTests(InsightsTestCase):
    def test_a_refused_token_stops_the_gmina_and_is_shown(self):
        self.sent_status(ago=timedelta(hours=2))
        self.api.revoked_tokens.add(self.api.token)
        with self.assertLogs("ratusz.integrations.mastodon.insights", "WARNING"):
            collect(self.gmina, self.now)
        self.assertEqual(len(self.api.requests), 1)
        self.config.refresh_from_db()
        self.assertIn("Token Mastodona unieważniony", self.config.token_error)
        self.assertFalse(is_configured(self.gmina))
        self.assertFalse(PostMetric.objects.exists())
        self.assertFalse(NetworkDaily.objects.exists())
        collect(self.gmina, self.now + timedelta(days=1))
        self.assertEqual(len(self.api.requests), 1)

    def test_a_rate_limit_stops_the_run_and_the_next_one_retries(self):
        first, first_id = self.sent_status(ago=timedelta(hours=5), replies_count=1)
        second, _ = self.sent_status(ago=timedelta(hours=3), replies_count=2)
        reset = (self.now + timedelta(minutes=5)).isoformat()
        self.api.fail_on(f"/api/v1/statuses/{first_id}", *rate_limited(reset))
        collect(self.gmina, self.now)
        self.assertEqual(len(self.status_reads()), 1)
        self.assertEqual(self.readings(first), {})
        self.assertEqual(self.readings(second), {})
        self.config.refresh_from_db()
        self.assertEqual(self.config.token_error, "")
        collect(self.gmina, self.now + timedelta(minutes=15))
        self.assertEqual(self.readings(first)[("1h", "replies_count")], 1)
        self.assertEqual(self.readings(second)[("1h", "replies_count")], 2)

    def test_a_server_error_skips_that_status_only(self):
        first, first_id = self.sent_status(ago=timedelta(hours=5), replies_count=1)
        second, _ = self.sent_status(ago=timedelta(hours=3), replies_count=2)
        self.api.fail_on(
            f"/api/v1/statuses/{first_id}", 500, {"error": "Internal server error"}
        )
        collect(self.gmina, self.now)
        self.assertEqual(self.readings(first), {})
        self.assertEqual(self.readings(second)[("1h", "replies_count")], 2)
        collect(self.gmina, self.now + timedelta(minutes=15))
        self.assertEqual(self.readings(first)[("1h", "replies_count")], 1)

    def test_a_failing_followers_read_does_not_stop_the_statuses(self):
        article, _ = self.sent_status(ago=timedelta(hours=2), replies_count=3)
        self.api.fail_on("/api/v1/accounts/verify_credentials", 502, {"error": "x"})
        collect(self.gmina, self.now)
        self.assertEqual(self.followers(), {})
        self.assertEqual(self.readings(article)[("1h", "replies_count")], 3)

    def test_nothing_is_asked_without_a_connected_account(self):
        self.sent_status(ago=timedelta(hours=2))
        MastodonAccount.objects.filter(pk=self.config.pk).update(access_token="")
        collect(self.gmina, self.now)
        collect(self.other_gmina, self.now)
        self.assertEqual(self.api.requests, [])


class IsolationTests(InsightsTestCase):
    def test_each_gmina_reads_its_own_account(self):
        other = FakeMastodonServer().__enter__()
        self.addCleanup(other.__exit__, None, None, None)
        other.api.token = "other-mastodon-token-abcdef"
        other.api.followers = 77
        MastodonAccount.objects.create(
            gmina=self.other_gmina,
            instance_url=other.url,
            access_token=other.api.token,
        )
        mine, mine_id = self.sent_status(ago=timedelta(hours=2), replies_count=1)
        theirs, theirs_id = self.sent_status(
            self.other_gmina, ago=timedelta(hours=2), api=other.api, replies_count=5
        )
        with override_settings(HTTP_ALLOW_PRIVATE_HOSTS=["127.0.0.1"]):
            collect(self.gmina, self.now)
            self.assertFalse(PostMetric.objects.filter(gmina=self.other_gmina).exists())
            self.assertEqual(other.api.requests, [])
            self.assertEqual(self.status_reads(theirs_id), [])
            collect(self.other_gmina, self.now)
        self.assertEqual(self.readings(mine)[("1h", "replies_count")], 1)
        self.assertEqual(
            self.readings(theirs, self.other_gmina)[("1h", "replies_count")], 5
        )
        self.assertEqual(list(self.followers(self.other_gmina).values()), [77])
        self.assertEqual(list(self.followers().values()), [self.api.followers])
        self.assertEqual(self.status_reads(mine_id, api=other.api), [])
