"""A gmina's Facebook Page: where the outbox posts its articles."""

from django.core.validators import RegexValidator
from django.db import models

from ratusz.gminas.models import Gmina
from ratusz.integrations.pages import PageAccount, when

PAGE_TAKEN = (
    "Ta strona na Facebooku jest już połączona z inną gminą. Jedna strona może "
    "należeć tylko do jednej gminy: sprawdź identyfikator strony."
)


class FacebookPage(PageAccount):
    """One gmina's Page id and Page access token (never shown again once saved).

    A Page id belongs to one gmina only (Messenger webhooks are routed by it)
    and is saved only after Facebook confirmed, with the Page access token,
    that the token is that Page's (see forms.FacebookPageForm).
    """

    class PostAs(models.TextChoices):
        LINK = "link", "wpis z linkiem do artykułu"
        PHOTO = "photo", "zdjęcie z opisem, gdy artykuł ma zdjęcie główne"

    gmina = models.OneToOneField(
        Gmina, on_delete=models.CASCADE, related_name="facebook_page"
    )
    enabled = models.BooleanField(
        "publikuj artykuły na Facebooku",
        default=True,
        help_text="Odznacz, aby wstrzymać wpisy bez usuwania tokenu.",
    )
    page_id = models.CharField(
        "identyfikator strony",
        max_length=30,
        blank=True,
        validators=[
            RegexValidator(
                r"^[0-9]{5,30}$",
                "Identyfikator strony to same cyfry, np. 104512345678901 "
                "(Strona → Informacje → Przejrzystość strony).",
            )
        ],
    )
    access_token = models.CharField(max_length=1000, blank=True, editable=False)
    post_as = models.CharField(
        "rodzaj wpisu",
        max_length=10,
        choices=PostAs.choices,
        default=PostAs.LINK,
    )
    # What the last "test connection" learned (and when: `checked_at`).
    page_name = models.CharField(max_length=200, blank=True, editable=False)

    class Meta:
        verbose_name = "strona na Facebooku"
        verbose_name_plural = "strony na Facebooku"
        constraints = [
            models.UniqueConstraint(
                fields=["page_id"],
                condition=~models.Q(page_id=""),
                name="facebook_facebookpage_one_gmina_per_page",
                violation_error_message=PAGE_TAKEN,
            )
        ]

    def __str__(self):
        return f"Facebook: {self.gmina}"

    def is_connected(self) -> bool:
        return bool(self.page_id and self.access_token)

    def token_rejected_text(self, reason: str, now) -> str:
        """Graph's reason (code 102/190) and what to do, for the editor."""
        reason = reason.rstrip(".")
        if reason == "Token Facebooka wygasł":
            return (
                f"Token Facebooka wygasł {when(now)}. Wpisy na Facebooku są "
                "wstrzymane – wygeneruj nowy token strony i zapisz go w "
                "ustawieniach Facebooka."
            )
        return (
            f"{reason} ({when(now)}). Wpisy na Facebooku są wstrzymane – wygeneruj "
            "nowy token strony i zapisz go w ustawieniach Facebooka."
        )


def is_configured(gmina) -> bool:
    """Whether a newly published article should be posted to the gmina's Page."""
    config = FacebookPage.objects.filter(gmina=gmina).first()
    return config is not None and config.is_ready()


def page_owners(page_id: str) -> list[Gmina]:
    """The gminas whose Page has this id: at most two, enough to tell one from
    several (rows saved before ids were unique)."""
    pages = FacebookPage.objects.filter(page_id=page_id).select_related("gmina")
    return [page.gmina for page in pages[:2]]
