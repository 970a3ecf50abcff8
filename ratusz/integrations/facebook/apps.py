from django.apps import AppConfig


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
        from ratusz.outbox import transports as outbox_transports

        from .models import page_owners
        from .transport import reply_window

        # Residents write to the gmina's Page on Facebook Messenger: the
        # messenger routes their messages and warns about the reply window
        # through this, and staff replies go out through ReplyTransport.
        networks.register(
            networks.Network(
                source=Conversation.Source.FACEBOOK,
                page_owners=page_owners,
                reply_window=reply_window,
            )
        )
        outbox_transports.TRANSPORTS.setdefault(
            MESSENGER_CHANNEL, "ratusz.integrations.facebook.transport.ReplyTransport"
        )
