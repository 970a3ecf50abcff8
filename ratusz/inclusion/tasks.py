"""The e-Inclusion's periodic work in the worker."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from . import network_checks, rodo, staff_reminders


@db_periodic_task(crontab(minute="*"))
def check_access_points():
    """Check the free network's access points whose check is due."""
    return network_checks.run_checks()


@db_periodic_task(crontab(minute="40", hour="3"))
def forget_old_network_history():
    return network_checks.forget_old_history()


@db_periodic_task(crontab(minute="20", hour="7"))
def remind_staff():
    """E-mail coordinators the checks now due or overdue and the campaigns
    whose window ends soon (each once)."""
    return staff_reminders.run()


@db_periodic_task(crontab(minute="50", hour="3"))
def anonymise_households():
    """Anonymise the households that asked for erasure once their programme
    records' archiving period is over."""
    return rodo.anonymise_due()
