"""The messenger's periodic work in the worker."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from . import inbound, services  # noqa: F401  (inbound: its Huey tasks)


@db_periodic_task(crontab(minute="*"))
def publish_due_replies():
    """Release "send later" replies whose time has come."""
    return services.publish_due_replies()
