from django import template

from ratusz.fans.consent import push_consent_text
from ratusz.integrations.webpush import vapid

register = template.Library()


@register.simple_tag(takes_context=True)
def webpush_config(context):
    """What the subscribe button needs: the VAPID key and the consent text."""
    gmina = context.get("gmina")
    return {
        "public_key": vapid.keys().public_key,
        "consent_text": push_consent_text(gmina) if gmina else "",
    }
