"""Uploaded images lose EXIF GPS, serial numbers and owner (security review 6b)."""

import hashlib
import io
import tempfile
from importlib import import_module

from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.test import override_settings
from django.urls import reverse
from PIL import Image, ImageOps

from ratusz.test import BaseTestCase
from ratusz.website.models import CustomImage

MEDIA = tempfile.TemporaryDirectory(prefix="ratusz-image-metadata-")

GPS_IFD = 0x8825
BODY_SERIAL_NUMBER = 0xA431
CAMERA_OWNER_NAME = 0xA430
ARTIST = 0x013B
ORIENTATION = 0x0112
EXIF_IFD = 0x8769


def phone_photo(*, orientation: int = 6) -> bytes:
    """A 40×20 JPEG as a phone writes it: GPS, serial, owner, rotated 90°."""
    image = Image.new("RGB", (40, 20), "white")
    image.paste((200, 0, 0), (0, 0, 10, 20))  # a red band on the left edge
    exif = Image.Exif()
    exif[ORIENTATION] = orientation
    exif[ARTIST] = "Jan Kowalski"
    exif.get_ifd(GPS_IFD).update(
        {1: "N", 2: (50.0, 3.0, 7.5), 3: "E", 4: (19.0, 56.0, 12.0)}
    )
    exif.get_ifd(EXIF_IFD).update(
        {BODY_SERIAL_NUMBER: "SN-123456789", CAMERA_OWNER_NAME: "Jan Kowalski"}
    )
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif, quality=95)
    return out.getvalue()


def assert_no_identifying_metadata(test, data: bytes):
    image = Image.open(io.BytesIO(data))
    exif = image.getexif()
    test.assertEqual(dict(exif.get_ifd(GPS_IFD)), {})
    test.assertNotIn(GPS_IFD, exif)
    test.assertNotIn(ARTIST, exif)
    test.assertEqual(dict(exif.get_ifd(EXIF_IFD)), {})
    test.assertNotIn(b"SN-123456789", data)
    test.assertNotIn(b"Kowalski", data)


@override_settings(MEDIA_ROOT=MEDIA.name)
class ImageMetadataTestCase(BaseTestCase):
    def test_the_test_photo_carries_gps(self):
        data = phone_photo()
        self.assertIn(b"SN-123456789", data)
        self.assertTrue(Image.open(io.BytesIO(data)).getexif().get_ifd(GPS_IFD))

    def test_it_strips_gps_from_the_original_and_renditions(self):
        image = CustomImage.objects.create(
            title="Zdjęcie",
            file=SimpleUploadedFile("zdjecie.jpg", phone_photo()),
            collection=self.gmina.collection,
        )
        image.refresh_from_db()
        with image.file.open("rb") as f:
            original = f.read()
        assert_no_identifying_metadata(self, original)
        # Orientation 6 applied: the 40×20 photo now stands 20×40.
        self.assertEqual((image.width, image.height), (20, 40))
        self.assertEqual(Image.open(io.BytesIO(original)).size, (20, 40))
        self.assertEqual(image.file_size, len(original))
        for spec in ("fill-10x10", "width-16", "original", "format-webp"):
            rendition = image.get_rendition(spec)
            with rendition.file.open("rb") as f:
                assert_no_identifying_metadata(self, f.read())

    def test_it_keeps_the_pixels_upright(self):
        image = CustomImage.objects.create(
            title="Zdjęcie",
            file=SimpleUploadedFile("zdjecie.jpg", phone_photo()),
            collection=self.gmina.collection,
        )
        with image.file.open("rb") as f:
            stored = Image.open(f)
            stored.load()
        expected = ImageOps.exif_transpose(Image.open(io.BytesIO(phone_photo())))
        # Orientation 6 turns the left edge to the top: the band is red on top
        # and the bottom stays white, as a phone shows the photo.
        for point in ((10, 2), (10, 38)):
            for got, want in zip(
                stored.getpixel(point), expected.getpixel(point), strict=True
            ):
                self.assertAlmostEqual(got, want, delta=12)
        self.assertGreater(stored.getpixel((10, 2))[0], 150)
        self.assertLess(stored.getpixel((10, 2))[1], 60)

    def test_it_strips_an_admin_upload(self):
        self.client.force_login(self.alice)
        r = self.client.post(
            reverse("wagtailimages:add"),
            {
                "title": "Z telefonu",
                "file": SimpleUploadedFile(
                    "z-telefonu.jpg", phone_photo(), content_type="image/jpeg"
                ),
                "collection": self.gmina.collection.pk,
            },
        )
        self.assertEqual(r.status_code, 302)
        image = CustomImage.objects.get(title="Z telefonu")
        with image.file.open("rb") as f:
            original = f.read()
        assert_no_identifying_metadata(self, original)
        self.assertEqual(image.file_size, len(original))
        self.assertEqual((image.width, image.height), (20, 40))

    def test_it_leaves_a_file_without_metadata_alone(self):
        out = io.BytesIO()
        Image.new("RGB", (8, 8), "blue").save(out, "PNG")
        image = CustomImage.objects.create(
            title="Czyste",
            file=SimpleUploadedFile("czyste.png", out.getvalue()),
            collection=self.gmina.collection,
        )
        with image.file.open("rb") as f:
            self.assertEqual(f.read(), out.getvalue())


@override_settings(MEDIA_ROOT=MEDIA.name)
class StoredImagesTestCase(BaseTestCase):
    """Images stored before uploads were cleaned: the migration and
    `manage.py strip_image_metadata` clean them once."""

    def stored_before_the_fix(self, data: bytes) -> CustomImage:
        image = CustomImage.objects.create(
            title="Stare zdjęcie",
            file=SimpleUploadedFile("stare.png", _png()),
            collection=self.gmina.collection,
        )
        # What an upload before the fix left: the phone's file as it came.
        name = default_storage.save("original_images/stare.jpg", io.BytesIO(data))
        CustomImage.objects.filter(pk=image.pk).update(
            file=name, width=40, height=20, file_size=len(data)
        )
        image.refresh_from_db()
        return image

    def test_it_cleans_an_image_stored_with_gps_and_its_renditions(self):
        image = self.stored_before_the_fix(phone_photo())
        old_name = image.file.name
        rendition = image.get_rendition("width-16")
        rendition_name = rendition.file.name
        with rendition.file.open("rb") as f:
            self.assertIn(b"SN-123456789", f.read())  # renditions copied it

        out = io.StringIO()
        call_command("strip_image_metadata", stdout=out)

        self.assertIn("Oczyszczone obrazy: 1.", out.getvalue())
        image.refresh_from_db()
        self.assertNotEqual(image.file.name, old_name)
        self.assertFalse(default_storage.exists(old_name))
        self.assertFalse(default_storage.exists(rendition_name))
        with image.file.open("rb") as f:
            original = f.read()
        assert_no_identifying_metadata(self, original)
        self.assertEqual((image.width, image.height), (20, 40))
        self.assertEqual(image.file_size, len(original))
        self.assertEqual(image.file_hash, hashlib.sha1(original).hexdigest())
        with image.get_rendition("width-16").file.open("rb") as f:
            assert_no_identifying_metadata(self, f.read())

    def test_the_migration_cleans_with_its_historical_models(self):
        image = self.stored_before_the_fix(phone_photo())
        migration = import_module(
            "ratusz.website.migrations.0008_strip_stored_image_metadata"
        )
        state = MigrationLoader(connection).project_state(
            ("website", "0008_strip_stored_image_metadata")
        )
        migration.strip(state.apps, None)
        image.refresh_from_db()
        with image.file.open("rb") as f:
            assert_no_identifying_metadata(self, f.read())

    def test_it_leaves_clean_and_missing_files_alone(self):
        clean = CustomImage.objects.create(
            title="Czyste",
            file=SimpleUploadedFile("czyste.png", _png()),
            collection=self.gmina.collection,
        )
        missing = self.stored_before_the_fix(phone_photo())
        default_storage.delete(missing.file.name)

        out = io.StringIO()
        call_command("strip_image_metadata", stdout=out)

        self.assertIn("Oczyszczone obrazy: 0.", out.getvalue())
        name = clean.file.name
        clean.refresh_from_db()
        self.assertEqual(clean.file.name, name)


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), "blue").save(out, "PNG")
    return out.getvalue()
