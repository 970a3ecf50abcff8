"""The worker's side of following: sign-up e-mails, digests, retention."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from . import digest, messages, retention
from .models import Follower


@db_task(retries=5, retry_delay=120)
def send_follow_email(follower_id: int, token: str | None) -> None:
    """The answer to a sign-up; a follower erased meanwhile gets nothing."""
    follower = Follower.objects.select_related("gmina__site").filter(pk=follower_id)
    follower = follower.first()
    if follower is not None and follower.email:
        messages.follow_email(follower, token).send(fail_silently=False)


@db_periodic_task(crontab(minute="*/5"))
def plan_digests():
    digest.plan_due_digests()


@db_periodic_task(crontab(minute="23"))
def purge_unconfirmed():
    retention.purge_unconfirmed()
