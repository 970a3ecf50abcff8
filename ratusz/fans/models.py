"""Residents who follow a gmina: their channels, choices and consents.

A `Follower` is one resident of one gmina, known only by the addresses they
gave. Each channel has its own state, so a resident can confirm e-mail, never
finish the SMS code and unsubscribe from push, all on one record; "fans" are
followers with at least one active channel. Nobody has an account: the
private `token` opens the follower's settings page.
"""

import hashlib
import secrets
from datetime import timedelta

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from ratusz.gminas.models import Category, Gmina, Village

# How long a confirmation link or SMS code can be used, and when a sign-up
# that was never confirmed is forgotten.
CONFIRMATION_TTL = timedelta(hours=48)
UNCONFIRMED_RETENTION = timedelta(days=7)


def new_token() -> str:
    """A 256-bit random token for links sent to residents."""
    return secrets.token_urlsafe(32)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class ChannelState(models.TextChoices):
    NONE = "", "brak"
    PENDING = "pending", "czeka na potwierdzenie"
    ACTIVE = "active", "aktywny"
    UNSUBSCRIBED = "unsubscribed", "wypisany"


class Rhythm(models.TextChoices):
    EACH = "each", "każdy wpis osobno"
    DAILY = "daily", "raz dziennie (podsumowanie)"


class FollowerQuerySet(models.QuerySet):
    def for_gmina(self, gmina):
        return self.filter(gmina=gmina)

    def with_email(self):
        return self.filter(email_state=ChannelState.ACTIVE).exclude(email="")

    def with_sms(self):
        return self.filter(phone_state=ChannelState.ACTIVE).exclude(phone="")

    def with_push(self):
        return self.filter(push_subscriptions__isnull=False).distinct()

    def fans(self):
        """Followers with at least one active channel."""
        return self.filter(
            Q(email_state=ChannelState.ACTIVE)
            | Q(phone_state=ChannelState.ACTIVE)
            | Q(push_subscriptions__isnull=False)
        ).distinct()

    def interested_in(self, *, category, villages, urgent: bool):
        """Followers whose topics and villages match an article.

        A gmina-wide article (no villages) reaches every village. Urgent
        announcements reach everyone in the article's villages, whatever
        topics they chose.
        """
        matching = self
        if not urgent:
            topic = Q(all_topics=True)
            if category is not None:
                topic |= Q(topics=category)
            matching = matching.filter(topic)
        village_ids = [v.pk for v in villages]
        if village_ids:
            matching = matching.filter(
                Q(all_villages=True) | Q(villages__in=village_ids)
            )
        return matching.distinct()


class Follower(models.Model):
    gmina = models.ForeignKey(Gmina, on_delete=models.CASCADE, related_name="followers")
    token = models.CharField(
        max_length=64, unique=True, default=new_token, editable=False
    )

    email = models.EmailField("e-mail", blank=True)
    email_state = models.CharField(
        max_length=12, choices=ChannelState.choices, blank=True, default=""
    )
    email_rhythm = models.CharField(
        "jak często e-mail", max_length=8, choices=Rhythm.choices, default=Rhythm.EACH
    )
    phone = models.CharField("telefon", max_length=16, blank=True)
    phone_state = models.CharField(
        max_length=12, choices=ChannelState.choices, blank=True, default=""
    )

    all_topics = models.BooleanField("wszystkie tematy", default=True)
    topics = models.ManyToManyField(Category, blank=True, related_name="followers")
    all_villages = models.BooleanField("wszystkie sołectwa", default=True)
    villages = models.ManyToManyField(Village, blank=True, related_name="followers")

    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = FollowerQuerySet.as_manager()

    class Meta:
        verbose_name = "obserwujący"
        verbose_name_plural = "obserwujący"
        constraints = [
            models.UniqueConstraint(
                fields=["gmina", "email"],
                condition=~Q(email=""),
                name="fans_follower_one_per_email",
            ),
            models.UniqueConstraint(
                fields=["gmina", "phone"],
                condition=~Q(phone=""),
                name="fans_follower_one_per_phone",
            ),
        ]

    def __str__(self):
        return f"obserwujący #{self.pk}"

    def is_fan(self) -> bool:
        return (
            self.email_state == ChannelState.ACTIVE
            or self.phone_state == ChannelState.ACTIVE
            or self.push_subscriptions.exists()
        )


class PushSubscription(models.Model):
    """A browser's Web Push subscription (endpoint and its keys)."""

    follower = models.ForeignKey(
        Follower, on_delete=models.CASCADE, related_name="push_subscriptions"
    )
    endpoint = models.URLField(max_length=1000, unique=True)
    p256dh = models.CharField(max_length=200)
    auth = models.CharField(max_length=100)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "subskrypcja powiadomień"
        verbose_name_plural = "subskrypcje powiadomień"


class Consent(models.Model):
    """Proof of a consent given or withdrawn (RODO art. 7 ust. 1).

    The text shown is stored as it was, with its version, so the proof stays
    true when the gmina later changes the wording.
    """

    class Action(models.TextChoices):
        GIVEN = "given", "wyrażona"
        CONFIRMED = "confirmed", "potwierdzona"
        WITHDRAWN = "withdrawn", "wycofana"

    follower = models.ForeignKey(
        Follower, on_delete=models.CASCADE, related_name="consents"
    )
    channel = models.CharField(max_length=12)
    action = models.CharField(max_length=10, choices=Action.choices)
    text_version = models.CharField(max_length=40, blank=True)
    text = models.TextField(blank=True)
    source = models.CharField(max_length=200)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]


class Confirmation(models.Model):
    """A single-use, expiring proof of address: an e-mail link or an SMS code.

    Only hashes are stored: a database dump does not confirm anybody.
    """

    follower = models.ForeignKey(
        Follower, on_delete=models.CASCADE, related_name="confirmations"
    )
    channel = models.CharField(max_length=12)
    token_hash = models.CharField(max_length=64, unique=True)
    code_hash = models.CharField(max_length=64, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    def is_usable(self, now=None) -> bool:
        now = now or timezone.now()
        return self.used_at is None and now < self.expires_at

    def confirmed_already(self) -> bool:
        """This e-mail link did its job and the address is still following.

        Opening it again (a second click, a mail program's preview) says so
        instead of "link nieaktualny"; after unsubscribing it is just used.
        """
        return (
            self.used_at is not None
            and self.channel == "email"
            and self.follower.email_state == ChannelState.ACTIVE
        )


class FanCount(models.Model):
    """The number of fans of a gmina on one day: all channels and each one."""

    ALL = "all"

    gmina = models.ForeignKey(
        Gmina, on_delete=models.CASCADE, related_name="fan_counts"
    )
    day = models.DateField()
    channel = models.CharField(max_length=12)
    count = models.PositiveIntegerField()

    class Meta:
        ordering = ["day", "channel"]
        constraints = [
            models.UniqueConstraint(
                fields=["gmina", "day", "channel"], name="fans_fancount_one_per_day"
            )
        ]


class FanSettings(models.Model):
    """A gmina's choices about its followers: when the daily digest goes out."""

    gmina = models.OneToOneField(
        Gmina, on_delete=models.CASCADE, related_name="fan_settings"
    )
    digest_hour = models.PositiveSmallIntegerField(
        "godzina wysyłki podsumowania",
        default=18,
        validators=[MinValueValidator(0), MaxValueValidator(23)],
        help_text="Pełna godzina (0–23, czas polski), o której obserwujący, "
        "którzy wybrali podsumowanie dnia, dostają e-mail.",
    )

    class Meta:
        verbose_name = "ustawienia obserwujących"
        verbose_name_plural = "ustawienia obserwujących"

    def __str__(self):
        return f"ustawienia obserwujących: {self.gmina}"

    @classmethod
    def for_gmina(cls, gmina) -> "FanSettings":
        return cls.objects.filter(gmina=gmina).first() or cls(gmina=gmina)
