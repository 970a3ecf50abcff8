"""The worker's side of SMS replies: acting on them, and their retention."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from . import services


@db_task()
def process_inbound(event_id):
    services.process_inbound(event_id)


@db_periodic_task(crontab(minute="*/5"))
def process_pending_inbound():
    services.process_pending_inbound()


@db_periodic_task(crontab(minute="41"))
def purge_inbound_sms():
    services.purge_inbound_sms()
