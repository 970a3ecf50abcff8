"""Public page cache: mark pages cacheable, record what they show, invalidate.

Which entries an edit affects (see docs/architecture.md, "Public page cache"):

- publish (new or edited page P): entries served by P and by its ancestors
  (home, news index and its routes: feeds, filters), entries that showed P
  (related articles, lists: recorded at fill time), the site's listings. They
  go stale: answered while one request rebuilds them.
- unpublish or delete P: entries served by P or a page below it, and entries
  that showed P, are deleted at once; ancestors and listings go stale.
- move P: like unpublish at the old place (when the URL changed) plus
  publish at the new one.
- a page at the top of a site (the home page or a child of it: the menu and
  footer) changes every page of that site: all its entries go stale; so do
  saves of the gmina (header, footer, colours), its categories and villages.
- an image change stales the entries that showed it; a view restriction
  deletes the entries of the restricted subtree.
"""

from django.conf import settings
from django.db.models.signals import post_delete, post_init, post_save, pre_delete
from wagtail import hooks
from wagtail.models import Page, PageViewRestriction, Site, get_page_models
from wagtail.signals import page_published, page_unpublished, post_page_move

from ratusz.gminas.models import Category, Gmina, Village

from . import pagecache
from .cache_models import PageCacheEntry
from .models import CustomImage
from .pagecache import Selection


@hooks.register("on_serve_page")
def mark_served_page_cacheable(next_serve_page):
    # Runs for every served page, restricted ones too: mark_cacheable itself
    # refuses pages under a view restriction, whatever the hook order.
    def serve(page, request, args, kwargs):
        pagecache.mark_cacheable(request, page)
        return next_serve_page(page, request, args, kwargs)

    return serve


# --- Dependencies recorded while a cacheable response renders -------------


def _record_page(sender, instance, **kwargs):
    if instance.pk is not None:
        pagecache.add_dependency(f"page:{instance.pk}")


def _record_image(sender, instance, **kwargs):
    if instance.pk is not None:
        pagecache.add_dependency(f"image:{instance.pk}")


for _model in {Page, *get_page_models()}:
    post_init.connect(_record_page, sender=_model, dispatch_uid=f"pc-{_model}")
post_init.connect(_record_image, sender=CustomImage, dispatch_uid="pc-image")


# --- Invalidation -----------------------------------------------------------


def _enabled():
    return settings.PAGE_CACHE_ENABLED


def _site_of(page) -> Site | None:
    return page.get_site()


def _is_chrome(page, site: Site | None) -> bool:
    """Whether `page` is the site's home page or a child of it (menu, footer)."""
    if site is None:
        return False
    if page.pk == site.root_page_id:
        return True
    parent = page.get_parent()
    return parent is not None and parent.pk == site.root_page_id


def _ancestors(page) -> set[int]:
    return set(page.get_ancestors().values_list("pk", flat=True))


def _subtree(page) -> set[int]:
    return set(page.get_descendants(inclusive=True).values_list("pk", flat=True))


def _around(page, site: Site | None, selection: Selection) -> None:
    """Add what a change at `page`'s place affects: ancestors, listings, chrome."""
    selection.pages |= _ancestors(page)
    if site is not None:
        selection.listings.add(site.pk)
        if _is_chrome(page, site):
            selection.sites.add(site.pk)


def on_page_published(sender, instance, **kwargs):
    if not _enabled():
        return
    stale = Selection(pages={instance.pk}, tags={f"page:{instance.pk}"})
    _around(instance, _site_of(instance), stale)
    pagecache.invalidate_on_commit(stale=stale)


def on_page_unpublished(sender, instance, **kwargs):
    if not _enabled():
        return
    delete = Selection(pages=_subtree(instance), tags={f"page:{instance.pk}"})
    stale = Selection()
    _around(instance, _site_of(instance), stale)
    pagecache.invalidate_on_commit(stale=stale, delete=delete)


def on_page_moved(sender, instance, **kwargs):
    if not _enabled():
        return
    before = kwargs["parent_page_before"]
    after = kwargs["parent_page_after"]
    subtree = _subtree(instance)
    stale = Selection(tags={f"page:{pk}" for pk in subtree})
    delete = Selection()
    if kwargs["url_path_before"] != kwargs["url_path_after"]:
        delete.pages |= subtree
    else:
        stale.pages |= subtree
    for parent in (before, after):
        stale.pages |= _ancestors(parent) | {parent.pk}
        site = _site_of(parent)
        if site is not None:
            stale.listings.add(site.pk)
            if parent.pk == site.root_page_id:
                stale.sites.add(site.pk)
    pagecache.invalidate_on_commit(stale=stale, delete=delete)


def on_page_deleted(sender, instance, **kwargs):
    # Sent for every page of a deleted subtree, before any row is gone.
    if not _enabled():
        return
    delete = Selection(pages={instance.pk}, tags={f"page:{instance.pk}"})
    stale = Selection()
    _around(instance, _site_of(instance), stale)
    pagecache.invalidate_on_commit(stale=stale, delete=delete)


def on_gmina_changed(sender, instance, **kwargs):
    if _enabled():
        site_id = instance.site_id if isinstance(instance, Gmina) else None
        if site_id is None:
            site_id = (
                Gmina.objects.filter(pk=instance.gmina_id)
                .values_list("site_id", flat=True)
                .first()
            )
        if site_id is not None:
            pagecache.invalidate_on_commit(stale=Selection(sites={site_id}))


def on_site_saved(sender, instance, **kwargs):
    # A new hostname or home page: keys under the old host must go too.
    if _enabled():
        pagecache.invalidate_on_commit(delete=Selection(sites={instance.pk}))


def on_site_deleted(sender, instance, **kwargs):
    # The rows go with the site (cascade) before the commit: read them now,
    # or a site later made on the same host would get this one's pages.
    if _enabled():
        keys = PageCacheEntry.objects.filter(site=instance).values_list(
            "key", flat=True
        )
        pagecache.invalidate_on_commit(delete=Selection(known=set(keys)))


def on_image_changed(sender, instance, **kwargs):
    if _enabled():
        pagecache.invalidate_on_commit(stale=Selection(tags={f"image:{instance.pk}"}))


def on_restriction_changed(sender, instance, **kwargs):
    if _enabled():
        page = Page.objects.filter(pk=instance.page_id).first()
        if page is not None:
            delete = Selection(pages=_subtree(page))
            pagecache.invalidate_on_commit(delete=delete)


page_published.connect(on_page_published, dispatch_uid="pc-published")
page_unpublished.connect(on_page_unpublished, dispatch_uid="pc-unpublished")
post_page_move.connect(on_page_moved, dispatch_uid="pc-moved")
pre_delete.connect(on_page_deleted, sender=Page, dispatch_uid="pc-deleted")
for _model in (Gmina, Category, Village):
    post_save.connect(on_gmina_changed, sender=_model, dispatch_uid=f"pc-s-{_model}")
    post_delete.connect(on_gmina_changed, sender=_model, dispatch_uid=f"pc-d-{_model}")
post_save.connect(on_site_saved, sender=Site, dispatch_uid="pc-site-saved")
pre_delete.connect(on_site_deleted, sender=Site, dispatch_uid="pc-site-deleted")
post_save.connect(on_image_changed, sender=CustomImage, dispatch_uid="pc-image-s")
post_delete.connect(on_image_changed, sender=CustomImage, dispatch_uid="pc-image-d")
post_save.connect(
    on_restriction_changed, sender=PageViewRestriction, dispatch_uid="pc-restr"
)
