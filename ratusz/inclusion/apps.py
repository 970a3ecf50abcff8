from django.apps import AppConfig


class InclusionConfig(AppConfig):
    name = "ratusz.inclusion"
    label = "inclusion"
    verbose_name = "e-Integracja"
    default_auto_field = "django.db.models.BigAutoField"
