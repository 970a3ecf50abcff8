"""The article's "Powiadomienia" screen: what fans planned for it, its progress,
problems and retry, and the preview on each channel.

The rows are the outbox's (`outbox.services.progress`, `retry`,
`paused_channels`); which rows belong to the article, and what it says to
followers, is this app's.

Who sees what (decided for the fans issue):
- administrators and editors of the article's gmina (and superusers) see
  everything and may retry;
- authors of the gmina see the counts and the previews only: no recipient
  rows, and a retry POST is refused (403);
- anyone else, staff of another gmina included, gets 404.
"""

from __future__ import annotations

from urllib.parse import quote, urlsplit

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from ratusz.gminas.models import Gmina, Membership
from ratusz.lib.dates import WARSAW
from ratusz.outbox import registry
from ratusz.outbox import services as outbox
from ratusz.outbox.models import Channel, Delivery
from ratusz.website.models import ArticlePage

from .planning import PAGE_CHANNELS, article_item, digest_readers
from .previews import article_previews
from .registry import article_links

State = Delivery.State
READ_WRITE = {Membership.Role.ADMIN, Membership.Role.EDITOR}
# Rows listed under "problems"; the rest are counted, not shown.
PROBLEMS_SHOWN = 200
FOLLOWER_CHANNELS = (Channel.EMAIL, Channel.SMS, Channel.PUSH)


def _role(user, gmina) -> str | None:
    if user.is_superuser:
        return Membership.Role.ADMIN
    return (
        Membership.objects.filter(gmina=gmina, user=user)
        .values_list("role", flat=True)
        .first()
    )


def _get_article(request, page_id: int):
    """Return (article, gmina, can_retry) if the user is staff of its gmina."""
    page = get_object_or_404(ArticlePage, pk=page_id)
    gmina = Gmina.objects.for_page(page)
    role = _role(request.user, gmina) if gmina else None
    if role is None:
        raise Http404
    return page, gmina, role in READ_WRITE


def _get_rw_article(request, page_id: int):
    page, gmina, can_retry = _get_article(request, page_id)
    if not can_retry:
        raise PermissionDenied
    return page, gmina


def _deliveries(page, gmina):
    return Delivery.objects.filter(gmina=gmina, item=article_item(page))


def pause_notice(breaker) -> str:
    """'E-mail: wysyłka wstrzymana do 23:41:05 po 10 błędach z rzędu — …'."""
    label = dict(Channel.choices).get(breaker.channel, breaker.channel)
    until = timezone.localtime(breaker.open_until).strftime("%H:%M:%S")
    return (
        f"{label[:1].upper()}{label[1:]}: wysyłka wstrzymana do {until} "
        f"po {breaker.failures} błędach z rzędu — wznowimy ją automatycznie."
    )


def _paused(gmina, summary) -> list:
    """Open breakers of the channels this article uses."""
    return [
        breaker
        for breaker in outbox.paused_channels(gmina)
        if summary["channels"].get(breaker.channel, {}).get("total")
    ]


def _summary(deliveries) -> dict:
    counts = outbox.progress(deliveries)
    channels = {}
    for channel in Channel:
        states = {
            state.value: counts.get(channel.value, {}).get(state, 0) for state in State
        }
        total = sum(states.values())
        done = total - states[State.PENDING] - states[State.SENDING]
        channels[channel.value] = {
            **states,
            "total": total,
            "done": done,
            "percent": round(100 * done / total) if total else 0,
        }
    totals = {
        state.value: sum(c[state.value] for c in channels.values()) for state in State
    }
    return {
        "channels": channels,
        "total": sum(totals.values()),
        "active": bool(totals[State.PENDING] + totals[State.SENDING]),
        "failed": totals[State.FAILED],
        "unknown": totals[State.UNKNOWN],
    }


def warsaw_time(value) -> str:
    """'3.12.2026, 23:41' in Warsaw time."""
    local = timezone.localtime(value, WARSAW)
    return f"{local.day}.{local:%m.%Y, %H:%M}"


def status_text(page, gmina, summary) -> str:
    """The sentence at the top of the screen: what happens to the messages.

    "Wysyłka zakończona." only when something was planned and is done; an
    article that is not live yet, or that nobody follows, says so instead.
    """
    if summary["active"]:
        return (
            "Trwa wysyłka – liczby odświeżają się same co 2 sekundy "
            "(lub odśwież stronę)."
        )
    for_followers = sum(summary["channels"][c]["total"] for c in FOLLOWER_CHANNELS)
    if not page.live and not summary["total"]:
        scheduled = page.scheduled_revision
        if scheduled is not None:
            return (
                f"Zaplanowano na {warsaw_time(scheduled.approved_go_live_at)}. "
                "Powiadomienia wyślemy, gdy artykuł zostanie opublikowany."
            )
        return (
            "Artykuł nie jest opublikowany – powiadomienia wyślemy, "
            "gdy zostanie opublikowany."
        )
    if page.live and not for_followers:
        if not page.notify_followers:
            return "Przy publikacji wyłączono powiadamianie obserwujących."
        readers = digest_readers(page, gmina)
        if readers:
            return (
                f"Obserwujący, którzy wybrali e-mail raz dziennie ({readers}), "
                "dostaną ten artykuł w najbliższym podsumowaniu."
            )
        return "Żaden obserwujący nie pasuje do kategorii i sołectw tego artykułu."
    return "Wysyłka zakończona."


def unconnected(gmina) -> list[dict]:
    """'Facebook: nie połączono – Ustawienia → Facebook', with the link."""
    labels = dict(Channel.choices)
    connections = registry.connections()
    result = []
    for channel in outbox.unconnected_channels(gmina):
        connection = connections[channel]
        result.append(
            {
                "channel": channel,
                "label": labels[channel],
                "menu": f"Ustawienia → {connection.settings_menu}",
                "url": reverse(connection.settings_url, args=[gmina.pk]),
            }
        )
    return result


def mask_email(email: str) -> str:
    local, _, domain = email.partition("@")
    return f"{local[:1]}***@{domain}" if domain else "***"


def mask_phone(phone: str) -> str:
    return f"*** *** {phone[-3:]}" if len(phone) > 3 else "***"


def recipient_label(row: Delivery) -> str:
    """Who a row is for, with no more personal data than staff need."""
    if row.recipient == "page":
        return "profil gminy"
    follower = row.follower
    if row.channel == Channel.PUSH:
        endpoint = row.push_subscription.endpoint if row.push_subscription else ""
        host = urlsplit(endpoint).hostname
        return f"przeglądarka ({host})" if host else "przeglądarka (usunięta)"
    if follower is None:
        return "obserwujący usunięty"
    if row.channel == Channel.SMS and follower.phone:
        return mask_phone(follower.phone)
    if follower.email:
        return mask_email(follower.email)
    return f"obserwujący #{follower.pk}"


def remote_link(row: Delivery, gmina) -> str:
    """The public address of a post on the gmina's page or account, if known."""
    remote = row.remote_id
    if not remote:
        return ""
    if remote.startswith("https://"):
        return remote
    if row.channel == Channel.FACEBOOK:
        return f"https://www.facebook.com/{quote(remote, safe='')}"
    if row.channel == Channel.MASTODON and gmina.mastodon_url:
        return f"{gmina.mastodon_url.rstrip('/')}/{quote(remote, safe='')}"
    return ""


@require_GET
def article(request, page_id):
    page, gmina, can_retry = _get_article(request, page_id)
    deliveries = _deliveries(page, gmina)
    summary = _summary(deliveries)
    labels = dict(Channel.choices)
    channels = [
        {"key": key, "label": labels[key], **data}
        for key, data in summary["channels"].items()
    ]
    posts = [
        {"row": row, "link": remote_link(row, gmina), "label": labels[row.channel]}
        for row in deliveries.filter(channel__in=PAGE_CHANNELS, recipient="page")
    ]
    problems, waiting = [], []
    waiting_rows = deliveries.waiting_for_retry()
    if can_retry:
        waiting = [
            {
                "row": row,
                "recipient": recipient_label(row),
                "label": labels[row.channel],
                "next_try": warsaw_time(row.next_attempt_at),
            }
            for row in waiting_rows.select_related(
                "follower", "push_subscription"
            ).order_by("next_attempt_at", "pk")[:PROBLEMS_SHOWN]
        ]
        rows = (
            deliveries.filter(state__in=[State.FAILED, State.UNKNOWN])
            .select_related("follower", "push_subscription")
            .order_by("state", "channel", "pk")[:PROBLEMS_SHOWN]
        )
        problems = [
            {
                "row": row,
                "recipient": recipient_label(row),
                "label": labels[row.channel],
            }
            for row in rows
        ]
    return render(
        request,
        "fans/admin/notifications.html",
        {
            "page": page,
            "gmina": gmina,
            "can_retry": can_retry,
            "summary": summary,
            "channels": channels,
            "posts": posts,
            "links": [
                {"label": link.label, "url": reverse(link.url_name, args=[page.pk])}
                for link in article_links()
            ],
            "problems": problems,
            "waiting": waiting,
            "waiting_count": waiting_rows.count(),
            "status": status_text(page, gmina, summary),
            "unconnected": unconnected(gmina),
            "problems_hidden": summary["failed"] + summary["unknown"] - len(problems),
            "paused": [
                {"breaker": b, "notice": pause_notice(b)}
                for b in _paused(gmina, summary)
            ],
        },
    )


@require_GET
def progress(request, page_id):
    page, gmina, _ = _get_article(request, page_id)
    summary = _summary(_deliveries(page, gmina))
    summary["paused"] = [pause_notice(b) for b in _paused(gmina, summary)]
    summary["status"] = status_text(page, gmina, summary)
    response = JsonResponse(summary)
    response["Cache-Control"] = "no-store"
    return response


@require_POST
def retry(request, page_id):
    page, gmina = _get_rw_article(request, page_id)
    state = request.POST.get("state")
    channel = request.POST.get("channel", "")
    if state not in (State.FAILED, State.UNKNOWN) or (
        channel and channel not in Channel.values
    ):
        messages.error(request, "Nieprawidłowe żądanie ponowienia wysyłki.")
        return redirect("fans-notifications", page.pk)
    rows = _deliveries(page, gmina).filter(state=state)
    if channel:
        rows = rows.filter(channel=channel)
    if state == State.UNKNOWN and request.POST.get("confirm") != "yes":
        # These may have reached people already: ask before sending again.
        return render(
            request,
            "fans/admin/notifications_retry_unknown.html",
            {"page": page, "count": rows.count(), "channel": channel},
        )
    with transaction.atomic():
        count = outbox.retry(rows)
    if count:
        messages.success(request, f"Ponowiono wysyłkę: {count}.")
    else:
        messages.info(request, "Nie było czego ponawiać.")
    return redirect("fans-notifications", page.pk)


@require_GET
def preview(request, page_id):
    page, gmina, can_retry = _get_article(request, page_id)
    draft = page.get_latest_revision_as_object()
    return render(
        request,
        "fans/admin/notifications_preview.html",
        {
            "page": page,
            "draft": draft,
            "gmina": gmina,
            "previews": article_previews(draft, gmina),
            "edit_url": reverse("wagtailadmin_pages:edit", args=[page.pk]),
        },
    )
