from wagtail.admin.panels import FieldPanel
from wagtail.fields import StreamField
from wagtail.search import index

from .base import BasePage
from .blocks import BodyBlock, stream_text
from .lemmas import LemmatizedPage


class StandardPage(LemmatizedPage):
    template = "pages/standard_page.html"
    body = StreamField(BodyBlock(), verbose_name="treść", blank=True)

    content_panels = BasePage.content_panels + [FieldPanel("body")]
    search_fields = LemmatizedPage.search_fields + [index.SearchField("body")]
    parent_page_types = ["website.HomePage", "website.StandardPage"]
    subpage_types = ["website.StandardPage"]

    class Meta:
        verbose_name = "strona"
        verbose_name_plural = "strony"

    def plain_text(self) -> str:
        parts = [self.title, self.summary, stream_text(self.body)]
        return "\n".join(p for p in parts if p)
