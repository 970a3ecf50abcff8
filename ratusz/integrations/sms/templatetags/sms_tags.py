from django import template

from ratusz.fans.consent import sms_consent_text
from ratusz.fans.following import is_sms_available

register = template.Library()


@register.simple_tag(takes_context=True)
def sms_signup_info(context):
    """What `fans/_sms_signup.html` needs, wherever it is included.

    The consent text shown is the very text stored as proof.
    """
    gmina = context.get("gmina")
    if gmina is None:
        return {"available": False, "consent_text": ""}
    return {
        "available": is_sms_available(gmina),
        "consent_text": sms_consent_text(gmina),
    }
