"""The fans' personal fields (see ratusz.lib.personal_data): a follower's
contact and its state, all in the follower's export and gone with them."""

from ratusz.lib.personal_data import Covered, register

_DELETED = "the follower row is deleted"

register(
    covered={
        "fans.Follower.email": Covered("e-mail.adres", _DELETED),
        "fans.Follower.email_state": Covered("e-mail.stan", _DELETED),
        "fans.Follower.email_rhythm": Covered("e-mail.rytm", _DELETED),
        "fans.Follower.phone": Covered("telefon.numer", _DELETED),
        "fans.Follower.phone_state": Covered("telefon.stan", _DELETED),
    }
)
