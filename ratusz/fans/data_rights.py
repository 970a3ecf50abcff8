"""A follower's rights over their data: the export (RODO art. 15 and 20)
and the erasure (art. 17)."""

from __future__ import annotations

from django.db import transaction

from ratusz.lib import polish
from ratusz.outbox.models import Channel, Delivery

from . import providers
from .models import ChannelState, Follower


def received_sms(follower: Follower):
    """The raw SMS the follower's number sent to their gmina, oldest first.

    The SMS provider keeps them (replies such as STOP, with the number).
    """
    return providers.get(Channel.SMS).received_from(follower)


def channel_states(follower: Follower) -> dict[str, str]:
    """Each channel's state in words, as the follower sees it."""
    push = follower.push_subscriptions.count()
    return {
        "e-mail": follower.get_email_state_display() or ChannelState.NONE.label,
        "sms": follower.get_phone_state_display() or ChannelState.NONE.label,
        "powiadomienia_w_przeglądarce": (
            ChannelState.ACTIVE.label if push else ChannelState.NONE.label
        ),
    }


def export_follower(follower: Follower) -> dict:
    """Everything stored about a follower (RODO art. 15 and 20).

    Every covered field of the personal-data registry
    (`lib.personal_data.covered()`) must appear here (its test fills each one
    and looks for it).
    """

    def when(value):
        return value.isoformat() if value else None

    deliveries = Delivery.objects.filter(follower=follower).order_by("pk")
    return {
        "gmina": follower.gmina.name,
        "kanały": channel_states(follower),
        "e-mail": {
            "adres": follower.email,
            "stan": follower.email_state,
            "rytm": follower.email_rhythm,
        },
        "telefon": {"numer": follower.phone, "stan": follower.phone_state},
        "tematy": "wszystkie"
        if follower.all_topics
        else polish.sorted_polish(c.name for c in follower.topics.all()),
        "sołectwa": "wszystkie"
        if follower.all_villages
        else polish.sorted_polish(v.name for v in follower.villages.all()),
        "powiadomienia_w_przeglądarce": [
            {"adres_usługi": s.endpoint, "od": when(s.created_at)}
            for s in follower.push_subscriptions.order_by("pk")
        ],
        "zgody": [
            {
                "kanał": c.channel,
                "czynność": c.action,
                "wersja_treści": c.text_version,
                "treść": c.text,
                "źródło": c.source,
                "kiedy": when(c.at),
            }
            for c in follower.consents.all()
        ],
        "potwierdzenia": [
            {
                "kanał": c.channel,
                "utworzone": when(c.created_at),
                "ważne_do": when(c.expires_at),
                "użyte": when(c.used_at),
            }
            for c in follower.confirmations.order_by("pk")
        ],
        "wysyłki": [
            {
                "co": d.item,
                "kanał": d.channel,
                "stan": d.state,
                "próby": d.attempts,
                "utworzona": when(d.created_at),
                "wysłana": when(d.sent_at),
            }
            for d in deliveries
        ],
        "sms_odebrane": [
            {
                "od": m.sender,
                "treść": m.text,
                "wysłany": when(m.sent_at),
                "odebrany": when(m.received_at),
                "wynik": m.get_result_display(),
            }
            for m in received_sms(follower)
        ],
        "utworzono": when(follower.created_at),
        "zmieniono": when(follower.updated_at),
    }


@transaction.atomic
def erase_follower(follower: Follower) -> None:
    """Forget a follower (RODO art. 17).

    Delivery rows stay as the gmina's history with the follower set to NULL;
    their recipient key ("follower:12") is no personal data, but a provider's
    error text may quote the address, so it goes too. The SMS the follower's
    number sent (replies such as STOP, with the number) are deleted.
    """
    rows = Delivery.objects.filter(follower=follower)
    rows.filter(state=Delivery.State.PENDING).update(
        state=Delivery.State.CANCELLED, claimed_by="", lease_until=None
    )
    rows.exclude(error="").update(error="")
    providers.get(Channel.SMS).forget_received_from(follower)
    follower.delete()
