"""Installation checks shown by `manage.py check --deploy`."""

from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.security, deploy=True)
def outgoing_mail_is_configured(app_configs, **kwargs):
    if not settings.EMAIL_KEPT_IN_FOLDER:
        return []
    return [
        checks.Warning(
            "EMAIL_HOST is not set: no e-mail is sent, every message is kept in "
            f"{settings.EMAIL_FOLDER} (the admin shows them as demo mail).",
            hint="Set EMAIL_HOST (and EMAIL_PORT, EMAIL_USE_TLS, EMAIL_HOST_USER, "
            "EMAIL_HOST_PASSWORD, DEFAULT_FROM_EMAIL) in the environment file.",
            id="ratusz.W001",
        )
    ]
