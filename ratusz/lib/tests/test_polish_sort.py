"""Polish alphabetical order (the database sorts by code point)."""

import random

from django.test import SimpleTestCase

from ratusz.lib.polish import POLISH_ALPHABET, sort_key, sorted_polish


class SortKeyTestCase(SimpleTestCase):
    def assertOrder(self, expected):
        shuffled = list(expected)
        random.Random(7).shuffle(shuffled)
        self.assertEqual(sorted_polish(shuffled), expected)
        self.assertEqual(
            sorted(random.Random(3).sample(expected, len(expected)), key=sort_key),
            expected,
        )

    def test_it_sorts_polish_letters_after_their_base(self):
        self.assertOrder(
            [
                "Cieszyn",
                "Ćmielów",
                "Lasek",
                "Lubin",
                "Łazy",
                "Sobota",
                "Ściborowice",
                "Zawada",
                "Zawada Górna",
                "Zawadka",
                "Źródła",
                "Żabno",
            ]
        )
        # The bug this fixes: by code point every Polish letter comes after z.
        self.assertLess("Zawada Górna", "Łazy")
        self.assertLess(sort_key("Łazy"), sort_key("Zawada Górna"))

    def test_it_follows_the_whole_alphabet(self):
        letters = list(POLISH_ALPHABET)
        self.assertEqual(len(letters), 35)
        self.assertOrder(letters)
        self.assertOrder([c.upper() for c in letters])
        self.assertOrder(["Ozorków", "Ósemka", "Pcim"])
        self.assertOrder(["Nowy", "Ńa", "Oleśnica"])
        self.assertOrder(["Ełk", "Ęlk", "Fałków"])

    def test_it_ignores_case_and_breaks_ties_lower_first(self):
        self.assertOrder(["łazy", "Łazy", "ŁAZY", "Łazy Małe", "łaźnia"])
        self.assertOrder(["abc", "ABD", "abe"])

    def test_it_sorts_numbers_by_value(self):
        self.assertOrder(["Kolonia 2", "Kolonia 10", "Kolonia A", "Kolonie"])

    def test_space_and_punctuation_come_before_letters(self):
        self.assertOrder(["Nowa Wieś", "Nowa-Wieś", "Nowak", "Nowe"])

    def test_foreign_accents_only_break_ties(self):
        self.assertOrder(["Moller", "Möller", "Molo"])
        self.assertOrder(["Eire", "Éire", "Eja"])

    def test_it_accepts_empty_and_odd_text(self):
        self.assertOrder(["", " ", "1", "a", "ß", "Δέλτα", "日本"])
        self.assertEqual(sort_key(None), sort_key(""))
        # Decomposed input (ł has no decomposition; ś does) sorts as composed.
        self.assertEqual(sort_key("S\u0301ciborowice")[:3], sort_key("Ściborowice")[:3])
