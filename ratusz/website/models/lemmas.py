from django.db import models
from wagtail.search import index

from ratusz.lib import polish

from .base import BasePage


class LemmatizedPage(BasePage):
    """A page whose Polish text site search (and suggestions) match by lemmas.

    morfeusz2 runs once per save, not per request. A subclass says what its
    residents read in `plain_text()`.
    """

    # Lemmas of the page's text (plain_text): the search index, related
    # articles and procedure suggestions read them.
    lemmas = models.TextField(editable=False, blank=True, default="")
    # Lemmas of the title alone: search ranks title matches first.
    title_lemmas = models.TextField(editable=False, blank=True, default="")
    # The same without Polish letters, with what words typed without them
    # stand for (`polish.folded_text`): "wojt", "smieci" match them.
    folded_lemmas = models.TextField(editable=False, blank=True, default="")
    folded_title_lemmas = models.TextField(editable=False, blank=True, default="")

    search_fields = BasePage.search_fields + [index.SearchField("search_lemmas")]

    class Meta:
        abstract = True

    def plain_text(self) -> str:
        raise NotImplementedError

    def search_lemmas(self) -> str:
        return self.lemmas

    def save(self, *args, **kwargs):
        self.lemmas = polish.lemma_text(self.plain_text())
        self.title_lemmas = polish.lemma_text(self.title)
        self.folded_lemmas = polish.folded_text(self.lemmas)
        self.folded_title_lemmas = polish.folded_text(self.title_lemmas)
        return super().save(*args, **kwargs)
