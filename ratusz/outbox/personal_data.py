"""The outbox's personal-looking fields (see ratusz.lib.personal_data)."""

from ratusz.lib.personal_data import register

register(
    exempt={
        "outbox.Delivery.recipient": (
            'a key ("follower:12", "push:3", "page"), never an address; the '
            "follower link is set to NULL and error texts are blanked on erasure"
        ),
    }
)
