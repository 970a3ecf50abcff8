from django.apps import AppConfig


class WebsiteConfig(AppConfig):
    name = "ratusz.website"
    verbose_name = "Strona internetowa"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import procedures, signals  # noqa: F401
