"""The public page "Zgłoś usterkę" that an item's QR label opens
(`/zglos-usterke/<label_token>/`, see faults.py).

The messenger's own form flow (`write_form`: validation, honeypot, double
submit, limits, the question for people) opens the conversation; this view
only finds the item on the site's gmina and links the report to it. The page
shows what the sticker shows (kind, model, inventory number) and nothing of
the household that holds the item.
"""

from __future__ import annotations

import re
from functools import partial

from django.http import Http404
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from ratusz.gminas.models import Gmina
from ratusz.messenger.views import write_form

from . import faults
from .equipment import Equipment

_TOKEN = re.compile(r"[A-Za-z0-9_-]{16,32}")


def _labelled_item(request, token: str) -> tuple[Gmina, Equipment]:
    """The item on this site's gmina; another gmina's label is a 404 here."""
    gmina = Gmina.for_request_or_404(request)
    item = None
    if _TOKEN.fullmatch(token):
        item = Equipment.objects.filter(gmina=gmina, label_token=token).first()
    if item is None:
        raise Http404
    return gmina, item


def _private(response):
    # The sticker's address opens a form that writes to the office: keep it
    # out of other sites' logs and of search engines.
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex"
    return response


@never_cache
@require_http_methods(["GET", "POST"])
def report_fault(request, token):
    gmina, item = _labelled_item(request, token)
    context = {"item": item}
    if not faults.accepts_reports(item):
        status = 410 if request.method == "POST" else 200
        return _private(
            render(request, "inclusion/fault/retired.html", context, status=status)
        )
    response = write_form(
        request,
        gmina,
        template="inclusion/fault/report.html",
        context=context,
        open_conversation=partial(faults.open_fault_report, item),
    )
    return _private(response)
