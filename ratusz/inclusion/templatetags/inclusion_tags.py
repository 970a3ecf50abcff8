"""Filters for the register's screens (a programme's durability on a day),
and the public footer's link to the free network's page."""

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _

from ratusz.inclusion.network_page import has_public_network

register = template.Library()


@register.filter
def durability_state(programme, today):
    return programme.durability_state(today)


@register.filter
def days_left(programme, today):
    return programme.days_left(today)


@register.simple_tag(takes_context=True)
def inclusion_footer_links(context):
    """ "Darmowy internet" while the gmina has a public access point (the page
    is a 404 without one)."""
    gmina = context.get("gmina")
    if gmina is None or not has_public_network(gmina):
        return ""
    return format_html(
        '<li><a href="{}">{}</a></li>',
        reverse("inclusion-network"),
        _("Darmowy internet"),
    )
