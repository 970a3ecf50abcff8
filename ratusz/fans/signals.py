"""Publishing an article plans its deliveries, once."""

from wagtail.signals import page_published

from ratusz.website.importers.common import is_importing
from ratusz.website.models import ArticlePage

from .planning import plan_article_deliveries


def on_article_published(sender, instance, **kwargs):
    # Imported archive posts are old news; a re-publish after an edit (the
    # first publication time stays) must never re-post. Wagtail sends this
    # signal also when a page is only scheduled: it is planned when it goes
    # live, not before (rows planned early were cancelled, and blocked the
    # real send).
    if is_importing() or not instance.live:
        return
    if instance.first_published_at != instance.last_published_at:
        return
    plan_article_deliveries(instance)


page_published.connect(
    on_article_published, sender=ArticlePage, dispatch_uid="fans-plan"
)
