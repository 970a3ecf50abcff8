"""The image model: its description is the alt text; an upload loses its metadata."""

import os

from django.db import models
from wagtail.images.models import AbstractImage, AbstractRendition
from wagtail.images.models import Image as _Image
from wagtail.utils.file import hash_filelike

from ratusz.lib.images import without_metadata

# The one rendition an article card shows (components/article_card.html).
CARD_RENDITION = "fill-480x270"


class CustomImage(AbstractImage):
    """The image model; its description is the alt text residents hear."""

    admin_form_fields = _Image.admin_form_fields

    class Meta(AbstractImage.Meta):
        verbose_name = "obraz"
        verbose_name_plural = "obrazy"

    def save(self, *args, **kwargs):
        # A new file (upload, replacement, import) loses its EXIF GPS, serial
        # numbers and owner before it is stored; renditions copy the
        # original's EXIF, so they then carry none either.
        if self.file and not self.file._committed:
            self._drop_file_metadata()
        super().save(*args, **kwargs)

    def _drop_file_metadata(self):
        name = os.path.basename(self.file.name)
        clean = without_metadata(self.file, name)
        if clean is None:
            return
        self.file = clean  # also updates width and height (orientation applied)
        self.file_size = clean.size
        self.file_hash = hash_filelike(clean)
        clean.seek(0)


class CustomRendition(AbstractRendition):
    image = models.ForeignKey(
        CustomImage, on_delete=models.CASCADE, related_name="renditions"
    )

    class Meta:
        unique_together = (("image", "filter_spec", "focal_point_key"),)
