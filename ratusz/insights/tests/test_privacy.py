"""No IP, no User-Agent, nothing linkable across days."""

import threading
import time
from datetime import timedelta

from django.apps import apps
from django.db import models
from django.test import TransactionTestCase, override_settings
from django.utils import timezone

from ratusz.insights import visitors
from ratusz.insights.buffer import Buffer, Seen, buffer
from ratusz.insights.models import DailySalt, ViewEvent
from ratusz.insights.visitors import salt_for, visitor_key
from ratusz.lib.personal_data import is_project_model
from ratusz.test import BaseTestCase, make_gmina
from ratusz.website.tests.test_pagecache import path

from .helpers import DESKTOP, CountingMixin, reset_counting

IP = "203.0.113.77"
UA = DESKTOP + " ZawadaTestBrowser/9.9"
RAW_COLUMN = {"ip", "ip_address", "remote_addr", "user_agent", "useragent", "ua"}


class PrivacyTestCase(CountingMixin, BaseTestCase):
    def test_no_table_has_an_ip_or_user_agent_column(self):
        # Project tables; django-axes logs failed staff logins on its own
        # basis (SECURITY.md), which page views never reach.
        for model in apps.get_models():
            if not is_project_model(model):
                continue
            for field in model._meta.concrete_fields:
                self.assertNotIn(field.column.lower(), RAW_COLUMN, model)
                self.assertNotIsInstance(field, models.GenericIPAddressField, model)

    def test_no_table_holds_the_ip_or_user_agent_of_a_view(self):
        self.warm(self.a)
        self.view(self.a, ua=UA, headers={"x-forwarded-for": IP})
        self.view(f"{path(self.b)}?z=e", ua=UA, headers={"x-forwarded-for": IP})
        self.assertEqual(len(self.counted()), 2)
        for model in apps.get_models():
            for field in model._meta.concrete_fields:
                if not isinstance(field, (models.CharField, models.TextField)):
                    continue
                for value in (IP, "ZawadaTestBrowser"):
                    found = model._base_manager.filter(
                        **{f"{field.name}__contains": value}
                    )
                    self.assertFalse(found.exists(), f"{model.__name__}.{field.name}")

    def test_the_same_visitor_has_another_key_the_next_day(self):
        today = timezone.localdate()
        tomorrow = today + timedelta(days=1)
        first = visitor_key(salt_for(today), self.gmina.pk, IP, UA)
        self.assertEqual(first, visitor_key(salt_for(today), self.gmina.pk, IP, UA))
        second = visitor_key(salt_for(tomorrow), self.gmina.pk, IP, UA)
        self.assertNotEqual(first, second)
        # Today's salt is gone once tomorrow's exists: today's keys cannot
        # be recomputed from an IP and a User-Agent any more.
        self.assertEqual(
            list(DailySalt.objects.values_list("day", flat=True)), [tomorrow]
        )
        self.assertGreaterEqual(len(salt_for(tomorrow)), 32)

    def test_the_first_flush_of_a_day_deletes_yesterdays_salt(self):
        yesterday = timezone.localdate() - timedelta(days=1)
        DailySalt.objects.create(day=yesterday, salt=b"y" * 32)
        self.view(self.a)
        self.assertEqual(len(self.counted()), 1)
        self.assertEqual(
            list(DailySalt.objects.values_list("day", flat=True)),
            [timezone.localdate()],
        )

    def test_salts_are_random_per_day(self):
        today = timezone.localdate()
        salt = salt_for(today)
        visitors.forget_salts()
        self.assertEqual(salt_for(today), salt)  # shared through the database
        DailySalt.objects.all().delete()
        visitors.forget_salts()
        self.assertNotEqual(salt_for(today), salt)


def seen(host="localhost", ua=DESKTOP):
    return Seen(
        at=time.time(),
        host=host,
        path="/",
        page_id=None,
        source=None,
        referrer="",
        remote_addr=IP,
        forwarded="",
        user_agent=ua,
    )


class FlushingThreadTestCase(TransactionTestCase):
    serialized_rollback = True

    def setUp(self):
        make_gmina("Gmina Zawada", hostname="localhost", is_default_site=True)
        reset_counting()
        self.addCleanup(reset_counting)

    @override_settings(INSIGHTS_FLUSH_SECONDS=0.05)
    def test_a_thread_flushes_every_interval(self):
        buffer = Buffer()
        self.addCleanup(buffer.close)
        buffer.add(seen())
        buffer.add(seen())
        deadline = time.monotonic() + 5
        while ViewEvent.objects.count() < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        self.assertEqual(ViewEvent.objects.count(), 2)
        self.assertEqual(buffer._thread.name, "insights-flush")

    @override_settings(INSIGHTS_FLUSH_SECONDS=60)
    def test_closing_writes_what_is_left(self):
        # What atexit runs when the server process stops.
        buffer = Buffer()
        buffer.add(seen())
        self.assertTrue(buffer._thread.is_alive())
        self.assertEqual(ViewEvent.objects.count(), 0)
        buffer.close()
        self.assertEqual(ViewEvent.objects.count(), 1)
        self.assertFalse(
            any(
                t.name == "insights-flush" and t.is_alive()
                for t in threading.enumerate()
            )
        )

    @override_settings(INSIGHTS_FLUSH_SECONDS=0)
    def test_a_failing_flush_drops_the_batch_and_keeps_serving(self):
        buffer = Buffer()
        buffer.add(seen(host="nowhere.invalid"))  # no gmina, no default: dropped
        DailySalt.objects.all().delete()
        self.assertEqual(buffer.flush(), 1)  # default site takes unknown hosts
        buffer.add(seen(ua="Googlebot/2.1"))
        self.assertEqual(buffer.flush(), 0)
        self.assertEqual(buffer.pending(), 0)


class ModuleBufferTestCase(BaseTestCase):
    def test_the_process_buffer_starts_no_thread_in_tests(self):
        with override_settings(INSIGHTS_FLUSH_SECONDS=0):
            buffer.add(seen())
        self.assertIsNone(buffer._thread)
        buffer._take()
