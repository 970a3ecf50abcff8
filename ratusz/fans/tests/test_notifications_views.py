"""The editor's "Powiadomienia" screen of an article: progress, problems, retry."""

import json
from datetime import UTC, datetime

from django.urls import reverse

from ratusz.fans.models import ChannelState, Follower, PushSubscription, Rhythm
from ratusz.gminas.models import Membership
from ratusz.gminas.tests.factory import make_member
from ratusz.integrations.facebook.models import FacebookPage
from ratusz.outbox.models import Channel, Delivery
from ratusz.test import BaseTestCase, make_article

State = Delivery.State


class ArticleDeliveriesTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.dora = make_member(cls.gmina, "dora", Membership.Role.ADMIN)
        cls.erin = make_member(cls.other_gmina, "erin", Membership.Role.ADMIN)
        cls.article = make_article(cls.gmina, "Zebranie wiejskie")
        cls.ala = Follower.objects.create(
            gmina=cls.gmina,
            email="ala.kowalska@example.org",
            email_state=ChannelState.ACTIVE,
            phone="+48600100200",
            phone_state=ChannelState.ACTIVE,
        )
        cls.push = PushSubscription.objects.create(
            follower=cls.ala,
            endpoint="https://push.example.net/send/abc123secret",
            p256dh="k",
            auth="a",
        )

    def setUp(self):
        self.panel = reverse("fans-notifications", args=[self.article.pk])
        self.progress = reverse("fans-notifications-progress", args=[self.article.pk])
        self.retry_url = reverse("fans-notifications-retry", args=[self.article.pk])

    def row(self, channel, recipient, state, **fields):
        return Delivery.objects.create(
            gmina=self.gmina,
            item=f"article:{self.article.pk}",
            page=self.article,
            channel=channel,
            recipient=recipient,
            state=state,
            **fields,
        )

    def states(self):
        return dict(Delivery.objects.values_list("recipient", "state"))


class PanelTestCase(ArticleDeliveriesTestCase):
    def test_it_works(self):
        for n in range(3):
            self.row(Channel.EMAIL, f"follower:{1000 + n}", State.SENT)
        self.row(Channel.EMAIL, "follower:2000", State.PENDING)
        self.row(
            Channel.EMAIL,
            f"follower:{self.ala.pk}",
            State.FAILED,
            follower=self.ala,
            error="550 Skrzynka nie istnieje",
            attempts=1,
        )
        self.client.force_login(self.alice)
        response = self.client.get(self.panel)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Zebranie wiejskie")
        # 4 of 5 e-mails are done: an accessible bar with a label and the numbers.
        self.assertContains(
            response,
            '<progress id="outbox-bar-email" max="5" value="4" '
            'data-outbox-bar="email">80%</progress>',
            html=True,
        )
        self.assertContains(
            response, '<label for="outbox-bar-email" class="w-sr-only">', count=1
        )
        self.assertContains(
            response, '<td data-label="Wysłano" data-outbox-count="email-sent">3</td>'
        )
        self.assertContains(
            response,
            '<td data-label="Oczekuje" data-outbox-count="email-pending">1</td>',
        )
        for label in ("e-mail", "powiadomienie w przeglądarce", "SMS", "Facebook"):
            self.assertContains(response, f'<th scope="row">{label}</th>')
        self.assertContains(response, "Mastodon")
        self.assertContains(response, "550 Skrzynka nie istnieje")
        self.assertContains(response, "Ponów nieudane (1)")
        self.assertContains(response, "js/outbox-progress.js")
        self.assertContains(response, 'data-progress-url="' + self.progress + '"')
        # Without JavaScript, a plain refresh link.
        self.assertContains(response, f'href="{self.panel}" data-outbox-refresh')

    def test_it_masks_recipients(self):
        self.row(
            Channel.EMAIL,
            f"follower:{self.ala.pk}",
            State.FAILED,
            follower=self.ala,
            error="550",
        )
        self.row(
            Channel.SMS,
            f"follower:{self.ala.pk}",
            State.UNKNOWN,
            follower=self.ala,
            error="przerwana",
        )
        self.row(
            Channel.PUSH,
            f"push:{self.push.pk}",
            State.FAILED,
            follower=self.ala,
            push_subscription=self.push,
            error="410",
        )
        self.row(Channel.EMAIL, "follower:999999", State.FAILED, error="x")
        self.client.force_login(self.alice)
        response = self.client.get(self.panel)
        self.assertContains(response, "a***@example.org")
        self.assertContains(response, "*** *** 200")
        self.assertContains(response, "przeglądarka (push.example.net)")
        self.assertContains(response, "obserwujący usunięty")
        for secret in ("ala.kowalska", "600100200", "abc123secret"):
            self.assertNotContains(response, secret)

    def test_it_shows_the_remote_posts(self):
        self.gmina.mastodon_url = "https://social.example.org/@zawada"
        self.gmina.save()
        self.row(Channel.FACEBOOK, "page", State.SENT, remote_id="1234_5678")
        self.row(Channel.MASTODON, "page", State.SENT, remote_id="11300")
        self.client.force_login(self.alice)
        response = self.client.get(self.panel)
        self.assertContains(response, "<code>1234_5678</code>")
        self.assertContains(response, 'href="https://www.facebook.com/1234_5678"')
        self.assertContains(response, 'href="https://social.example.org/@zawada/11300"')

    def test_a_facebook_failure_shows_its_reason(self):
        self.row(
            Channel.FACEBOOK,
            "page",
            State.FAILED,
            error="Token dostępu do strony wygasł – połącz stronę ponownie.",
        )
        self.client.force_login(self.alice)
        response = self.client.get(self.panel)
        self.assertContains(response, "Token dostępu do strony wygasł", count=2)

    def test_it_escapes_the_title_and_errors(self):
        self.article.title = "<script>alert(1)</script>"
        self.article.save_revision().publish()
        self.row(Channel.EMAIL, "follower:1", State.FAILED, error="<b>zły</b>")
        self.client.force_login(self.alice)
        response = self.client.get(self.panel)
        self.assertNotContains(response, "<script>alert(1)</script>")
        self.assertContains(response, "&lt;script&gt;alert(1)&lt;/script&gt;")
        self.assertContains(response, "&lt;b&gt;zły&lt;/b&gt;")

    def test_an_author_sees_counts_but_not_recipients_nor_buttons(self):
        self.row(
            Channel.EMAIL,
            f"follower:{self.ala.pk}",
            State.FAILED,
            follower=self.ala,
            error="550 Skrzynka nie istnieje",
        )
        self.client.force_login(self.bob)
        response = self.client.get(self.panel)
        self.assertEqual(response.status_code, 200)
        self.assertContains(
            response, '<td data-label="Błąd" data-outbox-count="email-failed">1</td>'
        )
        self.assertNotContains(response, "a***@example.org")
        self.assertNotContains(response, "550 Skrzynka")
        self.assertNotContains(response, "Ponów nieudane")
        self.assertNotContains(response, self.retry_url)

    def test_it_checks_ownership(self):
        self.client.force_login(self.charlie)
        self.assertEqual(self.client.get(self.panel).status_code, 404)

    def test_it_needs_an_article(self):
        self.client.force_login(self.alice)
        home = self.gmina.site.root_page
        url = reverse("fans-notifications", args=[home.pk])
        self.assertEqual(self.client.get(url).status_code, 404)
        self.assertEqual(
            self.client.get(reverse("fans-notifications", args=[999999])).status_code,
            404,
        )

    def test_it_counts_only_this_articles_rows(self):
        other = make_article(self.gmina, "Inny artykuł")
        Delivery.objects.create(
            gmina=self.gmina,
            item=f"article:{other.pk}",
            page=other,
            channel=Channel.EMAIL,
            recipient="follower:999",
            state=State.FAILED,
        )
        self.client.force_login(self.alice)
        data = self.client.get(self.progress).json()
        self.assertEqual(data["channels"]["email"]["total"], 0)


class ProgressTestCase(ArticleDeliveriesTestCase):
    def test_it_works(self):
        self.row(Channel.EMAIL, "follower:1", State.SENT)
        self.row(Channel.EMAIL, "follower:2", State.SENDING)
        self.row(Channel.EMAIL, "follower:3", State.PENDING)
        self.row(Channel.EMAIL, "follower:4", State.UNKNOWN)
        self.row(Channel.SMS, "follower:1", State.FAILED)
        self.client.force_login(self.bob)
        response = self.client.get(self.progress)
        self.assertEqual(response.status_code, 200)
        self.assertIn("no-store", response["Cache-Control"])
        data = json.loads(response.content)
        self.assertEqual(
            data["channels"]["email"],
            {
                "pending": 1,
                "sending": 1,
                "sent": 1,
                "failed": 0,
                "unknown": 1,
                "cancelled": 0,
                "total": 4,
                "done": 2,
                "percent": 50,
            },
        )
        self.assertEqual(data["channels"]["sms"]["percent"], 100)
        self.assertEqual(data["channels"]["mastodon"]["total"], 0)
        summary = (data["active"], data["failed"], data["unknown"])
        self.assertEqual(summary, (True, 1, 1))

    def test_it_follows_the_send(self):
        row = self.row(Channel.EMAIL, "follower:1", State.PENDING)
        self.client.force_login(self.alice)
        self.assertTrue(self.client.get(self.progress).json()["active"])
        Delivery.objects.filter(pk=row.pk).update(state=State.SENT)
        data = self.client.get(self.progress).json()
        self.assertFalse(data["active"])
        self.assertEqual(data["channels"]["email"]["sent"], 1)

    def test_it_checks_ownership(self):
        self.client.force_login(self.charlie)
        self.assertEqual(self.client.get(self.progress).status_code, 404)


class RetryTestCase(ArticleDeliveriesTestCase):
    def setUp(self):
        super().setUp()
        self.failed = self.row(Channel.EMAIL, "follower:1", State.FAILED, error="550")
        self.failed_sms = self.row(Channel.SMS, "follower:1", State.FAILED, error="x")
        self.unknown = self.row(Channel.EMAIL, "follower:2", State.UNKNOWN)
        self.sent = self.row(Channel.EMAIL, "follower:3", State.SENT)

    def test_it_retries_failed(self):
        self.client.force_login(self.alice)
        response = self.client.post(self.retry_url, {"state": "failed"})
        self.assertRedirects(response, self.panel)
        self.failed.refresh_from_db()
        self.assertEqual((self.failed.state, self.failed.error), (State.PENDING, ""))
        self.assertEqual(
            self.states(),
            {
                "follower:1": State.PENDING,
                "follower:2": State.UNKNOWN,
                "follower:3": State.SENT,
            },  # fmt: skip
        )
        self.failed_sms.refresh_from_db()
        self.assertEqual(self.failed_sms.state, State.PENDING)

    def test_it_retries_one_channel(self):
        self.client.force_login(self.alice)
        self.client.post(self.retry_url, {"state": "failed", "channel": "sms"})
        self.failed.refresh_from_db()
        self.failed_sms.refresh_from_db()
        self.assertEqual(
            (self.failed.state, self.failed_sms.state), (State.FAILED, State.PENDING)
        )

    def test_unknown_asks_for_confirmation_first(self):
        self.client.force_login(self.alice)
        response = self.client.post(self.retry_url, {"state": "unknown"})
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "mogła już dotrzeć")
        self.assertContains(response, 'name="confirm" value="yes"')
        self.unknown.refresh_from_db()
        self.assertEqual(self.unknown.state, State.UNKNOWN)

        response = self.client.post(
            self.retry_url, {"state": "unknown", "confirm": "yes"}
        )
        self.assertRedirects(response, self.panel)
        self.unknown.refresh_from_db()
        self.failed.refresh_from_db()
        self.assertEqual(
            (self.unknown.state, self.failed.state), (State.PENDING, State.FAILED)
        )

    def test_it_rejects_bad_input_in_polish(self):
        self.client.force_login(self.alice)
        for data in ({"state": "sent"}, {}, {"state": "failed", "channel": "fax"}):
            response = self.client.post(self.retry_url, data, follow=True)
            self.assertEqual(response.status_code, 200)
            self.assertContains(response, "Nieprawidłowe żądanie ponowienia wysyłki.")
        self.failed.refresh_from_db()
        self.sent.refresh_from_db()
        self.assertEqual(
            (self.failed.state, self.sent.state), (State.FAILED, State.SENT)
        )

    def test_it_requires_post(self):
        self.client.force_login(self.alice)
        self.assertEqual(self.client.get(self.retry_url).status_code, 405)

    def test_it_requires_rw_access(self):
        self.client.force_login(self.bob)
        response = self.client.post(self.retry_url, {"state": "failed"})
        # Wagtail answers PermissionDenied with its "no permission" redirect.
        self.assertRedirects(response, reverse("wagtailadmin_home"))
        self.failed.refresh_from_db()
        self.assertEqual(self.failed.state, State.FAILED)

    def test_it_checks_ownership(self):
        self.client.force_login(self.charlie)
        response = self.client.post(
            self.retry_url, {"state": "unknown", "confirm": "yes"}
        )
        self.assertEqual(response.status_code, 404)
        self.unknown.refresh_from_db()
        self.assertEqual(self.unknown.state, State.UNKNOWN)

    def test_it_requires_the_csrf_token(self):
        from django.test import Client

        client = Client(enforce_csrf_checks=True)
        client.force_login(self.alice)
        response = client.post(self.retry_url, {"state": "failed"})
        self.assertEqual(response.status_code, 403)
        self.failed.refresh_from_db()
        self.assertEqual(self.failed.state, State.FAILED)


class FailuresShownTestCase(ArticleDeliveriesTestCase):
    """Rows waiting for a retry, articles nothing was sent for, and channels
    that are not connected are said so, never hidden behind "finished"."""

    def test_a_row_waiting_for_a_retry_shows_its_reason_and_next_try(self):
        when = datetime(2026, 12, 3, 22, 41, tzinfo=UTC)  # 23:41 in Warsaw
        self.row(
            Channel.EMAIL,
            f"follower:{self.ala.pk}",
            State.PENDING,
            follower=self.ala,
            attempts=2,
            error="Brak połączenia z serwerem poczty (serwer odmówił połączenia).",
            next_attempt_at=when,
        )
        self.row(Channel.EMAIL, "follower:2000", State.PENDING)  # first try
        self.client.force_login(self.alice)
        response = self.client.get(self.panel)
        self.assertContains(response, "Czekają na ponowną próbę (1)")
        self.assertContains(
            response,
            "<td>Brak połączenia z serwerem poczty (serwer odmówił połączenia).</td>",
            html=True,
        )
        self.assertContains(
            response,
            '<time datetime="2026-12-03T23:41:00+01:00">3.12.2026, 23:41</time>',
            html=True,
        )
        self.assertContains(response, "a***@example.org")
        self.assertNotContains(response, "Wysyłka zakończona")

    def test_an_author_sees_how_many_wait_but_not_who_nor_why(self):
        self.row(
            Channel.EMAIL,
            f"follower:{self.ala.pk}",
            State.PENDING,
            follower=self.ala,
            error="Brak połączenia z serwerem poczty (serwer odmówił połączenia).",
        )
        self.client.force_login(self.bob)
        response = self.client.get(self.panel)
        self.assertContains(response, "Czekają na ponowną próbę (1)")
        self.assertNotContains(response, "a***@example.org")
        self.assertNotContains(response, "serwer odmówił")

    def test_a_scheduled_article_says_when_it_goes_live(self):
        draft = make_article(self.gmina, "Festyn", publish=False)
        draft.go_live_at = datetime(2030, 6, 1, 8, 30, tzinfo=UTC)  # 10:30 in Warsaw
        draft.save_revision().publish()
        draft.refresh_from_db()
        self.assertFalse(draft.live)
        self.client.force_login(self.alice)
        url = reverse("fans-notifications", args=[draft.pk])
        response = self.client.get(url)
        self.assertContains(response, "Zaplanowano na 1.06.2030, 10:30.")
        self.assertNotContains(response, "Wysyłka zakończona")
        data = self.client.get(reverse("fans-notifications-progress", args=[draft.pk]))
        self.assertIn("Zaplanowano na 1.06.2030, 10:30.", data.json()["status"])

    def test_a_draft_says_nothing_is_sent_before_publishing(self):
        draft = make_article(self.gmina, "Szkic", publish=False)
        self.client.force_login(self.alice)
        response = self.client.get(reverse("fans-notifications", args=[draft.pk]))
        self.assertContains(response, "Artykuł nie jest opublikowany")
        self.assertNotContains(response, "Wysyłka zakończona")

    def test_an_article_nobody_follows_says_so(self):
        # Nothing was planned when the setUp article was published (ala's
        # rows there are made by hand in other tests).
        self.client.force_login(self.alice)
        response = self.client.get(self.panel)
        self.assertContains(
            response,
            "Żaden obserwujący nie pasuje do kategorii i sołectw tego artykułu.",
        )
        self.assertNotContains(response, "Wysyłka zakończona")
        data = self.client.get(self.progress).json()
        self.assertIn("Żaden obserwujący nie pasuje", data["status"])

    def test_digest_readers_are_not_called_nobody(self):
        self.ala.delete()  # her instant e-mail would make a row
        Follower.objects.create(
            gmina=self.gmina,
            email="olek@example.org",
            email_state=ChannelState.ACTIVE,
            email_rhythm=Rhythm.DAILY,
        )
        article = make_article(self.gmina, "Zebranie sołeckie")
        self.client.force_login(self.alice)
        response = self.client.get(reverse("fans-notifications", args=[article.pk]))
        self.assertContains(response, "w najbliższym podsumowaniu")
        self.assertNotContains(response, "Żaden obserwujący")

    def test_a_finished_send_says_finished(self):
        self.row(Channel.EMAIL, "follower:1", State.SENT)
        self.client.force_login(self.alice)
        response = self.client.get(self.panel)
        self.assertContains(response, "Wysyłka zakończona.")
        self.assertEqual(
            self.client.get(self.progress).json()["status"], "Wysyłka zakończona."
        )

    def test_channels_not_connected_say_where_to_connect_them(self):
        self.client.force_login(self.alice)
        response = self.client.get(self.panel)
        facebook = reverse("facebook-settings", args=[self.gmina.pk])
        self.assertContains(
            response,
            f'<li>Facebook: nie połączono – <a href="{facebook}">'
            "Ustawienia → Facebook</a></li>",
            html=True,
        )
        self.assertContains(response, "Mastodon: nie połączono")
        self.assertContains(response, "SMS: nie połączono")

        FacebookPage.objects.create(gmina=self.gmina, page_id="1", access_token="t")
        response = self.client.get(self.panel)
        self.assertNotContains(response, "Facebook: nie połączono")
        self.assertContains(response, "Mastodon: nie połączono")
        # Another gmina's connection is not this one's.
        FacebookPage.objects.filter(gmina=self.gmina).update(gmina=self.other_gmina)
        self.assertContains(self.client.get(self.panel), "Facebook: nie połączono")

    def test_the_waiting_rows_take_a_fixed_number_of_queries(self):
        for n in range(5):
            self.row(Channel.EMAIL, f"follower:{n}", State.PENDING, error="x")
        rows = Delivery.objects.filter(page=self.article)
        with self.assertNumQueries(1):
            self.assertEqual(len(list(rows.waiting_for_retry())), 5)
