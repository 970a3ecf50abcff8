"""The inbox screen: the list of a gmina's conversations (and its live
fragment), a case opened on a resident's behalf, the statistics."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, F, Q, Sum
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.admin import messages

from ratusz.gminas.models import Gmina

from .. import metrics, services
from ..models import Conversation, Message, OfficeHours
from .access import get_gmina, staff_gminas
from .forms import InboxFilterForm, OnBehalfForm
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


def inbox_index(request):
    gminas = list(staff_gminas(request.user))
    if len(gminas) == 1:
        return redirect("messenger-inbox", gminas[0].pk)
    if not gminas:
        raise PermissionDenied
    return render(request, "messenger/admin/pick_gmina.html", {"gminas": gminas})


def inbox(request, gmina_id):
    gmina = get_gmina(request, gmina_id)
    # Read before the rows: a message committed while the page renders or
    # before its stream connects is then reported, not skipped.
    last_seq = newest_seq(gmina.pk)
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
