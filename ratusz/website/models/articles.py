"""Aktualności: the news index and its articles."""

from datetime import timedelta

from django import forms
from django.db import models
from django.db.models import Prefetch, Q
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from taggit.models import TaggedItemBase
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import StreamField
from wagtail.models import PageManager
from wagtail.query import PageQuerySet
from wagtail.search import index

from ratusz.gminas.forms import GminaPageForm
from ratusz.gminas.models import Category

from .. import news
from ..feeds import NewsAtomFeed, NewsRssFeed
from ..related import related_articles
from .base import BasePage
from .blocks import BodyBlock, stream_text
from .images import CARD_RENDITION, CustomImage, CustomRendition
from .lemmas import LemmatizedPage


class NewsIndexPage(RoutablePageMixin, BasePage):
    """Aktualności: the filtered, paginated list, its archive and its feeds.

    Routes (below the page's own URL): `kategoria/<slug>/` (the list of one
    category), `rss/`, `atom/`, `kategoria/<slug>/rss/`, `kategoria/<slug>/atom/`.
    """

    template = "pages/news_index_page.html"
    intro = models.TextField("wstęp", blank=True, max_length=600)

    content_panels = BasePage.content_panels + [FieldPanel("intro")]
    parent_page_types = ["website.HomePage"]
    subpage_types = ["website.ArticlePage"]

    class Meta:
        verbose_name = "aktualności"

    def articles(self):
        """Return the live, public articles of this index, newest first."""
        return (
            ArticlePage.objects.live()
            .public()
            .descendant_of(self)
            .order_by("-date", "-pk")
        )

    def _category(self, slug):
        if self.gmina is None:
            raise Http404
        return get_object_or_404(Category, gmina=self.gmina, slug=slug)

    def _listing(self, request, category=None):
        articles = self.articles()
        data = request.GET.copy()
        if category is not None:
            data["kategoria"] = category.slug
        archive = news.archive_months(articles)
        form = news.NewsFilterForm(
            data, gmina=self.gmina, articles=articles, archive=archive
        )
        if form.is_valid():
            page_obj = news.get_page(request, form.filter(articles).for_listing())
            query_string = form.query_string()
        else:
            page_obj, query_string = None, ""
        return self.render(
            request,
            context_overrides={
                "form": form,
                "page_obj": page_obj,
                "articles": page_obj.object_list if page_obj else [],
                "query_string": query_string,
                "archive": archive,
                "category": category,
            },
        )

    @path("")
    def index_route(self, request):
        return self._listing(request)

    @path("kategoria/<slug:slug>/")
    def category_route(self, request, slug):
        return self._listing(request, category=self._category(slug))

    @path("rss/", name="rss")
    def rss_route(self, request):
        return NewsRssFeed()(request, index=self)

    @path("atom/", name="atom")
    def atom_route(self, request):
        return NewsAtomFeed()(request, index=self)

    @path("kategoria/<slug:slug>/rss/")
    def category_rss_route(self, request, slug):
        return NewsRssFeed()(request, index=self, category=self._category(slug))

    @path("kategoria/<slug:slug>/atom/")
    def category_atom_route(self, request, slug):
        return NewsAtomFeed()(request, index=self, category=self._category(slug))

    def category_url(self, category, request=None) -> str:
        return self.get_url(request) + self.reverse_subpage(
            "category_route", args=[category.slug]
        )

    def get_sitemap_urls(self, request=None):
        """List the category lists too: they are real pages with their own feed."""
        urls = super().get_sitemap_urls(request)
        if self.gmina is None:
            return urls
        base = self.get_full_url(request)
        used = self.articles().exclude(category=None).values("category_id")
        for category in self.gmina.categories.filter(pk__in=used):
            urls.append(
                {
                    "location": base
                    + self.reverse_subpage("category_route", args=[category.slug])
                }
            )
        return urls


class ArticleTag(TaggedItemBase):
    content_object = ParentalKey(
        "website.ArticlePage", on_delete=models.CASCADE, related_name="tagged_items"
    )


# How long an urgent notice without `urgent_until` stays on the home page.
URGENT_DAYS = timedelta(days=7)


class ArticlePageQuerySet(PageQuerySet):
    def urgent_at(self, now):
        """Return urgent notices still in force at `now` (ArticlePage.is_urgent_at)."""
        flagged = Q(is_urgent=True) | Q(category__is_urgent=True)
        in_force = Q(urgent_until__gte=now) | Q(
            urgent_until__isnull=True, date__gte=now - URGENT_DAYS
        )
        return self.filter(flagged & in_force)

    def for_listing(self):
        """Load what a list of article cards shows, in a fixed number of queries."""
        return self.select_related("category", "main_image").prefetch_related(
            "villages",
            Prefetch(
                "main_image__renditions",
                queryset=CustomRendition.objects.filter(filter_spec=CARD_RENDITION),
            ),
        )


class ArticlePage(LemmatizedPage):
    template = "pages/article_page.html"
    lead = models.TextField(
        "lead",
        max_length=600,
        blank=True,
        help_text="Jedno lub dwa zdania: o czym jest artykuł.",
    )
    date = models.DateTimeField("data publikacji", default=timezone.now, db_index=True)
    author_name = models.CharField("autor", max_length=120, blank=True)
    main_image = models.ForeignKey(
        CustomImage,
        verbose_name="zdjęcie główne",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    body = StreamField(BodyBlock(), verbose_name="treść", blank=True)
    category = models.ForeignKey(
        "gminas.Category",
        verbose_name="kategoria",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="articles",
    )
    villages = ParentalManyToManyField(
        "gminas.Village", verbose_name="sołectwa", blank=True, related_name="articles"
    )
    tags = ClusterTaggableManager(through=ArticleTag, blank=True, verbose_name="tagi")
    featured = models.BooleanField("wyróżniony", default=False)
    is_urgent = models.BooleanField(
        "pilny komunikat",
        default=False,
        help_text="Pokazywany na górze strony głównej.",
    )
    urgent_until = models.DateTimeField(
        "pilny do", null=True, blank=True, help_text="Puste: pilny przez 7 dni."
    )
    # Where an imported article came from (e.g. "wp:123", "rss:<guid>"): a
    # second import of the same source updates instead of duplicating.
    import_key = models.CharField(
        max_length=500, editable=False, blank=True, default="", db_index=True
    )

    # What followers get when the article goes live (ratusz.fans plans it).
    notify_followers = models.BooleanField(
        "powiadom obserwujących",
        default=True,
        help_text="Przy publikacji: e-mail, powiadomienia w przeglądarce, SMS "
        "(pilne lub z treścią SMS), Facebook i Mastodon – tylko raz.",
    )
    sms_text = models.CharField(
        "treść SMS",
        max_length=459,
        blank=True,
        help_text="Gdy wypełniona, SMS dostaną też obserwujący artykuły niepilne. "
        "Pusta przy artykule pilnym: wysyłamy tytuł i link.",
    )
    facebook_text = models.TextField(
        "treść wpisu na Facebooku",
        max_length=5000,
        blank=True,
        help_text="Pusta: lead artykułu. Link do artykułu dodajemy sami.",
    )
    mastodon_text = models.TextField(
        "treść wpisu w Mastodonie",
        max_length=450,
        blank=True,
        help_text="Pusta: tytuł i lead. Link dodajemy sami (limit wpisu: 500 znaków).",
    )

    content_panels = BasePage.content_panels + [
        FieldPanel("lead"),
        FieldRowPanel([FieldPanel("date"), FieldPanel("author_name")]),
        FieldPanel("main_image"),
        FieldPanel("body"),
        MultiFieldPanel(
            [
                FieldPanel("category"),
                FieldPanel("villages", widget=forms.CheckboxSelectMultiple),
                FieldPanel("tags"),
                FieldRowPanel([FieldPanel("featured"), FieldPanel("is_urgent")]),
                FieldPanel("urgent_until"),
            ],
            heading="Kategorie i sołectwa",
        ),
        MultiFieldPanel(
            [
                FieldPanel("notify_followers"),
                FieldPanel("sms_text"),
                FieldPanel("facebook_text"),
                FieldPanel("mastodon_text"),
            ],
            heading="Powiadomienia obserwujących",
            classname="collapsed",
        ),
    ]

    search_fields = LemmatizedPage.search_fields + [
        index.SearchField("lead"),
        index.SearchField("body"),
        index.FilterField("date"),
    ]

    objects = PageManager.from_queryset(ArticlePageQuerySet)()
    # Category and village choices come from the article's own gmina.
    base_form_class = GminaPageForm

    parent_page_types = ["website.NewsIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = "artykuł"
        verbose_name_plural = "artykuły"

    def clean(self):
        super().clean()
        self.refuse_another_gminas_category()

    def plain_text(self) -> str:
        """Return the title, lead and body as plain text (for lemmas, feeds)."""
        return "\n".join(
            p for p in [self.title, self.lead, stream_text(self.body)] if p
        )

    def save(self, *args, **kwargs):
        if not self.author_name and self.owner_id:
            self.author_name = self.owner.get_full_name() or self.owner.get_username()
        return super().save(*args, **kwargs)

    def is_marked_urgent(self) -> bool:
        """Tell whether the article or its category is marked urgent.

        Whatever the date: followers get urgent news at once, by SMS too,
        never in a digest.
        """
        return bool(self.is_urgent or (self.category and self.category.is_urgent))

    def is_urgent_at(self, when) -> bool:
        """Tell whether the home page shows the article as urgent at `when`."""
        if not self.is_marked_urgent():
            return False
        return when <= (self.urgent_until or self.date + URGENT_DAYS)

    def get_share_image(self):
        return self.share_image or self.main_image

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["related_articles"] = related_articles(self)
        return context
