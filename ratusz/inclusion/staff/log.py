"""The access log screen: who opened which personal data, and when."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.shortcuts import render

from ..access import get_register_gmina
from ..access_log import AccessLog

PER_PAGE = 100


def access_log(request, gmina_id):
    gmina = get_register_gmina(request, gmina_id)
    entries = AccessLog.objects.filter(gmina=gmina)
    page = Paginator(entries, PER_PAGE).get_page(request.GET.get("p"))
    return render(
        request, "inclusion/admin/access_log.html", {"gmina": gmina, "page": page}
    )
