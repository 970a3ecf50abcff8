"""Reading Page and post insights through the Graph API fake."""

from datetime import date, datetime, timedelta

from django.test import override_settings
from django.utils import timezone

from ratusz.insights.models import NetworkDaily, PostMetric
from ratusz.integrations.facebook.insights import UNDER_100_LIKES, collect
from ratusz.integrations.facebook.models import FacebookPage, is_configured
from ratusz.lib.dates import WARSAW
from ratusz.outbox import services as outbox
from ratusz.outbox.models import Delivery
from ratusz.test import make_article

from .base import FacebookTestCase
from .fake_graph import graph_error, rate_limit_error

METRICS = [
    "post_total_media_view_unique",
    "post_media_view",
    "post_reactions_like_total",
    "post_clicks",
]
# 14:00 in Warsaw: "yesterday" is 2 December.
NOW = datetime(2026, 12, 3, 13, 0, tzinfo=WARSAW)
YESTERDAY = date(2026, 12, 2)


class InsightsTestCase(FacebookTestCase):
    def setUp(self):
        super().setUp()
        self.number = 7000

    def sent_post(self, gmina=None, *, page_id=None, ago=timedelta(days=2), **values):
        """An article of `gmina` posted to its Page `ago` before NOW."""
        gmina = gmina or self.gmina
        page_id = page_id or self.api.page_id
        self.number += 1
        post_id = f"{page_id}_{self.number}"
        self.api.post_insights[post_id] = values
        article = make_article(gmina, f"Artykuł {self.number}")
        Delivery.objects.update_or_create(
            item=f"article:{article.pk}",
            channel="facebook",
            recipient="page",
            defaults={
                "gmina": gmina,
                "page": article,
                "state": Delivery.State.SENT,
                "remote_id": post_id,
                "sent_at": NOW - ago,
            },
        )
        return article, post_id

    def metrics(self, article, gmina=None):
        rows = PostMetric.objects.filter(
            gmina=gmina or self.gmina, network="facebook", page_id=article.pk
        )
        return {row.metric: row.value for row in rows}

    def insights_requests(self, node=None):
        return [
            (path, params)
            for method, path, params in self.api.requests
            if path.endswith("/insights") and (node is None or f"/{node}/" in path)
        ]

    def daily(self, metric, gmina=None):
        rows = NetworkDaily.objects.filter(
            gmina=gmina or self.gmina, network="facebook", metric=metric
        )
        return {row.day: (row.value, row.note) for row in rows}


class PostMetricTests(InsightsTestCase):
    def test_each_metric_is_read_with_its_own_call(self):
        article, post_id = self.sent_post(
            post_total_media_view_unique=420,
            post_media_view=980,
            post_reactions_like_total=31,
            post_clicks=57,
        )
        collect(self.gmina, NOW)
        self.assertEqual(
            self.metrics(article),
            {
                "post_total_media_view_unique": 420,
                "post_media_view": 980,
                "post_reactions_like_total": 31,
                "post_clicks": 57,
            },
        )
        calls = self.insights_requests(post_id)
        self.assertEqual([params["metric"] for _, params in calls], METRICS)
        for path, params in calls:
            self.assertEqual(path, f"/v26.0/{post_id}/insights")
            self.assertEqual(params["access_token"], self.api.token)
        rows = PostMetric.objects.filter(page_id=article.pk)
        self.assertEqual({row.checkpoint for row in rows}, {""})
        self.assertEqual({row.read_at for row in rows}, {NOW})

    def test_a_post_the_outbox_made_is_read(self):
        article = make_article(self.gmina, "Dożynki", lead="Zapraszamy.")
        outbox.deliver_due()
        post_id = self.api.posts[0].id
        self.api.post_insights[post_id] = {"post_clicks": 9}
        collect(self.gmina, timezone.now())
        self.assertEqual(self.metrics(article)["post_clicks"], 9)

    @override_settings(FACEBOOK_POST_METRICS=["post_impressions_unique", *METRICS])
    def test_a_retired_metric_is_stored_empty_and_the_rest_still_read(self):
        article, post_id = self.sent_post(post_clicks=5, post_media_view=40)
        collect(self.gmina, NOW)
        found = self.metrics(article)
        self.assertIsNone(found["post_impressions_unique"])
        self.assertEqual(found["post_clicks"], 5)
        self.assertEqual(found["post_media_view"], 40)
        self.assertEqual(len(self.insights_requests(post_id)), 5)

    def test_only_posts_of_the_window_are_read(self):
        recent, _ = self.sent_post(ago=timedelta(days=27), post_clicks=1)
        old, old_id = self.sent_post(ago=timedelta(days=40), post_clicks=2)
        collect(self.gmina, NOW)
        self.assertEqual(self.metrics(recent)["post_clicks"], 1)
        self.assertEqual(self.metrics(old), {})
        self.assertEqual(self.insights_requests(old_id), [])
        with override_settings(FACEBOOK_INSIGHTS_DAYS=60):
            collect(self.gmina, NOW)
        self.assertEqual(self.metrics(old)["post_clicks"], 2)

    def test_unsent_rows_are_not_read(self):
        article, post_id = self.sent_post(post_clicks=3)
        Delivery.objects.filter(page=article).update(state=Delivery.State.UNKNOWN)
        collect(self.gmina, NOW)
        self.assertEqual(self.insights_requests(post_id), [])

    def test_a_second_run_updates_without_duplicates(self):
        article, post_id = self.sent_post(post_clicks=5)
        collect(self.gmina, NOW)
        # Within the refresh interval nothing is asked again.
        asked = len(self.insights_requests(post_id))
        collect(self.gmina, NOW + timedelta(hours=1))
        self.assertEqual(len(self.insights_requests(post_id)), asked)
        self.api.post_insights[post_id] = {"post_clicks": 8}
        later = NOW + timedelta(hours=7)
        collect(self.gmina, later)
        self.assertEqual(self.metrics(article)["post_clicks"], 8)
        rows = PostMetric.objects.filter(page_id=article.pk)
        self.assertEqual(rows.count(), len(METRICS))
        self.assertEqual({row.read_at for row in rows}, {later})

    def test_a_server_error_skips_that_reading_only(self):
        first, first_id = self.sent_post(ago=timedelta(days=1), post_clicks=1)
        second, _ = self.sent_post(ago=timedelta(days=2), post_clicks=2)
        self.api.fail_on(
            f"{first_id}/insights",
            500,
            graph_error("An unexpected error has occurred.", 2, is_transient=True),
        )
        collect(self.gmina, NOW)
        # The first metric of the first post failed; all else was read.
        self.assertNotIn(METRICS[0], self.metrics(first))
        self.assertEqual(self.metrics(first)["post_clicks"], 1)
        self.assertEqual(len(self.metrics(second)), len(METRICS))
        # It is missing, so the next run asks again.
        collect(self.gmina, NOW + timedelta(minutes=15))
        self.assertIn(METRICS[0], self.metrics(first))

    def test_a_deleted_post_is_skipped(self):
        article, post_id = self.sent_post(post_clicks=1)
        del self.api.post_insights[post_id]
        other, _ = self.sent_post(ago=timedelta(days=3), post_clicks=4)
        collect(self.gmina, NOW)
        self.assertEqual(self.metrics(article), {})
        self.assertEqual(self.metrics(other)["post_clicks"], 4)


class PageTests(InsightsTestCase):
    def test_followers_and_reach_of_the_last_days(self):
        self.api.page_daily.update(page_follows=1043, page_total_media_view_unique=612)
        collect(self.gmina, NOW)
        days = {YESTERDAY - timedelta(days=n) for n in range(3)}
        self.assertEqual(self.daily("followers"), dict.fromkeys(days, (1043, "")))
        self.assertEqual(self.daily("reach"), dict.fromkeys(days, (612, "")))
        calls = self.insights_requests(self.api.page_id)
        self.assertEqual(
            [params["metric"] for _, params in calls],
            ["page_follows", "page_total_media_view_unique"],
        )
        for path, params in calls:
            self.assertEqual(path, f"/v26.0/{self.api.page_id}/insights")
            self.assertEqual(params["period"], "day")
            self.assertEqual(params["access_token"], self.api.token)

    def test_the_page_is_read_once_a_day(self):
        collect(self.gmina, NOW)
        collect(self.gmina, NOW + timedelta(hours=3))
        self.assertEqual(len(self.insights_requests(self.api.page_id)), 2)
        self.api.page_daily["page_follows"] = 1100
        collect(self.gmina, NOW + timedelta(days=1))
        self.assertEqual(len(self.insights_requests(self.api.page_id)), 4)
        self.assertEqual(
            self.daily("followers")[YESTERDAY + timedelta(days=1)][0], 1100
        )
        self.assertEqual(
            NetworkDaily.objects.filter(
                gmina=self.gmina, metric="followers", day=YESTERDAY
            ).count(),
            1,
        )

    def test_a_page_under_100_likes_gets_nothing_and_says_so(self):
        self.api.page_likes = 42
        article, _ = self.sent_post(post_clicks=3)
        collect(self.gmina, NOW)
        self.assertEqual(self.daily("followers"), {YESTERDAY: (None, UNDER_100_LIKES)})
        self.assertEqual(self.daily("reach"), {YESTERDAY: (None, UNDER_100_LIKES)})
        self.assertIn("100 polubień", UNDER_100_LIKES)
        self.assertEqual(self.metrics(article), dict.fromkeys(METRICS))

    def test_a_retired_page_metric_is_stored_empty(self):
        self.api.retired_metrics.add("page_total_media_view_unique")
        collect(self.gmina, NOW)
        value, note = self.daily("reach")[YESTERDAY]
        self.assertIsNone(value)
        self.assertIn("Meta nie udostępnia", note)
        self.assertEqual(len(self.daily("followers")), 3)


class FaultTests(InsightsTestCase):
    def test_an_expired_token_stops_the_gmina_and_is_shown(self):
        article, _ = self.sent_post(post_clicks=3)
        self.api.expired_tokens.add(self.api.token)
        with self.assertLogs("ratusz.integrations.facebook.insights", "WARNING"):
            collect(self.gmina, NOW)
        self.assertEqual(len(self.api.requests), 1)
        self.config.refresh_from_db()
        self.assertIn("Token Facebooka wygasł", self.config.token_error)
        self.assertIsNotNone(self.config.token_error_at)
        # Posting pauses too, as after any refused token.
        self.assertFalse(is_configured(self.gmina))
        self.assertFalse(PostMetric.objects.exists())
        self.assertFalse(NetworkDaily.objects.exists())
        # Nothing is asked again until a new token is saved.
        collect(self.gmina, NOW + timedelta(hours=7))
        self.assertEqual(len(self.api.requests), 1)

    def test_a_token_refused_while_reading_posts_stops_there(self):
        first, first_id = self.sent_post(ago=timedelta(days=1), post_clicks=1)
        second, _ = self.sent_post(ago=timedelta(days=2), post_clicks=2)
        expired = graph_error("Error validating access token", 190, 463)
        self.api.fail_on(f"{first_id}/insights", 400, expired)
        collect(self.gmina, NOW)
        self.assertEqual(self.metrics(first), {})
        self.assertEqual(self.metrics(second), {})
        self.config.refresh_from_db()
        self.assertTrue(self.config.token_error)

    def test_rate_limits_stop_the_run_and_the_next_one_retries(self):
        cases = [
            (429, {"error": {"message": "Too many calls", "code": 4}}),
            (400, rate_limit_error(4)),
            (400, rate_limit_error(17)),
            (400, rate_limit_error(32)),
            (400, graph_error("(#613) Calls to this api have exceeded", 613)),
        ]
        first, first_id = self.sent_post(ago=timedelta(days=1), post_clicks=1)
        second, _ = self.sent_post(ago=timedelta(days=2), post_clicks=2)
        for status, body in cases:
            with self.subTest(status=status, body=body):
                PostMetric.objects.all().delete()
                self.api.requests.clear()
                self.api.fail_on(f"{first_id}/insights", status, body)
                collect(self.gmina, NOW)
                # The first call was refused; nothing after it was asked.
                self.assertEqual(len(self.insights_requests(first_id)), 1)
                self.assertEqual(self.metrics(second), {})
                self.config.refresh_from_db()
                self.assertEqual(self.config.token_error, "")
                collect(self.gmina, NOW + timedelta(minutes=15))
                self.assertEqual(self.metrics(second)["post_clicks"], 2)
                self.assertEqual(self.metrics(first)["post_clicks"], 1)

    def test_nothing_is_asked_without_a_connected_page(self):
        self.sent_post(post_clicks=1)
        FacebookPage.objects.filter(pk=self.config.pk).update(access_token="")
        collect(self.gmina, NOW)
        collect(self.other_gmina, NOW)
        self.assertEqual(self.api.requests, [])


class IsolationTests(InsightsTestCase):
    def test_each_gmina_reads_its_own_page_with_its_own_token(self):
        other_page, other_token = "204512345678902", "EAAOtherPage-token-XyZ"
        self.api.other_pages[other_token] = (other_page, "Gmina Brzezie")
        FacebookPage.objects.create(
            gmina=self.other_gmina, page_id=other_page, access_token=other_token
        )
        mine, mine_id = self.sent_post(post_clicks=11)
        theirs, theirs_id = self.sent_post(
            self.other_gmina, page_id=other_page, post_clicks=22
        )
        collect(self.gmina, NOW)
        self.assertEqual(self.metrics(mine)["post_clicks"], 11)
        self.assertFalse(PostMetric.objects.filter(gmina=self.other_gmina).exists())
        self.assertFalse(NetworkDaily.objects.filter(gmina=self.other_gmina).exists())
        self.assertEqual(self.insights_requests(theirs_id), [])
        collect(self.other_gmina, NOW)
        self.assertEqual(self.metrics(theirs, self.other_gmina)["post_clicks"], 22)
        for _, params in self.insights_requests(theirs_id):
            self.assertEqual(params["access_token"], other_token)
        self.assertEqual(len(self.daily("followers", self.other_gmina)), 3)
        # A's numbers are untouched by B's run.
        self.assertEqual(
            PostMetric.objects.filter(gmina=self.gmina).count(), len(METRICS)
        )
