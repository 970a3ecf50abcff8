from django.test import override_settings
from wagtail.models import Collection

from ratusz.gminas.tests.factory import MEDIA, make_document
from ratusz.test import BaseTestCase


@override_settings(MEDIA_ROOT=MEDIA.name)
class DocumentServeTestCase(BaseTestCase):
    def test_it_serves_a_document_on_its_gminas_site(self):
        document = make_document(self.gmina, "Uchwała")
        r = self.client.get(document.url, HTTP_HOST="localhost")
        self.assertEqual(r.status_code, 200)
        self.assertEqual(b"".join(r.streaming_content), b"%PDF-1.4\n%%EOF\n")

    def test_it_serves_a_document_of_a_sub_collection(self):
        child = self.other_gmina.collection.add_child(name="Uchwały")
        document = make_document(self.other_gmina, "Uchwała")
        document.collection = child
        document.save(update_fields=["collection"])
        r = self.client.get(document.url, HTTP_HOST="brzezie.localhost")
        self.assertEqual(r.status_code, 200)

    def test_it_hides_another_gminas_document(self):
        document = make_document(self.other_gmina, "Uchwała Brzezia")
        r = self.client.get(document.url, HTTP_HOST="localhost")
        self.assertEqual(r.status_code, 404)
        r = self.client.get(document.url, HTTP_HOST="brzezie.localhost")
        self.assertEqual(r.status_code, 200)

    def test_it_hides_a_document_outside_every_gminas_collection(self):
        document = make_document(self.gmina, "Bez gminy")
        document.collection = Collection.get_first_root_node()
        document.save(update_fields=["collection"])
        r = self.client.get(document.url, HTTP_HOST="localhost")
        self.assertEqual(r.status_code, 404)
