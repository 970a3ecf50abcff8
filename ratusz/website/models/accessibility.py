"""Deklaracja dostępności: the accessibility statement the law requires."""

from datetime import date

from django.db import models
from django.utils import timezone
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.fields import RichTextField

from .base import BasePage
from .blocks import RICH_TEXT_FEATURES

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
