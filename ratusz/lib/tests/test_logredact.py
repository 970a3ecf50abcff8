"""Secret links never reach the server log (security review, finding 6c)."""

import io
import logging
import secrets
from contextlib import contextmanager

from django.test import SimpleTestCase, TestCase
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from ratusz.lib.logredact import REDACTED, RedactTokens, redact

SECRET_KWARGS = {"token", "secret"}


@contextmanager
def server_log():
    """Capture what the configured handlers (settings.LOGGING) write."""
    handlers = {
        h
        for name in ("", "django", "django.server", "ratusz")
        for h in logging.getLogger(name).handlers
        if type(h) is logging.StreamHandler  # not pytest's capture handlers
    }
    assert handlers, "settings.LOGGING configures stream handlers"
    out = io.StringIO()
    old = {h: h.setStream(out) for h in handlers}
    try:
        yield out
    finally:
        for h, stream in old.items():
            h.setStream(stream)


def secret_routes(resolver=None, prefix=""):
    """Yield (name, kwargs names) of every URL that carries a secret."""
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            yield from secret_routes(entry, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern) and entry.name:
            names = set(entry.pattern.converters)
            if names & SECRET_KWARGS:
                yield entry.name, names


class LoggedRequestTestCase(TestCase):
    def test_it_hides_a_conversation_token_of_a_failed_request(self):
        token = secrets.token_urlsafe(32)
        with server_log() as out:
            r = self.client.get(f"/napisz/r/{token}/?t={token}")
        self.assertGreaterEqual(r.status_code, 400)
        logged = out.getvalue()
        self.assertIn("/napisz/r/", logged)
        self.assertIn(REDACTED, logged)
        self.assertNotIn(token, logged)

    def test_it_hides_follower_tokens_in_the_request_line(self):
        token = secrets.token_urlsafe(32)
        with server_log() as out:
            logging.getLogger("django.server").warning(
                '"%s" %s %s', f"GET /en/obserwuj/ustawienia/{token}/ HTTP/1.1", 404, 9
            )
        logged = out.getvalue()
        self.assertIn("/en/obserwuj/ustawienia/[ukryte]/", logged)
        self.assertNotIn(token, logged)

    def test_it_hides_a_token_in_a_traceback(self):
        token = secrets.token_urlsafe(32)
        with server_log() as out:
            try:
                raise ValueError(f"bad path /obserwuj/potwierdz/{token}/")
            except ValueError:
                logging.getLogger("django.request").exception("Internal Server Error")
        logged = out.getvalue()
        self.assertIn("Traceback", logged)
        self.assertIn("/obserwuj/potwierdz/[ukryte]/", logged)
        self.assertNotIn(token, logged)


class RedactTestCase(SimpleTestCase):
    def test_every_secret_url_is_redacted(self):
        token = "S3cr3tT0k3n_" + secrets.token_urlsafe(24)
        routes = dict(secret_routes())
        self.assertIn("messenger-resident", routes)
        self.assertIn("fans-confirm", routes)
        self.assertIn("inclusion-report-fault", routes)
        for name, kwargs in routes.items():
            with self.subTest(name):
                values = {k: token if k in SECRET_KWARGS else "1" for k in kwargs}
                url = reverse(name, kwargs=values)
                self.assertNotIn(token, redact(f"Not Found: {url}"), url)

    def test_it_redacts_token_query_parameters(self):
        self.assertEqual(
            redact("GET /powiadomienia/?token=abc&x=1&Code=42 HTTP/1.1"),
            "GET /powiadomienia/?token=[ukryte]&x=1&Code=[ukryte] HTTP/1.1",
        )

    def test_it_leaves_other_paths_alone(self):
        for text in ("Not Found: /aktualnosci/napisz/", "GET /napisz/ HTTP/1.1"):
            self.assertEqual(redact(text), text)

    def test_every_configured_handler_has_the_filter(self):
        from django.conf import settings

        for name, handler in settings.LOGGING["handlers"].items():
            with self.subTest(name):
                self.assertIn("redact_tokens", handler.get("filters", []))
        for name in ("", "django", "django.request", "django.server", "ratusz"):
            logger = logging.getLogger(name)
            while logger and not logger.handlers:
                logger = logger.parent
            for handler in logger.handlers:
                if type(handler).__module__.startswith("_pytest"):
                    continue
                with self.subTest(logger=name, handler=handler):
                    self.assertTrue(
                        any(isinstance(f, RedactTokens) for f in handler.filters)
                    )
