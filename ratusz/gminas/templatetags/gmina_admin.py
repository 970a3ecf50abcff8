from django import template
from django.conf import settings

from ratusz.gminas.mail_views import readable_gminas

register = template.Library()


@register.simple_tag
def second_factor_optional() -> bool:
    """The admin says so while staff may work without a second factor."""
    return not settings.STAFF_MFA_REQUIRED


@register.simple_tag
def kept_mail_banner(user):
    """What the admin banner says while outgoing mail is only kept in a folder."""
    if not settings.EMAIL_KEPT_IN_FOLDER:
        return None
    return {"readable": readable_gminas(user) != set()}
