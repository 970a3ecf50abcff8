"""Office hours, Polish holidays and the automatic reply outside them."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import time_machine

from ratusz.messenger import hours, services
from ratusz.messenger.models import Conversation, Holiday, Message, OfficeHours
from ratusz.test import BaseTestCase
from ratusz.website.tests.factory_procedures import make_procedure

WARSAW = ZoneInfo("Europe/Warsaw")


def at(*args) -> datetime:
    return datetime(*args, tzinfo=WARSAW)


class HolidayTests(BaseTestCase):
    def test_easter_is_computed(self):
        self.assertEqual(hours.easter(2024), date(2024, 3, 31))
        self.assertEqual(hours.easter(2025), date(2025, 4, 20))
        self.assertEqual(hours.easter(2026), date(2026, 4, 5))
        self.assertEqual(hours.easter(2027), date(2027, 3, 28))

    def test_the_movable_feasts_follow_easter(self):
        days = hours.polish_holidays(2026)
        self.assertEqual(days[date(2026, 4, 6)], "Poniedziałek Wielkanocny")
        self.assertEqual(days[date(2026, 5, 24)], "Zielone Świątki")
        self.assertEqual(days[date(2026, 6, 4)], "Boże Ciało")
        self.assertEqual(len(days), 14)

    def test_christmas_eve_is_off_since_2025(self):
        self.assertNotIn(date(2024, 12, 24), hours.polish_holidays(2024))
        self.assertIn(date(2025, 12, 24), hours.polish_holidays(2025))
        self.assertIn(date(2026, 12, 24), hours.polish_holidays(2026))


class OpeningTests(BaseTestCase):
    def test_default_hours_are_weekdays_from_7_30_to_15_30(self):
        self.assertFalse(hours.is_open(self.gmina, at(2026, 11, 23, 7, 29)))
        self.assertTrue(hours.is_open(self.gmina, at(2026, 11, 23, 7, 30)))
        self.assertTrue(hours.is_open(self.gmina, at(2026, 11, 27, 15, 29)))
        self.assertFalse(hours.is_open(self.gmina, at(2026, 11, 27, 15, 30)))
        self.assertFalse(hours.is_open(self.gmina, at(2026, 11, 28, 10, 0)))

    def test_next_opening_crosses_the_weekend(self):
        friday_evening = at(2026, 11, 27, 20, 15)
        self.assertEqual(
            hours.next_opening(self.gmina, friday_evening), at(2026, 11, 30, 7, 30)
        )
        # Open right now: now.
        monday = at(2026, 11, 30, 9, 0)
        self.assertEqual(hours.next_opening(self.gmina, monday), monday)

    def test_a_public_holiday_is_closed(self):
        # 11 November 2026 is a Wednesday.
        self.assertFalse(hours.is_open(self.gmina, at(2026, 11, 11, 10, 0)))
        self.assertEqual(
            hours.next_opening(self.gmina, at(2026, 11, 10, 16, 0)),
            at(2026, 11, 12, 7, 30),
        )

    def test_the_gminas_own_hours_and_days_off_count(self):
        OfficeHours.objects.create(
            gmina=self.gmina,
            weekly={"0": [["08:00", "18:00"]], "2": [["10:00", "12:00"]]},
        )
        Holiday.objects.create(gmina=self.gmina, date=date(2026, 11, 30), name="x")
        self.assertFalse(hours.is_open(self.gmina, at(2026, 11, 24, 9, 0)))  # Tue
        self.assertTrue(hours.is_open(self.gmina, at(2026, 11, 25, 11, 0)))  # Wed
        # Monday 30 is the gmina's day off: Wednesday 10:00 next.
        self.assertEqual(
            hours.next_opening(self.gmina, at(2026, 11, 27, 12, 0)),
            at(2026, 12, 2, 10, 0),
        )
        # Other gminas keep their defaults.
        self.assertTrue(hours.is_open(self.other_gmina, at(2026, 11, 24, 9, 0)))

    def test_it_describes_the_opening_in_polish(self):
        self.assertEqual(
            hours.describe_opening(at(2026, 11, 30, 7, 30)),
            "w poniedziałek 30 listopada po godz. 7:30",
        )
        self.assertEqual(
            hours.describe_opening(at(2026, 12, 1, 10, 0)),
            "we wtorek 1 grudnia po godz. 10:00",
        )


class AutoReplyTests(BaseTestCase):
    # The automatic reply is written once the resident's message commits.
    def _write(self, text="Kiedy odbiór gabarytów?", **kwargs):
        with self.captureOnCommitCallbacks(execute=True):
            return services.open_conversation(self.gmina, body=text, **kwargs)[0]

    def _receive(self, conversation, text):
        with self.captureOnCommitCallbacks(execute=True):
            return services.receive(conversation, text)

    def _system(self, conversation):
        return list(
            conversation.messages.filter(author=Message.Author.SYSTEM).order_by("pk")
        )

    def test_one_reply_per_closed_period_across_a_weekend(self):
        with time_machine.travel(at(2026, 11, 27, 20, 0), tick=False):
            conversation = self._write()
        replies = self._system(conversation)
        self.assertEqual(len(replies), 1)
        self.assertIn(
            "Odpowiemy w poniedziałek 30 listopada po godz. 7:30", replies[0].body
        )
        self.assertIsNotNone(replies[0].published_at)

        with time_machine.travel(at(2026, 11, 28, 11, 0), tick=False):
            self._receive(conversation, "Jeszcze jedno pytanie")
        self.assertEqual(len(self._system(conversation)), 1)

        with time_machine.travel(at(2026, 11, 30, 9, 0), tick=False):
            self._receive(conversation, "W godzinach pracy")
        self.assertEqual(len(self._system(conversation)), 1)

        # A new closed period: a new automatic reply.
        with time_machine.travel(at(2026, 11, 30, 16, 0), tick=False):
            self._receive(conversation, "Po godzinach")
        replies = self._system(conversation)
        self.assertEqual(len(replies), 2)
        self.assertIn("we wtorek 1 grudnia po godz. 7:30", replies[1].body)
        # An automatic reply is no staff response.
        conversation.refresh_from_db()
        self.assertIsNone(conversation.first_response_at)

    def test_no_reply_inside_office_hours(self):
        with time_machine.travel(at(2026, 11, 24, 10, 0), tick=False):
            conversation = self._write()
        self.assertEqual(self._system(conversation), [])

    def test_christmas_eve_and_the_holidays(self):
        with time_machine.travel(at(2026, 12, 23, 16, 0), tick=False):
            conversation = self._write()
        (reply,) = self._system(conversation)
        self.assertIn("w poniedziałek 28 grudnia po godz. 7:30", reply.body)

    def test_a_holiday_on_a_weekday(self):
        with time_machine.travel(at(2026, 11, 11, 10, 0), tick=False):
            conversation = self._write()
        (reply,) = self._system(conversation)
        self.assertIn("w czwartek 12 listopada po godz. 7:30", reply.body)

    def test_the_mayors_switch_holds_the_reply_back(self):
        OfficeHours.objects.create(
            gmina=self.gmina, available_until=at(2026, 11, 24, 23, 59)
        )
        with time_machine.travel(at(2026, 11, 24, 21, 0), tick=False):
            conversation = self._write()
        self.assertEqual(self._system(conversation), [])
        # After the evening the office is closed again.
        with time_machine.travel(at(2026, 11, 25, 6, 0), tick=False):
            self._receive(conversation, "Dzień dobry")
        (reply,) = self._system(conversation)
        self.assertIn("w środę 25 listopada po godz. 7:30", reply.body)

    def test_the_gminas_own_text_is_used(self):
        OfficeHours.objects.create(
            gmina=self.gmina, auto_reply="Wójt odpisze {kiedy}. Pozdrawiamy!"
        )
        with time_machine.travel(at(2026, 11, 27, 20, 0), tick=False):
            conversation = self._write()
        (reply,) = self._system(conversation)
        self.assertTrue(
            reply.body.startswith(
                "Wójt odpisze w poniedziałek 30 listopada po godz. 7:30. Pozdrawiamy!"
            )
        )

    def test_it_links_the_best_matching_procedures(self):
        page = make_procedure(
            self.gmina,
            "Odbiór odpadów wielkogabarytowych",
            summary="Jak oddać stare meble i inne gabaryty.",
        )
        make_procedure(self.gmina, "Wydanie dowodu osobistego")
        with time_machine.travel(at(2026, 11, 27, 20, 0), tick=False):
            conversation = self._write("Jak oddać stare meble? Gabaryty")
        (reply,) = self._system(conversation)
        self.assertIn(
            "• Odbiór odpadów wielkogabarytowych – Jak oddać stare", reply.body
        )
        self.assertIn(page.get_full_url(), reply.body)
        self.assertNotIn("dowodu", reply.body)

    def test_staff_written_conversations_get_none(self):
        with time_machine.travel(at(2026, 11, 27, 20, 0), tick=False):
            conversation = self._write(
                source=Conversation.Source.STAFF, created_by=self.alice
            )
        self.assertEqual(self._system(conversation), [])

    def test_a_broken_table_does_not_stop_the_message(self):
        OfficeHours.objects.create(gmina=self.gmina, weekly={"0": [["x"]], "1": 5})
        with time_machine.travel(at(2026, 11, 27, 20, 0), tick=False):
            conversation = self._write()
        # The resident's message and a reply without a date.
        self.assertEqual(conversation.messages.count(), 2)
        (reply,) = self._system(conversation)
        self.assertIn("Odpowiemy w najbliższym dniu pracy urzędu.", reply.body)
