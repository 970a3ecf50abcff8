"""The public page cache keeps procedure pages and their list fresh."""

from ratusz.website.models import ProcedurePage

from .factory_procedures import make_procedure, make_procedure_index
from .test_pagecache import PageCacheTestCase, fetch, path


class ProcedureCacheTestCase(PageCacheTestCase):
    def setUp(self):
        super().setUp()
        self.index = make_procedure_index(self.gmina)
        self.dowod = make_procedure(
            self.gmina, "Dowód osobisty", summary="Wniosek o dowód osobisty."
        )

    def test_it_caches_procedure_pages_and_their_list(self):
        self.warm(self.index, self.dowod)
        r = self.assertCached(path(self.dowod))
        self.assertIn("Dowód osobisty", r.text)
        # A search in the list has a query string: never stored.
        r = fetch(path(self.index) + "?q=dowodu")
        self.assertNotIn("x-cache", r.headers)
        self.assertIn("Dowód osobisty", r.text)

    def test_publishing_a_procedure_refreshes_its_list(self):
        self.warm(self.index, self.dowod)
        new = make_procedure(self.gmina, "Zameldowanie", publish=False)
        self.assertCached(path(self.index))
        self.publish(new)
        self.assertIn("Zameldowanie", self.assertRebuilt(path(self.index)).text)
        # The other procedure did not show the new one: still cached.
        self.assertCached(path(self.dowod))

    def test_editing_a_procedure_refreshes_it_and_its_list(self):
        self.warm(self.index, self.dowod)
        self.publish(self.dowod, title="Dowód osobisty – wniosek")
        self.assertIn(
            "Dowód osobisty – wniosek", self.assertRebuilt(path(self.dowod)).text
        )
        self.assertIn(
            "Dowód osobisty – wniosek", self.assertRebuilt(path(self.index)).text
        )

    def test_a_draft_edit_changes_nothing(self):
        self.warm(self.index, self.dowod)
        page = ProcedurePage.objects.get(pk=self.dowod.pk)
        page.title = "Szkic zmiany"
        with self.captureOnCommitCallbacks(execute=True):
            page.save_revision()
        r = self.assertCached(path(self.index))
        self.assertNotIn("Szkic zmiany", r.text)
