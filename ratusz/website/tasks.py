"""Background jobs run by the one Huey consumer (`manage.py run_huey`)."""

import io

from django.core.management import call_command
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task


@db_periodic_task(crontab(minute="*"))
@lock_task("website-publish-scheduled")
def publish_scheduled_pages():
    """Make pages whose go-live time has passed live, and expire the overdue.

    Wagtail only changes page state when its `publish_scheduled` command runs;
    this periodic job is that cron. The lock keeps a slow run from overlapping
    the next minute's one on the second worker thread.
    """
    call_command("publish_scheduled", stdout=io.StringIO())
