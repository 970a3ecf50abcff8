"""Public images without the metadata a camera or phone writes into them.

Photos taken on a phone carry EXIF: GPS position (often a resident's home),
the camera's serial number, the owner's name, the editing software. Wagtail
keeps the original file as uploaded and copies its EXIF into every rendition
(Willow passes it on), so the only safe place to drop it is the upload.
"""

from __future__ import annotations

import io

from django.core.files.base import ContentFile
from PIL import Image, ImageOps

try:  # HEIC photos from iPhones
    import pillow_heif

    pillow_heif.register_heif_opener()
except ImportError:  # pragma: no cover - depends on the installation
    pass

ORIENTATION = 0x0112
# What a re-saved image keeps of `Image.info`: how it looks, nothing about who
# or where.
_KEPT_INFO = ("icc_profile", "transparency", "dpi")
_METADATA_INFO = ("exif", "xmp", "XML:com.adobe.xmp", "photoshop", "comment", "iptc")
_FORMATS = {"JPEG", "PNG", "WEBP", "TIFF", "HEIF", "AVIF", "MPO"}
JPEG_QUALITY = 90


def has_metadata(image: Image.Image) -> bool:
    return bool(image.getexif()) or any(image.info.get(k) for k in _METADATA_INFO)


def without_metadata(file, name: str) -> ContentFile | None:
    """Return the image `file` saved again without EXIF, XMP, IPTC or comments.

    The EXIF orientation is applied to the pixels first, so the photo stands
    as the phone showed it. Returns None when there is nothing to remove (or
    the format is one this does not rewrite, e.g. GIF), so an untouched file
    is not compressed again for nothing.
    """
    file.seek(0)
    image = Image.open(file)
    fmt = image.format
    if fmt not in _FORMATS or getattr(image, "n_frames", 1) > 1:
        return None
    if not has_metadata(image):
        return None
    params: dict = {}
    if fmt in ("JPEG", "MPO"):
        fmt = "JPEG"
        if image.getexif().get(ORIENTATION, 1) == 1:
            # The same quantisation as the original: no visible loss.
            params = {"quality": "keep", "subsampling": "keep"}
        else:
            params = {"quality": JPEG_QUALITY}
    elif fmt == "WEBP":
        params = {"lossless": image.info.get("lossless", False), "quality": 90}
    kept = {k: image.info[k] for k in _KEPT_INFO if k in image.info}
    clean = image if params.get("quality") == "keep" else ImageOps.exif_transpose(image)
    clean.info = kept
    out = io.BytesIO()
    clean.save(out, format=fmt, exif=b"", **kept, **params)
    file.seek(0)
    return ContentFile(out.getvalue(), name=name)
