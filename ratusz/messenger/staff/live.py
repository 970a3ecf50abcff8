"""The inbox's live streams (Server-Sent Events, async): they only say that
something changed; the page then fetches a server-rendered fragment of
itself. Both run `lib.live.stream`; these views check login, admin access
and the gmina themselves (Wagtail's admin decorator is synchronous)."""

from __future__ import annotations

from functools import partial

from django.conf import settings
from django.http import Http404, HttpResponse

from ratusz.gminas.models import Gmina
from ratusz.lib import live

from .. import services
from ..models import Conversation, Message
from .access import staff_user

# A staff stream reads the database at most this often (seconds) while wake-ups
# pour in: every resident's message wakes every open inbox of the gmina.
LIVE_SETTLE = 0.25
# A stream's read returns at most this many messages (the next read follows).
LIVE_BATCH = 200


def inbox_news(gmina_id, after_seq):
    """The gmina's messages after `after_seq`, in commit order (`Message.seq`:
    ids of different conversations may commit out of order)."""
    rows = list(
        Message.objects.filter(conversation__gmina_id=gmina_id, seq__gt=after_seq)
        .order_by("seq")
        .values_list("seq", "conversation__reference", "author", "internal")[
            :LIVE_BATCH
        ]
    )
    return rows


def _inbox_frames(gmina_id, after_seq) -> live.News:
    rows = inbox_news(gmina_id, after_seq)
    if not rows:
        return live.News(after_seq, [])
    last = rows[-1][0]
    resident = sorted(
        {ref for _seq, ref, author, _i in rows if author == Message.Author.RESIDENT}
    )
    frames = [live.frame({"new": resident}, event_id=last)]
    return live.News(last, frames, more=len(rows) == LIVE_BATCH)


def newest_seq(gmina_id) -> int:
    """The gmina's last message in commit order (the inbox page's stream
    starts after it: what commits while the page loads is still reported)."""
    return (
        Message.objects.filter(conversation__gmina_id=gmina_id, seq__isnull=False)
        .order_by("-seq")
        .values_list("seq", flat=True)
        .first()
        or 0
    )


def _changed(events, *, conversation_id=None) -> list[str]:
    """A status, assignee or category change (a wake-up without a message):
    one frame without an id."""
    for event in events:
        if event.get("message"):
            continue
        if conversation_id is None or event.get("conversation") == conversation_id:
            return [live.frame({"changed": True})]
    return []


async def inbox_events(request, gmina_id):
    # Every database read of a stream, its set-up included, goes through
    # live.poll: the request's own thread would keep its connection open
    # for as long as the stream lasts.
    user = await live.poll(staff_user, request)
    if user is None:
        return HttpResponse(status=403)
    found = await live.poll(
        lambda: Gmina.objects.for_user(user).filter(pk=gmina_id).exists()
    )
    if not found:
        raise Http404
    # The page names where to start (`?after=`): without it, from now on.
    resumes = request.headers.get("Last-Event-ID") or request.GET.get(
        live.RESUME_PARAMETER
    )
    after = (
        live.resume_id(request) if resumes else await live.poll(newest_seq, gmina_id)
    )
    frames = live.stream(
        partial(_inbox_frames, gmina_id),
        after=after,
        groups=[services.inbox_group(gmina_id)],
        lifetime=settings.MESSENGER_SSE_LIFETIME,
        settle=LIVE_SETTLE,
        on_wake=_changed,
    )
    return live.response(frames)


def _conversation_frames(pk, last) -> live.News:
    rows = list(
        Message.objects.filter(conversation_id=pk, pk__gt=last)
        .order_by("pk")
        .values_list("pk", "author")[:LIVE_BATCH]
    )
    if not rows:
        return live.News(last, [])
    last = rows[-1][0]
    resident = sum(1 for _pk, author in rows if author == Message.Author.RESIDENT)
    frames = [live.frame({"resident": resident}, event_id=last)]
    return live.News(last, frames, more=len(rows) == LIVE_BATCH)


async def conversation_events(request, pk):
    user = await live.poll(staff_user, request)
    if user is None:
        return HttpResponse(status=403)
    gmina_id = await live.poll(
        lambda: (
            Conversation.objects.filter(pk=pk, gmina__in=Gmina.objects.for_user(user))
            .values_list("gmina_id", flat=True)
            .first()
        )
    )
    if gmina_id is None:
        raise Http404
    frames = live.stream(
        partial(_conversation_frames, pk),
        after=live.resume_id(request),
        groups=[services.conversation_group(pk), services.inbox_group(gmina_id)],
        lifetime=settings.MESSENGER_SSE_LIFETIME,
        settle=LIVE_SETTLE,
        on_wake=partial(_changed, conversation_id=pk),
    )
    return live.response(frames)
