"""A programme's durability: arithmetic for the three templates (leap days
by art. 112 KC), validation, countdown, reporting windows."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError

from ratusz.inclusion.models import Programme
from ratusz.inclusion.programmes import Window, add_years, parse_windows
from ratusz.inclusion.tests.factory import make_programme
from ratusz.test import BaseTestCase


class DurabilityArithmeticTests(BaseTestCase):
    def test_it_counts_five_years_for_poig(self):
        programme = make_programme(
            self.gmina, template="poig83", durability_start=date(2015, 6, 30)
        )
        self.assertEqual(programme.durability_years, 5)
        self.assertEqual(programme.durability_end, date(2020, 6, 30))
        self.assertEqual(programme.handover, Programme.Handover.LENT)
        self.assertTrue(programme.household_checks)
        self.assertIn("umowa użyczenia", programme.document_list())

    def test_it_counts_two_years_for_ppgr(self):
        programme = make_programme(
            self.gmina, template="ppgr", durability_start=date(2023, 3, 15)
        )
        self.assertEqual(programme.durability_end, date(2025, 3, 15))
        self.assertEqual(programme.handover, Programme.Handover.GIVEN)
        self.assertEqual(
            [str(w) for w in programme.windows()],
            ["01.02–24.02 oświadczenie o posiadaniu i wykorzystaniu sprzętu"],
        )
        self.assertIn("przekazuje Obdarowanemu na własność", programme.clauses)

    def test_it_counts_three_years_for_wifi4eu(self):
        programme = make_programme(
            self.gmina, template="wifi4eu", durability_start=date(2021, 9, 1)
        )
        self.assertEqual(programme.durability_end, date(2024, 9, 1))

    def test_a_leap_day_start_ends_on_the_last_day_of_february(self):
        for years, end in [(1, date(2021, 2, 28)), (2, date(2022, 2, 28)),
                           (3, date(2023, 2, 28)), (4, date(2024, 2, 29)),
                           (5, date(2025, 2, 28))]:  # fmt: skip
            self.assertEqual(add_years(date(2020, 2, 29), years), end, years)
        programme = make_programme(
            self.gmina, template="poig83", durability_start=date(2016, 2, 29)
        )
        self.assertEqual(programme.durability_end, date(2021, 2, 28))

    def test_a_start_on_the_28th_of_february_keeps_its_day(self):
        self.assertEqual(add_years(date(2023, 2, 28), 1), date(2024, 2, 28))

    def test_no_end_without_a_start(self):
        programme = make_programme(self.gmina, template="ppgr")
        self.assertIsNone(programme.durability_end)
        self.assertEqual(programme.durability_state(date(2026, 1, 1)), "")


class CountdownTests(BaseTestCase):
    def test_it_counts_the_days_left(self):
        programme = make_programme(self.gmina, durability_start=date(2024, 1, 10))
        # 2029-01-10 is the last day.
        self.assertEqual(programme.durability_state(date(2024, 1, 9)), "before")
        self.assertEqual(programme.durability_state(date(2024, 1, 10)), "running")
        self.assertEqual(programme.days_left(date(2029, 1, 9)), 1)
        self.assertEqual(programme.days_left(date(2029, 1, 10)), 0)
        self.assertEqual(programme.durability_state(date(2029, 1, 11)), "over")
        self.assertIsNone(programme.days_left(date(2029, 1, 11)))


class ValidationTests(BaseTestCase):
    def programme(self, **fields):
        return Programme(gmina=self.gmina, name="Test", **fields)

    def test_it_needs_a_length_with_a_start(self):
        with self.assertRaises(ValidationError) as caught:
            self.programme(durability_start=date(2024, 1, 1)).full_clean()
        self.assertIn("durability_years", caught.exception.message_dict)

    def test_it_refuses_a_length_out_of_range(self):
        with self.assertRaises(ValidationError) as caught:
            self.programme(
                durability_start=date(2024, 1, 1), durability_years=0
            ).full_clean()
        self.assertIn("od 1 do 20 lat", str(caught.exception))

    def test_it_refuses_durability_before_the_programme(self):
        with self.assertRaises(ValidationError) as caught:
            self.programme(
                starts_on=date(2024, 1, 1),
                durability_start=date(2023, 12, 31),
                durability_years=5,
            ).full_clean()
        self.assertIn("durability_start", caught.exception.message_dict)

    def test_it_refuses_an_end_before_the_start(self):
        with self.assertRaises(ValidationError) as caught:
            self.programme(
                starts_on=date(2024, 1, 1), ends_on=date(2023, 1, 1)
            ).full_clean()
        self.assertIn("ends_on", caught.exception.message_dict)

    def test_it_refuses_a_window_that_is_not_one(self):
        with self.assertRaises(ValidationError) as caught:
            self.programme(reporting_windows="01.02–24.02 ok\nluty").full_clean()
        self.assertIn("Wiersz 2", str(caught.exception))
        with self.assertRaises(ValidationError) as caught:
            self.programme(reporting_windows="30.02–31.03").full_clean()
        self.assertIn("nie ma dnia 30.02", str(caught.exception))

    def test_names_are_unique_within_a_gmina(self):
        make_programme(self.gmina, name="eInclusion")
        make_programme(self.other_gmina, name="eInclusion")
        with self.assertRaises(IntegrityError):
            Programme.objects.create(gmina=self.gmina, name="eInclusion")


class WindowTests(BaseTestCase):
    def test_it_reads_windows_and_their_dates(self):
        windows = parse_windows("01.12–31.12 grudzień\n\n15.12 - 15.01 przełom roku")
        self.assertEqual(windows[0], Window((1, 12), (31, 12), "grudzień"))
        self.assertEqual(
            windows[1].dates(2025), (date(2025, 12, 15), date(2026, 1, 15))
        )

    def test_a_leap_day_window_closes_on_the_28th_in_a_common_year(self):
        (window,) = parse_windows("01.02–29.02")
        self.assertEqual(window.dates(2025)[1], date(2025, 2, 28))
        self.assertEqual(window.dates(2024)[1], date(2024, 2, 29))
