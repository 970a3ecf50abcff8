"""The gmina's follower settings (digest hour) in the Wagtail admin.

Only the gmina's administrators see and change them, like its other settings.
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

from .models import FanSettings


class FanSettingsForm(forms.ModelForm):
    class Meta:
        model = FanSettings
        fields = ["digest_hour"]


def index(request):
    gminas = Gmina.objects.administered_by(request.user).order_by("name")
    if not gminas:
        raise PermissionDenied
    if len(gminas) == 1:
        return redirect("fans-settings", gminas[0].pk)
    return render(request, "fans/admin/settings_index.html", {"gminas": gminas})


def edit(request, gmina_id):
    gmina = get_rw_gmina(request, gmina_id)
    config = FanSettings.for_gmina(gmina)
    form = FanSettingsForm(request.POST or None, instance=config)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Zapisano ustawienia obserwujących."))
        return redirect("fans-settings", gmina.pk)
    return render(request, "fans/admin/settings.html", {"gmina": gmina, "form": form})


@hooks.register("register_admin_urls")
def register_fans_settings_urls():
    return [
        path("obserwujacy/", index, name="fans-settings-index"),
        path("obserwujacy/<int:gmina_id>/", edit, name="fans-settings"),
    ]


class FansSettingsMenuItem(MenuItem):
    def is_shown(self, request):
        return Gmina.objects.administered_by(request.user).exists()


@hooks.register("register_settings_menu_item")
def register_fans_settings_menu_item():
    return FansSettingsMenuItem(
        "Obserwujący (podsumowanie)",
        reverse("fans-settings-index"),
        icon_name="mail",
        order=610,
    )
