"""e-Inclusion's fields in the personal-data register (lib/personal_data.py)."""

from ratusz.lib.personal_data import register

register(
    exempt={
        "inclusion.Programme.name": "the name of a funding programme, not a person",
    }
)
