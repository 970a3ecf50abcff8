from huey.contrib.djhuey import db_task

from . import services


@db_task(retries=5, retry_delay=120)
def send_email_confirmation(gmina_id: int) -> None:
    services.send_email_confirmation(gmina_id)
