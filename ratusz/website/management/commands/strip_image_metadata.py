"""`manage.py strip_image_metadata`: clean stored images of camera metadata."""

from django.core.management.base import BaseCommand

from ratusz.website import pagecache
from ratusz.website.image_metadata import strip_stored_metadata
from ratusz.website.models import CustomImage, CustomRendition


class Command(BaseCommand):
    help = (
        "Usuwa z zapisanych obrazów metadane (EXIF, XMP, IPTC: m.in. położenie "
        "GPS i numer aparatu), które zostały w plikach wgranych przed wersją "
        "robiącą to przy wgrywaniu."
    )

    def handle(self, *args, **options):
        cleaned = strip_stored_metadata(CustomImage, CustomRendition)
        if cleaned:
            pagecache.clear()  # cached pages name the dropped renditions
        if options["verbosity"]:
            self.stdout.write(f"Oczyszczone obrazy: {cleaned}.")
