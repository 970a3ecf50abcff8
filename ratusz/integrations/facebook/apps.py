from django.apps import AppConfig

from ratusz.insights import registry as insights_registry
from ratusz.outbox import registry


class FacebookConfig(AppConfig):
    name = "ratusz.integrations.facebook"
    label = "facebook"
    verbose_name = "Facebook"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Imported here: these modules import models, which are not loaded
        # yet when apps.py is.
        from ratusz.messenger import networks
        from ratusz.messenger.models import Conversation
        from ratusz.messenger.notifications import MESSENGER_CHANNEL

        from . import insights, transport
        from .models import is_configured, page_owners

        registry.register_transport("facebook", transport.Transport)
        registry.register_connection(
            "facebook",
            is_configured,
            settings_url="facebook-settings",
            settings_menu="Facebook",
        )
        # Residents write to the gmina's Page on Facebook Messenger: the
        # messenger routes their messages and warns about the reply window
        # through this, and staff replies go out through ReplyTransport.
        networks.register(
            networks.Network(
                source=Conversation.Source.FACEBOOK,
                page_owners=page_owners,
                reply_window=transport.reply_window,
            )
        )
        registry.register_transport(MESSENGER_CHANNEL, transport.ReplyTransport)
        # What Facebook says about the Page and its posts, read periodically.
        insights_registry.register_collector(
            "facebook", insights.collect, gminas=insights.connected_gminas
        )
