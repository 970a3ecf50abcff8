"""Polish phone numbers: the strict parser of forms, the lenient matcher."""

from django.test import SimpleTestCase

from ratusz.lib.phones import PhoneError, national_number, normalize_phone


class NormalizePhoneTests(SimpleTestCase):
    def test_it_normalises_polish_numbers(self):
        for value in (
            "600123456",
            "600 123 456",
            "600-123-456",
            "+48 600 123 456",
            "+48600123456",
            "0048 600 123 456",
            "48600123456",
            "(+48) 600.123.456",
        ):
            self.assertEqual(normalize_phone(value), "+48600123456", value)

    def test_it_explains_what_is_wrong(self):
        cases = {
            "": "Podaj numer",
            "60012345": "9 cyfr",
            "6001234567": "9 cyfr",
            "+44 7700 900123": "polskie",
            "22 123 45 67": "komórkowy",
            "600abc456": "tylko cyfry",
            "６００１２３４５６": "tylko cyfry",
        }
        for value, message in cases.items():
            with self.subTest(value=value):
                with self.assertRaisesMessage(PhoneError, message):
                    normalize_phone(value)


class NationalNumberTests(SimpleTestCase):
    def test_it_finds_the_nine_digits_however_written(self):
        for value in (
            "600123456",
            "+48600123456",
            "48600123456",
            "0048600123456",
            "+48 600-123-456",
        ):
            self.assertEqual(national_number(value), "600123456", value)

    def test_anything_else_is_no_number(self):
        for value in ("", None, "60012345", "6001234567", "4860012345", "STOP"):
            self.assertEqual(national_number(value), "", value)
