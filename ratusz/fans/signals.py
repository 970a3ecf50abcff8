"""Publishing an article plans its deliveries, once."""

from wagtail.signals import page_published

from ratusz.website.importers.common import is_importing
from ratusz.website.models import ArticlePage

from . import services


def on_article_published(sender, instance, **kwargs):
    # Imported archive posts are old news; a re-publish after an edit (the
    # first publication time stays) must never re-post.
    if is_importing() or instance.first_published_at != instance.last_published_at:
        return
    services.plan_article_deliveries(instance)


page_published.connect(
    on_article_published, sender=ArticlePage, dispatch_uid="fans-plan"
)
