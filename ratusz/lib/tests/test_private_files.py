"""The private file helper: where files go, what their names are, how the
content type is told, and that a download cannot run anything."""

import re
import tempfile
from pathlib import Path

from django.core.files.base import ContentFile
from django.test import SimpleTestCase, override_settings

from ratusz.lib import private_files

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG_HEAD = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"


class PrivateFilesTests(SimpleTestCase):
    def setUp(self):
        self.folder = self.enterContext(tempfile.TemporaryDirectory())
        self.enterContext(override_settings(PRIVATE_FILES_DIR=self.folder))

    def test_files_are_stored_with_owner_only_rights(self):
        storage = private_files.storage()
        name = storage.save(private_files.random_name("app", ".pdf"), ContentFile(PDF))
        path = Path(self.folder) / name
        self.assertEqual(path.read_bytes(), PDF)
        self.assertEqual(path.stat().st_mode & 0o777, 0o600)

    def test_names_are_random_and_keep_only_the_extension(self):
        first = private_files.random_name("app", ".jpg")
        self.assertRegex(first, r"^app/\d{4}/\d{2}/[0-9a-f]{32}\.jpg$")
        self.assertNotEqual(first, private_files.random_name("app", ".jpg"))

    def test_the_type_comes_from_the_content(self):
        self.assertEqual(private_files.sniff(PDF), "application/pdf")
        self.assertEqual(private_files.sniff(PNG_HEAD), "image/png")
        self.assertEqual(private_files.sniff(b"<html><script>"), "")

    def test_a_download_cannot_run_anything(self):
        name = private_files.storage().save("app/x.pdf", ContentFile(PDF))
        served = private_files.serve(
            name, content_type="application/pdf", filename="wniosek.pdf"
        )
        self.assertEqual(served["X-Content-Type-Options"], "nosniff")
        self.assertEqual(
            served["Content-Security-Policy"], "default-src 'none'; sandbox"
        )
        self.assertEqual(served["Cache-Control"], "private, no-store")
        self.assertEqual(served["Referrer-Policy"], "no-referrer")
        self.assertTrue(served["Content-Disposition"].startswith("attachment;"))
        self.assertEqual(b"".join(served.streaming_content), PDF)
        photo = private_files.serve(name, content_type="image/png", filename="a.png")
        self.assertTrue(re.match(r"inline;", photo["Content-Disposition"]))


class SizeLimitUploadHandlerTests(SimpleTestCase):
    def test_it_drops_an_oversize_file_and_counts_each_file_anew(self):
        handler = private_files.SizeLimitUploadHandler(limit=10)
        handler.new_file("file", "duze.jpg", "image/jpeg", 100)
        self.assertEqual(handler.receive_data_chunk(b"x" * 8, 0), b"x" * 8)
        self.assertIsNone(handler.receive_data_chunk(b"x" * 8, 8))
        stand_in = handler.file_complete(16)
        self.assertTrue(stand_in.too_big)
        self.assertEqual(stand_in.size, 16)
        handler.new_file("file", "male.jpg", "image/jpeg", 5)
        self.assertEqual(handler.receive_data_chunk(b"y" * 5, 0), b"y" * 5)
        self.assertIsNone(handler.file_complete(5))
