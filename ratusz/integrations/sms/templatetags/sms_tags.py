from django import template

from ratusz.integrations.sms import services

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
        "available": services.is_available(gmina),
        "consent_text": services.consent_text(gmina),
    }
