"""Dates as the office and its residents read them."""

from zoneinfo import ZoneInfo

# The gminas' own clock (office hours, "send at 18:00", weekly charts), named
# so that it stays Polish time even where a setting or a test changes
# TIME_ZONE.
WARSAW = ZoneInfo("Europe/Warsaw")
