"""Running the networks' collectors: who is asked, and faults kept apart."""

from datetime import datetime, timedelta
from io import StringIO
from unittest import mock

from django.core.management import call_command
from django.utils import timezone

from ratusz.insights import registry, tasks
from ratusz.insights.collecting import collect_all
from ratusz.insights.models import NetworkDaily, PostMetric
from ratusz.integrations.mastodon.models import MastodonAccount
from ratusz.integrations.mastodon.tests.base import MastodonTestCase
from ratusz.outbox.models import Delivery
from ratusz.test import make_article


class CollectAllTests(MastodonTestCase):
    """Gmina A has Mastodon connected (the fake); gmina B has nothing."""

    def mastodon_followers(self, gmina):
        return NetworkDaily.objects.filter(
            gmina=gmina, network="mastodon", metric="followers"
        )

    def test_both_networks_register_their_collectors(self):
        self.assertLessEqual({"facebook", "mastodon"}, set(registry.collectors()))

    def test_each_collector_runs_for_the_gminas_that_connected_it(self):
        done = collect_all()
        # Nobody has Facebook; only gmina A has Mastodon.
        self.assertEqual(done, {"runs": 1, "failures": 0})
        self.assertEqual(self.mastodon_followers(self.gmina).get().value, 321)
        self.assertFalse(NetworkDaily.objects.filter(gmina=self.other_gmina).exists())

    def test_a_refused_token_leaves_the_gmina_out(self):
        MastodonAccount.objects.filter(pk=self.config.pk).update(
            token_error="Token Mastodona unieważniony"
        )
        self.assertEqual(collect_all(), {"runs": 0, "failures": 0})
        self.assertEqual(self.api.requests, [])

    def test_a_failing_collector_does_not_stop_the_others(self):
        calls = []

        def broken(gmina, now):
            calls.append(gmina)
            if gmina == self.gmina:
                raise RuntimeError("a bug in one network's collector")

        mastodon = registry.collectors()["mastodon"]
        article = make_article(self.gmina, "Zebranie wiejskie")
        Delivery.objects.update_or_create(
            item=f"article:{article.pk}",
            channel="mastodon",
            recipient="page",
            defaults={
                "gmina": self.gmina,
                "page": article,
                "state": Delivery.State.SENT,
                "remote_id": self.api.add_status("114000000000000001")["id"],
                "sent_at": timezone.now() - timedelta(hours=2),
            },
        )
        # "broken" runs first, for every gmina (it names no connected ones).
        collectors = {"broken": broken, "mastodon": mastodon}
        with (
            mock.patch.dict(registry._collectors, collectors, clear=True),
            self.assertLogs("ratusz.insights.collecting", "ERROR") as logs,
        ):
            done = collect_all()
        self.assertEqual(done, {"runs": 3, "failures": 1})
        self.assertIn("broken collector failed", logs.output[0])
        # The failure in gmina A did not keep gmina B from being asked...
        self.assertEqual(set(calls), {self.gmina, self.other_gmina})
        # ...nor Mastodon from reading gmina A.
        self.assertTrue(self.mastodon_followers(self.gmina).exists())
        self.assertEqual(
            PostMetric.objects.filter(page_id=article.pk, checkpoint="1h").count(), 3
        )

    def test_the_command_runs_it_now(self):
        out = StringIO()
        call_command("insights_collect", stdout=out)
        self.assertIn("Ran 1 collector(s)", out.getvalue())
        self.assertTrue(self.mastodon_followers(self.gmina).exists())

    def test_the_periodic_task_runs_it_under_its_lock(self):
        tasks.collect_network_numbers.call_local()
        self.assertTrue(self.mastodon_followers(self.gmina).exists())
        task = tasks.collect_network_numbers
        quarter, between = datetime(2026, 12, 3, 10, 45), datetime(2026, 12, 3, 10, 50)
        # Every 15 minutes.
        self.assertTrue(task.task_class().validate_datetime(quarter))
        self.assertFalse(task.task_class().validate_datetime(between))
