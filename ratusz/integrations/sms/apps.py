from django.apps import AppConfig

from ratusz.fans import registry as fans_registry
from ratusz.outbox import registry

from . import gsm


class SmsConfig(AppConfig):
    name = "ratusz.integrations.sms"
    label = "sms"
    verbose_name = "SMS (SMSAPI)"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Imported here: these modules reach models, which load after apps.
        from ratusz.fans import providers
        from ratusz.outbox.models import Channel

        from .services import SmsProvider, is_available
        from .transport import Transport

        # Following by SMS (ratusz.fans.following) sends its codes through SMSAPI.
        providers.register(Channel.SMS, SmsProvider())

        registry.register_transport("sms", Transport)
        registry.register_connection(
            "sms",
            is_available,
            settings_url="sms-settings",
            settings_menu="SMS (SMSAPI)",
        )
        # The editor's preview counts SMS parts by the transport's rule.
        fans_registry.register_text_counter("sms", gsm.count)
