from django.apps import AppConfig

from ratusz.outbox import registry


class MastodonConfig(AppConfig):
    name = "ratusz.integrations.mastodon"
    label = "mastodon"
    verbose_name = "Mastodon"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Imported here: these modules reach models, which load after apps.
        from .models import is_configured
        from .transport import Transport

        registry.register_transport("mastodon", Transport)
        registry.register_connection(
            "mastodon",
            is_configured,
            settings_url="mastodon-settings",
            settings_menu="Mastodon",
        )
