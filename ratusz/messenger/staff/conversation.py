"""One conversation: the page (and its live fragment), and one small view
per action on it. Each action view is: access helper → form → one service
call → redirect back (or the page again with the form's errors)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from wagtail.admin import messages

from ratusz.website import procedures

from .. import services
from ..models import Conversation, Message, SavedReply
from ..subjects import subjects_of
from .access import get_conversation
from .forms import (
    WARSAW,
    AssignForm,
    DetailsForm,
    NoteForm,
    ReplyForm,
    ResolveForm,
    default_send_time,
)


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


def _suggestions(conversation: Conversation):
    text = "\n".join(
        conversation.messages.filter(author=Message.Author.RESIDENT).values_list(
            "body", flat=True
        )
    )
    site = conversation.gmina.site
    found = []
    for suggestion in procedures.suggest_procedures(site, text, limit=3):
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


def _saved_replies(conversation, user):
    return [
        {
            "pk": r.pk,
            "title": r.title,
            "text": fill_placeholders(r.body, conversation, user),
        }
        for r in SavedReply.objects.filter(gmina=conversation.gmina)
    ]


def _reply_form(gmina, *, draft="", data=None):
    suggested = timezone.localtime(default_send_time(gmina), WARSAW)
    initial = {
        "body": draft,
        "send_date": suggested.date(),
        "send_time": suggested.time().replace(second=0, microsecond=0),
    }
    return ReplyForm(data, initial=initial)


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
            subjects=subjects_of(conversation, request.user),
        )
    return render(request, template, context)


def _back(conversation):
    return redirect("messenger-conversation", conversation.pk)


@require_GET
def conversation_view(request, pk):
    conversation = get_conversation(request, pk)
    if request.GET.get("fragment") == "messages":
        return _render(request, conversation, "messenger/admin/_messages.html")
    return _render(request, conversation)


# --- the draft, without JavaScript --------------------------------------------------
# With JavaScript the text goes in at the cursor; without it these buttons
# return the page with the text added to the draft.


def _insert(draft: str, text: str) -> str:
    draft = draft.rstrip()
    return f"{draft}\n\n{text}" if draft else text


def _with_draft(request, conversation, text):
    draft = request.POST.get("body", "")
    if text:
        draft = _insert(draft, text)
    reply_form = _reply_form(conversation.gmina, draft=draft)
    return _render(request, conversation, reply_form=reply_form)


@require_POST
def insert_saved(request, pk):
    conversation = get_conversation(request, pk)
    chosen = next(
        (
            r["text"]
            for r in _saved_replies(conversation, request.user)
            if str(r["pk"]) == request.POST.get("saved_reply")
        ),
        None,
    )
    return _with_draft(request, conversation, chosen)


@require_POST
def insert_suggestion(request, pk, index):
    conversation = get_conversation(request, pk)
    suggestions = _suggestions(conversation)
    text = suggestions[index]["text"] if index < len(suggestions) else None
    return _with_draft(request, conversation, text)


# --- the actions ----------------------------------------------------------------


@require_POST
def reply(request, pk):
    """Answer the resident now, or "send later" at the chosen time."""
    conversation = get_conversation(request, pk)
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
                    _("Odpowiedź zaplanowana na %s.") % when.strftime("%d.%m.%Y %H:%M"),
                )
            else:
                messages.success(request, _("Odpowiedź wysłana."))
            return _back(conversation)
    return _render(request, conversation, reply_form=form)


@require_POST
def note(request, pk):
    conversation = get_conversation(request, pk)
    form = NoteForm(request.POST)
    if form.is_valid():
        try:
            services.add_note(conversation, request.user, form.cleaned_data["note"])
        except ValidationError as error:
            form.add_error("note", error)
        else:
            messages.success(request, _("Dodano notatkę wewnętrzną."))
            return _back(conversation)
    return _render(request, conversation, note_form=form)


@require_POST
def assign(request, pk):
    conversation = get_conversation(request, pk)
    form = AssignForm(request.POST, gmina=conversation.gmina)
    if form.is_valid():
        services.assign_conversation(conversation, form.cleaned_data["assignee"])
        messages.success(request, _("Zapisano, kto prowadzi sprawę."))
    else:
        messages.error(request, _("Tej osoby nie ma wśród pracowników gminy."))
    return _back(conversation)


@require_POST
def categorise(request, pk):
    conversation = get_conversation(request, pk)
    form = DetailsForm(request.POST, instance=conversation)
    if form.is_valid():
        services.categorise_conversation(
            conversation,
            category=form.cleaned_data["category"],
            village=form.cleaned_data["village"],
        )
        messages.success(request, _("Zapisano kategorię i sołectwo."))
    else:
        messages.error(request, _("Wybierz kategorię i sołectwo z listy."))
    return _back(conversation)


@require_POST
def resolve(request, pk):
    conversation = get_conversation(request, pk)
    form = ResolveForm(request.POST)
    form.is_valid()
    services.set_status(
        conversation,
        Conversation.Status.RESOLVED,
        resolved_in_chat=form.cleaned_data.get("resolved_in_chat", False),
    )
    messages.success(request, _("Sprawa oznaczona jako załatwiona."))
    return _back(conversation)


@require_POST
def reopen(request, pk):
    conversation = get_conversation(request, pk)
    services.set_status(conversation, Conversation.Status.OPEN)
    messages.success(request, _("Sprawa otwarta ponownie."))
    return _back(conversation)


@require_POST
def cancel_scheduled(request, pk, message_id):
    """Withdraw a "send later" reply that has not gone out yet."""
    conversation = get_conversation(request, pk)
    message = conversation.messages.filter(
        pk=message_id, published_at__isnull=True, send_at__isnull=False
    ).first()
    if message and services.cancel_scheduled(message):
        messages.success(request, _("Zaplanowana odpowiedź anulowana."))
    else:
        messages.error(request, _("Ta odpowiedź już wyszła albo nie istnieje."))
    return _back(conversation)


@require_POST
def rotate_reply_token(request, pk):
    conversation = get_conversation(request, pk)
    services.rotate_reply_token(conversation, by=request.user)
    messages.success(
        request,
        _(
            "Zmieniono adres do odpowiedzi e-mailem. Odpowiedzi na wcześniejsze "
            "e-maile trafią do nowej sprawy."
        ),
    )
    return _back(conversation)


@require_POST
def make_page(request, pk, message_id):
    """A draft knowledge-base page from a staff answer; then its editor."""
    conversation = get_conversation(request, pk)
    message = conversation.messages.filter(
        pk=message_id, author=Message.Author.STAFF, internal=False
    ).first()
    if message is None:
        raise Http404
    title = conversation.subject or conversation.reference
    try:
        page = procedures.draft_procedure_from_answer(
            conversation.gmina.site, title, message.body, request.user
        )
    except (procedures.NoProcedureIndex, PermissionDenied) as error:
        messages.error(request, str(error))
        return _back(conversation)
    messages.success(
        request, _("Utworzono szkic strony w bazie wiedzy. Uzupełnij go i opublikuj.")
    )
    return redirect("wagtailadmin_pages:edit", page.pk)
