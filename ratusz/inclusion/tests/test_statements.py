"""The statement campaign's arithmetic: three windows of one programme
(past, current, future on the day), each statement's status on a day, the
same rule in SQL and in Python, and the report for the funding body."""

from datetime import date

from django.core.exceptions import ValidationError

from ratusz.inclusion import statements
from ratusz.inclusion.statements import Statement
from ratusz.inclusion.tests.factory import (
    make_holder,
    make_household,
    make_item,
    make_ppgr,
)
from ratusz.test import BaseTestCase

TODAY = date(2026, 6, 15)
S = Statement.Status


class ThreeWindowsTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.ppgr = make_ppgr(cls.gmina)
        cls.ala = make_holder(cls.gmina, cls.ppgr, "Adamska", "PP/1")
        cls.bea = make_holder(cls.gmina, cls.ppgr, "Bielska", "PP/2")
        cls.cyryl = make_holder(cls.gmina, cls.ppgr, "Cieślak", "PP/3")
        cls.dorota = make_holder(cls.gmina, cls.ppgr, "Dudek", "PP/4")
        # Not holders: no equipment, or an item back in stock.
        make_household(cls.gmina, cls.ppgr, "Bezsprzętu")
        make_item(cls.gmina, cls.ppgr, "PP/9")
        winter, summer, new_year = cls.ppgr.windows()
        cls.past, _ = statements.create_campaign(cls.ppgr, winter, 2026)
        cls.current, _ = statements.create_campaign(cls.ppgr, summer, 2026)
        cls.future, _ = statements.create_campaign(cls.ppgr, new_year, 2026)

    def statement(self, campaign, household):
        return campaign.statements.get(household=household)

    def record(self, campaign, household, day, today=TODAY):
        statements.record_statement(
            self.statement(campaign, household),
            submitted_on=day,
            received_how=Statement.Received.PAPER,
            today=today,
        )

    def statuses(self, campaign, today=TODAY):
        """{surname: status} computed in SQL, checked against Python."""
        found = {}
        for statement in campaign.statements.with_status(today):
            self.assertEqual(statement.status, statement.status_on(today))
            found[statement.household.surname] = statement.status
        return found

    def test_the_windows_fall_in_their_years(self):
        self.assertEqual(
            [(c.window_start, c.window_end) for c in (self.past, self.current)],
            [
                (date(2026, 2, 1), date(2026, 2, 24)),
                (date(2026, 6, 1), date(2026, 6, 30)),
            ],
        )
        self.assertEqual(self.future.window_start, date(2026, 12, 1))
        self.assertEqual(self.future.window_end, date(2027, 1, 15))
        self.assertEqual(
            [c.phase(TODAY) for c in (self.past, self.current, self.future)],
            ["closed", "open", "future"],
        )

    def test_only_holders_get_a_statement(self):
        self.assertEqual(
            sorted(
                self.current.statements.values_list("household__surname", flat=True)
            ),
            ["Adamska", "Bielska", "Cieślak", "Dudek"],
        )

    def test_a_past_window_is_submitted_late_or_missing(self):
        self.record(self.past, self.ala, date(2026, 2, 10))
        self.record(self.past, self.bea, date(2026, 3, 1))
        self.record(self.past, self.dorota, date(2026, 2, 24))  # the last day
        self.assertEqual(
            self.statuses(self.past),
            {
                "Adamska": S.SUBMITTED,
                "Bielska": S.LATE,
                "Cieślak": S.MISSING,
                "Dudek": S.SUBMITTED,
            },
        )
        self.assertEqual(
            self.past.counts(TODAY),
            {S.AWAITING: 0, S.SUBMITTED: 2, S.LATE: 1, S.MISSING: 1},
        )
        followed = self.past.statements.follow_up(TODAY)
        self.assertEqual(
            sorted(followed.values_list("household__surname", flat=True)),
            ["Bielska", "Cieślak"],
        )

    def test_the_current_window_awaits_until_its_last_day_then_misses(self):
        self.record(self.current, self.ala, date(2026, 6, 5))
        expected = {"Adamska": S.SUBMITTED, "Bielska": S.AWAITING}
        for day, status in [
            (TODAY, S.AWAITING),
            (date(2026, 6, 30), S.AWAITING),
            (date(2026, 7, 1), S.MISSING),
        ]:
            found = self.statuses(self.current, day)
            self.assertEqual(found["Adamska"], expected["Adamska"])
            self.assertEqual(found["Bielska"], status, day)
        # Handed in after the window: late, whenever it is looked at.
        self.record(self.current, self.bea, date(2026, 7, 3), today=date(2026, 7, 3))
        self.assertEqual(
            self.statuses(self.current, date(2027, 1, 1))["Bielska"], S.LATE
        )

    def test_a_future_window_awaits_and_refuses_dates_before_it(self):
        self.assertEqual(set(self.statuses(self.future).values()), {S.AWAITING})
        with self.assertRaisesMessage(ValidationError, "otwiera się 01.12.2026"):
            self.record(
                self.future, self.ala, date(2026, 11, 30), today=date(2026, 12, 2)
            )
        with self.assertRaisesMessage(ValidationError, "z przyszłości"):
            self.record(
                self.future, self.ala, date(2026, 12, 5), today=date(2026, 12, 2)
            )
        # The window over New Year: a statement of 10 January is in time.
        self.record(self.future, self.ala, date(2027, 1, 10), today=date(2027, 2, 1))
        self.assertEqual(
            self.statuses(self.future, date(2027, 2, 1)),
            {
                "Adamska": S.SUBMITTED,
                "Bielska": S.MISSING,
                "Cieślak": S.MISSING,
                "Dudek": S.MISSING,
            },
        )

    def test_starting_again_adds_only_new_holders(self):
        winter = self.ppgr.windows()[0]
        again, added = statements.create_campaign(self.ppgr, winter, 2026)
        self.assertEqual((again, added), (self.past, 0))
        make_holder(self.gmina, self.ppgr, "Ernest", "PP/5")
        again, added = statements.create_campaign(self.ppgr, winter, 2026)
        self.assertEqual((again, added), (self.past, 1))
        self.assertEqual(self.past.statements.count(), 5)

    def test_windows_not_yet_started_are_offered(self):
        offered = statements.open_windows(self.ppgr, TODAY)
        starts = [first for _window, _year, first, _last in offered]
        self.assertNotIn(date(2026, 2, 1), starts)  # started
        self.assertIn(date(2025, 12, 1), starts)
        self.assertIn(date(2027, 6, 1), starts)
        self.assertEqual(starts, sorted(starts))

    def test_the_report_has_a_row_per_window(self):
        self.record(self.past, self.ala, date(2026, 2, 10))
        self.record(self.past, self.bea, date(2026, 3, 1))
        self.record(self.current, self.ala, date(2026, 6, 2))
        title, header, rows = statements.statements_report(self.gmina, today=TODAY)
        self.assertIn("oświadczenia", title.lower())
        self.assertEqual(
            header,
            [
                "program",
                "okno",
                "gospodarstwa",
                "złożone w terminie",
                "złożone po terminie",
                "brak",
                "oczekuje",
            ],
        )
        self.assertEqual(
            rows,
            [
                ["Granty PPGR", "01.02.2026–24.02.2026", 4, 1, 1, 2, 0],
                ["Granty PPGR", "01.06.2026–30.06.2026", 4, 1, 0, 0, 3],
                ["Granty PPGR", "01.12.2026–15.01.2027", 4, 0, 0, 0, 4],
            ],
        )
        # Another gmina's report, and another programme's, are empty.
        self.assertEqual(statements.statements_report(self.other_gmina)[2], [])
        other = make_ppgr(self.gmina, "Inny program")
        self.assertEqual(
            statements.statements_report(self.gmina, other, today=TODAY)[2], []
        )

    def test_counts_take_a_fixed_number_of_queries(self):
        with self.assertNumQueries(1):
            self.past.counts(TODAY)
