"""The resident's private conversation page: what it shows, who opens it,
replies with and without JavaScript, wrong tokens."""

import secrets
from datetime import timedelta

from django.core.cache import cache
from django.test import override_settings
from django.utils import timezone

from ratusz.messenger import services
from ratusz.messenger.models import Message
from ratusz.messenger.tests.test_attachments import (
    PrivateDirMixin,
    image_bytes,
    upload,
)
from ratusz.test import BaseTestCase

XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'


class ConversationPageTests(BaseTestCase):
    def setUp(self):
        cache.clear()
        self.conversation, _, _ = services.open_conversation(
            self.gmina, body=f"Pytanie o podatek {XSS}", resident_name=XSS
        )
        self.url = f"/napisz/r/{self.conversation.token}/"

    def test_it_shows_the_case_and_the_messages(self):
        services.reply(
            self.conversation, self.alice, "Odpowiedź urzędu: podatek do 15 marca."
        )
        services.add_note(self.conversation, self.alice, "NOTATKA WEWNĘTRZNA")
        services.reply(
            self.conversation,
            self.alice,
            "ODPOWIEDŹ NA JUTRO",
            send_at=timezone.now() + timedelta(hours=10),
        )
        services.add_system_message(self.conversation, "Odpowiemy w poniedziałek.")
        response = self.client.get(self.url)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, f"Sprawa {self.conversation.reference}")
        self.assertContains(response, "Zachowaj ten link")
        self.assertContains(response, f"http://testserver{self.url}")
        self.assertContains(response, "Odpowiedź urzędu: podatek do 15 marca.")
        self.assertContains(response, "Odpowiedź automatyczna")
        self.assertContains(response, 'aria-live="polite"')
        self.assertNotContains(response, "NOTATKA WEWNĘTRZNA")
        self.assertNotContains(response, "ODPOWIEDŹ NA JUTRO")
        # Bodies are text: no markup of the resident's runs.
        self.assertNotContains(response, "<script>alert")
        self.assertContains(
            response, "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"
        )
        self.conversation.refresh_from_db()
        self.assertEqual(
            self.conversation.resident_seen_message_id,
            services.resident_messages(self.conversation).last().pk,
        )

    def test_the_page_is_private(self):
        response = self.client.get(self.url)
        self.assertEqual(response["Cache-Control"], "private, no-store")
        self.assertEqual(response["Referrer-Policy"], "same-origin")
        self.assertEqual(response["X-Robots-Tag"], "noindex")
        self.assertIn("script-src", response["Content-Security-Policy"])
        self.assertNotIn("unsafe-inline", response["Content-Security-Policy"])

    def test_a_wrong_token_is_the_ordinary_404(self):
        unknown = self.client.get("/no-such-page/")
        for token in (secrets.token_urlsafe(32), "x", "a" * 300, "%3Cscript%3E"):
            with self.subTest(token=token):
                response = self.client.get(f"/napisz/r/{token}/")
                self.assertEqual(response.status_code, 404)
                self.assertEqual(response.templates[0].name, unknown.templates[0].name)
                self.assertEqual(response["Cache-Control"], "private, no-store")

    def test_another_gminas_token_finds_nothing_here(self):
        elsewhere, _, _ = services.open_conversation(self.other_gmina, body="Pytanie")
        self.assertEqual(
            self.client.get(f"/napisz/r/{elsewhere.token}/").status_code, 404
        )
        response = self.client.get(
            f"/napisz/r/{elsewhere.token}/", HTTP_HOST="brzezie.localhost"
        )
        self.assertEqual(response.status_code, 200)

    @override_settings(MESSENGER_BAD_TOKENS_PER_IP=20)
    def test_guessing_tokens_is_rate_limited(self):
        for _ in range(20):
            response = self.client.get(f"/napisz/r/{secrets.token_urlsafe(32)}/")
            self.assertEqual(response.status_code, 404)
        response = self.client.get(f"/napisz/r/{secrets.token_urlsafe(32)}/")
        self.assertContains(response, "Za dużo prób", status_code=429)
        self.assertEqual(response["Retry-After"], "600")
        # The resident's own link is looked up first: others' wrong guesses
        # from the same address (a shared network) never lock it. A 256-bit
        # token cannot be found by guessing, limited or not.
        self.assertEqual(self.client.get(self.url).status_code, 200)
        self.assertEqual(self.client.get(f"{self.url}zdarzenia/").status_code, 200)
        self.assertEqual(self.client.post(self.url, {"body": "Dalej"}).status_code, 303)
        # Guessing goes on being refused, for the whole IPv6 /64 too.
        response = self.client.get(f"/napisz/r/{secrets.token_urlsafe(32)}/")
        self.assertEqual(response.status_code, 429)
        # Other addresses are not affected.
        self.assertEqual(
            self.client.get(self.url, REMOTE_ADDR="10.1.1.1").status_code, 200
        )

    def test_a_reply_without_javascript(self):
        response = self.client.post(
            self.url, {"body": "Dziękuję, a do kiedy?", "client_id": "no-js-reply-01"}
        )
        message = self.conversation.messages.get(client_id="no-js-reply-01")
        self.assertEqual(response.status_code, 303)
        self.assertEqual(response["Location"], f"{self.url}#w{message.pk}")
        self.assertEqual(message.author, Message.Author.RESIDENT)
        page = self.client.get(self.url)
        self.assertContains(page, "Dziękuję, a do kiedy?")

    def test_a_reply_with_javascript_answers_json(self):
        response = self.client.post(
            self.url,
            {"body": "Odpowiedź <b>z</b> JS", "client_id": "js-reply-00001"},
            HTTP_ACCEPT="application/json",
        )
        self.assertEqual(response.status_code, 200)
        data = response.json()
        message = Message.objects.get(pk=data["id"])
        self.assertEqual(message.body, "Odpowiedź <b>z</b> JS")
        self.assertIn(f'id="w{message.pk}"', data["html"])
        self.assertIn("Odpowiedź &lt;b&gt;z&lt;/b&gt; JS", data["html"])

        bad = self.client.post(
            self.url,
            {"body": "  ", "client_id": "js-reply-00002"},
            HTTP_ACCEPT="application/json",
        )
        self.assertEqual(bad.status_code, 400)
        self.assertEqual(bad.json(), {"errors": {"body": ["Wpisz treść wiadomości."]}})

    def test_five_retries_of_one_submit_store_one_message(self):
        ids = set()
        for _ in range(5):
            response = self.client.post(
                self.url,
                {"body": "Ponawiane wysłanie", "client_id": "retried-submit-1"},
                HTTP_ACCEPT="application/json",
            )
            self.assertEqual(response.status_code, 200)
            ids.add(response.json()["id"])
        self.assertEqual(len(ids), 1)
        self.assertEqual(
            self.conversation.messages.filter(body="Ponawiane wysłanie").count(), 1
        )

    def test_a_failed_reply_keeps_the_text(self):
        response = self.client.post(self.url, {"body": "x" * 5001, "client_id": ""})
        self.assertContains(response, "najwyżej 5000 znaków", status_code=400)
        self.assertContains(response, "x" * 5001, status_code=400)

    def test_the_reply_form_needs_csrf(self):
        client = self.client_class(enforce_csrf_checks=True)
        response = client.post(self.url, {"body": "Bez tokenu CSRF"})
        self.assertEqual(response.status_code, 403)
        self.assertFalse(
            self.conversation.messages.filter(body="Bez tokenu CSRF").exists()
        )


class ConversationLimitTests(PrivateDirMixin, BaseTestCase):
    """One valid link cannot flood the office: replies an hour, files a day."""

    def setUp(self):
        super().setUp()
        self.conversation, _, _ = services.open_conversation(
            self.gmina, body="Pierwsze pytanie"
        )
        self.url = f"/napisz/r/{self.conversation.token}/"

    @override_settings(MESSENGER_REPLIES_PER_HOUR=3)
    def test_replies_an_hour_are_limited_and_the_text_is_kept(self):
        for n in range(2):  # the first message counts too
            response = self.client.post(
                self.url, {"body": f"Dopisek {n}", "client_id": f"limit-reply-{n:04d}"}
            )
            self.assertEqual(response.status_code, 303)
        response = self.client.post(
            self.url, {"body": "Czwarty dopisek", "client_id": "limit-reply-9999"}
        )
        self.assertContains(response, "bardzo dużo wiadomości", status_code=429)
        self.assertContains(response, "Czwarty dopisek", status_code=429)
        json = self.client.post(
            self.url,
            {"body": "Przez skrypt", "client_id": "limit-reply-8888"},
            HTTP_ACCEPT="application/json",
        )
        self.assertEqual(json.status_code, 429)
        self.assertIn("body", json.json()["errors"])
        # A retry of a stored message is answered, not refused.
        again = self.client.post(
            self.url, {"body": "Dopisek 1", "client_id": "limit-reply-0001"}
        )
        self.assertEqual(again.status_code, 303)
        self.assertEqual(self.conversation.messages.count(), 3)
        # An hour later the resident can write again.
        Message.objects.filter(conversation=self.conversation).update(
            created_at=timezone.now() - timedelta(hours=1, minutes=1)
        )
        response = self.client.post(
            self.url, {"body": "Czwarty dopisek", "client_id": "limit-reply-9999"}
        )
        self.assertEqual(response.status_code, 303)

    @override_settings(MESSENGER_UPLOADS_PER_DAY=1)
    def test_files_a_day_are_limited_but_text_still_goes_through(self):
        def post(n, with_file=True):
            data = {"body": f"Zdjęcie {n}", "client_id": f"limit-file-{n:04d}"}
            if with_file:
                data["attachment"] = upload("a.png", image_bytes("PNG"), "image/png")
            return self.client.post(self.url, data)

        self.assertEqual(post(1).status_code, 303)
        refused = post(2)
        self.assertContains(refused, "bardzo dużo plików", status_code=429)
        self.assertContains(refused, "Zdjęcie 2", status_code=429)
        self.assertEqual(post(3, with_file=False).status_code, 303)
