"""The worker's heartbeat and its queue probe (tasks run inline in tests)."""

from datetime import timedelta

import time_machine
from django.utils import timezone

from ratusz.operations import heartbeat, tasks
from ratusz.operations.models import WorkerBeat
from ratusz.test import BaseTestCase


class HeartbeatTests(BaseTestCase):
    def test_the_periodic_task_beats_and_measures_the_queue(self):
        tasks.beat.call_local()
        row = WorkerBeat.objects.get(worker=heartbeat.worker_name())
        self.assertLess((timezone.now() - row.beat_at).total_seconds(), 5)
        # Inline, the probe waited (almost) nothing.
        self.assertLess(row.lag_seconds, 5)

    def test_a_probe_that_waited_records_the_wait(self):
        heartbeat.beat(starting=True)
        sent = timezone.now() - timedelta(seconds=95)
        tasks.queue_probe.call_local(sent.isoformat())
        row = WorkerBeat.objects.get()
        self.assertAlmostEqual(row.lag_seconds, 95, delta=3)

    def test_one_row_per_host_and_old_hosts_are_forgotten(self):
        start = timezone.now()
        with time_machine.travel(start - timedelta(days=8), tick=False):
            WorkerBeat.objects.create(
                worker="retired-host", beat_at=timezone.now(), started_at=timezone.now()
            )
        first = heartbeat.beat(starting=True)
        later = heartbeat.beat(now=first.beat_at + timedelta(minutes=1))
        self.assertEqual(later.pk, first.pk)
        self.assertEqual(later.started_at, first.started_at)
        self.assertEqual(list(WorkerBeat.objects.values_list("worker", flat=True)),
                         [heartbeat.worker_name()])  # fmt: skip

    def test_the_start_hook_beats_at_once(self):
        tasks.beat_at_start()
        self.assertTrue(WorkerBeat.objects.filter(worker=heartbeat.worker_name()))
