"""Addresses already in use when confirmation links came in.

An address that exactly one gmina has (case-insensitively) was routing its
mail before and keeps doing so: it counts as confirmed. An address that
several gminas share routed to whichever the database named first; none of
them keeps it, and the first to confirm it by the link gets it.
"""

from collections import Counter

from django.db import migrations


def confirm_unshared(apps, schema_editor):
    Gmina = apps.get_model("gminas", "Gmina")
    rows = list(Gmina.objects.exclude(email="").values_list("pk", "email"))
    uses = Counter(email.lower() for _, email in rows)
    for pk, email in rows:
        if uses[email.lower()] == 1:
            Gmina.objects.filter(pk=pk).update(inbound_email=email)


class Migration(migrations.Migration):
    dependencies = [("gminas", "0005_gmina_inbound_email")]

    operations = [migrations.RunPython(confirm_unshared, migrations.RunPython.noop)]
