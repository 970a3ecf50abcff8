from django.apps import AppConfig

from ratusz.outbox import registry


class EmailConfig(AppConfig):
    name = "ratusz.integrations.email"
    label = "email"
    verbose_name = "E-mail (SMTP)"

    def ready(self):
        # Imported here: a transport reaches models, which load after apps.
        from .transport import Transport

        registry.register_transport("email", Transport)
