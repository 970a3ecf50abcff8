"""The messenger's personal fields (see ratusz.lib.personal_data)."""

from ratusz.lib.personal_data import register

_CASE = (
    "messenger: a resident's case is official correspondence kept under the "
    "gmina's JRWA retention (RODO art. 17(3)(b)); its own export and "
    "erasure rules belong to the messenger issue — NOT COVERED YET"
)

register(
    exempt={
        "messenger.Conversation.resident_name": _CASE,
        "messenger.Conversation.resident_email": _CASE,
        "messenger.Conversation.resident_phone": _CASE,
        "messenger.Holiday.name": "a public holiday's name",
        "messenger.Attachment.original_name": _CASE,
    }
)
