from django.apps import AppConfig


class OutboxConfig(AppConfig):
    name = "ratusz.outbox"
    label = "outbox"
    verbose_name = "Wysyłka"
    default_auto_field = "django.db.models.BigAutoField"
