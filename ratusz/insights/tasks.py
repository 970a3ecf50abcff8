from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from .rollup import roll_up


@db_periodic_task(crontab(hour="0", minute="20"))
@lock_task("insights-rollup")
def roll_up_nightly():
    roll_up()
