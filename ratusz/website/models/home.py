from django.db import models
from django.utils import timezone
from wagtail import blocks
from wagtail.admin.panels import FieldPanel
from wagtail.fields import StreamField

from .articles import ArticlePage, NewsIndexPage
from .base import BasePage


class HomePage(BasePage):
    template = "pages/home_page.html"
    intro = models.TextField("wstęp", blank=True, max_length=600)
    matters = StreamField(
        [
            (
                "matter",
                blocks.StructBlock(
                    [
                        ("title", blocks.CharBlock(label="tytuł", max_length=80)),
                        (
                            "page",
                            blocks.PageChooserBlock(label="strona", required=False),
                        ),
                        ("url", blocks.URLBlock(label="lub adres", required=False)),
                    ],
                    label="sprawa",
                    icon="link",
                ),
            )
        ],
        verbose_name="najczęstsze sprawy",
        blank=True,
        help_text="Linki do spraw, o które mieszkańcy pytają najczęściej.",
    )

    content_panels = BasePage.content_panels + [
        FieldPanel("intro"),
        FieldPanel("matters"),
    ]

    parent_page_types = ["wagtailcore.Page"]
    subpage_types = [
        "website.NewsIndexPage",
        "website.StandardPage",
        "website.AccessibilityStatementPage",
        "website.ProcedureIndexPage",
    ]

    class Meta:
        verbose_name = "strona główna"

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        articles = (
            ArticlePage.objects.live()
            .public()
            .descendant_of(self)
            .order_by("-date", "-pk")
        )
        # Urgent first, then featured, then the rest: an article shows once.
        urgent = list(articles.urgent_at(timezone.now()).select_related("category")[:5])
        featured = list(
            articles.filter(featured=True)
            .exclude(pk__in=[a.pk for a in urgent])
            .for_listing()[:3]
        )
        shown = [a.pk for a in urgent + featured]
        context["urgent_articles"] = urgent
        context["featured_articles"] = featured
        context["latest_articles"] = articles.exclude(pk__in=shown).for_listing()[:6]
        context["news_index"] = NewsIndexPage.objects.live().child_of(self).first()
        return context
