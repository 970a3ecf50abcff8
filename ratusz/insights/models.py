"""What insights keeps: a salt per day, raw view events, daily roll-ups.

No IP address and no User-Agent string is stored in any of them
(`tests/test_no_raw_identifiers.py`): a visitor is a keyed hash that cannot
be linked across days once its day's salt is deleted.
"""

from django.db import models

from ratusz.gminas.models import Gmina


class Source(models.TextChoices):
    FACEBOOK = "facebook", "Facebook"
    MASTODON = "mastodon", "Mastodon"
    SEARCH = "search", "wyszukiwarki"
    EMAIL = "email", "e-mail"
    PUSH = "push", "powiadomienia"
    SMS = "sms", "SMS"
    OTHER = "other", "inne strony"
    DIRECT = "direct", "wejścia bezpośrednie"


# A raw view's referrer was the gmina's own site: the view takes the source
# of the visitor's first view that day (`rollup.aggregate`).
INTERNAL = "internal"


class Device(models.TextChoices):
    PHONE = "phone", "telefon"
    TABLET = "tablet", "tablet"
    DESKTOP = "desktop", "komputer"


class DailySalt(models.Model):
    """The random salt of one day; deleted once its day is over."""

    day = models.DateField(unique=True)
    salt = models.BinaryField()

    class Meta:
        verbose_name = "sól dnia"


class ViewEvent(models.Model):
    """One counted page view, kept `INSIGHTS_RAW_DAYS` days."""

    gmina = models.ForeignKey(Gmina, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    at = models.DateTimeField()
    page_id = models.IntegerField(null=True, blank=True)
    path = models.CharField(max_length=255)
    # hash(daily salt, gmina, IP, User-Agent), hex.
    visitor = models.CharField(max_length=32)
    source = models.CharField(max_length=10)
    device = models.CharField(max_length=10, choices=Device.choices)

    class Meta:
        verbose_name = "wyświetlenie"
        indexes = [models.Index(fields=["gmina", "day"])]


class DailyStat(models.Model):
    """Views and visitors of one gmina on one day, per dimension and key.

    dimension "site" (key ""), "page" (key = page id), "source" (key = a
    `Source`), "device" (key = a `Device`). Kept `INSIGHTS_ROLLUP_MONTHS`.
    """

    SITE, PAGE, SOURCE, DEVICE = "site", "page", "source", "device"

    gmina = models.ForeignKey(Gmina, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    dimension = models.CharField(max_length=10)
    key = models.CharField(max_length=20, blank=True)
    views = models.PositiveIntegerField()
    visitors = models.PositiveIntegerField()

    class Meta:
        verbose_name = "dzienne podsumowanie"
        constraints = [
            models.UniqueConstraint(
                fields=["gmina", "day", "dimension", "key"],
                name="insights_daily_unique",
            )
        ]
        indexes = [models.Index(fields=["gmina", "dimension", "day"])]


class MissedSearch(models.Model):
    """How often a search found nothing, per gmina, day and lemmas.

    No visitor, IP or time of day: only what residents looked for and did
    not find. Kept as long as the roll-ups.
    """

    gmina = models.ForeignKey(Gmina, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    # The query's lemmas, one per word, in the order typed.
    lemmas = models.CharField(max_length=200)
    searches = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "wyszukiwanie bez wyników"
        constraints = [
            models.UniqueConstraint(
                fields=["gmina", "day", "lemmas"], name="insights_missed_unique"
            )
        ]
