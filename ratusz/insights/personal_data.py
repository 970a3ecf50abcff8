"""Insights' fields in the personal-data register (lib/personal_data.py).

Nothing here names a resident: the visitor key is a hash keyed with a salt
that is deleted after its day, and no IP address or User-Agent is stored.
"""

from ratusz.lib.personal_data import register

register(
    exempt={
        "insights.ViewEvent.visitor": (
            "hash of the day's salt, gmina, IP and User-Agent; the salt is deleted "
            "after its day, so no one (the office included) can link it to a person"
        ),
    }
)
