from django.core.exceptions import ValidationError
from django.db import models
from django.utils.functional import cached_property
from wagtail.admin.panels import FieldPanel
from wagtail.models import Page

from ratusz.gminas.models import Gmina

from .images import CustomImage


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
        """The gmina whose site holds this page (None outside every gmina's)."""
        return Gmina.objects.for_page(self)

    def refuse_another_gminas_category(self) -> None:
        """For pages with a `category`: the choices come from the page's own
        gmina (GminaPageForm), and a forged POST naming another's is refused."""
        parent = self.get_parent() if self.pk else None
        gmina = Gmina.objects.for_page(parent) if parent is not None else None
        if gmina is not None and self.category_id:
            if self.category.gmina_id != gmina.pk:
                raise ValidationError(
                    {"category": "Ta kategoria należy do innej gminy."}
                )

    def get_summary(self) -> str:
        return self.summary or self.search_description or ""

    def get_share_image(self):
        return self.share_image
