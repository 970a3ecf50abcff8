import secrets

from django.db import migrations, models

import ratusz.inclusion.equipment


def fill_tokens(apps, schema_editor):
    """A token for every item already in the register (each its own)."""
    Equipment = apps.get_model("inclusion", "Equipment")
    for item in Equipment.objects.filter(label_token__isnull=True).only("pk"):
        item.label_token = secrets.token_urlsafe(16)
        item.save(update_fields=["label_token"])


class Migration(migrations.Migration):
    dependencies = [
        ("inclusion", "0004_merge_register_network"),
    ]

    operations = [
        # Nullable first: a callable default would give every existing row
        # the same value, which the unique index refuses.
        migrations.AddField(
            model_name="equipment",
            name="label_token",
            field=models.CharField(editable=False, max_length=32, null=True),
        ),
        migrations.RunPython(fill_tokens, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="equipment",
            name="label_token",
            field=models.CharField(
                default=ratusz.inclusion.equipment.new_label_token,
                editable=False,
                max_length=32,
                unique=True,
            ),
        ),
    ]
