from django.db import migrations

# Wagtail's install creates these with permissions on the page tree root and the
# root collection, i.e. on every gmina at once. One click in the users admin
# would let a gmina's staff member into all the others.
DEFAULT_GROUPS = ["Moderators", "Editors"]


def remove_default_groups(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    User = apps.get_model("gminas", "User")
    for group in Group.objects.filter(name__in=DEFAULT_GROUPS, gmina_role__isnull=True):
        # Leave a group that someone already relies on for a person to sort out.
        if not User.objects.filter(groups=group).exists():
            group.delete()


class Migration(migrations.Migration):
    dependencies = [
        ("gminas", "0003_gmina_groups_and_collection"),
        # After every Wagtail migration that hands these groups permissions.
        ("wagtailcore", "0098_apitoken"),
        ("wagtailadmin", "0006_formstate"),
        ("wagtailimages", "0027_image_description"),
        ("wagtaildocs", "0014_alter_document_file_size"),
    ]

    operations = [
        migrations.RunPython(remove_default_groups, migrations.RunPython.noop),
    ]
