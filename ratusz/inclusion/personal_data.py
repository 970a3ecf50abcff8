"""The e-Inclusion's personal-looking fields (see ratusz.lib.personal_data)."""

from ratusz.lib.personal_data import register

_PLACE = "an access point of the gmina's network: a place and a device, not a person"

register(
    exempt={
        "inclusion.Programme.name": "a funding programme's name, not a person",
        "inclusion.AccessPoint.name": _PLACE,
        "inclusion.AccessPoint.address": _PLACE,
    }
)
