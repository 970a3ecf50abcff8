"""Staff screens of the free network: "Darmowy internet" in the admin menu.

A Wagtail model viewset over `gminas.views.ScopedViewSet` (list with
filters, add, edit, delete, history), plus the access point's page (the
inspect view) with its outages and uptime per month. Only the gmina's
administrators and e-Inclusion coordinators (`MANAGER_ROLES`) reach them;
another gmina's id is 404 (every row is read through
`NetworkPermissionPolicy`).
"""

from __future__ import annotations

import ipaddress

import django_filters
import httpx
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel, ObjectList
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic import InspectView

from ratusz.gminas.models import Gmina
from ratusz.gminas.permissions import GminaScopedPermissionPolicy
from ratusz.gminas.views import ScopedEditView, ScopedObjectMixin, ScopedViewSet
from ratusz.lib import charts, http

from . import network_checks, network_uptime
from .models import Programme
from .network import MANAGER_ROLES, AccessPoint

CHART = charts.Frame(width=640, height=200, left=48, right=16, top=16, bottom=32)


def managed_gminas(user):
    return Gmina.objects.administered_by(user, MANAGER_ROLES)


class NetworkPermissionPolicy(GminaScopedPermissionPolicy):
    """Access point permissions count in the gminas the user administers or
    coordinates."""

    def _gminas(self, user):
        return managed_gminas(user)


class AccessPointForm(WagtailAdminModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        gminas = managed_gminas(self.for_user)
        field = self.fields["gmina"]
        field.queryset = gminas
        if self.instance.pk:
            field.disabled = True  # an access point does not move between gminas
        elif gminas.count() == 1:
            field.initial = gminas.get()
            field.disabled = True
        self.fields["programme"].queryset = Programme.objects.filter(
            gmina__in=gminas
        ).order_by("name")

    def clean(self):
        cleaned = super().clean()
        method = cleaned.get("check_method")
        target = (cleaned.get("check_target") or "").strip()
        cleaned["check_target"] = target
        if method and target:
            problem = network_checks.target_error(method, target)
            if problem is None:
                problem = self._outside_allow_list(method, target, cleaned.get("gmina"))
            if problem:
                self.add_error("check_target", problem)
        return cleaned

    def _outside_allow_list(self, method, target, gmina) -> str | None:
        # An address typed as a number is checked now; a name is resolved
        # and checked by every probe.
        if method == AccessPoint.CheckMethod.TCP:
            host = network_checks.split_host_port(target)[0]
        else:
            host = httpx.URL(target).host
        try:
            ip = ipaddress.ip_address(host)
        except ValueError:
            return None
        if gmina is None or http.is_allowed_address(
            ip, network_checks.allowed_networks(gmina)
        ):
            return None
        return _(
            "Adres %(ip)s nie należy do sieci dopuszczonych dla tej gminy. "
            "Administrator instalacji dopisuje je w ustawieniu NETWORK_CHECK_ALLOW."
        ) % {"ip": ip}


def _programmes(request):
    return Programme.objects.filter(gmina__in=managed_gminas(request.user)).order_by(
        "name"
    )


class AccessPointFilterSet(WagtailFilterSet):
    state = django_filters.ChoiceFilter(
        label=_("Stan"), choices=AccessPoint.State.choices
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=AccessPoint.Status.choices
    )
    programme = django_filters.ModelChoiceFilter(
        label=_("Program"), queryset=_programmes
    )

    class Meta:
        model = AccessPoint
        fields = ["state", "status", "programme"]


class AccessPointEditView(ScopedEditView):
    def save_instance(self):
        point = super().save_instance()
        network_checks.record_edit(point, self.form.changed_data, now=timezone.now())
        return point


class AccessPointInspectView(ScopedObjectMixin, InspectView):
    template_name = "inclusion/network/admin/inspect.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        now = timezone.now()
        months = network_uptime.monthly_uptime(self.object, months=12, now=now)
        outages = self.object.outages.all()[:20]
        context.update(
            outages=[
                (o, network_uptime.duration_text(o.duration(now))) for o in outages
            ],
            months=months,
            chart=uptime_chart(months),
        )
        return context


def uptime_chart(months) -> dict | None:
    """Bars of uptime per month (oldest first); None before the first check."""
    measured = [m for m in reversed(months) if m.percent is not None]
    if not measured:
        return None
    values = [(m.month.strftime("%m.%Y"), float(m.percent)) for m in measured]
    geometry = charts.bar_chart(values, frame=CHART)
    # A fixed 0–100 % scale: bars of 99 % and 100 % must not look alike
    # to a scale that starts at the smallest value, nor fill the frame.
    scale = CHART.inner_height / 100
    for bar, (_label, value) in zip(geometry["bars"], values, strict=True):
        height = value * scale
        bar["height"] = charts.svg_number(height)
        bar["y"] = charts.svg_number(CHART.top + CHART.inner_height - height)
    return geometry


class AccessPointViewSet(ScopedViewSet):
    model = AccessPoint
    icon = "globe"
    menu_label = _("Darmowy internet")
    menu_order = 260
    add_to_admin_menu = True
    inspect_view_enabled = True
    inspect_view_class = AccessPointInspectView
    edit_view_class = AccessPointEditView
    filterset_class = AccessPointFilterSet
    search_fields = ["name", "address"]
    list_display = [
        Column("name", label=_("Nazwa"), accessor="name"),
        Column("state", label=_("Stan"), accessor="get_state_display"),
        Column("status", label=_("Status"), accessor="get_status_display"),
    ]
    inspect_view_fields = [
        "name",
        "address",
        "latitude",
        "longitude",
        "ssid",
        "how_to_connect",
        "installed_on",
        "equipment",
        "backhaul_mbps",
        "isp_contract_end",
        "wifi4eu_network_id",
        "programme",
        "status",
        "check_method",
        "check_target",
        "state",
        "state_since",
        "last_checked_at",
        "last_error",
    ]
    edit_handler = ObjectList(
        [
            FieldPanel("gmina"),
            FieldPanel("name"),
            MultiFieldPanel(
                [
                    FieldPanel("address"),
                    FieldRowPanel([FieldPanel("latitude"), FieldPanel("longitude")]),
                    FieldRowPanel([FieldPanel("ssid"), FieldPanel("status")]),
                    FieldPanel("how_to_connect"),
                ],
                heading=_("Dla mieszkańców"),
            ),
            MultiFieldPanel(
                [
                    FieldPanel("programme"),
                    FieldPanel("wifi4eu_network_id"),
                    FieldRowPanel(
                        [FieldPanel("installed_on"), FieldPanel("equipment")]
                    ),
                    FieldRowPanel(
                        [FieldPanel("backhaul_mbps"), FieldPanel("isp_contract_end")]
                    ),
                ],
                heading=_("Instalacja i umowy"),
            ),
            MultiFieldPanel(
                [
                    FieldPanel("check_method", widget=forms.RadioSelect),
                    FieldPanel("check_target"),
                ],
                heading=_("Sprawdzanie działania"),
            ),
        ],
        base_form_class=AccessPointForm,
    )


access_point_viewset = AccessPointViewSet(
    "inclusion_accesspoint", url_prefix="darmowy-internet"
)
