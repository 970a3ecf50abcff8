from django.apps import AppConfig


class WebPushConfig(AppConfig):
    name = "ratusz.integrations.webpush"
    label = "webpush"
    verbose_name = "Powiadomienia w przeglądarce (Web Push)"
