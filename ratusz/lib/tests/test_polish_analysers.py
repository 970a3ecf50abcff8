"""Morfeusz analysers are shared between threads, one caller at a time."""

import threading
from concurrent.futures import ThreadPoolExecutor
from unittest import mock

from django.test import SimpleTestCase

from ratusz.lib import polish


class AnalyserTests(SimpleTestCase):
    def setUp(self):
        # An empty set of idle analysers, and a count of the ones built.
        idle = mock.patch.object(polish, "_idle", polish.queue.SimpleQueue())
        idle.start()
        self.addCleanup(idle.stop)
        self.built = 0
        self.real = real = polish.morfeusz2.Morfeusz

        def counting(*args, **kwargs):
            self.built += 1
            return real(*args, **kwargs)

        build = mock.patch.object(polish.morfeusz2, "Morfeusz", counting)
        build.start()
        self.addCleanup(build.stop)

    def test_a_new_thread_per_request_reuses_the_analyser(self):
        # Under ASGI every request has a thread of its own.
        for _ in range(20):
            thread = threading.Thread(target=polish.lemma_set, args=("wójta gminy",))
            thread.start()
            thread.join()
        self.assertEqual(self.built, 1)

    def test_concurrent_callers_each_get_their_own(self):
        inside = threading.Barrier(4, timeout=10)
        real_analyse = self.real.analyse

        def analyse_together(analyser, text):
            inside.wait()  # all four hold an analyser at the same moment
            return real_analyse(analyser, text)

        with mock.patch.object(self.real, "analyse", analyse_together):
            with ThreadPoolExecutor(4) as pool:
                results = list(pool.map(polish.lemma_set, ["dowodu osobistego"] * 4))
        self.assertEqual(self.built, 4)
        self.assertTrue(all("dowód" in lemmas for lemmas in results))
        # Afterwards they wait for the next callers instead of being rebuilt.
        polish.lemma_set("podatku")
        self.assertEqual(self.built, 4)
