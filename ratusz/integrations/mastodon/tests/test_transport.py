"""Posting to a Mastodon account through the fake instance: content, keys, errors."""

from datetime import timedelta

from django.test import override_settings
from django.utils import timezone

from ratusz.integrations.mastodon.models import MastodonAccount, is_configured
from ratusz.integrations.mastodon.transport import length, status_text
from ratusz.lib.source_links import with_source
from ratusz.outbox import services as outbox
from ratusz.outbox.models import Delivery
from ratusz.test import make_article

from .base import MastodonTestCase
from .fake_mastodon import rate_limited

State = Delivery.State


class PostTests(MastodonTestCase):
    def test_it_posts_title_lead_and_link(self):
        article = make_article(self.gmina, "Remont drogi", lead="Droga zamknięta.")
        outbox.deliver_due()
        self.assertEqual(len(self.api.statuses), 1)
        status = self.api.statuses[0]
        self.assertEqual(
            status["text"],
            "Remont drogi\n\nDroga zamknięta.\n\n"
            + with_source(article.get_full_url(), "mastodon"),
        )
        self.assertEqual(status["visibility"], "public")
        self.assertEqual(status["language"], "pl")
        method, path, headers, params = self.api.requests[0]
        self.assertEqual((method, path), ("POST", "/api/v1/statuses"))
        self.assertEqual(headers["authorization"], f"Bearer {self.api.token}")
        self.assertEqual(
            headers["idempotency-key"],
            f"ratusz-article-{article.pk}-rev-{article.live_revision_id}",
        )
        row = self.mastodon_rows(article).get()
        self.assertEqual(row.state, State.SENT)
        self.assertEqual(row.remote_id, status["id"])

    def test_it_posts_the_editors_text_with_the_chosen_visibility(self):
        self.config.visibility = MastodonAccount.Visibility.UNLISTED
        self.config.save()
        article = make_article(
            self.gmina, "Dożynki", lead="Zapraszamy.", mastodon_text="Do zobaczenia!"
        )
        outbox.deliver_due()
        status = self.api.statuses[0]
        self.assertEqual(
            status["text"],
            f"Do zobaczenia!\n\n{with_source(article.get_full_url(), 'mastodon')}",
        )
        self.assertEqual(status["visibility"], "unlisted")

    def test_a_long_text_is_shortened_to_fit(self):
        article = make_article(self.gmina, "Długi", lead="słowo " * 200)
        outbox.deliver_due()
        status = self.api.statuses[0]["text"]
        self.assertLessEqual(length(status), 500)
        self.assertTrue(
            status.endswith(f"…\n\n{with_source(article.get_full_url(), 'mastodon')}")
        )
        self.assertEqual(self.mastodon_rows(article).get().state, State.SENT)

    def test_a_link_counts_as_23_characters(self):
        url = "https://zawada.example.pl/aktualnosci/" + "a" * 200 + "/"
        text = status_text("x" * 475, url)
        self.assertEqual(length(text), 500)
        self.assertEqual(text, "x" * 475 + "\n\n" + url)
        self.assertTrue(status_text("x" * 476, url).endswith("…\n\n" + url))

    def test_it_never_reposts_after_an_edit(self):
        article = make_article(self.gmina, "Zebranie", lead="W piątek.")
        outbox.deliver_due()
        article.lead = "W sobotę."
        article.save_revision().publish()
        outbox.deliver_due()
        self.assertEqual(len(self.api.statuses), 1)
        self.assertEqual(self.mastodon_rows().count(), 1)


class ErrorTests(MastodonTestCase):
    def publish(self, **fields):
        article = make_article(self.gmina, "Komunikat", lead="Treść.", **fields)
        outbox.deliver_due()
        return self.mastodon_rows(article).get()

    def test_a_revoked_token_fails_and_flags_the_settings(self):
        self.api.revoked_tokens.add(self.api.token)
        row = self.publish()
        self.assertEqual(row.state, State.FAILED)
        self.assertIn("Token Mastodona unieważniony", row.error)
        self.config.refresh_from_db()
        self.assertEqual(self.config.token_error, row.error)
        self.assertFalse(is_configured(self.gmina))
        later = make_article(self.gmina, "Następny", lead="Treść.")
        self.assertFalse(self.mastodon_rows(later).exists())

    def test_a_validation_error_fails_with_mastodons_message(self):
        self.api.fail_next(
            422, {"error": "Validation failed: Text character limit of 500 exceeded"}
        )
        row = self.publish()
        self.assertEqual(row.state, State.FAILED)
        self.assertEqual(
            row.error,
            "Mastodon odrzucił wpis: Validation failed: Text character limit of "
            "500 exceeded.",
        )

    def test_a_rate_limit_waits_until_the_reset_time(self):
        reset = timezone.now() + timedelta(minutes=20)
        self.api.fail_next(*rate_limited(reset.isoformat().replace("+00:00", "Z")))
        row = self.publish()
        self.assertEqual(row.state, State.PENDING)
        self.assertIn("limit", row.error)
        self.assertGreaterEqual(row.next_attempt_at, reset - timedelta(seconds=2))
        outbox.deliver_due()
        self.assertEqual(self.api.statuses, [])  # not due yet
        Delivery.objects.filter(pk=row.pk).update(next_attempt_at=timezone.now())
        outbox.deliver_due()
        row.refresh_from_db()
        self.assertEqual(row.state, State.SENT)
        self.assertEqual(len(self.api.statuses), 1)

    def test_a_server_error_is_retried(self):
        self.api.fail_next(500, {"error": "We're sorry, but something went wrong"})
        row = self.publish()
        self.assertEqual(row.state, State.PENDING)
        self.assertIn("chwilowe", row.error)
        self.assertGreater(row.next_attempt_at, timezone.now())

    def test_a_lost_answer_is_retried_without_a_second_status(self):
        # The instance makes the status, but its answer comes too late.
        self.api.slow_next(1.5)
        with override_settings(MASTODON_TIMEOUT=0.5):
            row = self.publish()
        self.assertEqual(row.state, State.PENDING)
        self.assertIn("nie odpowiedział na czas", row.error)
        self.assertEqual(len(self.api.statuses), 1)
        Delivery.objects.filter(pk=row.pk).update(next_attempt_at=timezone.now())
        outbox.deliver_due()
        row.refresh_from_db()
        self.assertEqual(row.state, State.SENT)
        self.assertEqual(len(self.api.statuses), 1)  # the same status came back
        self.assertEqual(row.remote_id, self.api.statuses[0]["id"])
        posts = [r for r in self.api.requests if r[0] == "POST"]
        self.assertEqual(len(posts), 2)
        self.assertEqual(posts[0][2]["idempotency-key"], posts[1][2]["idempotency-key"])

    def test_it_refuses_internal_addresses(self):
        with override_settings(HTTP_ALLOW_PRIVATE_HOSTS=False):
            row = self.publish()
        self.assertEqual(row.state, State.FAILED)
        self.assertIn("sieci wewnętrznej", row.error)
        self.assertEqual(self.api.requests, [])

    def test_a_wrong_address_fails_with_a_reason(self):
        self.config.instance_url = self.server.url + "/nie-ma"
        self.config.save()
        row = self.publish()
        self.assertEqual(row.state, State.FAILED)
        self.assertIn("nie ma API Mastodona", row.error)

    def test_the_other_gmina_gets_no_post(self):
        article = make_article(self.other_gmina, "U sąsiadów", lead="Treść.")
        self.assertFalse(self.mastodon_rows(article).exists())


class ReconcileTests(MastodonTestCase):
    """A retry after the Idempotency-Key's lifetime reads the account back."""

    def lose_the_answer_long_ago(self, article):
        outbox.deliver_due()
        row = self.mastodon_rows(article).get()
        # The row was planned two hours ago and Mastodon forgot the key.
        Delivery.objects.filter(pk=row.pk).update(
            state=State.UNKNOWN,
            remote_id="",
            created_at=timezone.now() - timedelta(hours=2),
        )
        self.api.keys.clear()
        return row

    def test_an_editors_late_retry_finds_the_status(self):
        article = make_article(self.gmina, "Remont", lead="Droga zamknięta.")
        row = self.lose_the_answer_long_ago(article)
        first_id = self.api.statuses[0]["id"]
        outbox.retry(self.mastodon_rows(article))
        outbox.deliver_due()
        row.refresh_from_db()
        self.assertEqual((row.state, row.remote_id), (State.SENT, first_id))
        self.assertEqual(len(self.api.statuses), 1)
        paths = [(m, p) for m, p, _h, _p in self.api.requests[-2:]]
        self.assertEqual(
            paths,
            [
                ("GET", "/api/v1/accounts/verify_credentials"),
                ("GET", "/api/v1/accounts/109000000000000001/statuses"),
            ],
        )

    def test_a_late_retry_posts_when_the_status_is_not_there(self):
        article = make_article(self.gmina, "Zebranie", lead="W piątek.")
        row = self.lose_the_answer_long_ago(article)
        self.api.statuses.clear()  # e.g. deleted by hand on the instance
        outbox.retry(self.mastodon_rows(article))
        outbox.deliver_due()
        row.refresh_from_db()
        self.assertEqual(row.state, State.SENT)
        self.assertEqual(len(self.api.statuses), 1)
        self.assertEqual(row.remote_id, self.api.statuses[0]["id"])

    def test_it_pages_back_through_newer_statuses(self):
        article = make_article(self.gmina, "Stary wpis", lead="Pierwszy.")
        row = self.lose_the_answer_long_ago(article)
        first_id = self.api.statuses[0]["id"]
        for n in range(90):
            self.api.create_status(self.api.token, {"status": f"Wpis {n}"}, "")
        outbox.retry(self.mastodon_rows(article))
        outbox.deliver_due()
        row.refresh_from_db()
        self.assertEqual((row.state, row.remote_id), (State.SENT, first_id))
        reads = [r for r in self.api.requests if r[1].endswith("/statuses")]
        self.assertEqual([r[0] for r in reads], ["POST", "GET", "GET", "GET"])
