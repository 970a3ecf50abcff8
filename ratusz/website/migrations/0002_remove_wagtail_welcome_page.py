from django.db import migrations


def remove_welcome_page(apps, schema_editor):
    """Drop the site and page Wagtail creates on install: each gmina brings its own."""
    Site = apps.get_model("wagtailcore", "Site")
    Page = apps.get_model("wagtailcore", "Page")
    Site.objects.filter(root_page__depth=2, root_page__slug="home").delete()
    welcome = Page.objects.filter(depth=2, slug="home", content_type__model="page")
    if welcome.exists():
        root = Page.objects.get(depth=1)
        welcome.delete()
        root.numchild = Page.objects.filter(depth=2).count()
        root.save(update_fields=["numchild"])


class Migration(migrations.Migration):
    dependencies = [
        ("website", "0001_initial"),
        ("wagtailcore", "0001_initial"),
    ]

    operations = [migrations.RunPython(remove_welcome_page, migrations.RunPython.noop)]
