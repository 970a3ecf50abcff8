"""The one reading of Graph API error answers, for page posts and Messenger replies."""

import json

import httpx
from django.test import SimpleTestCase

from ratusz.integrations.facebook.graph import classify
from ratusz.integrations.facebook.transport import PAGE_POSTS, REPLIES

from .fake_graph import expired_token_error, graph_error


def answer(status, body, **headers):
    return httpx.Response(status, json=body, headers=headers)


class ClassifyTests(SimpleTestCase):
    def test_a_refused_token_is_permanent_and_says_why(self):
        for use in (PAGE_POSTS, REPLIES):
            with self.subTest(use=use.one):
                error = classify(answer(400, expired_token_error()), use)
                self.assertTrue(error.permanent)
                self.assertTrue(error.token_rejected)
                self.assertEqual(error.message, "Token Facebooka wygasł.")

    def test_rate_limits_wait_as_long_as_facebook_says(self):
        usage = {"1": [{"type": "pages", "estimated_time_to_regain_access": 7}]}
        for use in (PAGE_POSTS, REPLIES):
            with self.subTest(use=use.one):
                error = classify(
                    answer(
                        400,
                        graph_error("Page request limit reached", 80001),
                        **{"X-Business-Use-Case-Usage": json.dumps(usage)},
                    ),
                    use,
                )
                self.assertFalse(error.permanent)
                self.assertEqual(error.retry_after, 420.0)
                self.assertIn(f"liczbę {use.many}", error.message)
        error = classify(
            answer(429, graph_error("Too many calls", 4), **{"Retry-After": "30"}),
            PAGE_POSTS,
        )
        self.assertEqual(error.retry_after, 30.0)
        error = classify(answer(400, graph_error("Too many", 613)), REPLIES)
        self.assertEqual(error.retry_after, 300.0)

    def test_outages_are_transient(self):
        for body in (graph_error("Unknown", 2), {"error": {"is_transient": True}}):
            with self.subTest(body=body):
                self.assertFalse(classify(answer(500, body), REPLIES).permanent)
                self.assertFalse(classify(answer(400, body), PAGE_POSTS).permanent)

    def test_each_use_words_its_own_refusals(self):
        invalid = graph_error("Invalid parameter", 100)
        self.assertIn(
            "nieprawidłowy parametr", classify(answer(400, invalid), PAGE_POSTS).message
        )
        self.assertEqual(
            classify(answer(400, invalid), REPLIES).message,
            "Facebook odrzucił wiadomość (HTTP 400). Invalid parameter",
        )
        no_user = graph_error("No matching user found", 100, 2018001)
        self.assertIn(
            "nie zna tego odbiorcy", classify(answer(400, no_user), REPLIES).message
        )
        permissions = graph_error("Requires pages_messaging permission", 230)
        error = classify(answer(403, permissions), REPLIES)
        self.assertTrue(error.permanent)
        self.assertIn("pages_messaging", error.message)
        self.assertIn("Facebook: Requires", error.message)

    def test_an_answer_without_an_error_object_is_unexpected(self):
        error = classify(httpx.Response(302, text="<html>"), PAGE_POSTS)
        self.assertFalse(error.permanent)
        self.assertEqual(error.message, "Nieoczekiwana odpowiedź Facebooka (HTTP 302).")
