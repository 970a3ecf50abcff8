"""What insights keeps: a salt per day, raw view events, daily roll-ups.

No IP address and no User-Agent string is stored in any of them
(`tests/test_no_raw_identifiers.py`): a visitor is a keyed hash that cannot
be linked across days once its day's salt is deleted.
"""

from __future__ import annotations

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
    """One counted page view, kept `INSIGHTS_RAW_DAYS` days.

    Written a batch a second while pages are served, so it keeps one index
    besides the primary key: (gmina, day), all that the roll-up, retention
    and a gmina's deletion look rows up by. Every further index is paid on
    each view (`bench/insights.py`, counting cost).
    """

    gmina = models.ForeignKey(
        Gmina, on_delete=models.CASCADE, related_name="+", db_index=False
    )
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
    `Source`), "device" (key = a `Device`), "hour" (key = "00".."23", the
    hour in Warsaw), "page_source" (key = "<page id>:<source>": an article's
    visits per source, for its reach). Kept `INSIGHTS_ROLLUP_MONTHS`.
    """

    SITE, PAGE, SOURCE, DEVICE, HOUR = "site", "page", "source", "device", "hour"
    PAGE_SOURCE = "page_source"

    gmina = models.ForeignKey(Gmina, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    dimension = models.CharField(max_length=20)
    # Longest: "page_source" "2147483647:mastodon" (19).
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
        indexes = [
            models.Index(fields=["gmina", "dimension", "day"]),
            # An article's rows ("page", "page_source") without reading
            # every other page's (`reach`).
            models.Index(
                fields=["gmina", "dimension", "key", "day"],
                name="insights_daily_by_key",
            ),
            # Covers the dashboard's sums over a year of page rows: read
            # from the index alone, without a table lookup per row.
            models.Index(
                fields=["gmina", "dimension", "day", "key", "views", "visitors"],
                name="insights_daily_covering",
            ),
        ]


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


class PostMetric(models.Model):
    """One number a network reports about an article's post, as last read.

    Written by the networks' collectors (`integrations/<network>/insights.py`,
    registered in `insights.registry`). `value` is None when the network does
    not give that metric (Meta retired it, the Page is under 100 likes): the
    screens say "Meta nie udostępnia", never 0. `checkpoint` names when it was
    read relative to publishing ("1h", "24h", "7d" for Mastodon; "" for the
    latest reading).
    """

    gmina = models.ForeignKey(Gmina, on_delete=models.CASCADE, related_name="+")
    # The article (a Wagtail page id); no foreign key: insights must not
    # keep a page from being deleted, and a deleted page's numbers stay.
    page_id = models.IntegerField()
    network = models.CharField(max_length=20)
    metric = models.CharField(max_length=60)
    checkpoint = models.CharField(max_length=10, blank=True)
    value = models.BigIntegerField(null=True, blank=True)
    read_at = models.DateTimeField()

    class Meta:
        verbose_name = "liczba z sieci o wpisie"
        constraints = [
            models.UniqueConstraint(
                fields=["gmina", "page_id", "network", "metric", "checkpoint"],
                name="insights_postmetric_unique",
            )
        ]
        indexes = [models.Index(fields=["gmina", "network", "page_id"])]


class NetworkDaily(models.Model):
    """A network's own figure about the gmina's account on one day.

    `metric` "followers": the Facebook Page's `page_follows`, the Mastodon
    account's followers; "reach": the Page's unique viewers that day
    (`page_total_media_view_unique`). Ratusz's own channels are counted
    nightly by `fans` (`fans.FanCount`). Written by the networks'
    collectors. `value` is None when the network gave nothing that day;
    `note` says why (e.g. "Strona ma mniej niż 100 polubień: Meta nie podaje
    liczb").
    """

    FOLLOWERS, REACH = "followers", "reach"

    gmina = models.ForeignKey(Gmina, on_delete=models.CASCADE, related_name="+")
    network = models.CharField(max_length=20)
    metric = models.CharField(max_length=20)
    day = models.DateField()
    value = models.PositiveIntegerField(null=True, blank=True)
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        verbose_name = "liczba dzienna z sieci"
        constraints = [
            models.UniqueConstraint(
                fields=["gmina", "network", "metric", "day"],
                name="insights_networkdaily_unique",
            )
        ]


class PublicStats(models.Model):
    """What a gmina shows on its public statistics page (`/statystyki/`).

    Every section is off by default: with none on, the page is a 404. Edited
    by the gmina's administrators (Ustawienia → Statystyki publiczne).
    """

    gmina = models.OneToOneField(
        Gmina, on_delete=models.CASCADE, related_name="public_stats"
    )
    show_visits = models.BooleanField(
        "odwiedziny serwisu w kolejnych miesiącach", default=False
    )
    show_sources = models.BooleanField(
        "skąd przychodzą odwiedzający (ostatni pełny miesiąc)", default=False
    )
    show_followers = models.BooleanField(
        "obserwujący według kanału (Ratusz, Facebook, Mastodon)", default=False
    )
    show_messenger = models.BooleanField(
        "rozmowy z mieszkańcami i czas odpowiedzi", default=False
    )

    SECTIONS = ("show_visits", "show_sources", "show_followers", "show_messenger")

    class Meta:
        verbose_name = "statystyki publiczne"
        verbose_name_plural = "statystyki publiczne"

    def __str__(self):
        return f"statystyki publiczne: {self.gmina}"

    @classmethod
    def for_gmina(cls, gmina) -> PublicStats:
        """The gmina's choices (unsaved, everything off, when it made none)."""
        return cls.objects.filter(gmina=gmina).first() or cls(gmina=gmina)

    def is_enabled(self) -> bool:
        return any(getattr(self, name) for name in self.SECTIONS)
