from django.apps import AppConfig

from ratusz.fans import registry as fans_registry
from ratusz.insights import registry as insights_registry
from ratusz.outbox import registry

from . import text


class MastodonConfig(AppConfig):
    name = "ratusz.integrations.mastodon"
    label = "mastodon"
    verbose_name = "Mastodon"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Imported here: these modules reach models, which load after apps.
        from . import insights
        from .models import is_configured
        from .transport import Transport

        registry.register_transport("mastodon", Transport)
        registry.register_connection(
            "mastodon",
            is_configured,
            settings_url="mastodon-settings",
            settings_menu="Mastodon",
        )
        # The editor's preview counts a status by the transport's rule.
        fans_registry.register_text_counter("mastodon", text.length, limit=text.LIMIT)
        # Replies, boosts and favourites of each status, and the followers.
        insights_registry.register_collector(
            "mastodon", insights.collect, gminas=insights.connected_gminas
        )
