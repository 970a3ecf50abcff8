"""e-Inclusion: the register of the computers a gmina handed to families under
a digital-exclusion programme, and of its free wireless network."""

from django.apps import AppConfig


class InclusionConfig(AppConfig):
    name = "ratusz.inclusion"
    label = "inclusion"
    verbose_name = "e-Integracja"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Models load after apps: the demo step imports them.
        from ratusz.lib.demo import register_step

        from . import demo

        register_step(demo.load)
