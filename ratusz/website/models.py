import html
import os
import re
from datetime import date, timedelta

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Prefetch, Q
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.functional import cached_property
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from taggit.models import TaggedItemBase
from wagtail import blocks
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    InlinePanel,
    MultiFieldPanel,
)
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.documents import get_document_model_string
from wagtail.fields import RichTextField, StreamField
from wagtail.images.blocks import ImageBlock
from wagtail.images.models import AbstractImage, AbstractRendition
from wagtail.images.models import Image as _Image
from wagtail.models import Orderable, Page, PageManager
from wagtail.query import PageQuerySet
from wagtail.search import index
from wagtail.utils.file import hash_filelike

from ratusz.gminas.forms import GminaPageForm
from ratusz.lib import polish
from ratusz.lib.images import without_metadata

# The one rendition an article card shows (components/article_card.html).
CARD_RENDITION = "fill-480x270"

_BLOCK_END = re.compile(r"</(?:p|h\d|li|blockquote)>|<br\s*/?>|<hr\s*/?>", re.I)

RICH_TEXT_FEATURES = [
    "h2", "h3", "h4", "bold", "italic", "ol", "ul", "link", "document-link",
    "hr", "blockquote",
]  # fmt: skip


class CustomImage(AbstractImage):
    """The image model; its description is the alt text residents hear."""

    admin_form_fields = _Image.admin_form_fields

    class Meta(AbstractImage.Meta):
        verbose_name = "obraz"
        verbose_name_plural = "obrazy"

    def save(self, *args, **kwargs):
        # A new file (upload, replacement, import) loses its EXIF GPS, serial
        # numbers and owner before it is stored; renditions copy the
        # original's EXIF, so they then carry none either.
        if self.file and not self.file._committed:
            self._drop_file_metadata()
        super().save(*args, **kwargs)

    def _drop_file_metadata(self):
        name = os.path.basename(self.file.name)
        clean = without_metadata(self.file, name)
        if clean is None:
            return
        self.file = clean  # also updates width and height (orientation applied)
        self.file_size = clean.size
        self.file_hash = hash_filelike(clean)
        clean.seek(0)


class CustomRendition(AbstractRendition):
    image = models.ForeignKey(
        CustomImage, on_delete=models.CASCADE, related_name="renditions"
    )

    class Meta:
        unique_together = (("image", "filter_spec", "focal_point_key"),)


class CaptionedImageBlock(blocks.StructBlock):
    image = ImageBlock(label="obraz")
    caption = blocks.CharBlock(label="podpis", required=False, max_length=250)

    class Meta:
        icon = "image"
        label = "obraz"
        template = "components/blocks/captioned_image.html"


class QuoteBlock(blocks.StructBlock):
    text = blocks.TextBlock(label="cytat")
    source = blocks.CharBlock(label="źródło", required=False)

    class Meta:
        icon = "openquote"
        label = "cytat"
        template = "components/blocks/quote.html"


class BodyBlock(blocks.StreamBlock):
    paragraph = blocks.RichTextBlock(
        label="tekst",
        features=RICH_TEXT_FEATURES,
        template="components/blocks/text.html",
    )
    image = CaptionedImageBlock()
    quote = QuoteBlock()

    class Meta:
        label = "treść"


def stream_text(body) -> str:
    """Return the text of a BodyBlock stream, one line per block.

    Block boundaries become spaces, so "<li>a</li><li>b</li>" is two words.
    """
    from django.utils.html import strip_tags

    parts = []
    for block in body:
        if block.block_type == "paragraph":
            source = _BLOCK_END.sub(r"\g<0> ", block.value.source)
            parts.append(html.unescape(strip_tags(source)))
        elif block.block_type == "quote":
            parts.append(block.value["text"])
        elif block.block_type == "image":
            parts.append(block.value.get("caption") or "")
    return "\n".join(p for p in parts if p)


class BasePage(Page):
    """Fields every public page has: a listing summary and a sharing image."""

    summary = models.TextField(
        "streszczenie",
        blank=True,
        max_length=400,
        help_text="Krótki opis do list, wyników wyszukiwania i udostępnień.",
    )
    share_image = models.ForeignKey(
        CustomImage,
        verbose_name="obraz do udostępnień",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    promote_panels = Page.promote_panels + [
        FieldPanel("summary"),
        FieldPanel("share_image"),
    ]

    class Meta:
        abstract = True

    @cached_property
    def gmina(self):
        site = self.get_site()
        return getattr(site, "gmina", None) if site else None

    def get_summary(self) -> str:
        return self.summary or self.search_description or ""

    def get_share_image(self):
        return self.share_image


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
        urgent = list(articles.urgent(timezone.now()).select_related("category")[:5])
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
        from ratusz.gminas.models import Category

        if self.gmina is None:
            raise Http404
        return get_object_or_404(Category, gmina=self.gmina, slug=slug)

    def _listing(self, request, category=None):
        from . import news

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
        from .feeds import NewsRssFeed

        return NewsRssFeed()(request, index=self)

    @path("atom/", name="atom")
    def atom_route(self, request):
        from .feeds import NewsAtomFeed

        return NewsAtomFeed()(request, index=self)

    @path("kategoria/<slug:slug>/rss/")
    def category_rss_route(self, request, slug):
        from .feeds import NewsRssFeed

        return NewsRssFeed()(request, index=self, category=self._category(slug))

    @path("kategoria/<slug:slug>/atom/")
    def category_atom_route(self, request, slug):
        from .feeds import NewsAtomFeed

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


class ArticlePageQuerySet(PageQuerySet):
    def urgent(self, now):
        """Return urgent announcements still in force at `now`."""
        flagged = Q(is_urgent=True) | Q(category__is_urgent=True)
        in_force = Q(urgent_until__gte=now) | Q(
            urgent_until__isnull=True, date__gte=now - timedelta(days=7)
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


class ArticlePage(BasePage):
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
    # Lemmas of title, lead and body: the search index and related articles
    # read them, so morfeusz2 runs once per save, not per request.
    lemmas = models.TextField(editable=False, blank=True, default="")
    # Lemmas of the title alone: search ranks title matches first.
    title_lemmas = models.TextField(editable=False, blank=True, default="")
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

    search_fields = BasePage.search_fields + [
        index.SearchField("lead"),
        index.SearchField("body"),
        index.SearchField("search_lemmas"),
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
        gmina = None
        parent = self.get_parent() if self.pk else None
        if parent is not None:
            site = parent.get_site()
            gmina = getattr(site, "gmina", None)
        if gmina is not None and self.category_id:
            if self.category.gmina_id != gmina.pk:
                raise ValidationError(
                    {"category": "Ta kategoria należy do innej gminy."}
                )

    def plain_text(self) -> str:
        """Return the title, lead and body as plain text (for lemmas, feeds)."""
        return "\n".join(
            p for p in [self.title, self.lead, stream_text(self.body)] if p
        )

    def search_lemmas(self) -> str:
        return self.lemmas

    def save(self, *args, **kwargs):
        self.lemmas = polish.lemma_text(self.plain_text())
        self.title_lemmas = polish.lemma_text(self.title)
        if not self.author_name and self.owner_id:
            self.author_name = self.owner.get_full_name() or self.owner.get_username()
        return super().save(*args, **kwargs)

    def is_urgent_at(self, when) -> bool:
        if not self.is_urgent and not (self.category and self.category.is_urgent):
            return False
        until = self.urgent_until or self.date + timedelta(days=7)
        return when <= until

    def get_share_image(self):
        return self.share_image or self.main_image

    def get_context(self, request, *args, **kwargs):
        from .related import related_articles

        context = super().get_context(request, *args, **kwargs)
        context["related_articles"] = related_articles(self)
        return context


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


DEFAULT_A11Y_PROCEDURE = """\
<p>Każdy ma prawo wystąpić z żądaniem zapewnienia dostępności cyfrowej strony \
internetowej, aplikacji mobilnej lub jakiegoś ich elementu. Można także zażądać \
udostępnienia informacji za pomocą alternatywnego sposobu dostępu, na przykład \
przez odczytanie niedostępnego cyfrowo dokumentu lub opisanie zawartości filmu \
bez audiodeskrypcji.</p>
<p>Żądanie powinno zawierać dane osoby zgłaszającej żądanie, wskazanie, o którą \
stronę internetową lub aplikację mobilną chodzi, oraz sposób kontaktu. Jeżeli \
osoba żądająca potrzebuje informacji w alternatywnej formie, powinna także \
określić dogodny dla niej sposób przedstawienia tej informacji.</p>
<p>Żądanie realizujemy niezwłocznie, nie później niż w ciągu 7 dni od dnia jego \
wystąpienia. Jeżeli dotrzymanie tego terminu nie jest możliwe, niezwłocznie \
informujemy o tym wnoszącego żądanie i o tym, kiedy realizacja żądania będzie \
możliwa, przy czym termin ten nie może być dłuższy niż 2 miesiące od dnia \
wystąpienia z żądaniem. Jeżeli zapewnienie dostępności cyfrowej nie jest możliwe, \
możemy zaproponować alternatywny sposób dostępu do informacji.</p>
<p>Jeżeli odmówimy realizacji żądania zapewnienia dostępności lub alternatywnego \
sposobu dostępu do informacji, wnoszący żądanie może złożyć skargę w sprawie \
zapewniania dostępności cyfrowej strony internetowej, aplikacji mobilnej lub ich \
elementu.</p>
<p>Po wyczerpaniu tej procedury można także złożyć wniosek do Rzecznika Praw \
Obywatelskich (<a href="https://bip.brpo.gov.pl/">bip.brpo.gov.pl</a>).</p>"""

DEFAULT_A11Y_APPS = "<p>Urząd nie udostępnia aplikacji mobilnych.</p>"
DEFAULT_A11Y_SHORTCUTS = (
    "Na stronie można korzystać ze standardowych skrótów klawiaturowych "
    "przeglądarki internetowej."
)
# Public bodies review the statement every year (by 31 March): warn editors
# when the last review is older than that.
A11Y_REVIEW_DAYS = 365


class AccessibilityStatementPage(BasePage):
    """The deklaracja dostępności required of Polish public bodies.

    Follows the structure of the official template (version 2.0 of 31.07.2024):
    each required part is rendered in an element with the template's
    `a11y-*` id, which the ministry's monitoring reads.
    """

    class Status(models.TextChoices):
        COMPLIANT = "zgodna", "zgodna"
        PARTIAL = "czesciowo", "częściowo zgodna"
        NON_COMPLIANT = "niezgodna", "niezgodna"

    class Method(models.TextChoices):
        SELF = "samoocena", "samoocena przeprowadzona przez podmiot publiczny"
        EXTERNAL = "zewnetrzna", "badanie przeprowadzone przez podmiot zewnętrzny"

    template = "pages/accessibility_statement_page.html"

    entity_name = models.CharField(
        "nazwa podmiotu publicznego",
        max_length=200,
        blank=True,
        help_text="np. Urząd Gminy Zawada. Puste: nazwa gminy.",
    )
    site_url = models.URLField(
        "adres strony", blank=True, help_text="Puste: adres tego serwisu."
    )
    published_on = models.DateField(
        "data publikacji strony internetowej", default=date.today
    )
    updated_on = models.DateField(
        "data ostatniej istotnej aktualizacji strony",
        null=True,
        blank=True,
        help_text="Zmiana wyglądu, struktury informacji lub sposobu publikowania.",
    )
    status = models.CharField(
        "status zgodności z ustawą",
        max_length=12,
        choices=Status.choices,
        default=Status.PARTIAL,
    )
    non_accessible = RichTextField(
        "treści niedostępne i powody",
        blank=True,
        features=RICH_TEXT_FEATURES,
        help_text="Lista niezgodności: co jest niedostępne i dlaczego.",
    )
    exemptions = RichTextField(
        "wyłączenia",
        blank=True,
        features=RICH_TEXT_FEATURES,
        help_text="Treści wyłączone z obowiązku, np. mapy, pliki sprzed 23.09.2018.",
    )
    burden_analysis_url = models.URLField(
        "analiza nadmiernego obciążenia",
        blank=True,
        help_text="Link do wyniku analizy, jeśli powołujesz się na nadmierne "
        "obciążenie.",
    )
    prepared_on = models.DateField("data sporządzenia deklaracji", default=date.today)
    reviewed_on = models.DateField(
        "data ostatniego przeglądu deklaracji",
        null=True,
        blank=True,
        help_text="Deklarację przegląda się co najmniej raz w roku (do 31 marca).",
    )
    assessment_method = models.CharField(
        "sposób oceny dostępności",
        max_length=12,
        choices=Method.choices,
        default=Method.SELF,
    )
    assessor_name = models.CharField(
        "podmiot zewnętrzny, który ocenił stronę", max_length=200, blank=True
    )
    keyboard_shortcuts = models.TextField(
        "skróty klawiaturowe", blank=True, default=DEFAULT_A11Y_SHORTCUTS
    )
    contact_person = models.CharField(
        "osoba kontaktowa",
        max_length=120,
        blank=True,
        help_text="Osoba odpowiedzialna za rozpatrywanie uwag i wniosków.",
    )
    contact_email = models.EmailField(
        "e-mail osoby kontaktowej", blank=True, help_text="Puste: e-mail urzędu."
    )
    contact_phone = models.CharField(
        "telefon osoby kontaktowej",
        max_length=40,
        blank=True,
        help_text="Puste: telefon urzędu.",
    )
    procedure = RichTextField(
        "obsługa wniosków i skarg",
        features=RICH_TEXT_FEATURES,
        default=DEFAULT_A11Y_PROCEDURE,
    )
    architecture = RichTextField(
        "dostępność architektoniczna",
        blank=True,
        features=RICH_TEXT_FEATURES,
        help_text="Wejścia, windy, toalety, pętla indukcyjna, pies asystujący, "
        "tłumacz PJM.",
    )
    mobile_apps = RichTextField(
        "aplikacje mobilne",
        blank=True,
        features=RICH_TEXT_FEATURES,
        default=DEFAULT_A11Y_APPS,
    )
    body = RichTextField("treść dodatkowa", blank=True, features=RICH_TEXT_FEATURES)

    content_panels = BasePage.content_panels + [
        MultiFieldPanel(
            [
                FieldPanel("entity_name"),
                FieldPanel("site_url"),
                FieldRowPanel([FieldPanel("published_on"), FieldPanel("updated_on")]),
            ],
            heading="Podmiot i strona",
        ),
        MultiFieldPanel(
            [
                FieldPanel("status"),
                FieldPanel("non_accessible"),
                FieldPanel("exemptions"),
                FieldPanel("burden_analysis_url"),
            ],
            heading="Stan dostępności cyfrowej",
        ),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("prepared_on"), FieldPanel("reviewed_on")]),
                FieldRowPanel(
                    [FieldPanel("assessment_method"), FieldPanel("assessor_name")]
                ),
                FieldPanel("keyboard_shortcuts"),
            ],
            heading="Przygotowanie deklaracji",
        ),
        MultiFieldPanel(
            [
                FieldPanel("contact_person"),
                FieldRowPanel(
                    [FieldPanel("contact_email"), FieldPanel("contact_phone")]
                ),
                FieldPanel("procedure"),
            ],
            heading="Informacje zwrotne i dane kontaktowe",
        ),
        FieldPanel("architecture"),
        FieldPanel("mobile_apps"),
        FieldPanel("body"),
    ]
    parent_page_types = ["website.HomePage"]
    subpage_types: list[str] = []
    max_count_per_parent = 1

    class Meta:
        verbose_name = "deklaracja dostępności"

    def get_entity_name(self) -> str:
        if self.entity_name:
            return self.entity_name
        return self.gmina.name if self.gmina else self.get_site().site_name

    def get_site_url(self, request=None) -> str:
        if self.site_url:
            return self.site_url
        if request is not None:
            return request.build_absolute_uri("/")
        return self.get_site().root_url + "/"

    def get_contact_email(self) -> str:
        return self.contact_email or (self.gmina.email if self.gmina else "")

    def get_contact_phone(self) -> str:
        return self.contact_phone or (self.gmina.phone if self.gmina else "")

    def last_review(self):
        return max(d for d in (self.prepared_on, self.reviewed_on) if d)

    def needs_review(self, today=None) -> bool:
        """Tell whether the last review is more than a year old."""
        today = today or timezone.localdate()
        return (today - self.last_review()).days > A11Y_REVIEW_DAYS


# Jak załatwić sprawę ---------------------------------------------------------


def validate_https(value: str) -> None:
    if value and not value.lower().startswith("https://"):
        raise ValidationError(
            "Podaj bezpieczny adres zaczynający się od https://.", code="https"
        )


class ProcedureIndexPage(BasePage):
    """Sprawy urzędowe: every "how to" page of the gmina, by category.

    `?q=` filters the list by lemmas, as the site search does (never cached:
    the page cache skips query strings).
    """

    template = "pages/procedure_index_page.html"
    intro = models.TextField(
        "wstęp",
        blank=True,
        max_length=600,
        help_text="Jedno lub dwa zdania nad listą spraw.",
    )

    content_panels = BasePage.content_panels + [FieldPanel("intro")]
    parent_page_types = ["website.HomePage"]
    subpage_types = ["website.ProcedurePage"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = "sprawy urzędowe (lista)"
        verbose_name_plural = "sprawy urzędowe (listy)"

    def procedures(self):
        """Return the live, public procedure pages of this index."""
        return (
            ProcedurePage.objects.live()
            .public()
            .child_of(self)
            .select_related("category")
        )

    def get_context(self, request, *args, **kwargs):
        from . import procedures

        context = super().get_context(request, *args, **kwargs)
        context.update(procedures.index_listing(self, request.GET.get("q", "")))
        return context


class ProcedureForm(Orderable):
    """A form residents can download from a procedure page."""

    page = ParentalKey(
        "website.ProcedurePage", on_delete=models.CASCADE, related_name="forms"
    )
    document = models.ForeignKey(
        get_document_model_string(),
        verbose_name="dokument",
        on_delete=models.CASCADE,
        related_name="+",
    )
    label = models.CharField(
        "opis linku",
        max_length=200,
        blank=True,
        help_text="Puste: tytuł dokumentu.",
    )

    panels = [FieldPanel("document"), FieldPanel("label")]

    class Meta(Orderable.Meta):
        verbose_name = "formularz do pobrania"
        verbose_name_plural = "formularze do pobrania"

    def get_label(self) -> str:
        return self.label or self.document.title


class ProcedurePage(BasePage):
    """Jak załatwić sprawę: one official matter, step by step.

    Its lemmas (title, summary, documents, body) are stored on save, like an
    article's, so the site search and the messenger's suggestions
    (`procedures.suggest_procedures`) find it by any inflected form.
    """

    template = "pages/procedure_page.html"
    # Required and short here: suggestions and lists show it as it is.
    summary = models.CharField(
        "w jednym zdaniu",
        max_length=200,
        help_text="Czego dotyczy sprawa, do 200 znaków. Pokazujemy je na listach, "
        "w wynikach wyszukiwania i w podpowiedziach dla mieszkańców.",
    )
    category = models.ForeignKey(
        "gminas.Category",
        verbose_name="kategoria",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="procedures",
    )
    office = models.CharField(
        "kto załatwia",
        max_length=200,
        blank=True,
        help_text="Referat lub stanowisko, np. Referat Spraw Obywatelskich.",
    )
    contact_person = models.CharField("osoba", max_length=120, blank=True)
    room = models.CharField(
        "pokój", max_length=60, blank=True, help_text="np. pokój nr 5, parter"
    )
    phone = models.CharField("telefon", max_length=40, blank=True)
    email = models.EmailField("e-mail", blank=True)
    office_hours = models.TextField(
        "godziny przyjęć", blank=True, help_text="Puste: godziny pracy urzędu."
    )
    address = models.TextField("adres", blank=True, help_text="Puste: adres urzędu.")
    documents_needed = models.TextField(
        "co zabrać",
        blank=True,
        help_text="Dokumenty i rzeczy potrzebne do załatwienia sprawy, "
        "każdy w osobnym wierszu.",
    )
    fees = models.TextField(
        "opłaty",
        blank=True,
        help_text="np. 17 zł opłaty skarbowej albo: bezpłatnie.",
    )
    duration = models.CharField(
        "ile to trwa",
        max_length=200,
        blank=True,
        help_text="np. od ręki; do 30 dni.",
    )
    legal_deadline = models.CharField(
        "termin ustawowy",
        max_length=200,
        blank=True,
        help_text="np. do 31 stycznia; 30 dni od wprowadzenia się.",
    )
    online_service_url = models.URLField(
        "usługa przez internet",
        blank=True,
        validators=[validate_https],
        help_text="Adres usługi na gov.pl lub w ePUAP (tylko https://).",
    )
    online_service_label = models.CharField(
        "opis linku do usługi",
        max_length=120,
        blank=True,
        help_text="np. Złóż wniosek przez internet (gov.pl). "
        "Puste: Załatw sprawę przez internet.",
    )
    legal_basis = models.TextField(
        "podstawa prawna",
        blank=True,
        help_text="Ustawy i uchwały, po jednej w wierszu.",
    )
    body = StreamField(
        BodyBlock(),
        verbose_name="jak załatwić sprawę",
        blank=True,
        help_text="Kolejne kroki i to, co warto wiedzieć.",
    )
    reviewed_on = models.DateField(
        "data weryfikacji informacji",
        null=True,
        blank=True,
        help_text="Kiedy ostatnio sprawdzono, że opis jest aktualny.",
    )
    # As on ArticlePage: what site search and suggestions match, on save.
    lemmas = models.TextField(editable=False, blank=True, default="")
    title_lemmas = models.TextField(editable=False, blank=True, default="")

    content_panels = Page.content_panels + [
        FieldPanel("summary"),
        FieldPanel("category"),
        MultiFieldPanel(
            [
                FieldPanel("office"),
                FieldRowPanel([FieldPanel("contact_person"), FieldPanel("room")]),
                FieldRowPanel([FieldPanel("phone"), FieldPanel("email")]),
                FieldPanel("office_hours"),
                FieldPanel("address"),
            ],
            heading="Gdzie i u kogo",
        ),
        FieldPanel("documents_needed"),
        FieldRowPanel([FieldPanel("fees"), FieldPanel("duration")]),
        FieldPanel("legal_deadline"),
        MultiFieldPanel(
            [FieldPanel("online_service_url"), FieldPanel("online_service_label")],
            heading="Przez internet",
        ),
        InlinePanel("forms", label="formularze do pobrania", heading="Formularze"),
        FieldPanel("body"),
        FieldPanel("legal_basis"),
        FieldPanel("reviewed_on"),
    ]
    promote_panels = Page.promote_panels + [FieldPanel("share_image")]
    search_fields = BasePage.search_fields + [
        index.SearchField("summary"),
        index.SearchField("body"),
        index.SearchField("search_lemmas"),
    ]

    base_form_class = GminaPageForm
    parent_page_types = ["website.ProcedureIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = "sprawa urzędowa (jak załatwić)"
        verbose_name_plural = "sprawy urzędowe (jak załatwić)"

    def clean(self):
        super().clean()
        parent = self.get_parent() if self.pk else None
        site = parent.get_site() if parent is not None else None
        gmina = getattr(site, "gmina", None) if site else None
        if gmina is not None and self.category_id:
            if self.category.gmina_id != gmina.pk:
                raise ValidationError(
                    {"category": "Ta kategoria należy do innej gminy."}
                )

    def documents_list(self) -> list[str]:
        return [line.strip(" -•\t") for line in self.documents_needed.splitlines()
                if line.strip(" -•\t")]  # fmt: skip

    def legal_basis_list(self) -> list[str]:
        return [line.strip() for line in self.legal_basis.splitlines() if line.strip()]

    def plain_text(self) -> str:
        """Return what residents read on the page as plain text (for lemmas)."""
        parts = [self.title, self.summary, self.documents_needed, self.fees]
        parts += [form.get_label() for form in self.forms.all()]
        parts.append(stream_text(self.body))
        return "\n".join(p for p in parts if p)

    def search_lemmas(self) -> str:
        return self.lemmas

    def save(self, *args, **kwargs):
        self.lemmas = polish.lemma_text(self.plain_text())
        self.title_lemmas = polish.lemma_text(self.title)
        return super().save(*args, **kwargs)

    def get_office_hours(self) -> str:
        return self.office_hours or (self.gmina.office_hours if self.gmina else "")

    def get_address(self) -> str:
        return self.address or (self.gmina.address if self.gmina else "")

    def get_online_service_label(self) -> str:
        return self.online_service_label or "Załatw sprawę przez internet"


# The public page cache's rows live in their own module (see pagecache.py).
from .cache_models import PageCacheDependency, PageCacheEntry  # noqa: E402, F401
