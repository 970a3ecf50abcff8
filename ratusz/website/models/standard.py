from django.db import models
from wagtail.admin.panels import FieldPanel
from wagtail.fields import StreamField
from wagtail.search import index

from ratusz.lib import polish

from .base import BasePage
from .blocks import BodyBlock, stream_text


class StandardPage(BasePage):
    template = "pages/standard_page.html"
    body = StreamField(BodyBlock(), verbose_name="treść", blank=True)
    # As on ArticlePage: what site search matches, computed on save.
    lemmas = models.TextField(editable=False, blank=True, default="")
    title_lemmas = models.TextField(editable=False, blank=True, default="")

    content_panels = BasePage.content_panels + [FieldPanel("body")]
    search_fields = BasePage.search_fields + [
        index.SearchField("body"),
        index.SearchField("search_lemmas"),
    ]
    parent_page_types = ["website.HomePage", "website.StandardPage"]
    subpage_types = ["website.StandardPage"]

    class Meta:
        verbose_name = "strona"
        verbose_name_plural = "strony"

    def plain_text(self) -> str:
        parts = [self.title, self.summary, stream_text(self.body)]
        return "\n".join(p for p in parts if p)

    def search_lemmas(self) -> str:
        return self.lemmas

    def save(self, *args, **kwargs):
        self.lemmas = polish.lemma_text(self.plain_text())
        self.title_lemmas = polish.lemma_text(self.title)
        return super().save(*args, **kwargs)
