"""Scheduled publishing: the worker's periodic job, with no cron anywhere."""

import signal
import subprocess
import sys
import time
from datetime import datetime
from zoneinfo import ZoneInfo

import time_machine
from django.conf import settings

from ratusz.test import BaseTestCase, make_article
from ratusz.website.tasks import publish_scheduled_pages
from ratusz.website.tests.live_site import child_env, page_state, prepare_site

WARSAW = ZoneInfo("Europe/Warsaw")


class PublishScheduledTestCase(BaseTestCase):
    def test_it_publishes_a_night_article_at_seven(self):
        with time_machine.travel(datetime(2026, 3, 9, 23, 0, tzinfo=WARSAW)):
            article = make_article(
                self.gmina,
                "Od jutra objazd przez Kamionkę",
                go_live_at=datetime(2026, 3, 10, 7, 0, tzinfo=WARSAW),
            )
        url = article.url

        with time_machine.travel(datetime(2026, 3, 10, 6, 59, tzinfo=WARSAW)):
            publish_scheduled_pages()
            article.refresh_from_db()
            self.assertFalse(article.live)
            self.assertIsNone(article.first_published_at)
            self.assertEqual(self.client.get(url).status_code, 404)
            self.assertNotContains(self.client.get("/"), "objazd przez Kamionkę")

        with time_machine.travel(datetime(2026, 3, 10, 7, 0, 30, tzinfo=WARSAW)):
            publish_scheduled_pages()
            article.refresh_from_db()
            self.assertTrue(article.live)
            self.assertEqual(
                article.first_published_at.astimezone(WARSAW).hour,
                7,
            )
            self.assertContains(self.client.get(url), "Od jutra objazd przez Kamionkę")
            self.assertContains(self.client.get("/"), "objazd przez Kamionkę")

    def test_it_unpublishes_expired_pages(self):
        with time_machine.travel(datetime(2026, 3, 9, 12, 0, tzinfo=WARSAW)):
            article = make_article(
                self.gmina,
                "Zbiórka elektrośmieci do piątku",
                expire_at=datetime(2026, 3, 13, 18, 0, tzinfo=WARSAW),
            )
        self.assertTrue(article.live)
        with time_machine.travel(datetime(2026, 3, 13, 18, 1, tzinfo=WARSAW)):
            publish_scheduled_pages()
        article.refresh_from_db()
        self.assertFalse(article.live)
        self.assertTrue(article.expired)
        self.assertEqual(self.client.get(article.url).status_code, 404)


def _published(live, actions) -> bool:
    return live and actions[-1] == "wagtail.publish.scheduled"


def test_it_publishes_through_a_real_worker(tmp_path, tmp_path_factory):
    """`make run`'s worker publishes scheduled pages: no cron is involved."""
    site = prepare_site(tmp_path, tmp_path_factory.getbasetemp() / "live-site")
    db, pk = tmp_path / "ratusz.sqlite3", site["scheduled_pk"]
    assert page_state(db, pk) == (False, ["wagtail.create", "wagtail.publish.schedule"])

    worker = subprocess.Popen(
        [sys.executable, "manage.py", "run_huey"],
        cwd=settings.BASE_DIR,
        env=child_env(tmp_path),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 30
        # Published means live with its log entry written: Wagtail makes the
        # page live first, and a worker stopped between the two (SIGINT stops
        # it at once) would leave the entry unwritten.
        while time.monotonic() < deadline and not _published(*page_state(db, pk)):
            assert worker.poll() is None, worker.stdout.read()
            time.sleep(0.25)
    finally:
        worker.send_signal(signal.SIGINT)
        output = worker.communicate(timeout=30)[0]

    live, actions = page_state(db, pk)
    assert live, output
    assert actions[-1] == "wagtail.publish.scheduled"
    assert (tmp_path / "huey.sqlite3").exists()
