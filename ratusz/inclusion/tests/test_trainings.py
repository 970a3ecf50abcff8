"""Trainings: the rules, attendance and hours, the report rows, and the
screens (list, form, enrolment by search, attendance, the household's
trainings)."""

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from ratusz.gminas.models import Membership
from ratusz.gminas.tests.factory import make_member
from ratusz.inclusion import trainings
from ratusz.inclusion.access_log import AccessLog
from ratusz.inclusion.tests.factory import (
    at,
    make_household,
    make_programme,
    make_training,
)
from ratusz.inclusion.trainings import Participant, Training, trainings_report
from ratusz.test import BaseTestCase, make_village


class TrainingRulesTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.programme = make_programme(cls.gmina)
        cls.other_programme = make_programme(cls.gmina, "Granty PPGR", "ppgr")
        cls.anna = make_household(cls.gmina, cls.programme, "Kowalska")
        cls.jan = make_household(cls.gmina, cls.programme, "Nowak", first_name="Jan")
        cls.ppgr = make_household(cls.gmina, cls.other_programme, "Mazur")
        cls.foreign = make_household(
            cls.other_gmina, make_programme(cls.other_gmina), "Obca"
        )

    def test_it_checks_dates_hours_and_programme(self):
        other = make_programme(self.other_gmina, "Obcy")
        training = Training(
            gmina=self.gmina,
            programme=other,
            title="x",
            starts_at=at(5, 12),
            ends_at=at(5, 10),
            place="x",
            hours=Decimal("0"),
        )
        with self.assertRaises(ValidationError) as caught:
            training.full_clean()
        self.assertEqual(
            set(caught.exception.message_dict), {"ends_at", "hours", "programme"}
        )
        self.assertIn(
            "Koniec szkolenia musi być po jego początku.",
            caught.exception.message_dict["ends_at"],
        )

    def test_enrolment_stays_in_the_gmina_and_programme(self):
        training = make_training(self.gmina, self.programme)
        first = trainings.add_participant(training, self.anna)
        self.assertEqual(trainings.add_participant(training, self.anna), first)
        with self.assertRaisesMessage(ValidationError, "nie należy do tej gminy"):
            trainings.add_participant(training, self.foreign)
        with self.assertRaisesMessage(ValidationError, "nie należy do programu"):
            trainings.add_participant(training, self.ppgr)
        open_to_all = make_training(self.gmina, title="Otwarte")
        trainings.add_participant(open_to_all, self.ppgr)
        self.assertEqual(Participant.objects.count(), 2)

    def test_attendance_hours(self):
        training = make_training(self.gmina, hours=Decimal("4"))
        self.assertEqual(trainings.attendance_hours(training, False, Decimal(3)), 0)
        self.assertEqual(trainings.attendance_hours(training, True, None), 4)
        self.assertEqual(
            trainings.attendance_hours(training, True, Decimal("2.5")), Decimal("2.5")
        )
        with self.assertRaisesMessage(ValidationError, "od 0 do 4"):
            trainings.attendance_hours(training, True, Decimal("5"))

    def test_record_attendance_and_the_sums(self):
        training = make_training(self.gmina, self.programme)
        anna = trainings.add_participant(training, self.anna)
        jan = trainings.add_participant(training, self.jan)
        changed = trainings.record_attendance(
            training, [(anna, True, None), (jan, True, Decimal("1.5"))]
        )
        self.assertEqual(changed, 2)
        self.assertEqual(trainings.record_attendance(training, [(anna, True, None)]), 0)
        totals = Training.objects.with_totals().get(pk=training.pk)
        self.assertEqual(
            (totals.enrolled_count, totals.attended_count, totals.attended_hours),
            (2, 2, Decimal("5.5")),
        )
        trainings.record_attendance(training, [(jan, False, Decimal("1.5"))])
        jan.refresh_from_db()
        self.assertEqual((jan.attended, jan.hours_attended), (False, 0))
        totals = Training.objects.with_totals().get(pk=training.pk)
        self.assertEqual((totals.attended_count, totals.attended_hours), (1, 4))

    def test_the_report_rows(self):
        early = make_training(self.gmina, self.programme, "Internet", hours=Decimal(3))
        late = make_training(
            self.gmina,
            self.programme,
            "e-Urząd",
            starts_at=at(20, 9),
            ends_at=at(20, 12),
            place="Urząd",
            hours=Decimal("2.5"),
        )
        make_training(self.gmina, self.other_programme, "PPGR", starts_at=at(1))
        make_training(self.other_gmina, title="Obce")
        for training, hours in [(early, None), (late, None)]:
            rows = [
                (trainings.add_participant(training, h), True, hours)
                for h in (self.anna, self.jan)
            ]
            trainings.record_attendance(training, rows)

        title, headers, rows = trainings_report(self.gmina, self.programme)
        self.assertEqual(title, f"Szkolenia – Gmina Zawada – {self.programme.name}")
        self.assertEqual(
            headers, ["Data", "Temat", "Miejsce", "Uczestnicy", "Godziny razem"]
        )
        self.assertEqual(
            rows,
            [
                [date(2026, 10, 5), "Internet", "Świetlica", 2, 6],
                [date(2026, 10, 20), "e-Urząd", "Urząd", 2, 5],
            ],
        )
        _title, _headers, every = trainings_report(self.gmina)
        self.assertEqual([row[1] for row in every], ["PPGR", "Internet", "e-Urząd"])
        self.assertEqual(every[0][3:], [0, 0])

    def test_half_hours_are_floats_in_the_report(self):
        training = make_training(self.gmina, hours=Decimal("2.5"))
        trainings.record_attendance(
            training, [(trainings.add_participant(training, self.anna), True, None)]
        )
        _title, _headers, rows = trainings_report(self.gmina)
        self.assertEqual(rows[0][4], 2.5)
        self.assertIsInstance(rows[0][4], float)


class TrainingScreensTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.cora = make_member(cls.gmina, "cora", Membership.Role.COORDINATOR)
        cls.erin = make_member(cls.other_gmina, "erin", Membership.Role.COORDINATOR)
        cls.programme = make_programme(cls.gmina)
        cls.village = make_village(cls.gmina, "Łąki")
        cls.anna = make_household(
            cls.gmina, cls.programme, "Kowalska", village=cls.village
        )
        cls.jan = make_household(cls.gmina, cls.programme, "Nowak", first_name="Jan")
        cls.training = make_training(cls.gmina, cls.programme)

    def setUp(self):
        self.client.force_login(self.cora)

    def url(self, name, *args):
        return reverse(name, args=[self.gmina.pk, *args])

    def test_it_creates_and_edits_a_training(self):
        response = self.client.post(
            self.url("inclusion-training-add"),
            {
                "programme": self.programme.pk,
                "title": "Bezpieczeństwo w sieci",
                "starts_at": "2026-11-03T16:00",
                "ends_at": "2026-11-03T19:00",
                "place": "Biblioteka",
                "trainer": "Marek Zając",
                "hours": "3",
            },
        )
        training = Training.objects.get(title="Bezpieczeństwo w sieci")
        self.assertRedirects(
            response,
            self.url("inclusion-training", training.pk),
            fetch_redirect_response=False,
        )
        self.assertEqual(training.created_by, self.cora)
        self.assertEqual(timezone.localtime(training.starts_at).hour, 16)
        response = self.client.post(
            self.url("inclusion-training-edit", training.pk),
            {
                "title": "Bezpieczeństwo w sieci",
                "starts_at": "2026-11-03T16:00",
                "ends_at": "2026-11-03T15:00",
                "place": "Biblioteka",
                "hours": "3",
            },
        )
        self.assertContains(response, "Koniec szkolenia musi być po jego początku.")
        listing = self.client.get(self.url("inclusion-trainings"))
        self.assertContains(listing, "Bezpieczeństwo w sieci")
        self.assertContains(listing, "Podstawy komputera")

    def test_the_form_refuses_another_gminas_programme(self):
        response = self.client.post(
            self.url("inclusion-training-add"),
            {
                "programme": make_programme(self.other_gmina).pk,
                "title": "X",
                "starts_at": "2026-11-03T16:00",
                "ends_at": "2026-11-03T18:00",
                "place": "X",
                "hours": "2",
            },
        )
        self.assertEqual(response.status_code, 200)
        self.assertFalse(Training.objects.filter(title="X").exists())

    def test_it_finds_households_by_surname_or_village_and_enrols_them(self):
        detail = self.url("inclusion-training", self.training.pk)
        found = self.client.get(detail, {"q": "Kowal"})
        self.assertEqual(found.context["candidates"], [self.anna])
        by_village = self.client.get(detail, {"village": self.village.pk})
        self.assertEqual(by_village.context["candidates"], [self.anna])
        self.assertIsNone(self.client.get(detail).context["candidates"])
        response = self.client.post(
            self.url("inclusion-participant-add", self.training.pk),
            {"household": self.anna.pk, "q": "Kowal"},
        )
        self.assertRedirects(
            response, detail + "?q=Kowal", fetch_redirect_response=False
        )
        self.assertEqual(self.training.participants.get().household, self.anna)
        # Enrolled: no longer offered.
        self.assertEqual(
            self.client.get(detail, {"q": "Kowal"}).context["candidates"], []
        )

    def test_it_records_attendance_and_the_household_page_shows_it(self):
        anna = trainings.add_participant(self.training, self.anna)
        jan = trainings.add_participant(self.training, self.jan)
        url = self.url("inclusion-training-attendance", self.training.pk)
        response = self.client.post(
            url,
            {
                f"attended-{anna.pk}": "on",
                f"hours-{jan.pk}": "2",
                f"attended-{jan.pk}": "on",
            },
        )
        self.assertEqual(response.status_code, 302)
        anna.refresh_from_db()
        jan.refresh_from_db()
        self.assertEqual((anna.attended, anna.hours_attended), (True, 4))
        self.assertEqual((jan.attended, jan.hours_attended), (True, 2))
        detail = self.client.get(self.url("inclusion-training", self.training.pk))
        self.assertContains(detail, "<dd>6</dd>", html=True)
        household = self.client.get(self.url("inclusion-household", self.anna.pk))
        self.assertContains(household, "Podstawy komputera")
        self.assertContains(household, "godziny obecności razem: 4")

    def test_too_many_hours_are_refused_with_a_polish_message(self):
        anna = trainings.add_participant(self.training, self.anna)
        response = self.client.post(
            self.url("inclusion-training-attendance", self.training.pk),
            {f"attended-{anna.pk}": "on", f"hours-{anna.pk}": "9"},
        )
        self.assertContains(response, "Godziny obecności: od 0 do 4", status_code=400)
        anna.refresh_from_db()
        self.assertFalse(anna.attended)

    def test_it_removes_a_participant(self):
        anna = trainings.add_participant(self.training, self.anna)
        self.client.post(
            self.url("inclusion-participant-remove", self.training.pk, anna.pk)
        )
        self.assertFalse(self.training.participants.exists())

    def test_the_training_page_and_changes_are_logged(self):
        self.client.get(self.url("inclusion-training", self.training.pk))
        self.client.post(
            self.url("inclusion-participant-add", self.training.pk),
            {"household": self.anna.pk},
        )
        self.assertEqual(
            list(AccessLog.objects.order_by("pk").values_list("action", "subject")),
            [
                ("view", f"szkolenie #{self.training.pk}"),
                ("edit", f"szkolenie #{self.training.pk}"),
            ],
        )

    def test_another_gminas_household_cannot_be_enrolled(self):
        foreign = make_household(
            self.other_gmina, make_programme(self.other_gmina), "Obca"
        )
        response = self.client.post(
            self.url("inclusion-participant-add", self.training.pk),
            {"household": foreign.pk},
        )
        self.assertEqual(response.status_code, 404)
        self.assertFalse(Participant.objects.exists())

    def test_it_checks_ownership_and_role(self):
        anna = trainings.add_participant(self.training, self.anna)
        posts = [
            (
                self.url("inclusion-participant-add", self.training.pk),
                {"household": self.jan.pk},
            ),
            (self.url("inclusion-participant-remove", self.training.pk, anna.pk), {}),
            (
                self.url("inclusion-training-attendance", self.training.pk),
                {f"attended-{anna.pk}": "on"},
            ),
        ]
        for user, expected in [(self.alice, 302), (self.erin, 404)]:
            self.client.force_login(user)
            for url, data in posts:
                with self.subTest(user=user.username, url=url):
                    response = self.client.post(url, data)
                    self.assertEqual(response.status_code, expected)
        anna.refresh_from_db()
        self.assertFalse(anna.attended)
        self.assertEqual(Participant.objects.count(), 1)
