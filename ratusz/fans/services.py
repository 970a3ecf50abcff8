"""Who gets what: turning a published article into outbox rows."""

from __future__ import annotations

import logging
import re
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from ratusz.lib import polish
from ratusz.outbox import services as outbox
from ratusz.outbox.models import Channel, Delivery

from .models import (
    CONFIRMATION_TTL,
    INBOUND_SMS_RETENTION,
    UNCONFIRMED_RETENTION,
    ChannelState,
    Consent,
    Follower,
    PushSubscription,
    Rhythm,
)

logger = logging.getLogger(__name__)

# What a follower can leave from a link: one channel, or everything.
LEAVABLE_CHANNELS = {Channel.EMAIL, Channel.SMS, Channel.PUSH, "all"}


def article_item(article) -> str:
    return f"article:{article.pk}"


def plan_article_deliveries(article) -> None:
    """Create the deliveries of a freshly published article.

    Runs inside the publish transaction. The rows are unique per article,
    channel and recipient, so publishing again after an edit adds only
    followers who were not there the first time and never repeats a message.
    """
    gmina = article.gmina
    if gmina is None or not article.notify_followers:
        return
    urgent = article.is_marked_urgent()
    villages = list(article.villages.all())
    followers = Follower.objects.for_gmina(gmina).interested_in(
        category=article.category, villages=villages, urgent=urgent
    )
    item = article_item(article)
    common = {"gmina": gmina, "item": item, "page": article}
    rows: list[Delivery] = []

    email_followers = followers.with_email()
    if not urgent:  # urgent news does not wait for tomorrow's digest
        email_followers = email_followers.filter(email_rhythm=Rhythm.EACH)
    for follower_id in email_followers.values_list("pk", flat=True):
        rows.append(
            Delivery(
                **common,
                channel=Channel.EMAIL,
                recipient=f"follower:{follower_id}",
                follower_id=follower_id,
            )
        )

    if urgent or article.sms_text:
        payload = {"text": article.sms_text} if article.sms_text else {}
        for follower_id in followers.with_sms().values_list("pk", flat=True):
            rows.append(
                Delivery(
                    **common,
                    channel=Channel.SMS,
                    recipient=f"follower:{follower_id}",
                    follower_id=follower_id,
                    payload=payload,
                )
            )

    subscriptions = PushSubscription.objects.filter(
        follower__in=followers.values("pk")
    ).values_list("pk", "follower_id")
    for subscription_id, follower_id in subscriptions:
        rows.append(
            Delivery(
                **common,
                channel=Channel.PUSH,
                recipient=f"push:{subscription_id}",
                follower_id=follower_id,
                push_subscription_id=subscription_id,
            )
        )

    for channel, payload in page_channel_posts(gmina, article):
        rows.append(
            Delivery(**common, channel=channel, recipient="page", payload=payload)
        )

    outbox.enqueue(rows)


def digest_readers(article, gmina) -> int:
    """How many followers get this article only in tomorrow's e-mail digest.

    They have no row of their own (the digest is one message a day), so the
    editor's screen counts them here instead of saying nobody matched.
    """
    if article.is_marked_urgent():
        return 0  # urgent news goes to everyone at once, digest or not
    followers = Follower.objects.for_gmina(gmina).interested_in(
        category=article.category, villages=list(article.villages.all()), urgent=False
    )
    return followers.with_email().filter(email_rhythm=Rhythm.DAILY).count()


# Networks where the gmina posts once to its own page or account:
# channel → dotted path of `is_configured(gmina) -> bool`. Each integration
# adds itself when it exists.
PAGE_CHANNELS: dict[str, str] = {
    "facebook": "ratusz.integrations.facebook.models.is_configured",
    "mastodon": "ratusz.integrations.mastodon.models.is_configured",
}


def page_channel_posts(gmina, article):
    """(channel, payload) for each network the gmina has connected."""
    texts = {
        Channel.FACEBOOK: article.facebook_text,
        Channel.MASTODON: article.mastodon_text,
    }
    for channel, path in PAGE_CHANNELS.items():
        if import_string(path)(gmina):
            payload = {"revision": article.live_revision_id}
            if texts.get(channel):
                payload["text"] = texts[channel]
            yield channel, payload


@transaction.atomic
def unsubscribe(follower: Follower, channel: str, *, source: str) -> None:
    """Stop one channel (or all) at once; pending messages are cancelled.

    Idempotent: a second click (mail programs may POST twice) changes nothing.
    """
    channels = (
        [Channel.EMAIL, Channel.SMS, Channel.PUSH] if channel == "all" else [channel]
    )
    now = timezone.now()
    for name in channels:
        was_active = _leave(follower, name)
        if was_active:
            Consent.objects.create(
                follower=follower,
                channel=name,
                action=Consent.Action.WITHDRAWN,
                source=source[:200],
                at=now,
            )
    follower.save()
    Delivery.objects.filter(
        follower=follower, channel__in=channels, state=Delivery.State.PENDING
    ).update(state=Delivery.State.CANCELLED, claimed_by="", lease_until=None)


def _leave(follower: Follower, channel: str) -> bool:
    if channel == Channel.EMAIL:
        was = follower.email_state in (ChannelState.ACTIVE, ChannelState.PENDING)
        if follower.email_state:
            follower.email_state = ChannelState.UNSUBSCRIBED
        return was
    if channel == Channel.SMS:
        was = follower.phone_state in (ChannelState.ACTIVE, ChannelState.PENDING)
        if follower.phone_state:
            follower.phone_state = ChannelState.UNSUBSCRIBED
        return was
    if channel == Channel.PUSH:
        deleted, _ = follower.push_subscriptions.all().delete()
        return bool(deleted)
    return False


# Following by e-mail: double opt-in, preferences, data rights, retention ----

EMAIL_CONSENT_VERSION = "email-2026-11"
FOLLOW_SOURCE = "formularz /obserwuj/"


def email_consent_text(gmina) -> str:
    """The consent as shown beside the checkbox; stored with every consent."""
    return (
        f"Zgadzam się na otrzymywanie od {gmina.name_genitive} wiadomości e-mail z "
        "aktualnościami i komunikatami gminy na podany adres. Zgodę mogę wycofać "
        "w każdej chwili jednym kliknięciem w linku w każdej wiadomości."
    )


def normalize_email(address: str) -> str:
    local, _, domain = address.strip().rpartition("@")
    return f"{local}@{domain.lower()}"


def _set_interests(follower: Follower, topics, villages) -> None:
    topics, villages = list(topics), list(villages)
    follower.all_topics = not topics
    follower.all_villages = not villages
    follower.save(update_fields=["all_topics", "all_villages", "updated_at"])
    follower.topics.set(topics)
    follower.villages.set(villages)


@transaction.atomic
def start_email_follow(gmina, *, email, topics, villages, rhythm, source):
    """Record a sign-up and its consent; return (follower, token or None).

    The token (for the confirmation link) is None when the address is already
    active: the caller then sends the settings link instead, and the choices
    of somebody who only knows the address are not applied.
    """
    from .models import Confirmation, hash_token, new_token

    email = normalize_email(email)
    follower = (
        Follower.objects.select_for_update()
        .filter(gmina=gmina, email__iexact=email)
        .first()
    )
    if follower is not None and follower.email_state == ChannelState.ACTIVE:
        return follower, None
    if follower is None:
        follower = Follower.objects.create(gmina=gmina, email=email)
    follower.email_state = ChannelState.PENDING
    follower.email_rhythm = rhythm
    follower.save(update_fields=["email_state", "email_rhythm", "updated_at"])
    _set_interests(follower, topics, villages)
    now = timezone.now()
    Consent.objects.create(
        follower=follower,
        channel=Channel.EMAIL,
        action=Consent.Action.GIVEN,
        text_version=EMAIL_CONSENT_VERSION,
        text=email_consent_text(gmina),
        source=source[:200],
        at=now,
    )
    token = new_token()
    Confirmation.objects.create(
        follower=follower,
        channel=Channel.EMAIL,
        token_hash=hash_token(token),
        created_at=now,
        expires_at=now + CONFIRMATION_TTL,
    )
    return follower, token


def find_email_confirmation(gmina, token: str):
    """The e-mail confirmation a link names, within the gmina (any state)."""
    from .models import Confirmation, hash_token

    if not token or len(token) > 100:
        return None
    return (
        Confirmation.objects.filter(
            token_hash=hash_token(token),
            channel=Channel.EMAIL,
            follower__gmina=gmina,
        )
        .select_related("follower")
        .first()
    )


@transaction.atomic
def confirm_email(confirmation, *, source: str) -> bool:
    """Use a confirmation link once: the address becomes active.

    The conditional UPDATE makes two concurrent clicks confirm once.
    """
    from .models import Confirmation

    now = timezone.now()
    used = Confirmation.objects.filter(
        pk=confirmation.pk, used_at__isnull=True, expires_at__gt=now
    ).update(used_at=now)
    if not used:
        return False
    follower = Follower.objects.select_for_update().get(pk=confirmation.follower_id)
    given = (
        follower.consents.filter(channel=Channel.EMAIL, action=Consent.Action.GIVEN)
        .order_by("-at", "-pk")
        .first()
    )
    follower.email_state = ChannelState.ACTIVE
    follower.save(update_fields=["email_state", "updated_at"])
    Consent.objects.create(
        follower=follower,
        channel=Channel.EMAIL,
        action=Consent.Action.CONFIRMED,
        text_version=given.text_version if given else EMAIL_CONSENT_VERSION,
        text=given.text if given else email_consent_text(follower.gmina),
        source=source[:200],
        at=now,
    )
    return True


@transaction.atomic
def update_preferences(follower: Follower, *, topics, villages, rhythm) -> None:
    follower.email_rhythm = rhythm
    follower.save(update_fields=["email_rhythm", "updated_at"])
    _set_interests(follower, topics, villages)


def _national_number(value: str) -> str:
    """The 9 digits of a Polish number however written ("" if not one)."""
    digits = re.sub(r"\D", "", value or "")
    if len(digits) == 13 and digits.startswith("0048"):
        digits = digits[4:]
    elif len(digits) == 11 and digits.startswith("48"):
        digits = digits[2:]
    return digits if len(digits) == 9 else ""


def inbound_sms_of(follower: Follower):
    """The raw SMS the follower's number sent to their gmina, oldest first.

    SMSAPI writes the sender as "48600123456" and the follower's number is
    stored as "+48600123456"; numbers are compared digit by digit, over all
    the gmina's rows (kept 30 days: tens, not millions), so that no way of
    writing the number escapes an export or an erasure.
    """
    from ratusz.integrations.sms.models import InboundSms

    number = _national_number(follower.phone)
    if not number:
        return InboundSms.objects.none()
    senders = InboundSms.objects.filter(gmina_id=follower.gmina_id)
    ids = [
        pk
        for pk, sender in senders.values_list("pk", "sender").iterator()
        if _national_number(sender) == number
    ]
    return InboundSms.objects.filter(pk__in=ids).order_by("received_at", "pk")


def channel_states(follower: Follower) -> dict[str, str]:
    """Each channel's state in words, as the follower sees it."""
    push = follower.push_subscriptions.count()
    return {
        "e-mail": follower.get_email_state_display() or ChannelState.NONE.label,
        "sms": follower.get_phone_state_display() or ChannelState.NONE.label,
        "powiadomienia_w_przeglądarce": (
            ChannelState.ACTIVE.label if push else ChannelState.NONE.label
        ),
    }


def export_follower(follower: Follower) -> dict:
    """Everything stored about a follower (RODO art. 15 and 20).

    Every field that `ratusz.fans.pii.COVERED` lists must appear here (its
    test fills each one and looks for it).
    """

    def when(value):
        return value.isoformat() if value else None

    deliveries = Delivery.objects.filter(follower=follower).order_by("pk")
    return {
        "gmina": follower.gmina.name,
        "kanały": channel_states(follower),
        "e-mail": {
            "adres": follower.email,
            "stan": follower.email_state,
            "rytm": follower.email_rhythm,
        },
        "telefon": {"numer": follower.phone, "stan": follower.phone_state},
        "tematy": "wszystkie"
        if follower.all_topics
        else polish.sorted_polish(c.name for c in follower.topics.all()),
        "sołectwa": "wszystkie"
        if follower.all_villages
        else polish.sorted_polish(v.name for v in follower.villages.all()),
        "powiadomienia_w_przeglądarce": [
            {"adres_usługi": s.endpoint, "od": when(s.created_at)}
            for s in follower.push_subscriptions.order_by("pk")
        ],
        "zgody": [
            {
                "kanał": c.channel,
                "czynność": c.action,
                "wersja_treści": c.text_version,
                "treść": c.text,
                "źródło": c.source,
                "kiedy": when(c.at),
            }
            for c in follower.consents.all()
        ],
        "potwierdzenia": [
            {
                "kanał": c.channel,
                "utworzone": when(c.created_at),
                "ważne_do": when(c.expires_at),
                "użyte": when(c.used_at),
            }
            for c in follower.confirmations.order_by("pk")
        ],
        "wysyłki": [
            {
                "co": d.item,
                "kanał": d.channel,
                "stan": d.state,
                "próby": d.attempts,
                "utworzona": when(d.created_at),
                "wysłana": when(d.sent_at),
            }
            for d in deliveries
        ],
        "sms_odebrane": [
            {
                "od": m.sender,
                "treść": m.text,
                "wysłany": when(m.sent_at),
                "odebrany": when(m.received_at),
                "wynik": m.get_result_display(),
            }
            for m in inbound_sms_of(follower)
        ],
        "utworzono": when(follower.created_at),
        "zmieniono": when(follower.updated_at),
    }


@transaction.atomic
def erase_follower(follower: Follower) -> None:
    """Forget a follower (RODO art. 17).

    Delivery rows stay as the gmina's history with the follower set to NULL;
    their recipient key ("follower:12") is no personal data, but a provider's
    error text may quote the address, so it goes too. The SMS the follower's
    number sent (replies such as STOP, with the number) are deleted.
    """
    rows = Delivery.objects.filter(follower=follower)
    rows.filter(state=Delivery.State.PENDING).update(
        state=Delivery.State.CANCELLED, claimed_by="", lease_until=None
    )
    rows.exclude(error="").update(error="")
    inbound_sms_of(follower).delete()
    follower.delete()


def purge_unconfirmed(now=None) -> tuple[int, int]:
    """Forget sign-ups never confirmed in time and confirmations past expiry.

    Returns (followers deleted, confirmations deleted).
    """
    from .models import Confirmation

    now = now or timezone.now()
    stale = (
        Follower.objects.filter(created_at__lt=now - UNCONFIRMED_RETENTION)
        .exclude(email_state=ChannelState.ACTIVE)
        .exclude(phone_state=ChannelState.ACTIVE)
        .exclude(push_subscriptions__isnull=False)
        .exclude(consents__action=Consent.Action.CONFIRMED)
        # A browser's subscription needs no confirmation: it was a fan.
        .exclude(consents__channel=Channel.PUSH)
    )
    followers = 0
    for follower in stale.distinct():
        erase_follower(follower)
        followers += 1
    confirmations, _ = Confirmation.objects.filter(expires_at__lt=now).delete()
    return followers, confirmations


def purge_inbound_sms(now=None) -> int:
    """Delete raw SMS replies older than INBOUND_SMS_RETENTION; return how many.

    A reply still unprocessed by then (its task and the 5-minute sweep kept
    failing) is processed once more first, so a STOP is never just dropped.
    """
    from ratusz.integrations.sms import services as sms_services
    from ratusz.integrations.sms.models import InboundSms

    now = now or timezone.now()
    overdue = InboundSms.objects.filter(received_at__lt=now - INBOUND_SMS_RETENTION)
    for event_id in overdue.filter(processed_at__isnull=True).values_list(
        "pk", flat=True
    ):
        try:
            sms_services.process_inbound(event_id)
        except Exception:  # retention must go on
            logger.exception("Inbound SMS %s failed before its deletion", event_id)
    deleted, _ = overdue.delete()
    return deleted


# Daily digest --------------------------------------------------------------


def digest_item(gmina, day) -> str:
    return f"digest:{gmina.pk}:{day.isoformat()}"


def plan_due_digests(now=None) -> int:
    """Plan today's digest of every gmina whose digest hour has come.

    Safe to run often: rows are unique per item and recipient, and the
    window of each follower starts where their previous digest ended.
    Returns how many rows were planned.
    """
    from ratusz.gminas.models import Gmina

    from .models import FanSettings

    now = now or timezone.now()
    local = timezone.localtime(now)
    hours = dict(FanSettings.objects.values_list("gmina_id", "digest_hour"))
    default_hour = FanSettings._meta.get_field("digest_hour").default
    planned = 0
    for gmina in Gmina.objects.select_related("site"):
        if local.hour >= hours.get(gmina.pk, default_hour):
            planned += plan_digest(gmina, now=now)
    return planned


@transaction.atomic
def plan_digest(gmina, *, now=None) -> int:
    """Create today's digest rows of one gmina (followers with new articles)."""
    from ratusz.website.models import ArticlePage

    now = now or timezone.now()
    item = digest_item(gmina, timezone.localdate(now))
    readers = list(
        Follower.objects.for_gmina(gmina)
        .with_email()
        .filter(email_rhythm=Rhythm.DAILY)
        .exclude(deliveries__item=item)
    )
    if not readers or gmina.site is None:
        return 0
    earliest = now - timedelta(days=DIGEST_LOOKBACK_DAYS)
    articles = list(
        ArticlePage.objects.live()
        .descendant_of(gmina.site.root_page)
        .filter(
            first_published_at__gt=earliest,
            first_published_at__lte=now,
            notify_followers=True,
        )
        .select_related("category")
        .order_by("first_published_at", "pk")
    )
    if not articles:
        return 0
    reader_ids = {f.pk for f in readers}
    audience = {}
    for article in articles:
        matching = Follower.objects.filter(pk__in=reader_ids).interested_in(
            category=article.category,
            villages=list(article.villages.all()),
            urgent=False,
        )
        already = Delivery.objects.filter(
            item=article_item(article), channel=Channel.EMAIL
        ).values("follower_id")
        audience[article.pk] = set(
            matching.exclude(pk__in=already).values_list("pk", flat=True)
        )
    rows = []
    for follower in readers:
        since = _digest_since(follower, earliest)
        ids = [
            a.pk
            for a in articles
            if a.first_published_at > since and follower.pk in audience[a.pk]
        ]
        if ids:
            rows.append(
                Delivery(
                    gmina=gmina,
                    item=item,
                    channel=Channel.EMAIL,
                    recipient=f"follower:{follower.pk}",
                    follower=follower,
                    payload={
                        "articles": ids,
                        "since": since.isoformat(),
                        "until": now.isoformat(),
                    },
                )
            )
    outbox.enqueue(rows)
    return len(rows)


# A follower's first digest looks back at most this far.
DIGEST_LOOKBACK_DAYS = 1


def _digest_since(follower: Follower, earliest):
    """Where a follower's next digest starts: the end of their previous one."""
    from datetime import datetime

    previous = (
        Delivery.objects.filter(
            follower=follower, channel=Channel.EMAIL, item__startswith="digest:"
        )
        .order_by("-created_at", "-pk")
        .values_list("payload", flat=True)
        .first()
    )
    if previous and previous.get("until"):
        return datetime.fromisoformat(previous["until"])
    return max(earliest, follower.created_at)
