"""Private files: uploads that only an authorised view may hand out.

Any app keeping people's files (today the messenger's attachments) uses:

- `storage()`: `PRIVATE_FILES_DIR`, outside MEDIA_ROOT, so no URL reaches
  a file directly; owner-only permissions on disk;
- `random_name(folder, extension)`: never the uploader's file name on disk;
- `sniff(head)`: the content type by the content (magic bytes), not by the
  name or the browser's word;
- `SizeLimitUploadHandler`: drops an oversize upload's bytes as they arrive;
- `serve(name, …)`: the download, after the app's own access check, so
  that nothing in the file can run (nosniff, a sandboxing CSP, no caching,
  no referrer, not indexed).
"""

from __future__ import annotations

import secrets

import filetype
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadhandler import FileUploadHandler
from django.http import FileResponse
from django.utils import timezone

# Types a browser shows inline without running anything.
INLINE_TYPES = frozenset({"image/jpeg", "image/png"})


def storage() -> FileSystemStorage:
    return FileSystemStorage(
        location=settings.PRIVATE_FILES_DIR,
        base_url=None,
        file_permissions_mode=0o600,
        directory_permissions_mode=0o700,
    )


def random_name(folder: str, extension: str) -> str:
    """`folder/YYYY/MM/<random>.ext`: `extension` with its dot (".jpg")."""
    return f"{folder}/{timezone.now():%Y/%m}/{secrets.token_hex(16)}{extension}"


def sniff(head: bytes) -> str:
    """The MIME type the first bytes show ("" when unknown)."""
    kind = filetype.guess(head)
    return kind.mime if kind else ""


def serve(
    name: str, *, content_type: str, filename: str, inline: bool | None = None
) -> FileResponse:
    """The stored file `name` as a response nothing in it can run from.

    Call it only after the caller's access check. `inline` defaults to the
    types a browser shows without running anything; everything else is a
    download.
    """
    if inline is None:
        inline = content_type in INLINE_TYPES
    response = FileResponse(
        storage().open(name, "rb"),
        content_type=content_type,
        as_attachment=not inline,
        filename=filename,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    return response


class SizeLimitUploadHandler(FileUploadHandler):
    """First in `request.upload_handlers`: passes a file's chunks on until it
    grows past `limit` bytes, then drops the rest (never held in memory) and
    marks the file `too_big` so the form can say so; the typed text of the
    same POST is still read."""

    def __init__(self, request=None, *, limit: int):
        super().__init__(request)
        self.limit = limit
        self.received = 0
        self.too_big = False

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.received = 0
        self.too_big = False

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > self.limit:
            self.too_big = True
            return None  # later handlers never see it
        return raw_data

    def file_complete(self, file_size):
        if not self.too_big:
            return None  # the next handler builds the file
        return TooBigFile(self.file_name, self.received)


class TooBigFile(ContentFile):
    """Stands in for an upload that was over the limit (its bytes dropped)."""

    too_big = True

    def __init__(self, name, received):
        super().__init__(b"", name=name)
        self.size = received
