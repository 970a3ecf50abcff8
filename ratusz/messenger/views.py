"""The resident's side: "Napisz do urzędu", the private conversation page,
its live stream (Server-Sent Events) and attachments.

The conversation page is opened by its 256-bit token alone (no account), so
every answer that names a token is private (`Cache-Control: private,
no-store`), sends no referrer to other sites (the token is in the URL) and
is not indexed.
A wrong token is the site's ordinary 404; too many wrong tokens from one
address give 429 for a while.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from functools import partial

from django.conf import settings
from django.db import OperationalError, transaction
from django.http import (
    Http404,
    HttpResponse,
    HttpResponseNotAllowed,
    HttpResponseRedirect,
    JsonResponse,
)
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods

from ratusz.gminas.models import Gmina
from ratusz.lib import live, ratelimit
from ratusz.lib.client_ip import client_network
from ratusz.website.views import page_not_found

from . import attachments, challenge, services
from .forms import CONSENT_VERSION, ReplyForm, WriteForm, consent_text, new_client_id
from .models import Attachment, Conversation, Message

logger = logging.getLogger(__name__)

_TOKEN = re.compile(r"[A-Za-z0-9_-]{20,64}")
RATE_PERIOD = 3600
BAD_TOKEN_PERIOD = 600
# Any body this much larger than an attachment may be is refused unread.
UPLOAD_SLACK = 256 * 1024


# services.resident_limit_reached → (field, Polish message).
_LIMIT_ERRORS = {
    "replies": (
        "body",
        _lazy(
            "W tej rozmowie wysłano w ciągu godziny bardzo dużo wiadomości. "
            "Poczekaj chwilę i spróbuj ponownie – tekst został zachowany."
        ),
    ),
    "uploads": (
        "attachment",
        _lazy(
            "Do tej rozmowy dodano dziś już bardzo dużo plików. Wyślij wiadomość "
            "bez załącznika albo dodaj plik jutro."
        ),
    ),
}


class _RateLimited(Exception):
    pass


def _bad_token_key(request) -> str:
    return f"messenger:bad-token:{client_network(request)}"


def _find_conversation(request, token: str) -> Conversation:
    """The conversation a private link names, in this site's gmina.

    The token is looked up first: a resident's valid link keeps working
    even when others behind the same address have guessed wrong (a shared
    network, a neighbour's phone). Anything else raises Http404 (counted),
    or _RateLimited once the address has guessed wrong too often.
    """
    gmina = Gmina.for_request_or_404(request)
    conversation = None
    if _TOKEN.fullmatch(token):
        # The unique index finds it; the token is never compared in Python.
        conversation = (
            Conversation.objects.filter(token=token, gmina=gmina)
            .select_related("gmina")
            .first()
        )
    if conversation is not None:
        return conversation
    if ratelimit.count(_bad_token_key(request), BAD_TOKEN_PERIOD) > (
        settings.MESSENGER_BAD_TOKENS_PER_IP
    ):
        raise _RateLimited
    raise Http404


def _private(response):
    response["Cache-Control"] = "private, no-store"
    # The token must not reach other sites. Not "no-referrer": with it the
    # browser sends "Origin: null" with the reply form and CSRF refuses it.
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex"
    return response


def _too_many(request):
    response = render(request, "messenger/public/too_many.html", status=429)
    response["Retry-After"] = str(BAD_TOKEN_PERIOD)
    return _private(response)


def _resident(view):
    """Resolve the token; wrong → the site's 404, too many wrong → 429."""

    def wrapped(request, token, *args, **kwargs):
        try:
            conversation = _find_conversation(request, token)
        except _RateLimited:
            return _too_many(request)
        except Http404:
            return _private(page_not_found(request))
        return _private(view(request, conversation, *args, **kwargs))

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


def _over_limits(request, gmina) -> tuple[bool, bool]:
    """(this client's network is over its limit, the gmina is over its own).

    Both are counted, so one cannot be used to probe the other. The first
    refuses that network; the second only asks a question (`challenge`).
    """
    by_network = ratelimit.count(
        f"messenger:write:ip:{client_network(request)}", RATE_PERIOD
    )
    by_gmina = ratelimit.count(f"messenger:write:gmina:{gmina.pk}", RATE_PERIOD)
    return (
        by_network > settings.MESSENGER_RATE_PER_IP,
        by_gmina > settings.MESSENGER_RATE_PER_GMINA,
    )


def conversation_path(conversation: Conversation) -> str:
    return reverse("messenger-resident", args=[conversation.token])


def _earlier_submit(gmina, client_id):
    if not client_id:
        return None
    message = (
        Message.objects.filter(
            conversation__gmina=gmina,
            client_id=client_id,
            author=Message.Author.RESIDENT,
        )
        .select_related("conversation")
        .first()
    )
    return message.conversation if message else None


def _see_other(url: str) -> HttpResponseRedirect:
    response = HttpResponseRedirect(url)
    response.status_code = 303  # POST, then GET the page
    return response


@never_cache
@require_http_methods(["GET", "POST"])
def write(request):
    gmina = Gmina.for_request_or_404(request)
    return write_form(request, gmina, template="messenger/public/write.html")


def _open(gmina, **fields) -> Conversation:
    conversation, _message, _created = services.open_conversation(gmina, **fields)
    return conversation


def write_form(
    request,
    gmina,
    *,
    template: str,
    context: dict | None = None,
    open_conversation: Callable[..., Conversation] = _open,
):
    """The "Napisz do urzędu" flow for any page that opens a conversation:
    the form, its validation, the honeypot, a double submit, the limits per
    network and per gmina (with the question for people) and the redirect
    to the private page.

    `open_conversation(gmina, **fields)` opens it (another app's form wraps
    `services.open_conversation` to link what the conversation is about);
    `template` gets `form`, `form_action`, `consent_text`, `challenge` and
    `context`. The caller's view is `never_cache` and GET/POST only.
    """
    form = WriteForm(request.POST or None, initial={"client_id": new_client_id()})
    status = 200
    over_network, question = False, None
    if request.method == "POST" and form.is_valid():
        if form.is_bot():
            return render(request, "messenger/public/thanks.html")
        data = form.cleaned_data
        # A second click or a retried POST: the conversation it already opened.
        earlier = _earlier_submit(gmina, data["client_id"])
        if earlier is not None:
            return _see_other(conversation_path(earlier))
        over_network, over_gmina = _over_limits(request, gmina)
        solved = not over_gmina or challenge.passed(
            request.POST.get("challenge", ""), request.POST.get("answer", "")
        )
        if not over_network and solved:
            notify = form.notify()
            conversation = open_conversation(
                gmina,
                body=data["body"],
                resident_name=data["name"],
                resident_email=data["email"] if notify else "",
                resident_phone=data["phone"] if notify else "",
                notify=notify,
                consent_version=CONSENT_VERSION,
                client_id=data["client_id"],
            )
            return _see_other(conversation_path(conversation))
        status = 429
        if over_network:
            form.add_error(
                None,
                _(
                    "Za dużo wiadomości z tego adresu. Spróbuj ponownie za godzinę "
                    "albo zadzwoń do urzędu."
                ),
            )
        else:
            question = challenge.new()
            if request.POST.get("answer", "").strip():
                form.add_error(
                    None, _("To nie jest dobra odpowiedź. Spróbuj jeszcze raz.")
                )
            else:
                form.add_error(
                    None,
                    _(
                        "Do urzędu pisze teraz bardzo dużo osób. Aby wysłać "
                        "wiadomość, odpowiedz na pytanie pod formularzem – to, co "
                        "wpisano, zostało zachowane."
                    ),
                )
    elif request.method == "POST":
        status = 400
    context = {
        **(context or {}),
        "form": form,
        "form_action": request.path,
        "consent_text": consent_text(gmina),
        "challenge": question,
    }
    return render(request, template, context, status=status)


# --- the conversation page ---------------------------------------------------


def _render_message(message, conversation, request=None) -> str:
    return render_to_string(
        "messenger/public/_message.html",
        {"message": message, "conversation": conversation},
        request=request,
    )


def _wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


@transaction.atomic
def _store_reply(conversation, data) -> tuple[Message, bool]:
    message, created = services.receive(
        conversation, data["body"], client_id=data["client_id"]
    )
    if created and data.get("attachment") is not None:
        attachments.store(message, data["attachment"])
    return message, created


@csrf_exempt  # checked by _conversation: the upload handler must come first
@require_http_methods(["GET", "HEAD", "POST"])
def conversation(request, token):
    if request.method == "POST":
        length = request.META.get("CONTENT_LENGTH") or "0"
        limit = attachments.max_bytes() + UPLOAD_SLACK
        if not length.isdigit() or int(length) > limit:
            return _too_large(request, token)
        request.upload_handlers.insert(0, attachments.upload_handler(request))
    return _conversation(request, token)


def _too_large(request, token):
    try:
        _find_conversation(request, token)
    except _RateLimited:
        return _too_many(request)
    except Http404:
        return _private(page_not_found(request))
    message = _("Plik jest za duży: najwyżej %(mb)d MB.") % {
        "mb": attachments.max_bytes() // (1024 * 1024)
    }
    if _wants_json(request):
        response = JsonResponse({"errors": {"attachment": [message]}}, status=413)
    else:
        response = render(
            request, "messenger/public/too_large.html", {"error": message}, status=413
        )
    # The body was not read: the connection cannot be reused.
    response["Connection"] = "close"
    return _private(response)


@csrf_protect
@_resident
def _conversation(request, conversation):
    form = ReplyForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        initial={"client_id": new_client_id()},
    )
    status = 200
    if request.method == "POST":
        limit = form.is_valid() and services.resident_limit_reached(
            conversation,
            form.cleaned_data["client_id"],
            form.cleaned_data.get("attachment") is not None,
        )
        if limit:
            # Shown on the field, with what was typed kept in the form.
            form.add_error(*_LIMIT_ERRORS[limit])
        if form.is_valid():
            message, _created = _store_reply(conversation, form.cleaned_data)
            if _wants_json(request):
                # No request: the fragment needs none of the page's context.
                html = _render_message(message, conversation)
                return JsonResponse({"id": message.pk, "html": html}, status=200)
            return _see_other(f"{conversation_path(conversation)}#w{message.pk}")
        status = 429 if limit else 400
        if _wants_json(request):
            errors = {k: [str(e) for e in v] for k, v in form.errors.items()}
            return JsonResponse({"errors": errors}, status=status)
    messages = list(services.resident_messages(conversation))
    last_id = messages[-1].pk if messages else 0
    if last_id:
        services.mark_seen_by_resident(conversation, last_id)
    context = {
        "conversation": conversation,
        "messages": messages,
        "form": form,
        "last_id": last_id,
        "page_url": request.build_absolute_uri(conversation_path(conversation)),
        "events_url": reverse("messenger-resident-events", args=[conversation.token]),
        "accept": attachments.ACCEPT,
        "max_mb": attachments.max_bytes() // (1024 * 1024),
        "max_bytes": attachments.max_bytes(),
        "too_big_text": _("Plik jest za duży: najwyżej %(mb)d MB.")
        % {"mb": attachments.max_bytes() // (1024 * 1024)},
    }
    return render(request, "messenger/public/conversation.html", context, status=status)


@require_http_methods(["GET", "HEAD"])
@_resident
def attachment(request, conversation, pk):
    found = Attachment.objects.filter(
        pk=pk,
        message__conversation=conversation,
        message__internal=False,
        message__published_at__isnull=False,
    ).first()
    if found is None:
        raise Http404
    return attachments.serve(found)


@require_http_methods(["GET", "HEAD"])
def staff_attachment(request, pk):
    """The same file for staff of the conversation's gmina (404 for others)."""
    gminas = Gmina.objects.for_user(request.user)
    found = (
        Attachment.objects.filter(pk=pk, message__conversation__gmina__in=gminas)
        .select_related("message__conversation")
        .first()
    )
    if found is None:
        raise Http404
    return attachments.serve(found)


# --- live: Server-Sent Events ------------------------------------------------

# A read sends at most this many messages; a full batch is followed at once.
LIVE_BATCH = 50


def _resolve_for_events(request, token):
    try:
        return _find_conversation(request, token)
    except _RateLimited:
        return _too_many(request)
    except Http404:
        return _private(page_not_found(request))


def _mark_seen(conversation, message_id: int) -> None:
    # Best effort: "seen" only feeds the inbox's read marks, and a stream
    # must not fail because the database was busy writing messages.
    try:
        services.mark_seen_by_resident(conversation, message_id)
    except OperationalError:
        logger.info("seen mark of %s skipped: database busy", conversation.pk)


def _new_messages(conversation, after_id: int) -> live.News:
    """What the resident has not seen: each message as {"id", "html"}."""
    messages = list(services.resident_messages(conversation, after_id)[:LIVE_BATCH])
    if not messages:
        return live.News(after_id, [])
    last_id = messages[-1].pk
    if any(message.author != Message.Author.RESIDENT for message in messages):
        # "Seen" marks answers only: the resident's own messages would cost a
        # write each and tell staff nothing.
        _mark_seen(conversation, last_id)
    frames = [
        live.frame(
            {"id": message.pk, "html": _render_message(message, conversation)},
            event_id=message.pk,
        )
        for message in messages
    ]
    return live.News(last_id, frames, more=len(messages) == LIVE_BATCH)


async def events(request, token):
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    # Through live.poll, like the stream's reads: the request's own thread
    # would keep its connection open for as long as the stream lasts.
    found = await live.poll(_resolve_for_events, request, token)
    if isinstance(found, HttpResponse):
        return found
    frames = live.stream(
        partial(_new_messages, found),
        after=live.resume_id(request),
        groups=[services.conversation_group(found.pk)],
        lifetime=settings.MESSENGER_SSE_LIFETIME,
    )
    return _private(live.response(frames))
