"""The inbox screen: the list of a gmina's conversations (and its live
fragment) with its search and remembered filters, a case reference opened
from any search, a case opened on a resident's behalf, the statistics."""

from __future__ import annotations

from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, F, Q, Sum
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.admin import messages

from ratusz.gminas.models import Gmina

from .. import metrics, services
from ..models import Conversation, Message, OfficeHours
from ..search import index_messages, search_conversations
from .access import get_gmina, staff_gminas
from .forms import InboxFilterForm, OnBehalfForm, forget_filters, inbox_filter_form
from .live import newest_seq

PER_PAGE = 25


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


def _cases(gminas, reference: tuple[int, int]):
    year, number = reference
    return Conversation.objects.filter(gmina__in=gminas, year=year, number=number)


def inbox_index(request):
    """The way into the inbox, and the admin's search area "Rozmowy": a case
    reference of one of the user's gminas opens the case; a search goes to
    the inbox of the user's gmina (or each gmina's link carries it)."""
    gminas = list(staff_gminas(request.user))
    if not gminas:
        raise PermissionDenied
    text = request.GET.get("q", "")[:200]
    reference = services.find_case_reference(text)
    if reference is not None:
        cases = list(_cases(gminas, reference))
        if len(cases) == 1:
            return redirect("messenger-conversation", cases[0].pk)
        if cases:
            # The same number in several of the user's gminas.
            gminas = [case.gmina for case in cases]
    search = f"?{urlencode({'q': text})}" if text else ""
    if len(gminas) == 1:
        return redirect(reverse("messenger-inbox", args=[gminas[0].pk]) + search)
    return render(
        request,
        "messenger/admin/pick_gmina.html",
        {"gminas": gminas, "search": search},
    )


def _listed(gmina, form: InboxFilterForm, user):
    """The inbox's conversations: filtered, searched (best matches first) or
    newest activity first, with their unread counts."""
    conversations = form.filter(
        Conversation.objects.for_gmina(gmina).select_related(
            "category", "village", "assignee"
        ),
        user,
    )
    text = form.search_text
    ordering = ["-last_message_at", "-pk"]
    if services.find_case_reference(text) is not None:
        # A reference that did not open a case here (another gmina's, or
        # none): simply not found.
        conversations = conversations.none()
    elif text:
        index_messages(Conversation.objects.for_gmina(gmina))
        conversations = search_conversations(conversations, text)
        ordering.insert(0, "-exact_hits")
    return unread_conversations(conversations).order_by(*ordering)


def inbox(request, gmina_id):
    gmina = get_gmina(request, gmina_id)
    if "reset" in request.GET:
        forget_filters(request, gmina)
        return redirect("messenger-inbox", gmina.pk)
    fragment = bool(request.GET.get("fragment"))
    form = inbox_filter_form(request, gmina)
    reference = services.find_case_reference(form.search_text)
    if not fragment:
        case = _cases([gmina], reference).first() if reference else None
        if case is not None:
            return redirect("messenger-conversation", case.pk)
    # Read before the rows: a message committed while the page renders or
    # before its stream connects is then reported, not skipped.
    last_seq = newest_seq(gmina.pk)
    listed = _listed(gmina, form, request.user)
    context = {
        "gmina": gmina,
        "form": form,
        "page": Paginator(listed, PER_PAGE).get_page(request.GET.get("p")),
        "query": form.query_string(),
        "search_text": form.search_text,
        "missing_reference": services.case_reference(*reference) if reference else "",
        "filters_changed": not form.is_default(),
        "unread": unread_conversations(Conversation.objects.for_gmina(gmina)).aggregate(
            n=Sum("unread")
        )["n"]
        or 0,
        "gminas": staff_gminas(request.user),
    }
    if fragment:
        return render(request, "messenger/admin/_inbox_rows.html", context)
    context.update(
        hours=OfficeHours.objects.filter(gmina=gmina).first(),
        is_admin=Gmina.objects.administered_by(request.user)
        .filter(pk=gmina.pk)
        .exists(),
        now=timezone.now(),
        last_seq=last_seq,
    )
    return render(request, "messenger/admin/inbox.html", context)


def on_behalf(request, gmina_id):
    gmina = get_gmina(request, gmina_id)
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


def stats(request, gmina_id):
    gmina = get_gmina(request, gmina_id)
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
