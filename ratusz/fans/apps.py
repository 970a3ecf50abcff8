from django.apps import AppConfig


class FansConfig(AppConfig):
    name = "ratusz.fans"
    label = "fans"
    verbose_name = "Obserwujący"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import counts, signals  # noqa: F401
