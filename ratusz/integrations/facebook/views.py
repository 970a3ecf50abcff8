"""The gmina's Facebook settings in the Wagtail admin: its admins and editors."""

from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST
from wagtail.admin import messages

from ratusz.gminas.models import Gmina
from ratusz.gminas.permissions import NETWORK_ROLES, get_rw_gmina

from . import services
from .forms import FacebookPageForm
from .models import FacebookPage


def managed_gminas(user):
    """The gminas whose network connections the user may change."""
    return Gmina.objects.administered_by(user, NETWORK_ROLES)


def index(request):
    gminas = managed_gminas(request.user).order_by("name")
    if len(gminas) == 1:
        return redirect("facebook-settings", gminas[0].pk)
    return render(request, "facebook/admin/index.html", {"gminas": gminas})


def edit(request, gmina_id):
    gmina = get_rw_gmina(request, gmina_id, roles=NETWORK_ROLES)
    config = FacebookPage.objects.filter(gmina=gmina).first() or FacebookPage(
        gmina=gmina
    )
    form = FacebookPageForm(request.POST or None, instance=config)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_settings(config, **form.cleaned_data)
        except services.PageTaken as error:
            form.add_error("page_id", error.message)
        else:
            messages.success(request, "Zapisano ustawienia Facebooka.")
            return redirect("facebook-settings", gmina.pk)
    context = {"gmina": gmina, "config": config, "form": form}
    return render(request, "facebook/admin/settings.html", context)


@require_POST
def check(request, gmina_id):
    gmina = get_rw_gmina(request, gmina_id, roles=NETWORK_ROLES)
    config = FacebookPage.objects.filter(gmina=gmina).first()
    if config is None:
        messages.error(request, "Najpierw zapisz identyfikator strony i token.")
        return redirect("facebook-settings", gmina.pk)
    ok, text = services.check_connection(config)
    (messages.success if ok else messages.error)(request, text)
    return redirect("facebook-settings", gmina.pk)
