"""Stored images uploaded before uploads dropped their metadata, cleaned once.

`CustomImage.save` drops EXIF, XMP and IPTC from every new file (see
lib/images.py); originals stored before that still carry a phone's GPS
position, and their renditions copy it. The website migration 0008 runs this
on upgrade, and `manage.py strip_image_metadata` does it again on demand.
"""

from __future__ import annotations

import os

from PIL import Image, UnidentifiedImageError
from wagtail.utils.file import hash_filelike

from ratusz.lib.images import without_metadata


def strip_stored_metadata(images, renditions) -> int:
    """Re-save each original in `images` that still carries metadata, under a
    new name (cached pages and browsers hold the old renditions' addresses),
    and drop its renditions, which copied the metadata. Returns how many.

    Model classes come as arguments so the migration can pass its historical ones.
    """
    cleaned = 0
    for image in images.objects.order_by("pk").iterator():
        storage = image.file.storage
        old_name = image.file.name
        try:
            with storage.open(old_name) as stored:
                clean = without_metadata(stored, os.path.basename(old_name))
        except (OSError, UnidentifiedImageError, Image.DecompressionBombError):
            continue  # a missing or unreadable file stays as it is
        if clean is None:
            continue
        image.file.name = storage.save(old_name, clean)
        clean.seek(0)
        image.width, image.height = Image.open(clean).size
        image.file_size = clean.size
        image.file_hash = hash_filelike(clean)
        image.save(update_fields=["file", "width", "height", "file_size", "file_hash"])
        for rendition in renditions.objects.filter(image_id=image.pk):
            storage.delete(rendition.file.name)
            rendition.delete()
        storage.delete(old_name)
        cleaned += 1
    return cleaned
