"""Posting to a Page through the Graph API fake: content, ids, errors, retries."""

import json
from datetime import timedelta

from django.test import override_settings
from django.utils import timezone

from ratusz.integrations.facebook import graph
from ratusz.integrations.facebook.models import FacebookPage, is_configured
from ratusz.integrations.facebook.transport import PAGE_POSTS, Transport
from ratusz.lib import http
from ratusz.lib.source_links import with_source
from ratusz.outbox import services as outbox
from ratusz.outbox.models import Delivery
from ratusz.outbox.transports import Envelope, TransportError
from ratusz.test import make_article

from .base import FacebookTestCase
from .fake_graph import Post, expired_token_error, graph_error, rate_limit_error

State = Delivery.State


class PostTests(FacebookTestCase):
    def test_it_posts_a_link_and_stores_the_post_id(self):
        article = make_article(
            self.gmina, "Remont drogi", lead="Droga będzie zamknięta."
        )
        outbox.deliver_due()
        self.assertEqual(len(self.api.posts), 1)
        post = self.api.posts[0]
        self.assertEqual(post.path, "feed")
        self.assertEqual(post.fields["message"], "Droga będzie zamknięta.")
        self.assertEqual(
            post.fields["link"], with_source(article.get_full_url(), "facebook")
        )
        method, path, params = self.api.requests[0]
        self.assertEqual((method, path), ("POST", f"/v26.0/{self.api.page_id}/feed"))
        self.assertEqual(params["access_token"], self.api.token)
        row = self.facebook_rows(article).get()
        self.assertEqual(row.state, State.SENT)
        self.assertEqual(row.remote_id, post.id)
        self.assertEqual(row.attempts, 1)

    def test_it_posts_the_editors_text(self):
        make_article(
            self.gmina, "Dożynki", lead="Zapraszamy.", facebook_text="Do zobaczenia!"
        )
        outbox.deliver_due()
        self.assertEqual(self.api.posts[0].fields["message"], "Do zobaczenia!")

    def test_it_never_reposts_after_an_edit(self):
        article = make_article(self.gmina, "Zebranie", lead="W piątek.")
        outbox.deliver_due()
        article.lead = "W sobotę."
        article.save_revision().publish()
        outbox.deliver_due()
        self.assertEqual(len(self.api.posts), 1)
        self.assertEqual(self.facebook_rows().count(), 1)

    def test_it_posts_a_photo_when_the_gmina_chose_photos(self):
        self.config.post_as = FacebookPage.PostAs.PHOTO
        self.config.save()
        row = Delivery.objects.create(
            gmina=self.gmina, item="article:1", channel="facebook", recipient="page"
        )
        message = Envelope(
            subject="Dożynki",
            text="Zapraszamy",
            url="http://localhost/aktualnosci/dozynki/",
            image_url="http://localhost/media/images/dozynki.jpg",
        )
        transport = Transport(self.gmina)
        remote_id = transport.send(row, message)
        transport.close()
        post = self.api.posts[0]
        self.assertEqual(post.path, "photos")
        self.assertEqual(post.fields["url"], message.image_url)
        self.assertEqual(
            post.fields["caption"],
            "Zapraszamy\n\nhttp://localhost/aktualnosci/dozynki/",
        )
        self.assertEqual(remote_id, post.id)  # the post's id, not the photo's
        row.refresh_from_db()
        self.assertEqual(row.remote_id, post.id)

    def test_it_posts_a_link_when_there_is_no_image(self):
        self.config.post_as = FacebookPage.PostAs.PHOTO
        self.config.save()
        make_article(self.gmina, "Bez zdjęcia", lead="Tekst.")
        outbox.deliver_due()
        self.assertEqual(self.api.posts[0].path, "feed")

    def test_it_does_not_post_again_when_a_post_id_is_known(self):
        row = Delivery.objects.create(
            gmina=self.gmina,
            item="article:1",
            channel="facebook",
            recipient="page",
            remote_id="104512345678901_77",
        )
        remote_id = Transport(self.gmina).send(row, Envelope(subject="x", text="y"))
        self.assertEqual(remote_id, "104512345678901_77")
        self.assertEqual(self.api.requests, [])


class ErrorTests(FacebookTestCase):
    def publish(self):
        article = make_article(self.gmina, "Komunikat", lead="Treść.")
        outbox.deliver_due()
        return self.facebook_rows(article).get()

    def test_an_expired_token_fails_and_flags_the_settings(self):
        self.api.expired_tokens.add(self.api.token)
        row = self.publish()
        self.assertEqual(row.state, State.FAILED)
        self.assertIn("Token Facebooka wygasł", row.error)
        self.assertIn("wygeneruj nowy token", row.error)
        self.config.refresh_from_db()
        self.assertEqual(self.config.token_error, row.error)
        self.assertIsNotNone(self.config.token_error_at)
        self.assertFalse(is_configured(self.gmina))
        # The next article is not even planned for Facebook.
        later = make_article(self.gmina, "Następny", lead="Treść.")
        self.assertFalse(self.facebook_rows(later).exists())

    def test_an_invalid_token_fails_permanently(self):
        self.config.access_token = "EAA-not-a-real-token-000000"
        self.config.save()
        row = self.publish()
        self.assertEqual(row.state, State.FAILED)
        self.assertIn("unieważniony", row.error)
        self.assertEqual(self.api.posts, [])

    def test_a_rate_limit_is_retried_after_the_time_facebook_gives(self):
        usage = {"104": [{"type": "pages", "estimated_time_to_regain_access": 10}]}
        self.api.fail_next(
            403, rate_limit_error(32), {"X-Business-Use-Case-Usage": json.dumps(usage)}
        )
        before = timezone.now()
        row = self.publish()
        self.assertEqual(row.state, State.PENDING)
        self.assertIn("limit", row.error)
        self.assertGreaterEqual(row.next_attempt_at, before + timedelta(minutes=10))
        self.assertEqual(self.api.posts, [])
        # Not yet due: nothing happens.
        outbox.deliver_due()
        self.assertEqual(self.api.posts, [])
        # Once due, it goes out.
        Delivery.objects.filter(pk=row.pk).update(next_attempt_at=timezone.now())
        outbox.deliver_due()
        row.refresh_from_db()
        self.assertEqual(row.state, State.SENT)
        self.assertEqual(row.attempts, 2)
        self.assertEqual(len(self.api.posts), 1)

    def test_code_4_without_a_hint_waits_a_few_minutes(self):
        self.api.fail_next(403, rate_limit_error(4))
        before = timezone.now()
        row = self.publish()
        self.assertEqual(row.state, State.PENDING)
        self.assertGreaterEqual(row.next_attempt_at, before + timedelta(minutes=5))

    def test_http_429_honours_retry_after(self):
        self.api.fail_next(429, rate_limit_error(17), {"Retry-After": "900"})
        before = timezone.now()
        row = self.publish()
        self.assertEqual(row.state, State.PENDING)
        self.assertGreaterEqual(row.next_attempt_at, before + timedelta(seconds=900))

    def test_a_server_error_is_retried(self):
        self.api.fail_next(
            500, graph_error("An unknown error has occurred.", 1, is_transient=True)
        )
        row = self.publish()
        self.assertEqual(row.state, State.PENDING)
        self.assertIn("chwilowe", row.error)
        Delivery.objects.filter(pk=row.pk).update(next_attempt_at=timezone.now())
        outbox.deliver_due()
        row.refresh_from_db()
        self.assertEqual(row.state, State.SENT)

    def test_a_missing_permission_fails_with_a_reason(self):
        token = "EAAPageToken-readonly-000000"
        self.api.readonly_tokens.add(token)
        self.config.access_token = token
        self.config.save()
        row = self.publish()
        self.assertEqual(row.state, State.FAILED)
        self.assertIn("pages_manage_posts", row.error)
        self.config.refresh_from_db()
        self.assertEqual(self.config.token_error, "")  # the token itself is fine

    def test_a_wrong_page_fails_with_a_reason(self):
        self.config.page_id = "999999999"
        self.config.save()
        row = self.publish()
        self.assertEqual(row.state, State.FAILED)
        self.assertIn("nieprawidłowy parametr lub strona", row.error)

    def test_it_follows_the_pinned_version(self):
        with override_settings(FACEBOOK_GRAPH_VERSION="v25.0"):
            row = self.publish()
        self.assertEqual(row.state, State.FAILED)  # the fake speaks v26.0 only
        self.assertTrue(self.api.requests[0][1].startswith("/v25.0/"))

    def test_it_refuses_internal_addresses(self):
        with override_settings(HTTP_ALLOW_PRIVATE_HOSTS=False):
            row = self.publish()
        self.assertEqual(row.state, State.FAILED)
        self.assertIn("sieci wewnętrznej", row.error)
        self.assertEqual(self.api.requests, [])

    def test_a_disabled_page_gets_no_deliveries(self):
        self.config.enabled = False
        self.config.save()
        article = make_article(self.gmina, "Cisza", lead="Treść.")
        self.assertFalse(self.facebook_rows(article).exists())

    def test_the_other_gminas_page_is_not_used(self):
        article = make_article(self.other_gmina, "U sąsiadów", lead="Treść.")
        self.assertFalse(self.facebook_rows(article).exists())
        with self.assertRaises(TransportError) as raised:
            Transport(self.other_gmina).send(
                Delivery(gmina=self.other_gmina, item="article:9", channel="facebook"),
                Envelope(subject="x", text="y"),
            )
        self.assertTrue(raised.exception.permanent)
        self.assertEqual(self.api.requests, [])

    def test_an_expired_token_in_the_graph_error_shape(self):
        # The fake's answer is the documented one: HTTP 400, code 190/463.
        body = expired_token_error()["error"]
        self.assertEqual((body["code"], body["error_subcode"]), (190, 463))


class ReconcileTests(FacebookTestCase):
    """A retry reads the Page's posts back before posting (SECURITY.md C15)."""

    def lose_the_answer(self, article):
        """Facebook takes the post, but our write of its id never happens."""
        outbox.deliver_due()
        row = self.facebook_rows(article).get()
        Delivery.objects.filter(pk=row.pk).update(state=State.UNKNOWN, remote_id="")
        row.refresh_from_db()
        return row

    def test_an_editors_retry_finds_the_post_instead_of_posting_again(self):
        article = make_article(self.gmina, "Remont mostu", lead="Most zamknięty.")
        row = self.lose_the_answer(article)
        first_id = self.api.posts[0].id
        self.assertEqual(outbox.retry(self.facebook_rows(article)), 1)
        outbox.deliver_due()
        row.refresh_from_db()
        self.assertEqual(row.state, State.SENT)
        self.assertEqual(row.remote_id, first_id)
        self.assertEqual(len(self.api.posts), 1)
        method, path, params = self.api.requests[-1]
        self.assertEqual((method, path), ("GET", f"/v26.0/{self.api.page_id}/feed"))
        self.assertIn("attachments{url,unshimmed_url}", params["fields"])
        self.assertLessEqual(int(params["since"]), row.created_at.timestamp())

    def test_a_retry_after_a_lost_answer_does_not_post_twice(self):
        # Facebook made the post, but its answer came too late.
        self.api.fail_next(500, graph_error("An unknown error.", 1, is_transient=True))
        article = make_article(self.gmina, "Zebranie", lead="W piątek.")
        outbox.deliver_due()
        row = self.facebook_rows(article).get()
        self.assertEqual(row.state, State.PENDING)
        self.assertEqual(self.api.posts, [])
        # Now the "lost" post: made without an answer reaching us.
        self.api.posts.append(
            Post(
                "feed",
                {
                    "message": "W piątek.",
                    "link": with_source(article.get_full_url(), "facebook"),
                },
                f"{self.api.page_id}_4242",
            )
        )
        Delivery.objects.filter(pk=row.pk).update(next_attempt_at=timezone.now())
        outbox.deliver_due()
        row.refresh_from_db()
        self.assertEqual(row.state, State.SENT)
        self.assertEqual(row.remote_id, f"{self.api.page_id}_4242")
        self.assertEqual(len(self.api.posts), 1)

    def test_a_retry_posts_when_the_page_has_no_such_post(self):
        self.api.fail_next(500, graph_error("An unknown error.", 1, is_transient=True))
        article = make_article(self.gmina, "Dożynki", lead="Zapraszamy.")
        other = make_article(self.gmina, "Inny", lead="Zapraszamy.")
        outbox.deliver_due()  # the other article's post goes out
        row = self.facebook_rows(article).get()
        self.assertEqual(row.state, State.PENDING)
        self.assertEqual(len(self.api.posts), 1)  # same text, another link
        Delivery.objects.filter(pk=row.pk).update(next_attempt_at=timezone.now())
        outbox.deliver_due()
        row.refresh_from_db()
        self.assertEqual(row.state, State.SENT)
        self.assertEqual(len(self.api.posts), 2)
        self.assertNotEqual(row.remote_id, self.facebook_rows(other).get().remote_id)

    def test_it_follows_the_feeds_pages(self):
        article = make_article(self.gmina, "Stary", lead="Pierwszy.")
        row = self.lose_the_answer(article)
        first_id = self.api.posts[0].id
        # 120 newer posts push it past two pages of 50.
        for n in range(120):
            self.api.posts.append(
                Post("feed", {"message": f"Wpis {n}"}, f"{self.api.page_id}_{9000 + n}")
            )
        outbox.retry(self.facebook_rows(article))
        outbox.deliver_due()
        row.refresh_from_db()
        self.assertEqual((row.state, row.remote_id), (State.SENT, first_id))
        reads = [r for r in self.api.requests if r[0] == "GET"]
        self.assertEqual(len(reads), 3)
        self.assertNotIn("after", reads[0][2])
        self.assertIn("after", reads[1][2])

    def test_a_photo_post_is_found_by_its_caption(self):
        self.config.post_as = FacebookPage.PostAs.PHOTO
        self.config.save()
        row = Delivery.objects.create(
            gmina=self.gmina, item="article:1", channel="facebook", recipient="page"
        )
        message = Envelope(
            subject="Dożynki",
            text="Zapraszamy",
            url="https://zawada.example.pl/aktualnosci/dozynki/",
            image_url="https://zawada.example.pl/media/dozynki.jpg",
        )
        Transport(self.gmina).send(row, message)
        row.remote_id = ""
        row.attempts = 1
        again = Transport(self.gmina).send(row, message)
        self.assertEqual(again, self.api.posts[0].id)
        self.assertEqual(len(self.api.posts), 1)

    def test_a_failed_read_is_retried_without_posting(self):
        article = make_article(self.gmina, "Awaria", lead="Brak prądu.")
        row = self.lose_the_answer(article)
        outbox.retry(self.facebook_rows(article))
        self.api.fail_next(500, graph_error("An unknown error.", 2, is_transient=True))
        outbox.deliver_due()
        row.refresh_from_db()
        self.assertEqual(row.state, State.PENDING)
        self.assertEqual(len(self.api.posts), 1)

    def test_the_fake_rejects_unknown_fields_like_facebook(self):
        article = make_article(self.gmina, "Pole", lead="Treść.")
        self.lose_the_answer(article)
        with self.assertRaises(TransportError) as raised:
            graph.call(
                http.client(),
                "GET",
                f"{self.api.page_id}/feed",
                PAGE_POSTS,
                params={"fields": "id,nonexistent", "access_token": self.api.token},
            )
        self.assertTrue(raised.exception.permanent)
