"""One flow for the register's lists of personal data (households,
equipment): a page of the filtered rows, or the whole filtered list as
CSV/XLSX (`?format=`), logged in the access log either way."""

from __future__ import annotations

from collections.abc import Callable

from django.core.paginator import Paginator
from django.shortcuts import render

from ..access_log import AccessLog, record
from .exports import FORMATS

PER_PAGE = 50


def logged_list(
    request,
    gmina,
    rows,
    *,
    form,
    noun: str,
    template: str,
    export: Callable,
    context: dict | None = None,
):
    """`export(rows, fmt)` answers a download; otherwise `template` gets the
    gmina, the filter form, the page, the query without the page number and
    `context`."""
    fmt = request.GET.get("format")
    query = request.GET.urlencode()
    if fmt in FORMATS:
        record(gmina, request.user, AccessLog.Action.EXPORT, f"{noun} ({fmt}) {query}")
        return export(rows, fmt)
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("p"))
    record(gmina, request.user, AccessLog.Action.LIST, f"{noun} {query}".strip())
    filters = request.GET.copy()
    filters.pop("p", None)
    return render(
        request,
        template,
        {
            **(context or {}),
            "gmina": gmina,
            "form": form,
            "page": page,
            "query": filters.urlencode(),
        },
    )
