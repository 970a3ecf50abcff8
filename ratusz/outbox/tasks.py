"""The worker's side of the outbox: woken on commit, and once a minute.

The `Delivery` table is the queue; Huey (Redis or SQLite) only carries
wake-ups. A wake-up lost with the queue (Redis flushed or restarted without
its data, a scheduled wake-up after a pause dropped) costs at most a minute:
`reconcile` runs every minute and at start-up and wakes the worker for every
row that is due.
"""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task, on_startup

# `services` imports this module too (to wake the worker): see there.
from . import services

# How long one dispatch task sends before it hands over to a fresh one, so a
# graceful stop (which lets running tasks finish) never waits long.
TIME_BUDGET = 5.0


@db_task()
def dispatch():
    """Send what is due; queue a follow-up while more is due."""
    services.deliver_due(time_budget=TIME_BUDGET)
    if services.has_due():
        dispatch.schedule(delay=0)


def reconcile() -> bool:
    """Mark rows of dead workers unknown; wake the worker if anything is due.

    Returns whether a dispatch was queued.
    """
    services.recover_interrupted()
    if services.has_due():
        dispatch()
        return True
    return False


@db_periodic_task(crontab(minute="*"))
def dispatch_periodic():
    """Retries whose time has come, and rows nobody woke a worker for."""
    reconcile()


@on_startup()
def recover_after_restart():
    # A worker that was killed left rows in flight: say so, then carry on
    # with the rest at once rather than at the next periodic run.
    reconcile()
