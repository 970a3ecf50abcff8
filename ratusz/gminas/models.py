from django.conf import settings
from django.contrib.auth.models import AbstractUser, Group
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models.functions import Lower
from django.http import Http404
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from wagtail.models import Site

from ratusz.lib.colours import AA_NORMAL_TEXT, WHITE, contrast_ratio
from ratusz.lib.polish import fold, gmina_genitive, gmina_locative

COLOUR = RegexValidator(r"^#[0-9a-fA-F]{6}$", "Podaj kolor w zapisie #RRGGBB.")


class User(AbstractUser):
    """A staff member; residents never need an account."""

    class Meta:
        verbose_name = "użytkownik"
        verbose_name_plural = "użytkownicy"


class GminaQuerySet(models.QuerySet):
    def for_user(self, user):
        """Return the gminas the user is a member of (all for superusers)."""
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self
        return self.filter(memberships__user=user).distinct()

    def administered_by(self, user, roles=None):
        """Return the gminas whose settings the user may change.

        `roles` widens who may (default: the gmina's administrators only).
        """
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_superuser:
            return self
        return self.filter(
            memberships__user=user,
            memberships__role__in=roles or [Membership.Role.ADMIN],
        ).distinct()

    def for_page(self, page):
        """Return the gmina whose site's page tree holds `page`, or None.

        One query on the tree path, so it also answers for a page not saved
        yet (a preview) and for a parent page in an editor's form.
        """
        steplen = page.steplen
        ancestors = [page.path[:n] for n in range(steplen, len(page.path) + 1, steplen)]
        return (
            self.filter(site__root_page__path__in=ancestors)
            .order_by("-site__root_page__depth")
            .first()
        )


class Gmina(models.Model):
    """The tenant: one municipality, served as one Wagtail Site."""

    site = models.OneToOneField(
        "wagtailcore.Site", on_delete=models.CASCADE, related_name="gmina"
    )
    name = models.CharField("nazwa", max_length=120, help_text="np. Gmina Zawada")
    short_name = models.CharField(
        "nazwa skrócona", max_length=60, help_text="np. Zawada (do nagłówka strony)"
    )
    # Sentences need the name declined ("od: Gminy Zawada Górna", "w Gminie
    # Zawada Górna"); left empty, they are computed from the name on save.
    name_genitive = models.CharField(
        "nazwa w dopełniaczu (kogo? czego?)",
        max_length=130,
        blank=True,
        help_text="np. Gminy Zawada – „wiadomości od: Gminy Zawada”. "
        "Puste pole zostanie uzupełnione na podstawie nazwy.",
    )
    name_locative = models.CharField(
        "nazwa w miejscowniku (o kim? o czym?)",
        max_length=130,
        blank=True,
        help_text="np. Gminie Zawada – „w Gminie Zawada”. "
        "Puste pole zostanie uzupełnione na podstawie nazwy.",
    )
    teryt = models.CharField("kod TERYT", max_length=7, blank=True)
    coat_of_arms = models.ForeignKey(
        settings.WAGTAILIMAGES_IMAGE_MODEL,
        verbose_name="herb",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    primary_colour = models.CharField(
        "kolor główny", max_length=7, default="#0b4f8a", validators=[COLOUR]
    )
    accent_colour = models.CharField(
        "kolor akcentu", max_length=7, default="#b3261e", validators=[COLOUR]
    )
    address = models.TextField("adres urzędu", blank=True)
    phone = models.CharField("telefon", max_length=40, blank=True)
    email = models.EmailField(
        "e-mail",
        blank=True,
        help_text="Adres urzędu. Wiadomości od mieszkańców na ten adres trafiają do "
        "rozmów dopiero po potwierdzeniu go linkiem, który na niego wyślemy.",
    )
    # `email` once its owner opened the link sent to it: the only address
    # (besides napisz@<hostname>) whose mail opens this gmina's conversations.
    inbound_email = models.EmailField(blank=True, editable=False)
    office_hours = models.TextField("godziny pracy urzędu", blank=True)
    bip_url = models.URLField("adres BIP", blank=True)
    epuap_address = models.CharField("adres skrzynki ePUAP", max_length=120, blank=True)
    iod_email = models.EmailField("e-mail inspektora ochrony danych", blank=True)
    facebook_url = models.URLField("strona na Facebooku", blank=True)
    mastodon_url = models.URLField("konto w Mastodonie", blank=True)
    # The image/document collection whose permissions the gmina's groups get;
    # kept as a link (not looked up by name) because two gminas may share a name.
    collection = models.OneToOneField(
        "wagtailcore.Collection",
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="gmina",
    )

    objects = GminaQuerySet.as_manager()

    class Meta:
        verbose_name = "gmina"
        verbose_name_plural = "gminy"
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                Lower("inbound_email"),
                condition=~models.Q(inbound_email=""),
                name="gminas_gmina_unique_inbound_email",
                violation_error_message="Ten adres e-mail należy już do innej gminy.",
            )
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.fill_name_forms()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "name" in update_fields:
            kwargs["update_fields"] = {*update_fields, *self.NAME_FORMS}
        super().save(*args, **kwargs)

    NAME_FORMS = ("name_genitive", "name_locative")

    def fill_name_forms(self):
        """Compute the declined names left empty ("Gmina X" -> "Gminy X")."""
        if not self.name_genitive.strip():
            self.name_genitive = gmina_genitive(self.name)
        if not self.name_locative.strip():
            self.name_locative = gmina_locative(self.name)

    def clean(self):
        super().clean()
        errors = {}
        if self._is_colour(self.primary_colour):
            ratio = contrast_ratio(WHITE, self.primary_colour)
            if ratio < AA_NORMAL_TEXT:
                errors["primary_colour"] = _(
                    "Biały tekst na tym kolorze ma kontrast %(ratio).2f:1, a WCAG "
                    "wymaga co najmniej %(minimum)s:1. Wybierz ciemniejszy kolor."
                ) % {"ratio": ratio, "minimum": AA_NORMAL_TEXT}
        if self._is_colour(self.accent_colour):
            ratio = contrast_ratio(self.accent_colour, WHITE)
            if ratio < AA_NORMAL_TEXT:
                errors["accent_colour"] = _(
                    "Ten kolor na białym tle ma kontrast %(ratio).2f:1, a WCAG "
                    "wymaga co najmniej %(minimum)s:1. Wybierz ciemniejszy kolor."
                ) % {"ratio": ratio, "minimum": AA_NORMAL_TEXT}
        if errors:
            raise ValidationError(errors)

    @staticmethod
    def _is_colour(value) -> bool:
        # Malformed values are reported by the field's own validator.
        try:
            COLOUR(value)
        except ValidationError:
            return False
        return True

    @property
    def root_page(self):
        return self.site.root_page

    @staticmethod
    def for_site(site) -> "Gmina | None":
        """Return the gmina a Wagtail site serves (None: no site, or not a gmina's)."""
        return getattr(site, "gmina", None) if site is not None else None

    @classmethod
    def for_request(cls, request) -> "Gmina | None":
        """Return the gmina serving this request, by its host (Wagtail's Site)."""
        return cls.for_site(Site.find_for_request(request))

    @classmethod
    def for_request_or_404(cls, request) -> "Gmina":
        """Return the gmina serving this request; a host of no gmina gets 404."""
        gmina = cls.for_request(request)
        if gmina is None:
            raise Http404
        return gmina

    def absolute_url(self, path: str) -> str:
        """Return `path` ("/obserwuj/…") as a full URL on the gmina's own host."""
        return self.site.root_url.rstrip("/") + path

    def email_awaits_confirmation(self) -> bool:
        return bool(self.email) and self.email.lower() != self.inbound_email.lower()


class Membership(models.Model):
    """A staff member's role in one gmina; roles map onto Wagtail groups."""

    class Role(models.TextChoices):
        ADMIN = "admin", "administrator"
        EDITOR = "editor", "redaktor (publikuje)"
        AUTHOR = "author", "autor (szkice do akceptacji)"
        # e-Inclusion: the only role (besides the administrator) that sees the
        # households and equipment of the register (inclusion/access.py).
        COORDINATOR = "coordinator", "koordynator e-Integracji"

    gmina = models.ForeignKey(
        Gmina, on_delete=models.CASCADE, related_name="memberships"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField("rola", max_length=20, choices=Role.choices)

    class Meta:
        verbose_name = "członkostwo"
        verbose_name_plural = "członkostwa"
        constraints = [
            models.UniqueConstraint(
                fields=["gmina", "user"], name="gminas_membership_no_duplicates"
            )
        ]

    def __str__(self):
        return f"{self.user} – {self.gmina} ({self.get_role_display()})"


class GminaGroup(models.Model):
    """The Wagtail group that carries one role's permissions in one gmina.

    Linked by key rather than found by name: group names change when a gmina
    is renamed, and two gminas may have the same name.
    """

    gmina = models.ForeignKey(
        Gmina, on_delete=models.CASCADE, related_name="role_groups"
    )
    role = models.CharField("rola", max_length=20, choices=Membership.Role.choices)
    group = models.OneToOneField(
        Group, on_delete=models.CASCADE, related_name="gmina_role"
    )

    class Meta:
        verbose_name = "grupa roli"
        verbose_name_plural = "grupy ról"
        constraints = [
            models.UniqueConstraint(
                fields=["gmina", "role"], name="gminas_gminagroup_one_per_role"
            )
        ]

    def __str__(self):
        return str(self.group)


class GminaOwned(models.Model):
    """A small named thing that belongs to one gmina (village, category)."""

    gmina = models.ForeignKey(Gmina, on_delete=models.CASCADE, related_name="+")
    name = models.CharField("nazwa", max_length=80)
    slug = models.SlugField("adres", max_length=80, blank=True, allow_unicode=False)

    class Meta:
        abstract = True
        ordering = ["name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = slugify(fold(self.name))[:80] or "bez-nazwy"
        super().save(*args, **kwargs)


class Village(GminaOwned):
    """A sołectwo: residents follow and filter news per village."""

    gmina = models.ForeignKey(Gmina, on_delete=models.CASCADE, related_name="villages")

    class Meta(GminaOwned.Meta):
        verbose_name = "sołectwo"
        verbose_name_plural = "sołectwa"
        constraints = [
            models.UniqueConstraint(
                fields=["gmina", "slug"], name="gminas_village_unique_slug"
            )
        ]


class Category(GminaOwned):
    """A news category, which residents can also follow as a topic."""

    gmina = models.ForeignKey(
        Gmina, on_delete=models.CASCADE, related_name="categories"
    )
    is_urgent = models.BooleanField(
        "komunikaty pilne",
        default=False,
        help_text="Artykuły tej kategorii trafiają na górę strony głównej.",
    )

    class Meta(GminaOwned.Meta):
        verbose_name = "kategoria"
        verbose_name_plural = "kategorie"
        constraints = [
            models.UniqueConstraint(
                fields=["gmina", "slug"], name="gminas_category_unique_slug"
            )
        ]


class RateLimitHit(models.Model):
    """One counted request for a limit that every process and server shares
    (the cache is per process without Redis): password-reset e-mails."""

    key = models.CharField(max_length=120)
    at = models.DateTimeField()

    class Meta:
        indexes = [
            models.Index(fields=["key", "at"]),
            models.Index(fields=["at"]),
        ]

    def __str__(self):
        return f"{self.key} {self.at:%Y-%m-%d %H:%M:%S}"

    @classmethod
    def over_limit(cls, key: str, limit: int, period) -> bool:
        """Count one request under `key`; True when it is past `limit`
        requests within `period` (a refused request is not counted)."""
        now = timezone.now()
        # Nothing older than the period counts: forget it (no addresses kept).
        cls.objects.filter(at__lt=now - period).delete()
        if cls.objects.filter(key=key, at__gte=now - period).count() >= limit:
            return True
        cls.objects.create(key=key, at=now)
        return False
