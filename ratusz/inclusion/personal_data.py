"""The e-Inclusion register's personal fields (see ratusz.lib.personal_data).

A household's data are programme records: the funding agreement obliges the
gmina to keep them until the end of the durability period plus the
archiving period (RODO art. 6(1)(c) and 17(3)(b)). They are not part of a
follower's export; a household's own export and anonymisation after that
period are the e-Inclusion issue's "Personal data" part — NOT BUILT YET.
"""

from ratusz.lib.personal_data import register

_PROGRAMME = (
    "e-Inclusion programme record of a beneficiary household, kept until the "
    "end of durability plus archiving (RODO art. 17(3)(b)); own export and "
    "anonymisation NOT BUILT YET"
)
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
        "inclusion.Household.surname": _PROGRAMME,
        "inclusion.Household.first_name": _PROGRAMME,
        "inclusion.Household.phone": _PROGRAMME,
        "inclusion.Household.email": _PROGRAMME,
        "inclusion.Household.address": _PROGRAMME,
        "inclusion.Household.notes": _PROGRAMME,
        "inclusion.Household.basis_note": _PROGRAMME,
        "inclusion.Inspection.note": _PROGRAMME,
        "inclusion.Statement.note": _PROGRAMME,
        # A household's attendance at a programme's training (who came, how
        # long): the same programme record as the household itself.
        "inclusion.Participant.attended": _PROGRAMME,
        "inclusion.Participant.hours_attended": _PROGRAMME,
        "inclusion.Training.trainer": _TRAINER,
        "inclusion.AccessLog.login": _STAFF,
    }
)
