from django.apps import AppConfig

from ratusz.outbox import registry


class FacebookConfig(AppConfig):
    name = "ratusz.integrations.facebook"
    label = "facebook"
    verbose_name = "Facebook"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Imported here: these modules reach models, which load after apps.
        from . import messenger_send, transport
        from .models import is_configured

        registry.register_transport("facebook", transport.Transport)
        registry.register_connection(
            "facebook",
            is_configured,
            settings_url="facebook-settings",
            settings_menu="Facebook",
        )
        # Staff replies in a conversation that began on Messenger (Send API).
        registry.register_transport("messenger", messenger_send.Transport)
