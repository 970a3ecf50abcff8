"""Shared pieces of the importer tests: fixture files and tiny real images."""

import io
import shutil
import tempfile
from pathlib import Path

from PIL import Image

FIXTURES = Path(__file__).parent / "fixtures"
WXR = FIXTURES / "wordpress-zawada.xml"
RSS = FIXTURES / "rss-zawada.xml"
ATOM = FIXTURES / "atom-zawada.xml"
OLD_SITE = "https://gmina-zawada.invalid"


def image_bytes(fmt: str = "JPEG", colour=(200, 30, 30), size=(48, 32)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, fmt)
    return buffer.getvalue()


# Files of the fixture export's wp-content/uploads (distinct colours: distinct
# files, so each one becomes its own image).
UPLOADS = {
    "2013/08/dozynki.jpg": image_bytes("JPEG", (200, 30, 30)),
    "2013/08/wieniec.png": image_bytes("PNG", (220, 180, 20), (20, 20)),
    "2014/10/boisko.jpg": image_bytes("JPEG", (20, 160, 40)),
    "2014/10/droga-1024x768.jpg": image_bytes("JPEG", (30, 30, 200)),
    # Named .jpg, but HTML inside: the magic bytes give it away.
    "2014/10/zlosliwy.jpg": b"<html><script>alert(1)</script></html>",
    "2015/03/kontener.jpg": image_bytes("JPEG", (90, 90, 90)),
    "2015/03/smieciarka.jpg": image_bytes("JPEG", (10, 120, 120)),
    "2015/03/sala-obrad.png": image_bytes("PNG", (120, 10, 120)),
}


def make_uploads(root: Path) -> Path:
    for name, data in UPLOADS.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return root


class TempDirMixin:
    """A temporary folder per test, removed afterwards."""

    def make_tempdir(self) -> Path:
        path = Path(tempfile.mkdtemp(prefix="ratusz-import-"))
        self.addCleanup(shutil.rmtree, path, ignore_errors=True)
        return path

    def write_variant(self, source: Path, *replacements: tuple[str, str]) -> Path:
        text = source.read_text()
        for old, new in replacements:
            assert old in text, old
            text = text.replace(old, new)
        path = self.make_tempdir() / source.name
        path.write_text(text)
        return path
