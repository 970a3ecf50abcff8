"""Rows of the public page cache: which cached response depends on what.

The cached bodies live in files (see `pagecache.py`); these rows let any
process (web workers, the Huey worker) find the entries an edit affects.
"""

from django.db import models


class PageCacheEntry(models.Model):
    """One cached response, keyed like the front cache keys it."""

    key = models.CharField(max_length=1000, unique=True)
    site = models.ForeignKey(
        "wagtailcore.Site", on_delete=models.CASCADE, related_name="+"
    )
    # The Wagtail page that served the response (None for non-page views such
    # as a sitemap); a plain integer, so deleting the page keeps the row until
    # the invalidation that deletes the file has read it.
    page_id = models.IntegerField(null=True, db_index=True)
    # Lists the site's pages as a whole (sitemap, feeds): any publication in
    # the site changes it, whether or not it named the page before.
    is_listing = models.BooleanField(default=False)
    filled_at = models.DateTimeField()

    class Meta:
        verbose_name = "wpis pamięci podręcznej stron"
        verbose_name_plural = "wpisy pamięci podręcznej stron"

    def __str__(self):
        return self.key


class PageCacheDependency(models.Model):
    """An object a cached response showed: `page:<id>` or `image:<id>`."""

    entry = models.ForeignKey(
        PageCacheEntry, on_delete=models.CASCADE, related_name="dependencies"
    )
    tag = models.CharField(max_length=60, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["entry", "tag"], name="website_pagecachedependency_unique"
            )
        ]

    def __str__(self):
        return self.tag
