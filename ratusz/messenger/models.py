"""Conversations between residents and their gmina's office.

A `Conversation` is one matter raised by one resident, with a case reference
(RZ/2026/000123) shown to both sides and a private `token` (256 bits) that
opens it for the resident without an account. A second random token,
`reply_token`, is only the local part of the Reply-To of our e-mails
(`sprawa+<reply_token>@…`): the page link can be shared or leak (history,
screenshots) without letting anyone write e-mails into the conversation, and
staff can rotate it on its own. Its `Message`s are the
resident's, the staff's (replies and internal notes) and the system's
(automatic replies). Everything arriving from outside (a Facebook Messenger
webhook, an inbound e-mail) is first stored raw as an `InboundEvent`, then
turned into messages by the worker; provider ids with unique constraints keep
duplicates out.

Messages are append-only and their ids only grow, so "everything after the
last id I saw" is how both the resident's page and the staff inbox catch up
after a dropped connection.
"""

import secrets

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from ratusz.gminas.models import Category, Gmina, Village
from ratusz.lib import private_files

MAX_MESSAGE_CHARS = 5000
MAX_NAME_CHARS = 100
CASE_PREFIX = "RZ"


def new_token() -> str:
    """A 256-bit random token for a resident's private conversation link."""
    return secrets.token_urlsafe(32)


class ConversationQuerySet(models.QuerySet):
    def for_gmina(self, gmina):
        return self.filter(gmina=gmina)

    def open(self):
        return self.exclude(status=Conversation.Status.RESOLVED)


class Conversation(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "otwarta"
        WAITING = "waiting", "czeka na mieszkańca"
        RESOLVED = "resolved", "załatwiona"

    class Source(models.TextChoices):
        WEB = "web", "formularz na stronie"
        EMAIL = "email", "e-mail"
        FACEBOOK = "facebook", "Messenger (Facebook)"
        STAFF = "staff", "zapisana przez urząd"

    class Notify(models.TextChoices):
        NONE = "", "bez powiadomień"
        EMAIL = "email", "e-mail"
        SMS = "sms", "SMS"

    gmina = models.ForeignKey(
        Gmina, on_delete=models.CASCADE, related_name="conversations"
    )
    # RZ/<year>/<number>: numbered per gmina and year (see services.next_case_number).
    year = models.PositiveSmallIntegerField()
    number = models.PositiveIntegerField()
    reference = models.CharField("sygnatura", max_length=24, editable=False)
    token = models.CharField(
        max_length=64, unique=True, default=new_token, editable=False
    )
    # Only for e-mail replies (never in a URL); rotating it also invalidates
    # the Message-IDs of the e-mails sent so far (see notifications.message_id).
    reply_token = models.CharField(
        max_length=64, unique=True, default=new_token, editable=False
    )
    status = models.CharField(
        "status", max_length=10, choices=Status.choices, default=Status.OPEN
    )
    source = models.CharField(
        "źródło", max_length=10, choices=Source.choices, default=Source.WEB
    )
    subject = models.CharField("temat", max_length=200, blank=True)
    category = models.ForeignKey(
        Category,
        verbose_name="kategoria",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    village = models.ForeignKey(
        Village,
        verbose_name="sołectwo",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="prowadzi",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_conversations",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="zapisał(a) w imieniu mieszkańca",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    # The resident: all optional (no account; a phone call needs no address).
    resident_name = models.CharField(
        "imię i nazwisko", max_length=MAX_NAME_CHARS, blank=True
    )
    resident_email = models.EmailField("e-mail", blank=True)
    resident_phone = models.CharField("telefon", max_length=16, blank=True)
    # The channel the resident agreed to be told about replies on, and the proof.
    notify = models.CharField(
        "powiadamiaj o odpowiedzi",
        max_length=10,
        choices=Notify.choices,
        default=Notify.NONE,
        blank=True,
    )
    notify_consent_at = models.DateTimeField(null=True, blank=True)
    notify_consent_version = models.CharField(max_length=40, blank=True)
    # The outside identity for conversations that came from a network, e.g. the
    # page-scoped id (PSID) of a Facebook user; the e-mail thread's first id.
    external_id = models.CharField(max_length=200, blank=True)

    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    last_message_at = models.DateTimeField(default=timezone.now, db_index=True)
    # The last message the resident wrote (Facebook's 24-hour reply window).
    last_resident_message_at = models.DateTimeField(null=True, blank=True)
    first_response_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_in_chat = models.BooleanField(
        "załatwiona w rozmowie",
        default=False,
        help_text="Sprawa zakończyła się w rozmowie, bez wizyty w urzędzie.",
    )
    # The id of the last message staff / the resident have seen: unread counts.
    staff_seen_message_id = models.BigIntegerField(default=0)
    resident_seen_message_id = models.BigIntegerField(default=0)

    objects = ConversationQuerySet.as_manager()

    class Meta:
        verbose_name = "rozmowa"
        verbose_name_plural = "rozmowy"
        ordering = ["-last_message_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["gmina", "year", "number"], name="conversation_case_number"
            ),
        ]
        indexes = [
            models.Index(fields=["gmina", "status", "-last_message_at"]),
            models.Index(fields=["gmina", "source", "external_id"]),
        ]

    def __str__(self):
        return self.reference

    @property
    def resident_label(self) -> str:
        return self.resident_name or "Mieszkaniec"


class CaseCounter(models.Model):
    """The last case number given out per gmina and year."""

    gmina = models.ForeignKey(Gmina, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["gmina", "year"], name="case_counter_year")
        ]


class Message(models.Model):
    class Author(models.TextChoices):
        RESIDENT = "resident", "mieszkaniec"
        STAFF = "staff", "urząd"
        SYSTEM = "system", "odpowiedź automatyczna"

    class Channel(models.TextChoices):
        WEB = "web", "strona"
        EMAIL = "email", "e-mail"
        FACEBOOK = "facebook", "Messenger"
        STAFF = "staff", "panel urzędu"

    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="messages"
    )
    author = models.CharField(max_length=10, choices=Author.choices)
    staff_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    channel = models.CharField(max_length=10, choices=Channel.choices)
    body = models.TextField(validators=[MaxLengthValidator(MAX_MESSAGE_CHARS)])
    # An internal note is seen by staff only.
    internal = models.BooleanField(default=False)
    # Generated by the sender's browser: a retried submit is stored once.
    client_id = models.CharField(max_length=64, null=True, blank=True)
    # The provider's id of an incoming message (Facebook "mid", e-mail
    # Message-ID): a redelivered webhook or mail is stored once.
    external_id = models.CharField(max_length=300, null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    # "Send later": a staff reply written at 23:30 for 7:30. Until then it is
    # a draft only staff see; `published_at` is set when it goes out.
    send_at = models.DateTimeField(null=True, blank=True, db_index=True)
    published_at = models.DateTimeField(null=True, blank=True, db_index=True)
    # The order in which messages became visible, given by the database as
    # the inserting transaction commits (migration 0002): the inbox reads
    # "everything after the last `seq` I saw", which the id cannot promise
    # on PostgreSQL (an id is given at insert, shown at commit). None until
    # the transaction commits.
    seq = models.BigIntegerField(null=True, blank=True, editable=False, unique=True)
    # The inbox search's index of `body` (`messenger.search`): its lemmas and
    # folded lemmas (`lib.polish`). None until indexed: the first search after
    # a message arrives indexes it, so the write path pays nothing. Whatever
    # rewrites or erases a body must set both back to None.
    lemmas = models.TextField(null=True, blank=True, editable=False)
    folded_lemmas = models.TextField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["conversation", "client_id"],
                condition=Q(client_id__isnull=False),
                name="message_client_id_once",
            ),
            models.UniqueConstraint(
                fields=["channel", "external_id"],
                condition=Q(external_id__isnull=False),
                name="message_external_id_once",
            ),
        ]

    def __str__(self):
        return f"{self.conversation.reference} #{self.pk}"

    @property
    def is_published(self) -> bool:
        return self.published_at is not None

    @property
    def visible_to_resident(self) -> bool:
        return self.is_published and not self.internal


def attachment_path(instance, filename):
    # Never the resident's file name on disk: a random one, the type's extension.
    return private_files.random_name("messenger", instance.extension)


def private_storage() -> FileSystemStorage:
    """Residents' files, in the project's private storage (`lib.private_files`);
    `messenger.attachments.serve` hands them out. Named in migration 0001."""
    return private_files.storage()


class Attachment(models.Model):
    """A photo or PDF sent with a message; stored outside the public media."""

    message = models.ForeignKey(
        Message, on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(
        upload_to=attachment_path, storage=private_storage, max_length=200
    )
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    extension = models.CharField(max_length=10)
    size = models.PositiveIntegerField()
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return self.original_name


class SavedReply(models.Model):
    """A reply staff use often; placeholders are filled in when inserted."""

    gmina = models.ForeignKey(
        Gmina, on_delete=models.CASCADE, related_name="saved_replies"
    )
    title = models.CharField("nazwa", max_length=100)
    body = models.TextField("treść", validators=[MaxLengthValidator(MAX_MESSAGE_CHARS)])
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "gotowa odpowiedź"
        verbose_name_plural = "gotowe odpowiedzi"
        ordering = ["title"]

    def __str__(self):
        return self.title


class OfficeHours(models.Model):
    """When the office answers, per gmina: outside these hours residents get
    an automatic reply saying when to expect one."""

    gmina = models.OneToOneField(
        Gmina, on_delete=models.CASCADE, related_name="messenger_hours"
    )
    # {"0": [["07:30", "15:30"]], ..., "6": []}: Monday is "0".
    weekly = models.JSONField(default=dict)
    auto_reply = models.TextField(
        "odpowiedź automatyczna",
        blank=True,
        help_text="Pusta: użyjemy standardowej. {kiedy} zostanie zastąpione "
        "terminem odpowiedzi.",
    )
    # The mayor's "available this evening" switch: until this moment the
    # automatic reply is not sent.
    available_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "godziny odpowiedzi"
        verbose_name_plural = "godziny odpowiedzi"

    def __str__(self):
        return f"Godziny odpowiedzi: {self.gmina}"


class Holiday(models.Model):
    gmina = models.ForeignKey(Gmina, on_delete=models.CASCADE, related_name="+")
    date = models.DateField("dzień")
    name = models.CharField("nazwa", max_length=100, blank=True)

    class Meta:
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(fields=["gmina", "date"], name="holiday_once")
        ]

    def __str__(self):
        return f"{self.date} {self.name}".strip()


class InboundEvent(models.Model):
    """A raw event from outside (webhook, e-mail), stored before it is
    processed so nothing is lost and a redelivery is recognised."""

    class Source(models.TextChoices):
        FACEBOOK = "facebook", "Facebook Messenger"
        EMAIL = "email", "e-mail"

    class State(models.TextChoices):
        PENDING = "pending", "do przetworzenia"
        DONE = "done", "przetworzone"
        FAILED = "failed", "błąd"

    gmina = models.ForeignKey(
        Gmina, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    source = models.CharField(max_length=10, choices=Source.choices)
    external_id = models.CharField(max_length=300)
    payload = models.TextField()
    state = models.CharField(
        max_length=10, choices=State.choices, default=State.PENDING
    )
    error = models.TextField(blank=True)
    received_at = models.DateTimeField(default=timezone.now)
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["source", "external_id"], name="inbound_event_once"
            )
        ]
        indexes = [models.Index(fields=["state", "received_at"])]

    def __str__(self):
        return f"{self.source}:{self.external_id}"
