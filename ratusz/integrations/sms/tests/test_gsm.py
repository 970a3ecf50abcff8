from django.test import SimpleTestCase

from ratusz.integrations.sms.gsm import GSM7, UCS2, SmsCount, count


class CountTestCase(SimpleTestCase):
    def test_it_counts_plain_gsm7(self):
        self.assertEqual(count(""), SmsCount(GSM7, 0, 0, 160))
        self.assertEqual(count("Odbior odpadow w sobote"), (GSM7, 23, 1, 160))
        self.assertEqual(count("a" * 160), (GSM7, 160, 1, 160))
        self.assertEqual(count("a" * 161), (GSM7, 161, 2, 153))
        self.assertEqual(count("a" * 306), (GSM7, 306, 2, 153))
        self.assertEqual(count("a" * 307), (GSM7, 307, 3, 153))

    def test_it_counts_the_extension_table_twice(self):
        self.assertEqual(count("€"), (GSM7, 2, 1, 160))
        self.assertEqual(count("[x]{}~^|\\"), (GSM7, 17, 1, 160))
        self.assertEqual(count("€" * 80), (GSM7, 160, 1, 160))
        self.assertEqual(count("€" * 81), (GSM7, 162, 2, 153))

    def test_it_never_splits_an_escape_pair(self):
        # 152 + 2 + 152 = 306 septets: two parts by arithmetic, but the euro
        # sign does not fit in the first part's last septet, so three.
        self.assertEqual(count("a" * 152 + "€" + "a" * 152), (GSM7, 306, 3, 153))

    def test_it_keeps_gsm7_accents(self):
        for text in (
            "é è ù ì ò Ç Ø ø Å å Ä Ö Ñ Ü ä ö ñ ü à É ß Æ æ",
            "@£$¥§¿¡ΔΦΓΛΩΠΨΣΘΞ\n",
        ):
            self.assertEqual(count(text).encoding, GSM7, text)

    def test_it_falls_back_to_ucs2_for_polish_letters(self):
        for letter in "ąćęłńóśźżĄĆĘŁŃÓŚŹŻ":
            self.assertEqual(count(f"Gmina {letter}").encoding, UCS2, letter)
        self.assertEqual(count("Zażółć gęślą jaźń"), (UCS2, 17, 1, 70))
        self.assertEqual(count("ą" * 70), (UCS2, 70, 1, 70))
        self.assertEqual(count("ą" * 71), (UCS2, 71, 2, 67))
        self.assertEqual(count("ą" * 134), (UCS2, 134, 2, 67))
        self.assertEqual(count("ą" * 135), (UCS2, 135, 3, 67))

    def test_it_counts_emoji_as_two_ucs2_units(self):
        self.assertEqual(count("👍"), (UCS2, 2, 1, 70))
        # 66 + 2: the surrogate pair moves whole into the second part.
        self.assertEqual(count("a" * 66 + "👍" + "a" * 5), (UCS2, 73, 2, 67))
        self.assertEqual(count("a" * 66 + "👍" + "a" * 66), (UCS2, 134, 3, 67))
