from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _

from ratusz.insights.models import PublicStats

register = template.Library()


@register.simple_tag(takes_context=True)
def insights_footer_links(context):
    """The footer's links: how visits are counted, and the public statistics
    while the gmina shows them (saving its choices stales every page)."""
    gmina = context.get("gmina")
    if gmina is None:
        return ""
    links = format_html(
        '<li><a href="{}">{}</a></li>',
        reverse("insights-privacy"),
        _("Statystyki odwiedzin a prywatność"),
    )
    if PublicStats.for_gmina(gmina).is_enabled():
        links += format_html(
            '<li><a href="{}">{}</a></li>',
            reverse("insights-statistics"),
            _("Statystyki serwisu"),
        )
    return links
