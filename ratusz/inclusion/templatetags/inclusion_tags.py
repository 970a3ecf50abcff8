"""Filters for the register's screens (a programme's durability on a day)."""

from django import template

register = template.Library()


@register.filter
def durability_state(programme, today):
    return programme.durability_state(today)


@register.filter
def days_left(programme, today):
    return programme.days_left(today)
