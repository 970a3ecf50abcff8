from django.apps import AppConfig


class FacebookConfig(AppConfig):
    name = "ratusz.integrations.facebook"
    label = "facebook"
    verbose_name = "Facebook"
    default_auto_field = "django.db.models.BigAutoField"
