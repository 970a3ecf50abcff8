"""Telling the gmina's staff that an access point is down, and back.

Each alert is one `outbox.Delivery` per recipient (e-mail; item
`hotspot:<outage id>:down|up`, recipient `user:<id>`), planned in the
transaction that recorded the check, so it goes out once and with the
outbox's retries. `network_checks` plans each kind at most once per outage.
The composer builds the e-mail at send time: someone who is no longer an
administrator (or coordinator) of the gmina, or has no address, gets nothing.
"""

from __future__ import annotations

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from ratusz.gminas.models import Membership, User
from ratusz.lib.dates import WARSAW
from ratusz.outbox import services as outbox
from ratusz.outbox.models import Channel, Delivery
from ratusz.outbox.transports import Envelope

from .network import MANAGER_ROLES, Outage
from .network_uptime import duration_text

ITEM_KIND = "hotspot"
DOWN, UP = "down", "up"


def recipients(gmina):
    """The gmina's active administrators and coordinators with an e-mail."""
    members = Membership.objects.filter(gmina=gmina, role__in=MANAGER_ROLES)
    return (
        User.objects.filter(pk__in=members.values("user"), is_active=True)
        .exclude(email="")
        .order_by("pk")
    )


def plan(outage: Outage, kind: str) -> None:
    """Plan the `kind` alert of `outage` for every recipient (call in the
    transaction that recorded the check)."""
    gmina = outage.access_point.gmina
    outbox.enqueue(
        Delivery(
            gmina=gmina,
            item=f"{ITEM_KIND}:{outage.pk}:{kind}",
            channel=Channel.EMAIL,
            recipient=f"user:{user.pk}",
        )
        for user in recipients(gmina)
    )


def compose(delivery: Delivery) -> Envelope | None:
    _kind, outage_id, kind = delivery.item.split(":")
    outage = (
        Outage.objects.select_related("access_point__gmina__site")
        .filter(pk=int(outage_id))
        .first()
    )
    user_id = int(delivery.recipient.removeprefix("user:"))
    user = recipients(delivery.gmina).filter(pk=user_id).first()
    if outage is None or user is None:
        return None
    point = outage.access_point
    with translation.override(settings.LANGUAGE_CODE):
        path = reverse("inclusion_accesspoint:inspect", args=[point.pk])
    context = {
        "point": point,
        "outage": outage,
        "kind": kind,
        "started": timezone.localtime(outage.started_at, WARSAW),
        "ended": outage.ended_at and timezone.localtime(outage.ended_at, WARSAW),
        "duration_text": duration_text(outage.duration(timezone.now())),
        "url": point.gmina.absolute_url(path),
    }
    subject = render_to_string(
        f"inclusion/network/email/{kind}-subject.txt", context
    ).strip()
    return Envelope(
        subject=subject,
        text=render_to_string(f"inclusion/network/email/{kind}-body.txt", context),
        url=context["url"],
        extra={"to": user.email},
    )
