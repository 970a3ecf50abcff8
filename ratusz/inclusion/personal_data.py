"""The e-Inclusion register's personal fields (see ratusz.lib.personal_data).

A household's data are programme records: the funding agreement obliges the
gmina to keep what the programme requires until the end of durability plus
the archiving period (RODO art. 6(1)(c) and 17(3)(b)). They are not part of a
follower's export: a household has its own export (a ZIP from its screen),
and its erasure request erases at once what the programme does not require
and leaves the rest to the worker's anonymisation after that period. Which
field is which is decided once, in `rodo.py`; the reasons below come from it.
"""

from ratusz.lib.personal_data import register

from .rodo import ERASED_AT_ONCE, KEPT_UNTIL_RETENTION_END

_EXPORT = "in the household's own export (rodo.export_household)"
_STAFF = "the login of the staff member who opened the register (accountability log)"
_TRAINER = (
    "the trainer's name as the funding body's report needs it: a contractor or "
    "the office's staff in their role, not a resident"
)
_PLACE = "an access point of the gmina's network: a place and a device, not a person"

register(
    exempt={
        "inclusion.Programme.name": "a funding programme's name, not a person",
        "inclusion.AccessPoint.name": _PLACE,
        "inclusion.AccessPoint.address": _PLACE,
        **{
            f"inclusion.Household.{name}": (
                f"e-Inclusion household: {reason}; erased at the household's "
                f"erasure request; {_EXPORT}"
            )
            for name, reason in ERASED_AT_ONCE.items()
        },
        **{
            label: (
                "e-Inclusion programme record, required by the programme: kept "
                "until the end of durability plus the archiving period (RODO art. "
                f"17(3)(b)), then anonymised by the worker: {erasure}; {_EXPORT}"
            )
            for label, erasure in KEPT_UNTIL_RETENTION_END.items()
        },
        "inclusion.Training.trainer": _TRAINER,
        "inclusion.AccessLog.login": _STAFF,
    }
)
