from django.apps import AppConfig
from django.core.management import call_command
from django.db.models.signals import post_migrate


def _create_cache_table(sender, using, **kwargs):
    # The embedded cache (settings.CACHES, ratusz/lib/dbcache.py) lives in the
    # database; createcachetable does nothing when the table exists.
    call_command("createcachetable", database=using, verbosity=0)


class WebsiteConfig(AppConfig):
    name = "ratusz.website"
    verbose_name = "Strona internetowa"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Imported here: these modules import models, which are not loaded
        # yet when apps.py is.
        from ratusz.gminas import services as gmina_services
        from ratusz.lib import spreadsheets

        from . import home, procedures, signals  # noqa: F401

        post_migrate.connect(_create_cache_table, sender=self)
        # A new gmina's site starts with our home page and news index.
        gmina_services.register_home_page_builder(home.create_home)
        # Every CSV/XLSX export the admin serves escapes formulas.
        spreadsheets.protect_wagtail_exports()
