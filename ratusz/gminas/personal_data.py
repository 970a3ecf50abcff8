"""The gminas' personal-looking fields (see ratusz.lib.personal_data): staff
accounts and the office's own public contact data."""

from ratusz.lib.personal_data import register

_STAFF = (
    "staff account of the gmina's office: managed by its administrators, "
    "not a resident who follows the gmina (employment records basis)"
)
_OFFICE = "the office's own public contact data (a public body, not a person)"

register(
    exempt={
        "gminas.User.username": _STAFF,
        "gminas.User.first_name": _STAFF,
        "gminas.User.last_name": _STAFF,
        "gminas.User.email": _STAFF,
        "gminas.Gmina.name": _OFFICE,
        "gminas.Gmina.short_name": _OFFICE,
        "gminas.Gmina.name_genitive": _OFFICE,
        "gminas.Gmina.name_locative": _OFFICE,
        "gminas.Gmina.address": _OFFICE,
        "gminas.Gmina.phone": _OFFICE,
        "gminas.Gmina.email": _OFFICE,
        "gminas.Gmina.inbound_email": _OFFICE,
        "gminas.Gmina.epuap_address": _OFFICE,
        "gminas.Gmina.iod_email": (
            "the data protection officer's official address, published by law "
            "(RODO art. 37(7))"
        ),
        "gminas.Village.name": "a place, not a person",
        "gminas.Category.name": "a news topic, not a person",
    }
)
