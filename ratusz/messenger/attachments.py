"""Photos and PDFs residents attach to their messages (SECURITY.md A8, B7).

1. The extension AND the content (magic bytes, `filetype`) must both name an
   allowed type of the same kind: a program renamed to .jpg, an SVG or an
   HTML page is refused with a Polish message.
2. At most MESSENGER_ATTACHMENT_MAX_BYTES (10 MB) and, for images,
   MESSENGER_ATTACHMENT_MAX_PIXELS (40 Mpx), checked from the header before
   the pixels are decoded. `SizeLimitUploadHandler` drops the bytes of an
   oversize file as they arrive, so it never sits in memory.
3. Images are decoded and saved again with Pillow (orientation applied; EXIF
   with GPS, comments and anything smuggled after the pixels dropped) as JPEG,
   or PNG when they have transparency. A file that does not decode is refused.
4. PDFs are kept as they are (after a check that no HTML hides in their
   first bytes) and only ever served as a download.
5. Files go to the project's private storage (`lib.private_files`: outside
   MEDIA_ROOT, so no public URL) under a random name, and are served by
   `serve()` with nosniff and `Content-Security-Policy: default-src 'none';
   sandbox`.
"""

from __future__ import annotations

import io
import os
import re
import unicodedata
import warnings
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.http import FileResponse
from PIL import Image, ImageOps

from ratusz.lib import private_files

from .models import Attachment, attachment_path

try:  # HEIC photos from iPhones, when pillow_heif is installed
    import pillow_heif

    pillow_heif.register_heif_opener()
    HEIF = True
except ImportError:  # pragma: no cover - depends on the installation
    HEIF = False

IMAGE_EXTENSIONS = {"jpg", "jpeg", "png", "webp"} | (
    {"heic", "heif"} if HEIF else set()
)
PDF_EXTENSIONS = {"pdf"}
IMAGE_TYPES = {"image/jpeg", "image/png", "image/webp"} | (
    {"image/heic", "image/heif"} if HEIF else set()
)
PDF_TYPE = "application/pdf"
ACCEPT = ",".join(
    sorted(f".{e}" for e in IMAGE_EXTENSIONS | PDF_EXTENSIONS)
    + sorted(IMAGE_TYPES | {PDF_TYPE})
)
HEAD_BYTES = 8192
# Markup that makes a "PDF" a polyglot a browser could render as a page.
_MARKUP = re.compile(rb"<\s*(html|script|svg|body|iframe|!doctype)", re.I)
JPEG_QUALITY = 85


class AttachmentError(ValidationError):
    pass


def max_bytes() -> int:
    return settings.MESSENGER_ATTACHMENT_MAX_BYTES


def max_pixels() -> int:
    return settings.MESSENGER_ATTACHMENT_MAX_PIXELS


def _megabytes(n: int) -> str:
    return f"{n / (1024 * 1024):.0f} MB"


def human_size(n: int) -> str:
    if n < 1024:
        return f"{n} B"
    if n < 1024 * 1024:
        return f"{n / 1024:.0f} kB".replace(".", ",")
    return f"{n / (1024 * 1024):.1f} MB".replace(".", ",")


def clean_filename(name: str) -> str:
    """The resident's file name for display and downloads (never for disk)."""
    name = unicodedata.normalize("NFC", os.path.basename(name or "").strip())
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    return name[-150:] or "plik"


@dataclass
class Prepared:
    content: bytes
    content_type: str
    extension: str  # with the dot: ".jpg"
    original_name: str
    width: int | None = None
    height: int | None = None


def _refuse(message: str, code: str = "invalid"):
    raise AttachmentError(message, code=code)


def check(uploaded) -> Prepared:
    """Validate an uploaded file and return what will be stored.

    Raises AttachmentError with a message for the resident.
    """
    name = clean_filename(getattr(uploaded, "name", ""))
    if getattr(uploaded, "too_big", False) or uploaded.size > max_bytes():
        _refuse(
            f"Plik „{name}” jest za duży: najwyżej {_megabytes(max_bytes())}.",
            "too_big",
        )
    if uploaded.size == 0:
        _refuse(f"Plik „{name}” jest pusty.", "empty")
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    uploaded.seek(0)
    head = uploaded.read(HEAD_BYTES)
    mime = private_files.sniff(head)
    allowed = "zdjęcie (JPEG, PNG, WebP" + (", HEIC" if HEIF else "") + ") lub PDF"
    if extension in PDF_EXTENSIONS and mime == PDF_TYPE:
        if _MARKUP.search(head):
            _refuse(f"Plik „{name}” nie jest zwykłym dokumentem PDF.", "polyglot")
        uploaded.seek(0)
        return Prepared(
            content=uploaded.read(),
            content_type=PDF_TYPE,
            extension=".pdf",
            original_name=name,
        )
    if extension in IMAGE_EXTENSIONS and mime in IMAGE_TYPES:
        uploaded.seek(0)
        return _reencode(uploaded, name)
    if extension in {"heic", "heif"} or mime in {"image/heic", "image/heif"}:
        _refuse("Zdjęcia HEIC nie są obsługiwane: zapisz je jako JPEG.", "type")
    _refuse(
        f"Plik „{name}” ma niedozwolony typ. Możesz dołączyć {allowed}.",
        "type",
    )


def _reencode(uploaded, name: str) -> Prepared:
    broken = f"Nie udało się odczytać zdjęcia „{name}”: plik jest uszkodzony."
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(uploaded)
            width, height = image.size
            if width * height > max_pixels():
                _refuse(
                    f"Zdjęcie „{name}” ma za dużo pikseli ({width}×{height}): "
                    f"najwyżej {max_pixels() // 1_000_000} Mpx.",
                    "too_many_pixels",
                )
            image.load()
            image = ImageOps.exif_transpose(image)
        except AttachmentError:
            raise
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            _refuse(f"Zdjęcie „{name}” ma za dużo pikseli.", "too_many_pixels")
        except Exception:  # noqa: BLE001 - any decoder failure: a bad file
            _refuse(broken, "broken")
    has_alpha = image.mode in ("RGBA", "LA", "PA") or (
        image.mode == "P" and "transparency" in image.info
    )
    out = io.BytesIO()
    if has_alpha:
        image = image.convert("RGBA")
        image.save(out, format="PNG", optimize=True)
        content_type, extension = "image/png", ".png"
    else:
        image = image.convert("RGB")
        image.save(out, format="JPEG", quality=JPEG_QUALITY, optimize=True)
        content_type, extension = "image/jpeg", ".jpg"
    return Prepared(
        content=out.getvalue(),
        content_type=content_type,
        extension=extension,
        original_name=name,
        width=image.width,
        height=image.height,
    )


def store(message, prepared: Prepared) -> Attachment:
    """Write the file to the private storage and record it on the message."""
    attachment = Attachment(
        message=message,
        original_name=prepared.original_name,
        content_type=prepared.content_type,
        extension=prepared.extension,
        size=len(prepared.content),
        width=prepared.width,
        height=prepared.height,
    )
    saved = private_files.storage().save(
        attachment_path(attachment, prepared.original_name),
        ContentFile(prepared.content),
    )
    attachment.file.name = saved
    attachment.save()
    return attachment


def download_name(attachment: Attachment) -> str:
    """The resident's name, with the extension of what we actually serve."""
    stem = attachment.original_name.rsplit(".", 1)[0] or "plik"
    return f"{stem}{attachment.extension}"


def serve(attachment: Attachment) -> FileResponse:
    """The file, so that nothing in it can run (A8, B7); after the view's
    access check."""
    return private_files.serve(
        attachment.file.name,
        content_type=attachment.content_type,
        filename=download_name(attachment),
    )


def upload_handler(request) -> private_files.SizeLimitUploadHandler:
    """The first upload handler of a resident's POST (see
    `lib.private_files.SizeLimitUploadHandler`)."""
    return private_files.SizeLimitUploadHandler(request, limit=max_bytes())
