"""The inbox's warning about Facebook's reply window (Messenger conversations).

{% load messenger_facebook %}
{% include "messenger/admin/_facebook_window.html" with conversation=conversation %}
"""

from django import template
from django.utils import timezone

from ratusz.messenger import networks
from ratusz.messenger.models import Conversation
from ratusz.messenger.networks import CLOSED, HUMAN_AGENT

register = template.Library()

# Less than this left: the warning is shown as urgent.
URGENT_SECONDS = 3 * 3600


def remaining(seconds: float) -> str:
    """'2 godz.', '45 min', '3 dni': how long, in short Polish."""
    minutes = max(1, int(seconds // 60))
    if minutes < 60:
        return f"{minutes} min"
    hours = minutes // 60
    if hours < 48:
        return f"{hours} godz."
    return f"{hours // 24} dni"


@register.simple_tag
def facebook_window(conversation, now=None):
    """None for other conversations; else {kind, deadline, left, urgent}."""
    if getattr(conversation, "source", None) != Conversation.Source.FACEBOOK:
        return None
    facebook = networks.network(Conversation.Source.FACEBOOK)
    if facebook is None:
        return None
    now = now or timezone.now()
    deadline, kind = facebook.reply_window(conversation, now)
    seconds = (deadline - now).total_seconds() if deadline else 0
    return {
        "kind": kind,
        "deadline": deadline,
        "left": remaining(seconds) if kind != CLOSED else "",
        "urgent": kind == CLOSED or kind == HUMAN_AGENT or seconds < URGENT_SECONDS,
        "closed": kind == CLOSED,
        "human_agent": kind == HUMAN_AGENT,
    }
