from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from .collecting import collect_all
from .rollup import roll_up


@db_periodic_task(crontab(hour="0", minute="20"))
@lock_task("insights-rollup")
def roll_up_nightly():
    roll_up()


@db_periodic_task(crontab(minute="*/15"))
@lock_task("insights-collect")
def collect_network_numbers():
    collect_all()
