"""What other parts of the messenger (automatic replies, notifications,
outside networks) hook into, so `services` does not need to know them.

Both are sent inside the transaction that stored the message; receivers that
talk to the outside world must plan work (an outbox row, a task on commit),
never do it inline.
"""

from django.dispatch import Signal

# A resident's message was stored: kwargs conversation, message, created (a
# new conversation).
resident_wrote = Signal()

# A staff reply became visible to the resident (at once, or at its
# "send later" time): kwargs conversation, message.
staff_replied = Signal()
