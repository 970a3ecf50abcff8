from django.apps import AppConfig


class MastodonConfig(AppConfig):
    name = "ratusz.integrations.mastodon"
    label = "mastodon"
    verbose_name = "Mastodon"
    default_auto_field = "django.db.models.BigAutoField"
