"""The gmina's SMS settings in the Wagtail admin: its administrators only."""

from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from wagtail.admin import messages

from ratusz.gminas.models import Gmina
from ratusz.gminas.permissions import get_rw_gmina

from . import services
from .forms import SmsSettingsForm
from .models import SmsSettings


def index(request):
    gminas = Gmina.objects.administered_by(request.user).order_by("name")
    if len(gminas) == 1:
        return redirect("sms-settings", gminas[0].pk)
    return render(
        request, "sms/admin/index.html", {"gminas": gminas, "header_icon": "mail"}
    )


def edit(request, gmina_id):
    gmina = get_rw_gmina(request, gmina_id)
    config, _created = SmsSettings.objects.get_or_create(gmina=gmina)
    form = SmsSettingsForm(request.POST or None, instance=config)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        services.update_settings(
            config,
            sender=data["sender"],
            test_mode=data["test_mode"],
            new_token=data["new_token"],
            remove_token=data["remove_token"],
            new_webhook_secret=data["new_webhook_secret"],
        )
        messages.success(request, _("Zapisano ustawienia SMS."))
        return redirect("sms-settings", gmina.pk)
    webhook_url = gmina.absolute_url(
        reverse("sms-inbound", args=[config.webhook_secret])
    )
    return render(
        request,
        "sms/admin/settings.html",
        {
            "gmina": gmina,
            "config": config,
            "form": form,
            "webhook_url": webhook_url,
            "header_icon": "mail",
        },
    )
