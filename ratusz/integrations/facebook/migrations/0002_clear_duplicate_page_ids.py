"""Before a Page id may belong to one gmina only: keep it where it was saved first.

Where several gminas saved the same Page id, the oldest row (lowest id)
keeps it; the others lose it (and what a check learned about it), so their
staff must enter it again — and the form then refuses it, or Facebook's
answer shows whose Page it is. Messenger webhooks for that Page go to the
gmina that kept it.
"""

from django.db import migrations


def clear_duplicates(apps, schema_editor):
    FacebookPage = apps.get_model("facebook", "FacebookPage")
    keeper = {}
    for pk, page_id in (
        FacebookPage.objects.exclude(page_id="")
        .order_by("pk")
        .values_list("pk", "page_id")
    ):
        if page_id in keeper:
            FacebookPage.objects.filter(pk=pk).update(
                page_id="", page_name="", checked_at=None
            )
        else:
            keeper[page_id] = pk


class Migration(migrations.Migration):
    dependencies = [("facebook", "0001_initial")]

    operations = [migrations.RunPython(clear_duplicates, migrations.RunPython.noop)]
