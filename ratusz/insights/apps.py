from django.apps import AppConfig

from ratusz.fans.registry import register_article_link
from ratusz.lib import lifespan
from ratusz.website import pagecache


class InsightsConfig(AppConfig):
    name = "ratusz.insights"
    label = "insights"
    verbose_name = "Statystyki"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Models load after apps: the counting modules import them.
        from . import counting, tasks  # noqa: F401
        from .buffer import buffer

        register_article_link("Zasięg wpisu", "insights-article-reach")
        if counting.count_cached_view not in pagecache.hit_hooks:
            pagecache.on_hit(counting.count_cached_view)
        # granian's workers exit without `atexit`: write the views at the stop.
        lifespan.on_shutdown(buffer.close)
