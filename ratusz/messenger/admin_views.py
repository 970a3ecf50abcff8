"""The staff inbox in the Wagtail admin ("Rozmowy").

Every staff role of a gmina (administrator, editor, author) may read and
answer its conversations; saved replies are managed by administrators and
editors; office hours and the mayor's "available this evening" switch by
administrators. Another gmina's rows are 404, never 403.

Live updates: `inbox_events` and `conversation_events` (async, Server-Sent
Events) only say that something changed; the page then fetches a
server-rendered fragment of itself. Without JavaScript everything works with
a reload.
"""

from __future__ import annotations

import json
import time
from datetime import datetime
from datetime import time as dtime

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, F, Q, Sum
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from wagtail.admin import messages

from ratusz.gminas.models import Gmina, Membership
from ratusz.gminas.permissions import get_rw_gmina
from ratusz.lib import live

from . import services
from .admin_forms import (
    WARSAW,
    AssignForm,
    DetailsForm,
    HolidayForm,
    InboxFilterForm,
    NoteForm,
    OfficeHoursForm,
    OnBehalfForm,
    ReplyForm,
    ResolveForm,
    SavedReplyForm,
    default_send_time,
)
from .models import Conversation, Holiday, Message, OfficeHours, SavedReply

PER_PAGE = 25
# Who may manage the gmina's saved replies.
SAVED_REPLY_ROLES = [Membership.Role.ADMIN, Membership.Role.EDITOR]
# An SSE stream closes after this long; EventSource reconnects on its own.
SSE_LIFETIME = 300.0
# A staff stream reads the database at most this often (seconds) while wake-ups
# pour in: every resident's message wakes every open inbox of the gmina.
SSE_SETTLE = 0.25
SSE_KEEPALIVE = 15.0


# --- access -----------------------------------------------------------------


def staff_gminas(user):
    return Gmina.objects.for_user(user).order_by("name")


def _get_gmina(request, gmina_id) -> Gmina:
    gmina = staff_gminas(request.user).filter(pk=gmina_id).first()
    if gmina is None:
        raise Http404
    return gmina


def _get_conversation(request, pk) -> Conversation:
    return get_object_or_404(
        Conversation.objects.select_related(
            "gmina", "gmina__site", "category", "village", "assignee", "created_by"
        ),
        pk=pk,
        gmina__in=staff_gminas(request.user),
    )


def unread_conversations(queryset):
    """Annotate each conversation with its resident messages staff have not
    seen (`unread`)."""
    return queryset.annotate(
        unread=Count(
            "messages",
            filter=Q(
                messages__author=Message.Author.RESIDENT,
                messages__pk__gt=F("staff_seen_message_id"),
            ),
        )
    )


def unread_total(user) -> int:
    conversations = Conversation.objects.filter(gmina__in=staff_gminas(user))
    total = unread_conversations(conversations).aggregate(n=Sum("unread"))["n"]
    return total or 0


def fill_placeholders(text: str, conversation: Conversation, user) -> str:
    """A saved reply with {imie}, {imie_nazwisko}, {sygnatura}, {gmina},
    {urzednik} filled in ({imie} is the first word of the resident's name)."""
    full_name = " ".join(conversation.resident_name.split())
    values = {
        "{imie_nazwisko}": full_name or "Szanowni Państwo",
        "{imie}": full_name.split(" ")[0] if full_name else "Szanowni Państwo",
        "{sygnatura}": conversation.reference,
        "{gmina}": conversation.gmina.name,
        "{urzednik}": user.get_full_name() or user.get_username(),
    }
    for key, value in values.items():
        text = text.replace(key, value)
    return text


def _update(conversation: Conversation, **fields) -> None:
    with transaction.atomic():
        for name, value in fields.items():
            setattr(conversation, name, value)
        conversation.save(update_fields=list(fields))
        services.publish_changed(conversation)


# --- the inbox list -----------------------------------------------------------


def inbox_index(request):
    gminas = list(staff_gminas(request.user))
    if len(gminas) == 1:
        return redirect("messenger-inbox", gminas[0].pk)
    if not gminas:
        raise PermissionDenied
    return render(request, "messenger/admin/pick_gmina.html", {"gminas": gminas})


def inbox(request, gmina_id):
    gmina = _get_gmina(request, gmina_id)
    form = InboxFilterForm(request.GET or None, gmina=gmina)
    conversations = form.filter(
        Conversation.objects.for_gmina(gmina).select_related(
            "category", "village", "assignee"
        ),
        request.user,
    )
    conversations = unread_conversations(conversations).order_by(
        "-last_message_at", "-pk"
    )
    page = Paginator(conversations, PER_PAGE).get_page(request.GET.get("p"))
    query = request.GET.copy()
    query.pop("p", None)
    query.pop("fragment", None)
    context = {
        "gmina": gmina,
        "form": form,
        "page": page,
        "query": query.urlencode(),
        "unread": unread_conversations(Conversation.objects.for_gmina(gmina)).aggregate(
            n=Sum("unread")
        )["n"]
        or 0,
        "gminas": staff_gminas(request.user),
    }
    if request.GET.get("fragment"):
        return render(request, "messenger/admin/_inbox_rows.html", context)
    context.update(
        hours=OfficeHours.objects.filter(gmina=gmina).first(),
        is_admin=Gmina.objects.administered_by(request.user)
        .filter(pk=gmina.pk)
        .exists(),
        now=timezone.now(),
    )
    return render(request, "messenger/admin/inbox.html", context)


# --- one conversation -----------------------------------------------------------


def _suggestions(conversation: Conversation):
    text = "\n".join(
        conversation.messages.filter(author=Message.Author.RESIDENT).values_list(
            "body", flat=True
        )
    )
    try:
        from ratusz.website.procedures import suggest_procedures
    except ImportError:
        return []
    site = conversation.gmina.site
    found = []
    for suggestion in suggest_procedures(site, text, limit=3):
        url = suggestion.url
        if url.startswith("/"):
            url = conversation.gmina.absolute_url(url)
        summary = (suggestion.summary or "").strip()
        # The link on a line of its own: a summary ends with a full stop, and
        # "…odbioru.: https://" reads like a typo.
        sentence = f"{suggestion.title} — {summary}" if summary else suggestion.title
        if not sentence.endswith((".", "?", "!", "…")):
            sentence += "."
        line = f"{sentence}\n{url}"
        found.append(
            {"title": suggestion.title, "summary": summary, "url": url, "text": line}
        )
    return found


def _insert(draft: str, text: str) -> str:
    draft = draft.rstrip()
    return f"{draft}\n\n{text}" if draft else text


def _saved_replies(conversation, user):
    return [
        {
            "pk": r.pk,
            "title": r.title,
            "text": fill_placeholders(r.body, conversation, user),
        }
        for r in SavedReply.objects.filter(gmina=conversation.gmina)
    ]


def conversation_view(request, pk):
    conversation = _get_conversation(request, pk)
    if request.GET.get("fragment") == "messages":
        return _render(request, conversation, "messenger/admin/_messages.html")
    if request.method != "POST":
        return _render(request, conversation)
    action = request.POST.get("action", "")
    draft = request.POST.get("body", "")
    if action == "insert_saved":
        chosen = next(
            (
                r
                for r in _saved_replies(conversation, request.user)
                if str(r["pk"]) == request.POST.get("saved_reply")
            ),
            None,
        )
        if chosen:
            draft = _insert(draft, chosen["text"])
    elif action.startswith("insert_suggestion_"):
        index = action.removeprefix("insert_suggestion_")
        suggestions = _suggestions(conversation)
        if index.isdigit() and int(index) < len(suggestions):
            draft = _insert(draft, suggestions[int(index)]["text"])
    else:
        return _conversation_action(request, conversation, action)
    # Without JavaScript: the draft comes back with the text added.
    return _render(
        request, conversation, reply_form=_reply_form(conversation.gmina, draft=draft)
    )


def _reply_form(gmina, *, draft="", data=None):
    suggested = timezone.localtime(default_send_time(gmina), WARSAW)
    initial = {
        "body": draft,
        "send_date": suggested.date(),
        "send_time": suggested.time().replace(second=0, microsecond=0),
    }
    return ReplyForm(data, initial=initial)


def _conversation_action(request, conversation, action):
    """The POST buttons of a conversation; each ends in a redirect back."""
    here = redirect("messenger-conversation", conversation.pk)
    gmina = conversation.gmina
    if action == "reply":
        form = ReplyForm(request.POST)
        if form.is_valid():
            try:
                message, _created = services.reply(
                    conversation,
                    request.user,
                    form.cleaned_data["body"],
                    send_at=form.cleaned_data["send_at"],
                    client_id=form.cleaned_data["client_id"] or None,
                )
            except ValidationError as error:
                form.add_error("body", error)
            else:
                if message.send_at and not message.published_at:
                    when = timezone.localtime(message.send_at, WARSAW)
                    messages.success(
                        request,
                        _("Odpowiedź zaplanowana na %s.")
                        % when.strftime("%d.%m.%Y %H:%M"),
                    )
                else:
                    messages.success(request, _("Odpowiedź wysłana."))
                return here
        return _render(request, conversation, reply_form=form)
    if action == "note":
        form = NoteForm(request.POST)
        if form.is_valid():
            try:
                services.add_note(conversation, request.user, form.cleaned_data["note"])
            except ValidationError as error:
                form.add_error("note", error)
            else:
                messages.success(request, _("Dodano notatkę wewnętrzną."))
                return here
        return _render(request, conversation, note_form=form)
    if action == "assign":
        form = AssignForm(request.POST, gmina=gmina)
        if form.is_valid():
            _update(conversation, assignee=form.cleaned_data["assignee"])
            messages.success(request, _("Zapisano, kto prowadzi sprawę."))
        else:
            messages.error(request, _("Tej osoby nie ma wśród pracowników gminy."))
        return here
    if action == "details":
        form = DetailsForm(request.POST, instance=conversation)
        if form.is_valid():
            _update(
                conversation,
                category=form.cleaned_data["category"],
                village=form.cleaned_data["village"],
            )
            messages.success(request, _("Zapisano kategorię i sołectwo."))
        else:
            messages.error(request, _("Wybierz kategorię i sołectwo z listy."))
        return here
    if action == "resolve":
        form = ResolveForm(request.POST)
        form.is_valid()
        services.set_status(
            conversation,
            Conversation.Status.RESOLVED,
            resolved_in_chat=form.cleaned_data.get("resolved_in_chat", False),
        )
        messages.success(request, _("Sprawa oznaczona jako załatwiona."))
        return here
    if action == "reopen":
        services.set_status(conversation, Conversation.Status.OPEN)
        messages.success(request, _("Sprawa otwarta ponownie."))
        return here
    if action == "cancel_scheduled":
        message = _scheduled_message(conversation, request.POST.get("message"))
        if message and services.cancel_scheduled(message):
            messages.success(request, _("Zaplanowana odpowiedź anulowana."))
        else:
            messages.error(request, _("Ta odpowiedź już wyszła albo nie istnieje."))
        return here
    if action == "rotate_reply_token":
        services.rotate_reply_token(conversation, by=request.user)
        messages.success(
            request,
            _(
                "Zmieniono adres do odpowiedzi e-mailem. Odpowiedzi na wcześniejsze "
                "e-maile trafią do nowej sprawy."
            ),
        )
        return here
    if action == "make_page":
        return _make_page(request, conversation)
    messages.error(request, _("Nieznana akcja."))
    return here


def _scheduled_message(conversation, pk):
    if not str(pk or "").isdigit():
        return None
    return conversation.messages.filter(
        pk=int(pk), published_at__isnull=True, send_at__isnull=False
    ).first()


def _make_page(request, conversation):
    pk = request.POST.get("message", "")
    message = None
    if pk.isdigit():
        message = conversation.messages.filter(
            pk=int(pk), author=Message.Author.STAFF, internal=False
        ).first()
    if message is None:
        raise Http404
    from ratusz.website import procedures

    title = conversation.subject or conversation.reference
    try:
        page = procedures.draft_procedure_from_answer(
            conversation.gmina.site, title, message.body, request.user
        )
    except (procedures.NoProcedureIndex, PermissionDenied) as error:
        messages.error(request, str(error))
        return redirect("messenger-conversation", conversation.pk)
    messages.success(
        request, _("Utworzono szkic strony w bazie wiedzy. Uzupełnij go i opublikuj.")
    )
    return redirect("wagtailadmin_pages:edit", page.pk)


def _render(
    request, conversation, template="messenger/admin/conversation.html", **forms
):
    messages_ = list(services.staff_messages(conversation))
    if messages_:
        # Opening the conversation (or its live refresh) marks it seen.
        services.mark_seen_by_staff(conversation, messages_[-1].pk)
    gmina = conversation.gmina
    context = {
        "conversation": conversation,
        "gmina": gmina,
        "conversation_messages": messages_,
        "last_id": messages_[-1].pk if messages_ else 0,
    }
    if template.endswith("conversation.html"):
        context.update(
            reply_form=forms.get("reply_form") or _reply_form(gmina),
            note_form=forms.get("note_form") or NoteForm(),
            assign_form=AssignForm(
                gmina=gmina, initial={"assignee": conversation.assignee_id}
            ),
            details_form=DetailsForm(instance=conversation),
            resolve_form=ResolveForm(
                initial={"resolved_in_chat": conversation.resolved_in_chat}
            ),
            saved_replies=_saved_replies(conversation, request.user),
            suggestions=_suggestions(conversation),
        )
    return render(request, template, context)


# --- on a resident's behalf -----------------------------------------------------


def on_behalf(request, gmina_id):
    gmina = _get_gmina(request, gmina_id)
    form = OnBehalfForm(request.POST or None, gmina=gmina)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            conversation, _m, _c = services.open_conversation(
                gmina,
                body=data["body"],
                source=Conversation.Source.STAFF,
                channel=Message.Channel.STAFF,
                resident_name=data["resident_name"],
                resident_email=data["resident_email"],
                resident_phone=data["resident_phone"],
                created_by=request.user,
                category=data["category"],
                village=data["village"],
            )
        except ValidationError as error:
            form.add_error("body", error)
        else:
            messages.success(
                request,
                _("Zapisano sprawę %s w imieniu mieszkańca.") % conversation.reference,
            )
            return redirect("messenger-conversation", conversation.pk)
    return render(
        request, "messenger/admin/on_behalf.html", {"gmina": gmina, "form": form}
    )


# --- saved replies --------------------------------------------------------------


def _get_rw_saved_gmina(request, gmina_id) -> Gmina:
    return get_rw_gmina(request, gmina_id, roles=SAVED_REPLY_ROLES)


def saved_replies(request, gmina_id):
    gmina = _get_gmina(request, gmina_id)
    can_edit = (
        Gmina.objects.administered_by(request.user, SAVED_REPLY_ROLES)
        .filter(pk=gmina.pk)
        .exists()
    )
    return render(
        request,
        "messenger/admin/saved_replies.html",
        {
            "gmina": gmina,
            "replies": SavedReply.objects.filter(gmina=gmina),
            "can_edit": can_edit,
        },
    )


def saved_reply_edit(request, gmina_id, pk=None):
    gmina = _get_rw_saved_gmina(request, gmina_id)
    reply = (
        get_object_or_404(SavedReply, pk=pk, gmina=gmina)
        if pk
        else SavedReply(gmina=gmina)
    )
    form = SavedReplyForm(request.POST or None, instance=reply)
    if request.method == "POST" and form.is_valid():
        saved = form.save(commit=False)
        if saved.created_by_id is None:
            saved.created_by = request.user
        saved.save()
        messages.success(request, _("Zapisano gotową odpowiedź."))
        return redirect("messenger-saved-replies", gmina.pk)
    return render(
        request,
        "messenger/admin/saved_reply_form.html",
        {"gmina": gmina, "form": form, "reply": reply},
    )


def saved_reply_delete(request, gmina_id, pk):
    gmina = _get_rw_saved_gmina(request, gmina_id)
    reply = get_object_or_404(SavedReply, pk=pk, gmina=gmina)
    if request.method == "POST":
        reply.delete()
        messages.success(request, _("Usunięto gotową odpowiedź."))
        return redirect("messenger-saved-replies", gmina.pk)
    return render(
        request,
        "messenger/admin/saved_reply_delete.html",
        {"gmina": gmina, "reply": reply},
    )


# --- office hours and the mayor's switch -------------------------------------------


def office_hours(request, gmina_id):
    gmina = get_rw_gmina(request, gmina_id)
    hours, _created = OfficeHours.objects.get_or_create(gmina=gmina)
    form = OfficeHoursForm(
        request.POST if request.POST.get("action") == "hours" else None,
        initial=OfficeHoursForm.initial_from(hours),
    )
    holiday_form = HolidayForm(
        request.POST if request.POST.get("action") == "holiday" else None
    )
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "hours" and form.is_valid():
            hours.weekly = form.cleaned_data["weekly"]
            hours.auto_reply = form.cleaned_data["auto_reply"]
            hours.save(update_fields=["weekly", "auto_reply"])
            messages.success(request, _("Zapisano godziny odpowiedzi."))
            return redirect("messenger-hours", gmina.pk)
        if action == "holiday" and holiday_form.is_valid():
            Holiday.objects.update_or_create(
                gmina=gmina,
                date=holiday_form.cleaned_data["date"],
                defaults={"name": holiday_form.cleaned_data["name"]},
            )
            messages.success(request, _("Dodano dzień wolny."))
            return redirect("messenger-hours", gmina.pk)
        if action == "delete_holiday":
            Holiday.objects.filter(
                gmina=gmina, pk=request.POST.get("holiday") or 0
            ).delete()
            messages.success(request, _("Usunięto dzień wolny."))
            return redirect("messenger-hours", gmina.pk)
    return render(
        request,
        "messenger/admin/office_hours.html",
        {
            "gmina": gmina,
            "form": form,
            "holiday_form": holiday_form,
            "holidays": Holiday.objects.filter(gmina=gmina),
            "hours": hours,
            "now": timezone.now(),
        },
    )


@require_POST
def availability(request, gmina_id):
    """The mayor's "Dostępny(-a) dziś wieczorem": until 23:59 today, or off."""
    gmina = get_rw_gmina(request, gmina_id)
    hours, _created = OfficeHours.objects.get_or_create(gmina=gmina)
    if request.POST.get("available") == "1":
        today = timezone.localtime(timezone.now(), WARSAW).date()
        hours.available_until = datetime.combine(today, dtime(23, 59), tzinfo=WARSAW)
        messages.success(
            request,
            _("Jesteś dostępny(-a) dziś do 23:59: odpowiedź automatyczna nie wyjdzie."),
        )
    else:
        hours.available_until = None
        messages.success(request, _("Wyłączono dostępność na dziś wieczór."))
    hours.save(update_fields=["available_until"])
    target = request.POST.get("next")
    if target == "inbox":
        return redirect("messenger-inbox", gmina.pk)
    return redirect("messenger-hours", gmina.pk)


# --- metrics --------------------------------------------------------------------


def stats(request, gmina_id):
    from . import metrics

    gmina = _get_gmina(request, gmina_id)
    data = metrics.conversation_stats(gmina)
    return render(
        request,
        "messenger/admin/stats.html",
        {
            "gmina": gmina,
            "stats": data,
            "total_rows": [data["total"]],
            "chart": metrics.week_chart(data["weeks"]),
        },
    )


# --- live updates (Server-Sent Events) ---------------------------------------------


def _sse_headers(response):
    response["Cache-Control"] = "private, no-store"
    response["X-Accel-Buffering"] = "no"
    return response


def _last_event_id(request) -> int:
    raw = request.headers.get("Last-Event-ID") or request.GET.get("after") or "0"
    return int(raw) if raw.isdigit() else 0


def _staff_user(request):
    user = request.user
    if not user.is_authenticated or not user.is_active:
        return None
    return user if user.has_perm("wagtailadmin.access_admin") else None


def _sse_event(event_id, data) -> str:
    return f"id: {event_id}\ndata: {json.dumps(data)}\n\n"


def _inbox_news(gmina_id, after_seq):
    """The gmina's messages after `after_seq`, in commit order (`Message.seq`:
    ids of different conversations may commit out of order)."""
    rows = list(
        Message.objects.filter(conversation__gmina_id=gmina_id, seq__gt=after_seq)
        .order_by("seq")
        .values_list("seq", "conversation__reference", "author", "internal")[:200]
    )
    return rows


async def inbox_events(request, gmina_id):
    # Every database read of a stream, its set-up included, goes through
    # live.poll: the request's own thread would keep its connection open
    # for as long as the stream lasts.
    user = await live.poll(_staff_user, request)
    if user is None:
        return HttpResponse(status=403)
    found = await live.poll(
        lambda: Gmina.objects.for_user(user).filter(pk=gmina_id).exists()
    )
    if not found:
        raise Http404
    after = _last_event_id(request)
    if after == 0:
        after = await live.poll(
            lambda: (
                Message.objects.filter(
                    conversation__gmina_id=gmina_id, seq__isnull=False
                )
                .order_by("-seq")
                .values_list("seq", flat=True)
                .first()
                or 0
            )
        )

    async def stream():
        last, started, quiet = after, time.monotonic(), time.monotonic()
        yield f"retry: 3000\nid: {last}\n\n"
        async with live.listen(services.inbox_group(gmina_id)) as listener:
            while time.monotonic() - started < SSE_LIFETIME:
                rows = await live.poll(_inbox_news, gmina_id, last)
                read_at = time.monotonic()
                if rows:
                    last = rows[-1][0]
                    resident = sorted(
                        {
                            ref
                            for _seq, ref, author, _i in rows
                            if author == Message.Author.RESIDENT
                        }
                    )
                    yield _sse_event(last, {"new": resident})
                    quiet = time.monotonic()
                events = await listener.wait_batch(
                    min(
                        live.poll_seconds(),
                        max(0.05, SSE_LIFETIME - (time.monotonic() - started)),
                    ),
                    not_before=read_at + SSE_SETTLE,
                )
                if any(not event.get("message") for event in events):
                    # A status, assignee or category change: no new id.
                    yield f"data: {json.dumps({'changed': True})}\n\n"
                elif time.monotonic() - quiet > SSE_KEEPALIVE:
                    yield ": keepalive\n\n"
                    quiet = time.monotonic()

    return _sse_headers(
        StreamingHttpResponse(stream(), content_type="text/event-stream")
    )


async def conversation_events(request, pk):
    user = await live.poll(_staff_user, request)
    if user is None:
        return HttpResponse(status=403)
    found = await live.poll(
        lambda: (
            Conversation.objects.filter(pk=pk, gmina__in=Gmina.objects.for_user(user))
            .values_list("gmina_id", flat=True)
            .first()
        )
    )
    if found is None:
        raise Http404
    after = _last_event_id(request)

    def news(last):
        return list(
            Message.objects.filter(conversation_id=pk, pk__gt=last)
            .order_by("pk")
            .values_list("pk", "author")[:200]
        )

    async def stream():
        last, started, quiet = after, time.monotonic(), time.monotonic()
        yield "retry: 3000\n\n"
        groups = (services.conversation_group(pk), services.inbox_group(found))
        async with live.listen(*groups) as listener:
            while time.monotonic() - started < SSE_LIFETIME:
                rows = await live.poll(news, last)
                read_at = time.monotonic()
                if rows:
                    last = rows[-1][0]
                    resident = sum(
                        1 for _pk, author in rows if author == Message.Author.RESIDENT
                    )
                    yield _sse_event(last, {"resident": resident})
                    quiet = time.monotonic()
                events = await listener.wait_batch(
                    min(
                        live.poll_seconds(),
                        max(0.05, SSE_LIFETIME - (time.monotonic() - started)),
                    ),
                    not_before=read_at + SSE_SETTLE,
                )
                if any(
                    event.get("conversation") == pk and not event.get("message")
                    for event in events
                ):
                    yield f"data: {json.dumps({'changed': True})}\n\n"
                elif time.monotonic() - quiet > SSE_KEEPALIVE:
                    yield ": keepalive\n\n"
                    quiet = time.monotonic()

    return _sse_headers(
        StreamingHttpResponse(stream(), content_type="text/event-stream")
    )


def inbox_url(gmina) -> str:
    return reverse("messenger-inbox", args=[gmina.pk])
