"""Composing what a follower receives, per channel (the outbox calls these)."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.text import Truncator
from wagtail.models import Page

from ratusz.lib.mailbox import gmina_headers
from ratusz.lib.source_links import with_source
from ratusz.outbox.models import Channel, Delivery
from ratusz.outbox.transports import Envelope
from ratusz.website.models import ArticlePage

from .models import CONFIRMATION_TTL, ChannelState


def manage_url(follower, gmina=None) -> str:
    path = reverse("fans-manage", args=[follower.token])
    return (gmina or follower.gmina).absolute_url(path)


def unsubscribe_url(follower, channel: str, gmina=None) -> str:
    path = reverse("fans-unsubscribe", args=[follower.token, channel])
    return (gmina or follower.gmina).absolute_url(path)


# A send to 10,000 followers composes the same article 10,000 times: what does
# not depend on the recipient is built once per live revision.
_articles: dict[tuple, dict] = {}


def _article_view(delivery) -> dict | None:
    state = (
        Page.objects.filter(pk=delivery.page_id)
        .values_list("pk", "live", "live_revision_id", "last_published_at")
        .first()
    )
    if state is None or not state[1]:
        return None
    cached = _articles.get(state)
    if cached is not None:
        return cached
    article = delivery.page.specific
    view = None
    if article.live:
        image_url = ""
        if article.main_image_id:
            rendition = article.main_image.get_rendition("fill-1200x630")
            image_url = rendition.url
            if image_url.startswith("/"):
                image_url = delivery.gmina.absolute_url(image_url)
        view = {
            "article": article,
            "url": article.get_full_url(),
            "image_url": image_url,
            "lead": article.lead or article.search_description or "",
        }
    if len(_articles) > 100:
        _articles.clear()
    _articles[state] = view
    return view


def message_id(delivery) -> str:
    """The same for every attempt, so a receiving server can drop a repeat."""
    host = delivery.gmina.site.hostname or "ratusz.localhost"
    recipient = delivery.recipient.replace(":", "-")
    return f"<{delivery.item.replace(':', '-')}.{recipient}.{delivery.channel}@{host}>"


def compose_article(delivery) -> Envelope | None:
    """The article as one channel's message; None when it no longer applies."""
    view = _article_view(delivery)
    if view is None:
        return None
    follower = delivery.follower
    channel = delivery.channel
    if channel == Channel.EMAIL and (
        follower is None or follower.email_state != ChannelState.ACTIVE
    ):
        return None
    if channel == Channel.SMS and (
        follower is None or follower.phone_state != ChannelState.ACTIVE
    ):
        return None
    if channel == Channel.PUSH and delivery.push_subscription_id is None:
        return None

    article, lead = view["article"], view["lead"]
    # `?z=` tells insights which channel brought the reader (lib/source_links).
    url = with_source(view["url"], channel)
    message = Envelope(
        subject=article.title,
        text=delivery.payload.get("text") or lead,
        url=url,
        image_url=view["image_url"],
        extra={"revision": delivery.payload.get("revision")},
    )
    if channel == Channel.EMAIL:
        _as_email(message, delivery, article, lead)
    elif channel == Channel.SMS:
        message.text = delivery.payload.get("text") or sms_text(article.title, url)
    elif channel == Channel.PUSH:
        message.text = Truncator(lead).chars(180)
    return message


def sms_text(title: str, url: str) -> str:
    return f"{Truncator(title).chars(100)} {url}"


def _as_email(message: Envelope, delivery, article, lead: str) -> None:
    follower, gmina = delivery.follower, delivery.gmina
    unsubscribe = unsubscribe_url(follower, Channel.EMAIL, gmina)
    context = {
        "gmina": gmina,
        "article": article,
        "lead": lead,
        "url": message.url,
        "image_url": message.image_url,
        "manage_url": manage_url(follower, gmina),
        "unsubscribe_url": unsubscribe,
    }
    message.text = render_to_string("emails/article-body-text.txt", context)
    message.html = render_to_string("emails/article-body-html.html", context)
    message.message_id = message_id(delivery)
    message.headers = {
        # RFC 2369 and RFC 8058: mail programs show a one-click "unsubscribe".
        "List-Unsubscribe": f"<{unsubscribe}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        "List-Id": f"{gmina.name} <aktualnosci.{gmina.site.hostname}>",
    }


def _list_headers(follower, gmina) -> tuple[str, dict]:
    unsubscribe = unsubscribe_url(follower, Channel.EMAIL, gmina)
    return unsubscribe, {
        # RFC 2369 and RFC 8058: mail programs show a one-click "unsubscribe".
        "List-Unsubscribe": f"<{unsubscribe}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        "List-Id": f"{gmina.name} <aktualnosci.{gmina.site.hostname}>",
    }


def compose_digest(delivery) -> Envelope | None:
    """The day's articles for one follower; None when nothing applies any more."""
    follower, gmina = delivery.follower, delivery.gmina
    if follower is None or follower.email_state != ChannelState.ACTIVE:
        return None
    ids = delivery.payload.get("articles") or []
    articles = list(
        ArticlePage.objects.live()
        .descendant_of(gmina.site.root_page)
        .filter(pk__in=ids)
        .order_by("first_published_at", "pk")
    )
    if not articles:
        return None
    contained = [a.pk for a in articles]
    if set(contained) != set(ids):
        # An article unpublished since planning is not in the e-mail: keep
        # what it holds, which insights counts as delivered (`reach`).
        delivery.payload = {**delivery.payload, "articles": contained}
        Delivery.objects.filter(pk=delivery.pk).update(payload=delivery.payload)
    entries = [
        {
            "title": a.title,
            "url": with_source(a.get_full_url(), Channel.EMAIL),
            "lead": a.lead or a.search_description or "",
        }
        for a in articles
    ]
    unsubscribe, headers = _list_headers(follower, gmina)
    context = {
        "gmina": gmina,
        "entries": entries,
        "manage_url": manage_url(follower, gmina),
        "unsubscribe_url": unsubscribe,
    }
    return Envelope(
        subject=f"{gmina.name}: nowe wpisy ({len(entries)})",
        text=render_to_string("emails/digest-body-text.txt", context),
        html=render_to_string("emails/digest-body-html.html", context),
        url=gmina.absolute_url("/"),
        message_id=message_id(delivery),
        headers=headers,
    )


def follow_email(follower, token: str | None):
    """The e-mail answering a sign-up: a confirmation link, or (for an
    address already following) the settings link. Same subject either way."""
    from email.utils import formataddr, parseaddr

    from django.conf import settings
    from django.core.mail import EmailMultiAlternatives

    gmina = follower.gmina
    context = {
        "gmina": gmina,
        "manage_url": manage_url(follower, gmina),
        "confirm_url": gmina.absolute_url(reverse("fans-confirm", args=[token]))
        if token
        else "",
        "hours": int(CONFIRMATION_TTL.total_seconds() // 3600),
    }
    name = "confirm" if token else "confirm-already"
    subject = render_to_string(f"emails/{name}-subject.txt", context)
    _, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    email = EmailMultiAlternatives(
        subject=" ".join(subject.split()),
        body=render_to_string(f"emails/{name}-body-text.txt", context),
        from_email=formataddr((gmina.name, address or settings.DEFAULT_FROM_EMAIL)),
        to=[follower.email],
        headers=gmina_headers(gmina.pk),
    )
    email.attach_alternative(
        render_to_string(f"emails/{name}-body-html.html", context), "text/html"
    )
    return email
