"""Jak załatwić sprawę: the list of official matters and one page per matter."""

from django.core.exceptions import ValidationError
from django.db import models
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    InlinePanel,
    MultiFieldPanel,
)
from wagtail.documents import get_document_model_string
from wagtail.fields import StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from ratusz.gminas.forms import GminaPageForm

from .base import BasePage
from .blocks import BodyBlock, stream_text
from .lemmas import LemmatizedPage


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
        # website.procedures reads these models: imported here, not in a circle.
        from .. import procedures

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


class ProcedurePage(LemmatizedPage):
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
    search_fields = LemmatizedPage.search_fields + [
        index.SearchField("summary"),
        index.SearchField("body"),
    ]

    base_form_class = GminaPageForm
    parent_page_types = ["website.ProcedureIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = "sprawa urzędowa (jak załatwić)"
        verbose_name_plural = "sprawy urzędowe (jak załatwić)"

    def clean(self):
        super().clean()
        self.refuse_another_gminas_category()

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

    def get_office_hours(self) -> str:
        return self.office_hours or (self.gmina.office_hours if self.gmina else "")

    def get_address(self) -> str:
        return self.address or (self.gmina.address if self.gmina else "")

    def get_online_service_label(self) -> str:
        return self.online_service_label or "Załatw sprawę przez internet"
