from django.apps import AppConfig

from ratusz.lib import lifespan


class OperationsConfig(AppConfig):
    name = "ratusz.operations"
    label = "operations"
    verbose_name = "Eksploatacja"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Models load after apps: the task and watchdog modules import them.
        from . import tasks, watchdog  # noqa: F401

        # The worker cannot report its own death: the web processes watch it.
        lifespan.on_startup(watchdog.start)
        lifespan.on_shutdown(watchdog.stop)
