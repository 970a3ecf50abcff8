from django.apps import AppConfig

from ratusz.outbox import registry


class FansConfig(AppConfig):
    name = "ratusz.fans"
    label = "fans"
    verbose_name = "Obserwujący"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import counts, messages, signals  # noqa: F401

        # What the outbox sends for the rows this app plans.
        registry.register_composer("article", messages.compose_article)
        registry.register_composer("digest", messages.compose_digest)
