from datetime import datetime

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task, on_startup

from . import alerts, heartbeat


@on_startup()
def beat_at_start():
    heartbeat.beat(starting=True)


@db_periodic_task(crontab(minute="*"))
def beat():
    heartbeat.beat()
    # The probe waits behind whatever else is queued: its wait is the lag.
    queue_probe(timezone.now().isoformat())
    alerts.evaluate()


@db_task()
def queue_probe(sent_at: str):
    heartbeat.record_queue_lag(datetime.fromisoformat(sent_at))
