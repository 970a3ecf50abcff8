"""The "Powiadomienia" screen tells editors when a channel is paused (SECURITY.md
C13): until when, in Warsaw time, and only for the channels the article uses."""

from datetime import UTC, datetime

import time_machine
from django.urls import reverse

from ratusz.fans.models import ChannelState, Follower
from ratusz.outbox.models import Channel, CircuitBreaker
from ratusz.test import BaseTestCase, make_article


class PausedNoticeTestCase(BaseTestCase):
    def setUp(self):
        Follower.objects.create(
            gmina=self.gmina, email="ala@example.org", email_state=ChannelState.ACTIVE
        )
        self.article = make_article(self.gmina, "Zebranie wiejskie")
        self.panel = reverse("fans-notifications", args=[self.article.pk])
        self.progress = reverse("fans-notifications-progress", args=[self.article.pk])

    def pause(self, gmina, channel=Channel.EMAIL):
        until = datetime(2030, 1, 2, 22, 41, 5, tzinfo=UTC)
        CircuitBreaker.objects.create(
            gmina=gmina,
            channel=channel,
            failures=10,
            open_until=until,
            last_error="Serwer poczty odpowiedział 421: busy",
        )

    @time_machine.travel("2030-01-02 22:40:30+00:00", tick=False)
    def test_it_tells_the_editor_in_plain_polish(self):
        self.pause(self.gmina)
        self.client.force_login(self.alice)
        response = self.client.get(self.panel)
        # 22:41:05 UTC is 23:41:05 in Warsaw in winter.
        notice = (
            "E-mail: wysyłka wstrzymana do 23:41:05 po 10 błędach z rzędu — "
            "wznowimy ją automatycznie."
        )
        self.assertContains(response, notice)
        self.assertContains(response, "Ostatni błąd: Serwer poczty odpowiedział 421")
        self.assertEqual(self.client.get(self.progress).json()["paused"], [notice])

    @time_machine.travel("2030-01-02 22:40:30+00:00", tick=False)
    def test_authors_see_the_pause_but_not_the_servers_reply(self):
        self.pause(self.gmina)
        self.client.force_login(self.bob)
        response = self.client.get(self.panel)
        self.assertContains(response, "wysyłka wstrzymana do 23:41:05")
        self.assertNotContains(response, "Ostatni błąd")

    @time_machine.travel("2030-01-02 22:40:30+00:00", tick=False)
    def test_other_gminas_and_unused_channels_are_not_shown(self):
        self.pause(self.other_gmina)
        self.pause(self.gmina, Channel.SMS)  # this article sends no SMS
        self.client.force_login(self.alice)
        response = self.client.get(self.panel)
        self.assertNotContains(response, "wstrzymana")
        self.assertEqual(self.client.get(self.progress).json()["paused"], [])

    @time_machine.travel("2030-01-02 22:42:00+00:00", tick=False)
    def test_a_closed_breaker_is_not_shown(self):
        self.pause(self.gmina)
        self.client.force_login(self.alice)
        self.assertNotContains(self.client.get(self.panel), "wstrzymana")
