"""The gmina's public statistics choices in the Wagtail admin.

Only the gmina's administrators see and change them, like its other
settings; another gmina's id is a 404.
"""

from django import forms
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from wagtail import hooks
from wagtail.admin import messages
from wagtail.admin.menu import MenuItem

from ratusz.gminas.models import Gmina
from ratusz.gminas.permissions import get_rw_gmina

from .models import PublicStats
from .public_stats import save_choices


class PublicStatsForm(forms.ModelForm):
    class Meta:
        model = PublicStats
        fields = list(PublicStats.SECTIONS)


def index(request):
    gminas = Gmina.objects.administered_by(request.user).order_by("name")
    if not gminas:
        raise PermissionDenied
    if len(gminas) == 1:
        return redirect("insights-public-settings", gminas[0].pk)
    return render(request, "insights/admin/public_stats_index.html", {"gminas": gminas})


def edit(request, gmina_id):
    gmina = get_rw_gmina(request, gmina_id)
    # An empty POST (every box unticked) is still a submitted form.
    data = request.POST if request.method == "POST" else None
    form = PublicStatsForm(data, instance=PublicStats.for_gmina(gmina))
    if request.method == "POST" and form.is_valid():
        save_choices(form.save(commit=False))
        messages.success(request, _("Zapisano ustawienia statystyk publicznych."))
        return redirect("insights-public-settings", gmina.pk)
    public_url = gmina.absolute_url(reverse("insights-statistics"))
    return render(
        request,
        "insights/admin/public_stats.html",
        {"gmina": gmina, "form": form, "public_url": public_url},
    )


@hooks.register("register_admin_urls")
def register_public_stats_urls():
    return [
        path("statystyki-publiczne/", index, name="insights-public-settings-index"),
        path(
            "statystyki-publiczne/<int:gmina_id>/",
            edit,
            name="insights-public-settings",
        ),
    ]


class PublicStatsMenuItem(MenuItem):
    def is_shown(self, request):
        return Gmina.objects.administered_by(request.user).exists()


@hooks.register("register_settings_menu_item")
def register_public_stats_menu_item():
    return PublicStatsMenuItem(
        _("Statystyki publiczne"),
        reverse("insights-public-settings-index"),
        icon_name="view",
        order=620,
    )
