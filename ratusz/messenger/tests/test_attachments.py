"""Residents' attachments: checked by content and extension, images
re-encoded without EXIF, stored privately, served so nothing in them runs
(SECURITY.md A8, B7)."""

import io
import os
import tempfile
from pathlib import Path

from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.defaultfilters import filesizeformat
from django.test import override_settings
from PIL import Image

from ratusz.lib import private_files
from ratusz.messenger import attachments, services
from ratusz.messenger.models import Attachment, Message
from ratusz.test import BaseTestCase

PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)
SVG = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" '
    b'onload="alert(1)"><script>alert(document.domain)</script></svg>'
)
HTML = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200


def jpeg_with_gps(size=(40, 20)) -> bytes:
    image = Image.new("RGB", size, (200, 30, 30))
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90° clockwise when shown
    exif[0x010F] = "TelefonMarki"
    exif[0x8825] = {1: "N", 2: (50.0, 3.0, 12.5), 3: "E", 4: (19.0, 56.0, 1.0)}
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif.tobytes())
    return out.getvalue()


def image_bytes(fmt: str, mode="RGB", size=(30, 30)) -> bytes:
    out = io.BytesIO()
    colour = (0, 120, 0, 128) if mode == "RGBA" else (0, 120, 0)
    Image.new(mode, size, colour).save(out, fmt)
    return out.getvalue()


def upload(name, content, content_type="application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=content_type)


class PrivateDirMixin:
    def setUp(self):
        super().setUp()
        cache.clear()
        self.private = self.enterContext(tempfile.TemporaryDirectory())
        self.enterContext(override_settings(PRIVATE_FILES_DIR=self.private))


class CheckTests(PrivateDirMixin, BaseTestCase):
    def test_a_photo_loses_its_exif_and_gps_and_keeps_its_orientation(self):
        data = jpeg_with_gps()
        self.assertIn(b"TelefonMarki", data)
        prepared = attachments.check(upload("IMG_1.JPG", data, "image/jpeg"))
        self.assertEqual(prepared.content_type, "image/jpeg")
        self.assertEqual(prepared.extension, ".jpg")
        self.assertNotIn(b"TelefonMarki", prepared.content)
        image = Image.open(io.BytesIO(prepared.content))
        self.assertEqual(dict(image.getexif()), {})
        self.assertEqual(image.getexif().get_ifd(0x8825), {})
        # Orientation 6 applied: the 40×20 photo now stands 20×40.
        self.assertEqual((prepared.width, prepared.height), (20, 40))
        self.assertEqual(image.size, (20, 40))

    def test_png_webp_and_heic_are_re_encoded(self):
        png = attachments.check(upload("plan.png", image_bytes("PNG", "RGBA")))
        self.assertEqual((png.content_type, png.extension), ("image/png", ".png"))
        webp = attachments.check(upload("zdjecie.webp", image_bytes("WEBP")))
        self.assertEqual((webp.content_type, webp.extension), ("image/jpeg", ".jpg"))
        self.assertTrue(attachments.HEIF, "pillow_heif is in requirements")
        heic = attachments.check(upload("IMG_2.HEIC", image_bytes("HEIF")))
        self.assertEqual(heic.content_type, "image/jpeg")
        Image.open(io.BytesIO(heic.content)).verify()

    def test_a_pdf_is_kept_as_it_is(self):
        prepared = attachments.check(upload("wniosek.pdf", PDF, "application/pdf"))
        self.assertEqual(prepared.content, PDF)
        self.assertEqual(prepared.content_type, "application/pdf")

    def test_dangerous_or_disguised_files_are_refused(self):
        png = image_bytes("PNG")
        cases = {
            "rysunek.svg": (SVG, "niedozwolony typ"),
            "obrazek.jpg": (SVG, "niedozwolony typ"),
            "strona.html": (HTML, "niedozwolony typ"),
            "zdjecie.jpg": (HTML, "niedozwolony typ"),
            "program.jpg": (EXE, "niedozwolony typ"),
            "program.exe": (EXE, "niedozwolony typ"),
            "dokument.pdf": (png, "niedozwolony typ"),  # extension and content disagree
            "obraz.png": (PDF, "niedozwolony typ"),
            "brak-rozszerzenia": (png, "niedozwolony typ"),
            # Magic bytes of a PNG followed by a web page: does not decode.
            "polyglot.png": (png[:16] + HTML, "plik jest uszkodzony"),
            # A "PDF" that a browser could render as a page.
            "polyglot.pdf": (b"%PDF-1.4\n" + HTML, "nie jest zwykłym dokumentem PDF"),
            "pusty.jpg": (b"", "jest pusty"),
        }
        for name, (content, error) in cases.items():
            with self.subTest(name=name):
                with self.assertRaises(attachments.AttachmentError) as caught:
                    attachments.check(upload(name, content))
                self.assertIn(error, caught.exception.messages[0])

    @override_settings(MESSENGER_ATTACHMENT_MAX_BYTES=1000)
    def test_a_file_over_the_size_limit_is_refused(self):
        with self.assertRaises(attachments.AttachmentError) as caught:
            attachments.check(upload("duze.jpg", image_bytes("BMP", size=(40, 40))))
        self.assertIn("za duży", caught.exception.messages[0])

    @override_settings(MESSENGER_ATTACHMENT_MAX_PIXELS=1000)
    def test_an_image_over_the_pixel_limit_is_refused_before_decoding(self):
        with self.assertRaises(attachments.AttachmentError) as caught:
            attachments.check(upload("duze.png", image_bytes("PNG", size=(40, 30))))
        self.assertIn("za dużo pikseli (40×30)", caught.exception.messages[0])

    def test_the_upload_handler_drops_an_oversize_file(self):
        handler = private_files.SizeLimitUploadHandler(limit=10)
        handler.new_file("file", "duze.jpg", "image/jpeg", 100)
        self.assertEqual(handler.receive_data_chunk(b"x" * 8, 0), b"x" * 8)
        self.assertIsNone(handler.receive_data_chunk(b"x" * 8, 8))
        self.assertIsNone(handler.receive_data_chunk(b"x" * 8, 16))
        stand_in = handler.file_complete(24)
        self.assertTrue(stand_in.too_big)
        self.assertEqual(stand_in.size, 24)
        with self.assertRaises(attachments.AttachmentError):
            attachments.check(stand_in)
        # The next file starts counting again.
        handler.new_file("file", "male.jpg", "image/jpeg", 5)
        self.assertEqual(handler.receive_data_chunk(b"y" * 5, 0), b"y" * 5)
        self.assertIsNone(handler.file_complete(5))


class ServeTests(PrivateDirMixin, BaseTestCase):
    def setUp(self):
        super().setUp()
        self.conversation, _, _ = services.open_conversation(
            self.gmina, body="Zdjęcie dziury w drodze"
        )

    def _reply(self, name, content, **extra):
        return self.client.post(
            f"/napisz/r/{self.conversation.token}/",
            {
                "body": "W załączniku",
                "client_id": extra.pop("client_id", "upload-0000001"),
                "attachment": upload(name, content),
            },
            **extra,
        )

    def test_a_resident_attaches_a_photo(self):
        response = self._reply("<img src=x onerror=alert(1)>.jpg", jpeg_with_gps())
        self.assertEqual(response.status_code, 303)
        attachment = Attachment.objects.get()
        self.assertEqual(attachment.message.author, Message.Author.RESIDENT)
        self.assertEqual(attachment.original_name, "<img src=x onerror=alert(1)>.jpg")
        path = Path(self.private) / attachment.file.name
        self.assertTrue(path.is_file())
        self.assertNotIn(b"TelefonMarki", path.read_bytes())
        from django.conf import settings

        self.assertFalse(str(path).startswith(str(settings.MEDIA_ROOT)))
        self.assertNotIn("onerror", attachment.file.name)

        page = self.client.get(f"/napisz/r/{self.conversation.token}/")
        self.assertContains(page, "&lt;img src=x onerror=alert(1)&gt;.jpg")
        self.assertNotContains(page, "<img src=x")
        self.assertContains(page, f"({filesizeformat(attachment.size)})")

        served = self.client.get(
            f"/napisz/r/{self.conversation.token}/zalacznik/{attachment.pk}/"
        )
        self.assertEqual(served.status_code, 200)
        self.assertEqual(served["Content-Type"], "image/jpeg")
        self.assertEqual(served["X-Content-Type-Options"], "nosniff")
        self.assertEqual(
            served["Content-Security-Policy"], "default-src 'none'; sandbox"
        )
        self.assertIn("inline", served["Content-Disposition"])
        self.assertIn("no-store", served["Cache-Control"])
        self.assertEqual(b"".join(served.streaming_content), path.read_bytes())

    def test_a_pdf_is_served_as_a_download(self):
        self._reply("wniosek.pdf", PDF)
        attachment = Attachment.objects.get()
        served = self.client.get(
            f"/napisz/r/{self.conversation.token}/zalacznik/{attachment.pk}/"
        )
        self.assertEqual(served["Content-Type"], "application/pdf")
        self.assertTrue(served["Content-Disposition"].startswith("attachment;"))
        self.assertEqual(
            served["Content-Security-Policy"], "default-src 'none'; sandbox"
        )
        self.assertEqual(b"".join(served.streaming_content), PDF)

    def test_refused_files_keep_the_text_and_store_nothing(self):
        for n, (name, content) in enumerate(
            [("rysunek.svg", SVG), ("program.jpg", EXE), ("zdjecie.jpg", HTML)]
        ):
            with self.subTest(name=name):
                response = self._reply(name, content, client_id=f"refused-{n:06d}")
                self.assertContains(response, "niedozwolony typ", status_code=400)
                self.assertContains(response, "W załączniku", status_code=400)
        self.assertFalse(Attachment.objects.exists())
        self.assertEqual(
            self.conversation.messages.filter(author="resident").count(), 1
        )

    @override_settings(MESSENGER_ATTACHMENT_MAX_BYTES=2000)
    def test_an_oversize_upload_is_refused_with_the_text_kept(self):
        big = os.urandom(5000)
        response = self._reply("duze.pdf", b"%PDF-1.4\n" + big)
        self.assertContains(response, "za duży", status_code=400)
        self.assertContains(response, "W załączniku", status_code=400)
        self.assertFalse(Attachment.objects.exists())

    @override_settings(MESSENGER_ATTACHMENT_MAX_BYTES=2000)
    def test_a_huge_body_is_refused_before_it_is_read(self):
        token = self.conversation.token
        response = self.client.generic(
            "POST",
            f"/napisz/r/{token}/",
            b"x" * 10,
            content_type="multipart/form-data; boundary=xyz",
            CONTENT_LENGTH=str(1024**3),
        )
        self.assertEqual(response.status_code, 413)
        self.assertContains(response, "Plik jest za duży", status_code=413)
        self.assertEqual(
            self.conversation.messages.filter(author="resident").count(), 1
        )

    def test_attachments_stay_within_their_conversation(self):
        self._reply("wniosek.pdf", PDF)
        attachment = Attachment.objects.get()
        other, _, _ = services.open_conversation(self.gmina, body="Inna sprawa")
        response = self.client.get(
            f"/napisz/r/{other.token}/zalacznik/{attachment.pk}/"
        )
        self.assertEqual(response.status_code, 404)
        # Not under the public media URL either.
        self.assertEqual(
            self.client.get(f"/media/{attachment.file.name}").status_code, 404
        )

    def test_staff_of_the_gmina_may_open_it_others_may_not(self):
        self._reply("wniosek.pdf", PDF)
        url = f"/napisz/zalacznik/{Attachment.objects.get().pk}/"
        self.assertEqual(self.client.get(url).status_code, 404)
        self.client.force_login(self.charlie)
        self.assertEqual(self.client.get(url).status_code, 404)
        for user in (self.alice, self.bob, self.admin):
            self.client.force_login(user)
            response = self.client.get(url)
            self.assertEqual(response.status_code, 200, user)
            self.assertEqual(response["X-Content-Type-Options"], "nosniff")
