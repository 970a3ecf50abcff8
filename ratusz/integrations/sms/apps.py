from django.apps import AppConfig


class SmsConfig(AppConfig):
    name = "ratusz.integrations.sms"
    label = "sms"
    verbose_name = "SMS (SMSAPI)"
    default_auto_field = "django.db.models.BigAutoField"
