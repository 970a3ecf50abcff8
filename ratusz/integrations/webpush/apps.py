from django.apps import AppConfig

from ratusz.outbox import registry


class WebPushConfig(AppConfig):
    name = "ratusz.integrations.webpush"
    label = "webpush"
    verbose_name = "Powiadomienia w przeglądarce (Web Push)"

    def ready(self):
        # Imported here: a transport reaches models, which load after apps.
        from .transport import Transport

        registry.register_transport("push", Transport)
