"""Drop EXIF/XMP/IPTC (GPS positions, serial numbers) from images stored
before uploads did; see website/image_metadata.py."""

from django.db import migrations

from ratusz.website import pagecache
from ratusz.website.image_metadata import strip_stored_metadata


def strip(apps, schema_editor):
    cleaned = strip_stored_metadata(
        apps.get_model("website", "CustomImage"),
        apps.get_model("website", "CustomRendition"),
    )
    if cleaned:
        pagecache.clear()  # cached pages name the dropped renditions


class Migration(migrations.Migration):
    dependencies = [("website", "0007_procedures")]

    operations = [migrations.RunPython(strip, migrations.RunPython.noop)]
