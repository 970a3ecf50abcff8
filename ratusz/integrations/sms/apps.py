from django.apps import AppConfig


class SmsConfig(AppConfig):
    name = "ratusz.integrations.sms"
    label = "sms"
    verbose_name = "SMS (SMSAPI)"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from ratusz.fans import providers
        from ratusz.outbox.models import Channel

        from .services import SmsProvider

        # Following by SMS (ratusz.fans.following) sends its codes through SMSAPI.
        providers.register(Channel.SMS, SmsProvider())
