"""Who gets what: turning a published article into outbox rows."""

from __future__ import annotations

from ratusz.outbox import registry
from ratusz.outbox import services as outbox
from ratusz.outbox.models import Channel, Delivery

from .models import Follower, PushSubscription, Rhythm


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


# Networks where the gmina posts once to its own page or account; whether a
# gmina connected one is the network's answer (outbox.registry.connections,
# registered in its AppConfig.ready).
PAGE_CHANNELS = (Channel.FACEBOOK, Channel.MASTODON)


def page_channel_posts(gmina, article):
    """(channel, payload) for each network the gmina has connected."""
    texts = {
        Channel.FACEBOOK: article.facebook_text,
        Channel.MASTODON: article.mastodon_text,
    }
    connections = registry.connections()
    for channel in PAGE_CHANNELS:
        connection = connections.get(channel)
        if connection is not None and connection.is_connected(gmina):
            payload = {"revision": article.live_revision_id}
            if texts.get(channel):
                payload["text"] = texts[channel]
            yield channel, payload
